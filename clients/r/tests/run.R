# Runs the package's tests outside R CMD check: installs the package from this source tree into a
# temporary library, then runs tests/testthat against it. Exits non-zero when a test fails.
#   Rscript clients/r/tests/run.R
# The tests run local federations, so they need the mpc command: MPC_COMMAND (such as
# path/to/mpc.dll), else this repository's build (src/Mpc.Cli/bin/{Debug,Release}/net10.0/mpc.dll),
# else mpc on the PATH.
file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
tests <- normalizePath(dirname(file))
source <- dirname(tests)
library <- tempfile("mpc-lib-")
dir.create(library)
on.exit(unlink(library, recursive = TRUE))
log <- tempfile("mpc-install-", fileext = ".log")
status <- system2(file.path(R.home("bin"), "R"), c("CMD", "INSTALL", "--no-test-load", "-l", shQuote(library), shQuote(source)),
                  stdout = log, stderr = log)
if (status != 0) {
  writeLines(readLines(log))
  stop("R CMD INSTALL failed")
}
if (!nzchar(Sys.getenv("MPC_COMMAND"))) {
  repo <- dirname(dirname(source))
  built <- file.path(repo, "src", "Mpc.Cli", "bin", c("Debug", "Release"), "net10.0", "mpc.dll")
  if (any(file.exists(built))) Sys.setenv(MPC_COMMAND = built[file.exists(built)][1])
}
library(testthat)
library(mpc, lib.loc = library)
testthat::test_dir(file.path(tests, "testthat"), package = "mpc", load_package = "none", stop_on_failure = TRUE,
                   reporter = testthat::ProgressReporter$new(show_praise = FALSE))
