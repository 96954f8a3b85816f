# R CMD check's entry point; clients/r/tests/run.R runs the same tests from a source tree.
library(testthat)
library(mpc)
test_check("mpc")
