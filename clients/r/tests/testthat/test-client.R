# The client's own parts, without a federation.

test_that("parameters become the command's name=value strings", {
  expect_equal(mpc:::mpc_format_params(list(levels = c(1, 2), reveal_groups = TRUE, strata = NULL, horizon = 1022, features = c("age", "sex"))),
               c("levels=1,2", "reveal_groups=true", "horizon=1022", "features=age,sex"))
  expect_equal(mpc:::mpc_format_params(list(epsilon = 0.5, delta = 1e-5)), c("epsilon=0.5", "delta=0.00001"))
  expect_error(mpc:::mpc_format_params(list(1)), "needs a name")
})

test_that("survdiff's formula names the columns", {
  cols <- mpc:::mpc_survival_columns(Surv(time, status) ~ sex + strata(ph.ecog), NULL, NULL, NULL)
  expect_equal(cols, list(time = "time", event = "status", group = "sex", strata = "ph.ecog"))
  expect_error(mpc:::mpc_survival_columns(time ~ sex, NULL, NULL, NULL), "Surv")
  expect_error(mpc:::mpc_survival_columns(Surv(time, status) ~ sex + age, NULL, NULL, NULL), "one group column")
})

test_that("glm's formula takes plain columns", {
  expect_equal(mpc:::mpc_glm_terms(status ~ age + sex, NULL)[c("outcome", "features", "intercept")],
               list(outcome = "status", features = c("age", "sex"), intercept = TRUE))
  expect_false(mpc:::mpc_glm_terms(status ~ age - 1, NULL)$intercept)
  expect_error(mpc:::mpc_glm_terms(status ~ log(age), NULL), "plain columns")
})

test_that("a connection is either a federation or local files", {
  expect_error(mpc_connect(), "either roster and key")
  expect_error(mpc_connect(local = lung_files()[1]), "at least two")
  expect_error(mpc_connect(local = c("no-such-a.csv", "no-such-b.csv")), "no such data file")
  con <- lung_federation()
  expect_true(file.exists(file.path(con$protocols, "kaplan-meier.csx")))
  expect_output(print(con), "local federation of 3 parties")
})

test_that("an error of the mpc command is an R error with its message", {
  con <- lung_federation()
  expect_error(mpc_run(con, "logistic-regression", list(outcome = "status", features = "nosuch")),
               "^mpc: .*has no column 'nosuch'")
  expect_error(mpc_logrank(con, Surv(time, status) ~ sex, levels = 1:2), "horizon")
})
