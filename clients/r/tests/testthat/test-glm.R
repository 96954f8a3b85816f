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
  expect_true(any(grepl("not revealed", printed)))
})
