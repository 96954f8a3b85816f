# The everyday built-ins on a local federation of three hospitals, against R's own functions on the pooled rows.

test_that("mpc_t_test matches t.test (Welch) and prints as an htest", {
  lung <- lung_pooled()
  reference <- stats::t.test(age ~ sex, data = lung)
  test <- mpc_t_test(lung_federation(), age ~ sex, levels = c(1, 2))
  expect_relative(test$statistic, reference$statistic, 1e-6)
  expect_relative(test$parameter, reference$parameter, 1e-6)
  expect_relative(test$p.value, reference$p.value, 1e-6)
  expect_relative(test$conf.int, reference$conf.int, 1e-6)
  expect_relative(test$estimate, reference$estimate, 1e-9)
  expect_equal(names(test$estimate), names(reference$estimate))
  printed <- capture.output(print(test))
  # Line for line, but the interval's digits (checked above: its 7th digit may round the other way).
  expected <- capture.output(print(reference))
  interval <- grep("confidence interval", expected) + 1
  expect_equal(printed[-c(1:4, interval)], expected[-c(1:4, interval)])
  expect_true(any(grepl("Welch Two Sample t-test", printed)))
})

test_that("mpc_table counts as table does, and mpc_chisq_test matches chisq.test", {
  lung <- lung_pooled()
  reference <- stats::chisq.test(table(sex = lung$sex, status = lung$status))
  counts <- mpc_table(lung_federation(), "sex", 1:2, "status", 0:1)
  expect_equal(as.vector(counts), as.vector(table(lung$sex, lung$status)))
  expect_equal(names(dimnames(counts)), c("sex", "status"))
  test <- mpc_chisq_test(lung_federation(), "sex", 1:2, "status", 0:1)
  expect_relative(test$statistic, reference$statistic, 1e-9)
  expect_relative(test$p.value, reference$p.value, 1e-9)
  expect_equal(test$parameter, reference$parameter)
  expect_relative(test$expected, reference$expected, 1e-9)
  expect_equal(test$method, reference$method)
  # Without the correction, and a 2 x 3 table of ph.ecog 0..2 (the row without ph.ecog is in no cell).
  plain <- mpc_chisq_test(lung_federation(), "sex", 1:2, "ph.ecog", 0:2)
  kept <- lung[!is.na(lung$ph.ecog) & lung$ph.ecog %in% 0:2, ]
  expect_relative(plain$statistic, stats::chisq.test(table(kept$sex, kept$ph.ecog))$statistic, 1e-9)
  one_way <- mpc_table(lung_federation(), "ph.ecog", 0:2)
  expect_equal(as.vector(one_way), as.vector(table(kept$ph.ecog)))
})

test_that("mpc_summary matches mean, sd and quantile on the pooled rows", {
  lung <- lung_pooled()
  s <- mpc_summary(lung_federation(), "age", lower = 0, upper = 128, resolution = 1, probs = c(0.1, 0.5, 0.9))
  expect_equal(s$n, nrow(lung))
  expect_relative(s$mean, mean(lung$age), 1e-9)
  expect_relative(s$sd, stats::sd(lung$age), 1e-9)
  expect_relative(s$quantiles, grid_quantile(lung$age, c(0.1, 0.5, 0.9)), 1e-9)
  # At most (m + 1) / 2 = 2 ranks from R's type 7 away from the ends; whole-year ages are dense, so within 2 years.
  expect_true(all(abs(s$quantiles - stats::quantile(lung$age, c(0.1, 0.5, 0.9))) <= 2))
  expect_equal(names(s$quantiles), names(stats::quantile(lung$age, c(0.1, 0.5, 0.9))))
  expect_output(print(s), "Mean")
})

test_that("mpc_lm matches summary(lm) on the pooled rows, leaving out rows with a missing value", {
  lung <- lung_pooled()
  reference <- summary(stats::lm(time ~ age + sex + ph.ecog, data = lung))
  fit <- mpc_lm(lung_federation(), time ~ age + sex + ph.ecog)
  expect_equal(rownames(fit$coefficients), rownames(reference$coefficients))
  expect_equal(colnames(fit$coefficients), colnames(reference$coefficients))
  expect_relative(fit$coefficients[, "Estimate"], reference$coefficients[, "Estimate"], 1e-6)
  expect_relative(fit$coefficients[, "Std. Error"], reference$coefficients[, "Std. Error"], 1e-6)
  expect_relative(fit$coefficients[, "t value"], reference$coefficients[, "t value"], 1e-6)
  expect_relative(fit$sigma, reference$sigma, 1e-6)
  expect_equal(fit$df[2], reference$df[2])
  expect_equal(fit$n, nrow(lung) - 1)
  expect_true(abs(fit$r.squared - reference$r.squared) <= 1e-6)
  expect_true(abs(fit$adj.r.squared - reference$adj.r.squared) <= 1e-6)
  expect_relative(fit$fstatistic, reference$fstatistic, 1e-5)
  printed <- capture.output(print(fit))
  expect_true(any(grepl("^Residual standard error: 205.9 on 223 degrees of freedom", printed)))
  expect_true(any(grepl("^ph.ecog +-56.6", printed)))
})

test_that("mpc_table(suppress = TRUE) gives NA for a small cell and for what would give it away", {
  lung <- lung_pooled()
  # One patient has ph.ecog 3: below the hospitals' minimum cell count of 3, so shown as suppressed rather than refused.
  con <- mpc_connect(local = lung_files(), allow_suppression = TRUE)
  counts <- mpc_table(con, "sex", 1:2, "ph.ecog", 0:3, suppress = TRUE)
  reference <- stats::addmargins(table(sex = lung$sex, ph.ecog = factor(lung$ph.ecog, levels = 0:3)))
  expect_equal(dim(counts), dim(reference))
  expect_equal(dimnames(counts), dimnames(reference))
  small <- which(reference[1:2, "3"] == 1)
  expect_true(is.na(counts[small, "3"]))
  # Every shown entry is R's count; no line holds a single NA, which its margin would give away.
  shown <- !is.na(counts)
  expect_equal(unclass(counts)[shown], unclass(reference)[shown])
  expect_false(any(rowSums(!shown) == 1) || any(colSums(!shown) == 1))
  expect_error(mpc_chisq_test(con, "sex", 1:2, "ph.ecog", 0:3, suppress = TRUE), "suppressed")
})
