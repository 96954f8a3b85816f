# Regenerates the expected printouts of the CLI's tables from R itself:
#   cd tests/Mpc.Cli.Tests/Reference && LC_ALL=C.UTF-8 Rscript print-reference.R
# Each case writes NAME.input (the result object's numbers at full precision, as the session would reveal them)
# and NAME.txt (what R prints for the same numbers). The tests feed NAME.input to the CLI's printers.
suppressPackageStartupMessages(library(survival))
options(width = 80, digits = 7)
writeInput <- function(name, values) {
  lines <- vapply(names(values), function(k) {
    v <- values[[k]]
    paste0(k, "=", paste(if (is.numeric(v)) sprintf("%.17g", v) else v, collapse = ","))
  }, "")
  writeLines(c(paste0("# ", R.version.string, ", survival ", packageVersion("survival")), lines), paste0(name, ".input"))
}
writePrint <- function(name, expr) writeLines(capture.output(expr), paste0(name, ".txt"))

# survdiff: the table print.survdiff prints (without its Call), and the chi-square line.
survdiffCase <- function(name, fit, group, levels) {
  writeInput(name, list(n = fit$n, observed = fit$obs, expected = fit$exp, chi2 = fit$chisq, df = length(fit$n) - 1,
                        p_value = pchisq(fit$chisq, length(fit$n) - 1, lower.tail = FALSE),
                        param.group = group, param.levels = paste(levels, collapse = ",")))
  out <- capture.output(print(fit))
  writeLines(out[-(1:3)], paste0(name, ".txt"))
  # Without the variance matrix: the same table less its last column, as R prints that matrix.
  temp <- cbind(fit$n, fit$obs, fit$exp, (fit$obs - fit$exp)^2 / fit$exp)
  dimnames(temp) <- list(names(fit$n), c("N", "Observed", "Expected", "(O-E)^2/E"))
  writePrint(paste0(name, "-novariance"), print(temp, digits = 3, quote = FALSE))
}
survdiffCase("survdiff-sex", survdiff(Surv(time, status) ~ sex, data = lung), "sex", c(1, 2))
survdiffCase("survdiff-celltype", survdiff(Surv(time, status) ~ celltype, data = veteran), "celltype", levels(veteran$celltype))

# Coefficient tables: printCoefmat as summary.glm and summary.lm call it, stars and legend included.
coefCase <- function(name, fit, extra = list()) {
  s <- coef(summary(fit))
  writeInput(name, c(list(coefficients = s[, 1], standard_errors = s[, 2], coefficients.labels = paste(rownames(s), collapse = ",")), extra))
  writePrint(name, printCoefmat(s, digits = max(3L, getOption("digits") - 3L), signif.stars = TRUE))
}
coefCase("glm-am", glm(am ~ hp + wt, family = binomial, data = mtcars))
coefCase("glm-nostars", glm(am ~ qsec, family = binomial, data = mtcars))
lmCase <- function(name, fit) {
  s <- summary(fit)
  f <- s$fstatistic
  coefCase(name, fit, list(t_values = s$coefficients[, 3], p_values = s$coefficients[, 4], sigma = s$sigma, df = s$df[2],
                           r_squared = s$r.squared, adj_r_squared = s$adj.r.squared, f_statistic = unname(f),
                           f_p_value = pf(f[1], f[2], f[3], lower.tail = FALSE), n = nrow(fit$model)))
  # summary.lm's lines after the table.
  out <- capture.output(print(s))
  writeLines(out[(grep("^Residual standard error", out)):(length(out) - 1)], paste0(name, "-fit.txt"))
}
lmCase("lm-mpg", lm(mpg ~ wt + hp, data = mtcars))
lmCase("lm-intercept", lm(mpg ~ wt, data = mtcars))

