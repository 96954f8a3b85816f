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
  expect_equal(printed[-(1:4)], capture.output(print(reference))[-(1:4)])
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
  expect_relative(s$quantiles, stats::quantile(lung$age, c(0.1, 0.5, 0.9)), 1e-9)
  expect_equal(names(s$quantiles), names(stats::quantile(lung$age, c(0.1, 0.5, 0.9))))
  expect_output(print(s), "Mean")
})
