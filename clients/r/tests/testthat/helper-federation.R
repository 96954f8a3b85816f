# survdiff finds strata() in the formula by name, so the reference tests attach survival.
suppressPackageStartupMessages(library(survival))

# The example lung cohort, split over three hospitals (228 patients: the survival package's lung
# data, status recoded 0/1), as a local federation, and the same rows pooled for R's own answer.
lung_files <- function() {
  candidates <- c(Sys.getenv("MPC_EXAMPLE_DATA", ""),
                  file.path(testthat::test_path(), "..", "..", "..", "..", "examples", "federation", "data"))
  dir <- candidates[nzchar(candidates) & file.exists(file.path(candidates, "lung-a.csv"))][1]
  if (is.na(dir)) stop("examples/federation/data/lung-{a,b,c}.csv not found: set MPC_EXAMPLE_DATA")
  normalizePath(file.path(dir, paste0("lung-", c("a", "b", "c"), ".csv")))
}

lung_pooled <- function() do.call(rbind, lapply(lung_files(), utils::read.csv))

# Exact per-group counts of these small hospitals fall under the default minimum cell count of 3,
# so the local parties here check against 1 (a hospital sets its own).
lung_federation <- function() mpc_connect(local = lung_files(), min_cell_count = 1)

# The example hospitals' files, each passed through recode (a function of a data frame), written into dir.
recoded_federation <- function(dir, recode) {
  files <- file.path(dir, paste0("lung-", c("a", "b", "c"), ".csv"))
  for (i in 1:3) utils::write.csv(recode(utils::read.csv(lung_files()[i])), files[i], row.names = FALSE, na = "")
  mpc_connect(local = files, min_cell_count = 1)
}

# Every element within `tolerance` relative to R's value (absolute where R's value is 0).
expect_relative <- function(actual, expected, tolerance) {
  actual <- unname(as.vector(actual))
  expected <- unname(as.vector(expected))
  expect_length(actual, length(expected))
  error <- abs(actual - expected) / pmax(abs(expected), 1e-300)
  error[expected == 0] <- abs(actual[expected == 0])
  expect_true(all(error <= tolerance), label = sprintf("largest relative error %.3g (tolerance %g): %s against R's %s",
    max(error), tolerance, paste(signif(actual, 10), collapse = ", "), paste(signif(expected, 10), collapse = ", ")))
}

# The quantiles Mpc gives: the order statistic at the multiple of m + 1 nearest R's type-7 rank (n - 1) p + 1, within
# m + 1 .. n - m (ties up), m the parties' largest minimum group size (3 by default); docs/analyses.md.
grid_quantile <- function(x, probs, m = 3) {
  x <- sort(x)
  n <- length(x)
  s <- m + 1
  h <- (n - 1) * probs + 1
  k <- pmin(pmax(floor((2 * h + 1e-6 + s) / (2 * s)), 1), floor((n + 1) / s) - 1)
  x[k * s]
}