# Named vectors as print shows them.
vectorCase <- function(name, x) {
  writeInput(name, list(values = unname(x), values.labels = paste(names(x), collapse = ",")))
  writePrint(name, print(x))
}
vectorCase("vector-totals", colSums(lung[, c("time", "age")]))
vectorCase("vector-means", colMeans(mtcars))
vectorCase("vector-small", c(alpha = 0.000123456, beta = 12345.678, gamma = -2.5))

# htest: Welch's t-test and the chi-square test, from the numbers the protocols reveal.
tt <- t.test(age ~ sex, data = lung)
g <- split(lung$age, lung$sex)
writeInput("htest-t", list(n = lengths(g), mean = sapply(g, mean), variance = sapply(g, var), t = tt$statistic, df = tt$parameter,
                           p_value = tt$p.value, conf_int = as.numeric(tt$conf.int), param.value = "age", param.group = "sex", param.levels = "1,2"))
writePrint("htest-t", print(tt))
counts <- table(lung$sex, lung$status)
ct <- chisq.test(counts)
writeInput("htest-chisq", list(counts = as.vector(t(counts)), counts.shape = dim(counts), chi2 = ct$statistic, df = ct$parameter, p_value = ct$p.value,
                               param.row = "sex", param.row_levels = "1,2", param.column = "status", param.column_levels = "1,2"))
writePrint("htest-chisq", print(ct))
ct1 <- chisq.test(table(veteran$celltype))
writeInput("htest-chisq-oneway", list(counts = as.vector(table(veteran$celltype)), chi2 = ct1$statistic, df = ct1$parameter, p_value = ct1$p.value,
                                      param.row = "celltype", param.row_levels = paste(levels(veteran$celltype), collapse = ",")))
writePrint("htest-chisq-oneway", print(ct1))

# Tables of counts as print.table shows them (the numbers are those of htest-chisq and htest-chisq-oneway).
writePrint("table-sex-status", print(table(sex = lung$sex, status = lung$status)))
writePrint("table-celltype", print(table(celltype = veteran$celltype)))

# Tables with suppressed entries (suppress=true): the revealed counts with 0 where suppressed, the margins and the
# pattern of the table extended by them; R's addmargins with NA there, printed with na.print = "*" as the CLI marks them.
ward <- as.table(matrix(c(15, 14, 2, 11, 14, 9), 2, byrow = TRUE, dimnames = list(ward = c("a", "b"), outcome = c("x", "y", "z"))))
hidden <- rbind(c(FALSE, TRUE, TRUE, FALSE), c(FALSE, TRUE, TRUE, FALSE), c(FALSE, FALSE, FALSE, FALSE))
shown <- addmargins(ward)
shown[hidden] <- 0
writeInput("table-suppressed-ward", list(counts = as.vector(t(shown[1:2, 1:3])), counts.shape = c(2, 3), row_totals = shown[1:2, 4],
                                         column_totals = shown[3, 1:3], total = shown[3, 4], suppressed = as.numeric(t(hidden)),
                                         suppressed.shape = c(3, 4), param.row = "ward", param.row_levels = "a,b", param.column = "outcome",
                                         param.column_levels = "x,y,z", param.suppress = "true"))
shown[hidden] <- NA
writePrint("table-suppressed-ward", print(shown, na.print = "*"))
ecog <- as.table(array(c(63, 113, 50, 1, 227), dim = 5, dimnames = list(ph.ecog = c("0", "1", "2", "3", "Sum"))))
hidden <- rbind(c(FALSE, FALSE), c(FALSE, FALSE), c(TRUE, TRUE), c(TRUE, TRUE), c(TRUE, TRUE))
writeInput("table-suppressed-ecog", list(counts = c(63, 113, 0, 0), total = 0, suppressed = as.numeric(t(hidden)), suppressed.shape = c(5, 2),
                                         param.row = "ph.ecog", param.row_levels = "0,1,2,3", param.suppress = "true"))
ecog[hidden[, 1]] <- NA
writePrint("table-suppressed-ecog", print(ecog, na.print = "*"))
