#' Summary of a numeric column on the pooled rows, overall or by group
#'
#' n, mean, standard deviation (as `sd`) and quantiles (the order statistic at
#' the rank nearest `quantile`'s type 7 on a fixed grid of ranks m + 1 apart, m
#' the parties' largest minimum group size, so that no series of calls lists a
#' group's rows; 0 for a group of fewer than 2 m + 1 rows)
#' of a column over all parties, by the built-in `summary`: the quantiles are
#' found by secret bisection over the public range `[lower, upper]` on a grid
#' of step `resolution` (each order statistic comes out as the grid point at or
#' above it: exact for whole numbers with `resolution = 1`). With `by`, the
#' same per level of a column, as `aggregate` or `tapply` give them: each party
#' sums its own rows per level, and only the pooled values per level are
#' revealed; every party refuses when one of its own levels holds fewer rows
#' than its minimum group size (but not 0).
#'
#' @param con A connection from [mpc_connect()].
#' @param value The column's name.
#' @param lower,upper A public range of the column (such as 0 and 120 for an
#'   age); values outside it count at its ends.
#' @param probs Probabilities strictly between 0 and 1.
#' @param resolution The grid's step; 0 takes `(upper - lower) / 1024`.
#' @param by A column whose levels form the groups, or `NULL` for all rows.
#' @param levels With `by`: its levels, as text or numbers (the client cannot
#'   see the data, so they are named); rows of other levels are left out.
#' @param ... Further parameters of the protocol (`dataset`).
#' @return Without `by`, an object of class `mpc_summary`: `n`, `mean`, `sd`,
#'   `quantiles` (named as `quantile` names them), `resolution`, `session`.
#'   With `by`, a data frame with one row per level, as `aggregate` returns:
#'   the `by` column, `n`, `mean`, `sd` and a column per quantile (`25%`, ...),
#'   with attributes `resolution` and `session`.
#' @export
mpc_summary <- function(con, value, lower, upper, probs = c(0.25, 0.5, 0.75), resolution = 0, by = NULL, levels = NULL, ...) {
  if (missing(lower) || missing(upper)) stop("give the column's public range: lower = and upper =", call. = FALSE)
  if (!is.null(by) && !length(levels)) stop("give the levels of '", by, "': levels = c(...)", call. = FALSE)
  result <- mpc_run(con, "summary", c(list(value = value, lower = lower, upper = upper, probs = probs,
                                           resolution = resolution, group = by, levels = levels), list(...)))
  out <- result$outputs
  step <- if (resolution > 0) resolution else (upper - lower) / 1024
  if (!is.null(by)) return(mpc_summary_frame(out, by, levels, probs, step, result$session))
  structure(list(value = value, n = out$n, mean = out$mean, sd = out$sd, quantiles = out$quantiles,
                 resolution = step, session = result$session),
            class = "mpc_summary")
}

# One row per level: n, mean and sd arrive named by level, the quantiles as a levels x probs matrix (a vector for one of either).
mpc_summary_frame <- function(out, by, levels, probs, resolution, session) {
  quantiles <- if (is.matrix(out$quantiles)) unname(out$quantiles) else matrix(unlist(out$quantiles), nrow = length(levels), byrow = TRUE)
  colnames(quantiles) <- names(stats::quantile(0, probs))
  frame <- data.frame(levels, n = unname(unlist(out$n)), mean = unname(unlist(out$mean)), sd = unname(unlist(out$sd)),
                      quantiles, check.names = FALSE, stringsAsFactors = FALSE)
  names(frame)[1] <- by
  attr(frame, "resolution") <- resolution
  attr(frame, "session") <- session
  frame
}

#' @export
print.mpc_summary <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("Summary of", x$value, "on", length(x$session$parties), "parties under MPC\n")
  print(c(n = x$n, Mean = x$mean, SD = x$sd, x$quantiles), digits = digits)
  cat("(quantiles, type 7, to a grid of step ", format(x$resolution, digits = 4), ")\n", sep = "")
  invisible(x)
}

#' Counts of one or two columns' levels on the pooled rows
#'
#' A one- or two-way table of counts over chosen levels (as `table`), by the
#' built-in `table`, and the chi-square test of its counts (as `chisq.test`).
#' Every party refuses when one of its own cells holds fewer rows than its
#' minimum cell count (but not 0), unless `suppress = TRUE` and every party's
#' policy allows suppression: such cells, and the cells and margins that would
#' give them away, are then `NA`, and the table carries its margins.
#'
#' @param con A connection from [mpc_connect()].
#' @param row,column The columns (`column = NULL`: a one-way table).
#' @param row_levels,column_levels Their levels, as text or numbers; rows of
#'   other levels (or missing) are in no cell.
#' @param correct Yates' continuity correction on a 2 x 2 table.
#' @param suppress Show small cells as suppressed (`NA`) instead of refusing.
#' @param ... Further parameters of the protocol (`dataset`).
#' @return `mpc_table`: a `table` of the counts with attribute `session`; with
#'   `suppress = TRUE` the table with its margins, as `addmargins` gives it,
#'   `NA` where suppressed.
#'   `mpc_chisq_test`: an `htest` as `chisq.test` returns (`statistic`,
#'   `parameter`, `p.value`, `observed`, `expected`, `residuals`).
#' @export
mpc_table <- function(con, row, row_levels, column = NULL, column_levels = NULL, correct = TRUE, suppress = FALSE, ...) {
  result <- mpc_run(con, "table", c(list(row = row, row_levels = row_levels, column = column,
                                         column_levels = column_levels, correct = correct),
                                    if (isTRUE(suppress)) list(suppress = TRUE), list(...)))
  out <- result$outputs
  dims <- list(as.character(row_levels))
  if (!is.null(column)) dims <- c(dims, list(as.character(column_levels)))
  names(dims) <- c(row, column)
  # A two-way table arrives as a matrix (a JSON list of rows), a one-way one as a vector named by level.
  counts <- if (is.null(column)) array(unname(out$counts), dim = length(row_levels), dimnames = dims)
            else matrix(unname(out$counts), nrow = length(row_levels), dimnames = dims)
  if (!is.null(out$suppressed)) counts <- mpc_suppressed_table(counts, out, !is.null(column))
  counts <- as.table(counts)
  attr(counts, "chisq") <- out[c("chi2", "df", "p_value", "expected")]
  attr(counts, "session") <- result$session
  counts
}

