# The logrank test and KM curves on a local federation of three hospitals, against R's survdiff
# on the pooled rows.

test_that("mpc_logrank, stratified, gives survdiff's table and chi-square", {
  lung <- lung_pooled()
  reference <- survival::survdiff(survival::Surv(time, status) ~ sex + strata(ph.ecog), data = lung)
  test <- mpc_logrank(lung_federation(), Surv(time, status) ~ sex + strata(ph.ecog), levels = 1:2,
                      strata_levels = 0:3, horizon = 1022)
  expect_relative(test$chisq, reference$chisq, 1e-6)
  expect_equal(unname(test$n), as.vector(reference$n))
  expect_equal(unname(test$obs), rowSums(reference$obs), ignore_attr = TRUE)
  expect_relative(test$exp, rowSums(reference$exp), 1e-6)
  expect_equal(test$df, 1)
  expect_relative(test$pvalue, stats::pchisq(reference$chisq, 1, lower.tail = FALSE), 1e-6)
  expect_equal(test$dropped, 1)
  # Printed as survdiff prints it, from the table on (the calls differ).
  ours <- capture.output(print(test))
  theirs <- capture.output(print(reference))
  expect_equal(ours[-seq_len(grep("^n=", ours) - 1)], theirs[-seq_len(grep("^n=", theirs) - 1)])
})

test_that("mpc_km gives curves from 1, a plot, and survdiff's chi-square", {
  lung <- lung_pooled()
  reference <- survival::survdiff(survival::Surv(time, status) ~ sex, data = lung)
  km <- mpc_km(lung_federation(), Surv(time, status) ~ sex, levels = c(male = 1, female = 2), horizon = 1022)
  expect_relative(km$chisq, reference$chisq, 1e-6)
  expect_equal(names(km$strata), c("male", "female"))
  d <- as.data.frame(km)
  expect_equal(nrow(d), sum(km$strata))
  expect_true(all(d$surv >= 0 & d$surv <= 1 & d$lower <= d$surv & d$surv <= d$upper))
  for (g in split(d, d$strata)) {
    expect_false(is.unsorted(-g$surv))
    expect_equal(g$time[1], 0)
  }
  expect_match(km$privacy, "distributed-skellam")
  expect_output(print(km), "Logrank Chisq= 10.3")
  png <- tempfile(fileext = ".png")
  grDevices::png(png)
  plot(km, conf.int = TRUE)
  grDevices::dev.off()
  expect_gt(file.size(png), 1000)
})
