#' Linear regression on the pooled rows of all parties
#'
#' Fits `lm(outcome ~ features)` under MPC with the built-in
#' `linear-regression`: only the coefficients, their standard errors, the
#' residual standard error, R-squared and n are revealed; t values, p-values,
#' adjusted R-squared and the F test follow from them, as `summary(lm)` has
#' them. Rows with a missing value are left out, as `lm` leaves them out; no
#' residuals are revealed. A factor (a text or numeric column named in
#' `factors` with its levels) is dummy-coded by each party on its own rows
#' with treatment contrasts, the first level the reference, and its
#' coefficients are named as `lm` names them (`sexfemale`); rows of no listed
#' level are left out, as `lm` leaves out the `NA` of `factor(x, levels =)`.
#' Every party refuses when one of its own levels (or its rows of no level)
#' holds fewer rows than its minimum cell count (but not 0).
#'
#' @param con A connection from [mpc_connect()].
#' @param formula `outcome ~ x1 + x2` over column names (plain columns, and
#'   interactions `a:b` or `a * b` of columns that are terms themselves;
#'   `- 1` drops the intercept), or the outcome column's name with `features`.
#' @param features The feature columns, when `formula` is a column name.
#' @param factors A named list: for each feature that is a factor, its levels
#'   (the client cannot see the data, so they are named), such as
#'   `list(sex = c("male", "female"), ph.ecog = 0:2)`; as
#'   `factor(x, levels = ...)` in the data before `lm`.
#' @param ... Further parameters of the protocol (`dataset`).
#' @return An object of class `mpc_lm`: `coefficients` (the table of
#'   `summary(lm)`: Estimate, Std. Error, t value, Pr(>|t|)), `sigma`, `df`,
#'   `r.squared`, `adj.r.squared`, `fstatistic`, `n`, `call`, `session`;
#'   `coef` gives the estimates.
#' @export
mpc_lm <- function(con, formula, features = NULL, factors = list(), ...) {
  interactions <- NULL
  original <- formula
  if (inherits(formula, "formula")) {
    # Interaction terms (a:b, or those of a * b) go to the protocol's 'interactions'; the rest are plain columns.
    labels <- attr(stats::terms(formula), "term.labels")
    crossed <- labels[grepl(":", labels, fixed = TRUE)]
    parts <- strsplit(crossed, ":", fixed = TRUE)
    if (!all(unlist(parts) %in% labels))
      stop("mpc_lm needs each column of an interaction as a term of its own too (a * b, or a + b + a:b)", call. = FALSE)
    if (length(crossed)) {
      interactions <- paste(crossed, collapse = ";")
      formula <- stats::update(formula, stats::as.formula(paste(". ~ . -", paste(crossed, collapse = " - "))))
    }
  }
  model <- mpc_glm_terms(formula, features)
  if (length(factors) && (is.null(names(factors)) || !all(names(factors) %in% model$features)))
    stop("factors = list(column = levels, ...) names features of the model", call. = FALSE)
  coded <- if (length(factors))
    paste0(names(factors), ":", vapply(factors, function(l) paste(as.character(l), collapse = ","), character(1)), collapse = ";")
  result <- mpc_run(con, "linear-regression", c(list(outcome = model$outcome, features = model$features,
                                                     intercept = model$intercept, factors = coded,
                                                     interactions = interactions), list(...)))
  out <- result$outputs
  table <- cbind(Estimate = out$coefficients, `Std. Error` = out$standard_errors, `t value` = out$t_values,
                 `Pr(>|t|)` = out$p_values)
  structure(list(
    coefficients = table, sigma = out$sigma, df = c(length(out$coefficients), out$df), r.squared = out$r_squared,
    adj.r.squared = out$adj_r_squared, fstatistic = stats::setNames(out$f_statistic, c("value", "numdf", "dendf")),
    f.p.value = out$f_p_value, n = out$n, formula = if (inherits(original, "formula")) original else model$formula, call = match.call(), session = result$session
  ), class = "mpc_lm")
}

#' @export
coef.mpc_lm <- function(object, ...) object$coefficients[, "Estimate"]

#' @export
print.mpc_lm <- function(x, digits = max(3L, getOption("digits") - 3L), signif.stars = getOption("show.signif.stars"), ...) {
  cat("\nCall:\n")
  dput(x$call)
  cat("\nFormula: ", deparse(x$formula), ", on ", length(x$session$parties), " parties under MPC (n = ", x$n, ")\n", sep = "")
  cat("\nCoefficients:\n")
  stats::printCoefmat(x$coefficients, digits = digits, signif.stars = signif.stars, na.print = "NA", ...)
  # As print.summary.lm words it.
  cat("\nResidual standard error:", format(signif(x$sigma, digits)), "on", x$df[2], "degrees of freedom")
  cat("\nMultiple R-squared: ", formatC(x$r.squared, digits = digits))
  cat(",\tAdjusted R-squared: ", formatC(x$adj.r.squared, digits = digits),
      "\nF-statistic:", formatC(x$fstatistic[1L], digits = digits), "on", x$fstatistic[2L], "and",
      x$fstatistic[3L], "DF,  p-value:", format.pval(x$f.p.value, digits = digits))
  cat("\n(residuals are not revealed)\n\n")
  invisible(x)
}

#' @export
summary.mpc_lm <- function(object, ...) object