# The counts with their margins (addmargins' "Sum"), NA where the parties suppressed an entry: the pattern is the table
# extended by its margins, row by row, the row totals last in each row; a one-way table's row totals are its cells.
mpc_suppressed_table <- function(counts, out, two_way) {
  # jsonlite makes a list of rows a matrix already; a flat vector is read row by row.
  hidden <- out$suppressed
  if (!is.matrix(hidden)) hidden <- matrix(unlist(hidden), ncol = if (two_way) ncol(counts) + 1 else 2, byrow = TRUE)
  if (two_way) {
    shown <- rbind(cbind(counts, Sum = unname(out$row_totals)), Sum = c(unname(out$column_totals), out$total))
    names(dimnames(shown)) <- names(dimnames(counts))
    shown[hidden > 0.5] <- NA
    return(shown)
  }
  shown <- array(c(counts, out$total), dim = length(counts) + 1,
                 dimnames = stats::setNames(list(c(dimnames(counts)[[1]], "Sum")), names(dimnames(counts))))
  shown[c(hidden[-nrow(hidden), 1], hidden[nrow(hidden), 2]) > 0.5] <- NA
  shown
}

#' @rdname mpc_table
#' @export
mpc_chisq_test <- function(con, row, row_levels, column = NULL, column_levels = NULL, correct = TRUE, ...) {
  observed <- mpc_table(con, row, row_levels, column, column_levels, correct, ...)
  test <- attr(observed, "chisq")
  if (anyNA(observed)) stop("the table has suppressed cells: no chi-square test of it", call. = FALSE)
  session <- attr(observed, "session")
  attr(observed, "chisq") <- NULL
  attr(observed, "session") <- NULL
  expected <- observed
  expected[] <- if (is.null(column)) test$expected else matrix(test$expected, nrow = nrow(observed), byrow = TRUE)
  two_by_two <- !is.null(column) && all(dim(observed) == 2)
  method <- if (is.null(column)) "Chi-squared test for given probabilities"
            else paste("Pearson's Chi-squared test", if (correct && two_by_two) "with Yates' continuity correction")
  structure(list(
    statistic = c(`X-squared` = test$chi2), parameter = c(df = test$df), p.value = test$p_value,
    method = trimws(method), data.name = if (is.null(column)) row else paste(row, "and", column),
    observed = observed, expected = expected, residuals = (observed - expected) / sqrt(expected), session = session
  ), class = "htest")
}

#' Welch's two-sample t-test on the pooled rows
#'
#' `t.test(value ~ group)` over all parties, by the built-in `t-test`: each
#' group's size, mean and variance are computed under MPC and revealed; t, df,
#' p-value and the confidence interval follow from them.
#'
#' @param con A connection from [mpc_connect()].
#' @param formula `value ~ group` over column names, or the value column's name
#'   with `group`.
#' @param levels The two groups' levels, as text or numbers (first minus
#'   second).
#' @param group The group column, when `formula` is a column name.
#' @param conf.level Confidence level of the interval.
#' @param ... Further parameters of the protocol (`dataset`).
#' @return An `htest` as `t.test` returns, plus `n`, `variance` and `session`.
#' @export
mpc_t_test <- function(con, formula, levels, group = NULL, conf.level = 0.95, ...) {
  if (inherits(formula, "formula")) {
    if (length(formula) != 3 || length(all.vars(formula)) != 2) stop("the formula reads value ~ group", call. = FALSE)
    value <- deparse(formula[[2]])
    group <- deparse(formula[[3]])
  } else {
    value <- formula
    if (is.null(group)) stop("give a formula (value ~ group), or the value column and group", call. = FALSE)
  }
  if (length(levels) != 2) stop("levels needs the two groups' levels", call. = FALSE)
  result <- mpc_run(con, "t-test", c(list(value = value, group = group, levels = levels, conf_level = conf.level), list(...)))
  out <- result$outputs
  structure(list(
    statistic = c(t = out$t), parameter = c(df = out$df), p.value = out$p_value,
    conf.int = structure(out$conf_int, conf.level = conf.level),
    estimate = stats::setNames(unname(out$mean), paste("mean in group", levels)),
    null.value = stats::setNames(0, paste("difference in means between group", levels[1], "and group", levels[2])),
    stderr = unname(sqrt(sum(out$variance / out$n))), alternative = "two.sided",
    method = "Welch Two Sample t-test", data.name = paste(value, "by", group),
    n = out$n, variance = out$variance, session = result$session
  ), class = "htest")
}
