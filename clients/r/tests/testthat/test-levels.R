# Text (factor) levels: the example hospitals' files with sex and ph.ecog written as words, against R on the same rows.

text_federation <- function(dir) recoded_federation(dir, function(rows) {
  rows$sex <- c("male", "female")[rows$sex]
  rows$ph.ecog <- c("asymptomatic", "ambulatory", "in bed <50%", "in bed >50%")[rows$ph.ecog + 1]
  rows
})

test_that("logrank, t-test and tables take text levels as R takes factor levels", {
  dir <- tempfile("mpc-text-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  con <- text_federation(dir)
  lung <- do.call(rbind, lapply(list.files(dir, full.names = TRUE), utils::read.csv))
  lung$sex <- factor(lung$sex, levels = c("male", "female"))

  reference <- survival::survdiff(Surv(time, status) ~ sex, data = lung)
  test <- mpc_logrank(con, Surv(time, status) ~ sex, levels = c("male", "female"), horizon = 1022)
  expect_relative(test$chisq, reference$chisq, 1e-6)
  expect_equal(unname(test$n), as.vector(reference$n))
  expect_equal(names(test$n), c("sex=male", "sex=female"))

  # Stratified by a text column: the levels are words, two of them with spaces and '<' or '>'.
  stratified <- survival::survdiff(Surv(time, status) ~ sex + strata(ph.ecog), data = lung)
  ours <- mpc_logrank(con, Surv(time, status) ~ sex + strata(ph.ecog), levels = c("male", "female"),
                      strata_levels = c("asymptomatic", "ambulatory", "in bed <50%", "in bed >50%"), horizon = 1022)
  expect_relative(ours$chisq, stratified$chisq, 1e-6)
  expect_equal(ours$dropped, 1)

  welch <- mpc_t_test(con, age ~ sex, levels = c("male", "female"))
  expect_relative(welch$statistic, stats::t.test(age ~ sex, data = lung)$statistic, 1e-6)
  counts <- mpc_table(con, "sex", c("male", "female"), "status", 0:1)
  expect_equal(as.vector(counts), as.vector(table(lung$sex, lung$status)))
})
