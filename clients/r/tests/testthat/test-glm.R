# Logistic regression on a local federation of three hospitals, against R's glm on the pooled rows.

test_that("mpc_glm matches glm(family = binomial) and prints its coefficient table", {
  lung <- lung_pooled()
  reference <- summary(stats::glm(status ~ age + sex, family = stats::binomial, data = lung))$coefficients
  fit <- mpc_glm(lung_federation(), status ~ age + sex)
  expect_equal(names(coef(fit)), rownames(reference))
  expect_equal(unname(coef(fit)), unname(reference[, "Estimate"]), tolerance = 1e-3)
  expect_true(all(abs(coef(fit) - reference[, "Estimate"]) <= 1e-3 * pmax(1, abs(reference[, "Estimate"]))))
  expect_true(all(abs(fit$standard_errors - reference[, "Std. Error"]) <= 1e-3 * pmax(1, reference[, "Std. Error"])))
  expect_true(fit$converged)
  table <- summary(fit)$coef_table
  expect_equal(colnames(table), colnames(reference))
  expect_true(all(abs(table[, "Pr(>|z|)"] - reference[, "Pr(>|z|)"]) <= 1e-3))
  printed <- capture.output(print(fit))
  expect_true(any(grepl("^sex +-1\\.048", printed)))
  # n, deviances and AIC against glm's on the pooled rows, and printed as summary(glm) prints them.
  model <- stats::glm(status ~ age + sex, family = stats::binomial, data = lung)
  expect_equal(nobs(fit), nrow(lung))
  expect_equal(fit$events, sum(lung$status))
  expect_equal(c(fit$df.null, fit$df.residual), c(model$df.null, model$df.residual))
  expect_relative(c(deviance(fit), fit$null.deviance, fit$aic, AIC(fit)), c(model$deviance, model$null.deviance, model$aic, AIC(model)), 1e-4)
  expect_relative(as.numeric(logLik(fit)), as.numeric(logLik(model)), 1e-4)
  reference_printed <- capture.output(print(summary(model)))
  for (line in grep("deviance:|^AIC:", reference_printed, value = TRUE)) expect_true(line %in% printed, label = line)
})

test_that("mpc_glm is refused when a party's events or non-events fall below its minimum cell count", {
  # hospital-a holds 5 patients with status 0: a minimum cell count of 6 refuses the counts before the fit.
  con <- mpc_connect(local = lung_files(), min_cell_count = 6)
  expect_error(mpc_glm(con, status ~ age + sex), "disclosure limit")
})
