#' Logrank test on the pooled rows of all parties
#'
#' The logrank test of `survival::survdiff`, computed under MPC by
#' `protocols/kaplan-meier.csx` (with `reveal_groups = true`): the parties reveal
#' the chi-square statistic and survdiff's per-group N, observed and expected
#' events, nothing else. The result prints as survdiff's does.
#'
#' The columns are named, not passed: the data stays at the parties. Either name
#' them (`time`, `event`, `group`, `strata`) or give a formula as survdiff takes
#' it, `Surv(time, status) ~ sex + strata(ph.ecog)`.
#'
#' @param con A connection from [mpc_connect()].
#' @param time The follow-up time column, or a formula
#'   `Surv(time, event) ~ group` (optionally `+ strata(column)`).
#' @param event The event column (1 = event, 0 = censored).
#' @param group The column whose groups are compared.
#' @param levels The group values, in output order (at least two). Names, if
#'   any, label the rows (`c(male = 1, female = 2)`); otherwise rows read
#'   `group=value` as in survdiff.
#' @param strata An optional stratum column.
#' @param strata_levels The stratum values, when `strata` is given.
#' @param horizon The last time of the public time grid (later times are
#'   censored there): a public bound such as the study's end, at least the
#'   largest follow-up time for survdiff's answer.
#' @param resolution Width of a time bin; 1 reproduces survdiff on integer
#'   times.
#' @param reveal_dropped Also reveal how many rows were dropped for a missing
#'   value.
#' @param ... Further parameters of the protocol (see `mpc describe
#'   protocols/kaplan-meier.csx`).
#' @return An object of class `mpc_survdiff`: `n`, `obs`, `exp`, `chisq`, `df`,
#'   `pvalue`, `var` (always `NULL`: the variance matrix is not revealed),
#'   `dropped`, `call` and the `session` block.
#' @examples
#' \dontrun{
#' con <- mpc_connect(local = c("lung-a.csv", "lung-b.csv", "lung-c.csv"))
#' mpc_logrank(con, Surv(time, status) ~ sex, levels = 1:2, horizon = 1022)
#' }
#' @export
mpc_logrank <- function(con, time = "time", event = "status", group, levels, strata = NULL, strata_levels = NULL,
                        horizon, resolution = 1, reveal_dropped = TRUE, ...) {
  cols <- mpc_survival_columns(time, event, if (missing(group)) NULL else group, strata)
  levels <- mpc_check_levels(levels, strata, strata_levels, horizon, missing(levels), missing(horizon))
  result <- mpc_run(con, "kaplan-meier", c(list(
    time = cols$time, event = cols$event, group = cols$group, levels = unname(levels),
    strata = cols$strata, strata_levels = strata_levels, horizon = horizon, resolution = resolution,
    reveal_groups = TRUE, reveal_dropped = reveal_dropped, curve = FALSE), list(...)))
  out <- result$outputs
  labels <- mpc_group_labels(cols$group, levels)
  structure(list(
    n = stats::setNames(out$n, labels), obs = stats::setNames(out$observed, labels),
    exp = stats::setNames(out$expected, labels), var = NULL,
    chisq = out$chi2, df = out$df, pvalue = out$p_value, dropped = out$dropped,
    strata = cols$strata, call = match.call(), session = result$session
  ), class = "mpc_survdiff")
}

#' @export
print.mpc_survdiff <- function(x, digits = max(getOption("digits") - 4, 3), ...) {
  saved <- options(digits = digits)
  on.exit(options(saved))
  if (!is.null(x$call)) {
    cat("Call:\n")
    dput(x$call)
    cat("\n")
  }
  if (isTRUE(x$dropped > 0)) cat("n=", sum(x$n), ", ", x$dropped, " observation", if (x$dropped > 1) "s",
                                 " deleted due to missingness.\n\n", sep = "")
  # With two groups V's diagonal elements are equal and chisq = (O1-E1)^2/V11, so (O-E)^2/V is
  # the statistic itself; with more groups it would need V's diagonal, which is not revealed.
  oev <- if (length(x$n) == 2) rep(x$chisq, 2) else rep(NA_real_, length(x$n))
  table <- cbind(x$n, x$obs, x$exp, (x$obs - x$exp)^2 / x$exp, oev)
  dimnames(table) <- list(names(x$n), c("N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"))
  print(table)
  cat("\n Chisq=", format(round(x$chisq, 1)), " on", x$df, "degrees of freedom, p=", format.pval(x$pvalue), "\n")
  if (length(x$n) > 2) cat(" ((O-E)^2/V needs the variance's diagonal, which the parties do not reveal.)\n")
  invisible(x)
}

#' Kaplan-Meier curves from differentially private counts
#'
#' Survival curves per group on a public time grid, from event and censoring
#' counts that each party noises (distributed Skellam) before the secure sum:
#' `protocols/kaplan-meier.csx` with `curve = true`. The same session reveals the
#' logrank chi-square, so the result also carries its p-value. The curves are
#' post-processed noise, not the exact Kaplan-Meier estimate: counts are
#' clamped at 0, and small groups or fine grids are noisy.
#'
#' @inheritParams mpc_logrank
#' @param curve_resolution Width of the curves' time intervals (public).
#' @param epsilon,delta The release's privacy budget.
#' @param honest_parties The guarantee holds if at least this many parties are
#'   honest (more noise for fewer).
#' @return An object of class `mpc_survfit`, laid out as a `survfit`: `time`,
#'   `n.risk`, `n.event`, `n.censor`, `surv`, `lower`, `upper` concatenated over
#'   the groups, `strata` (the number of times per group, named), plus `n`,
#'   `chisq`, `pvalue`, `privacy` (the DP release) and `session`. It has `print`,
#'   `plot`, `summary` and `as.data.frame` methods.
#' @export
mpc_km <- function(con, time = "time", event = "status", group, levels, horizon, curve_resolution = 30,
                   epsilon = 1, delta = 1e-5, honest_parties = 1, ...) {
  cols <- mpc_survival_columns(time, event, if (missing(group)) NULL else group, NULL)
  if (!is.null(cols$strata)) stop("mpc_km draws curves per group only: leave out strata()", call. = FALSE)
  levels <- mpc_check_levels(levels, NULL, NULL, horizon, missing(levels), missing(horizon))
  result <- mpc_run(con, "kaplan-meier", c(list(
    time = cols$time, event = cols$event, group = cols$group, levels = unname(levels), horizon = horizon,
    curve = TRUE, curve_resolution = curve_resolution, epsilon = epsilon, delta = delta,
    honest_parties = honest_parties), list(...)))
  out <- result$outputs
  groups <- length(levels)
  grid <- out$curve_time
  bins <- length(grid)
  counts <- pmax(0, out$curve_counts)
  events <- matrix(counts[seq_len(groups * bins)], bins)
  censored <- matrix(counts[groups * bins + seq_len(groups * bins)], bins)
  # As the protocol's estimate: each group starts with its noised total at risk, and the events of
  # an interval are capped at those still at risk.
  risk <- events
  for (g in seq_len(groups)) {
    at <- sum(events[, g]) + sum(censored[, g])
    for (b in seq_len(bins)) {
      risk[b, g] <- at
      events[b, g] <- min(events[b, g], at)
      at <- max(0, at - events[b, g] - censored[b, g])
    }
  }
  labels <- mpc_group_labels(cols$group, levels)
  structure(list(
    n = stats::setNames(risk[1, ], labels), time = rep(grid, groups), n.risk = as.vector(risk),
    n.event = as.vector(events), n.censor = as.vector(censored),
    surv = out$survival, lower = out$survival_lower, upper = out$survival_upper,
    strata = stats::setNames(rep(bins, groups), labels), conf.int = 0.95,
    chisq = out$chi2, df = out$df, pvalue = out$p_value, privacy = result$session$privacy,
    call = match.call(), session = result$session
  ), class = "mpc_survfit")
}

#' @export
as.data.frame.mpc_survfit <- function(x, ...) {
  data.frame(strata = rep(names(x$strata), x$strata), time = x$time, n.risk = x$n.risk, n.event = x$n.event,
             n.censor = x$n.censor, surv = x$surv, lower = x$lower, upper = x$upper,
             stringsAsFactors = FALSE, row.names = NULL)
}

#' @export
summary.mpc_survfit <- function(object, ...) {
  d <- as.data.frame(object)
  d[d$n.event > 0 | d$n.censor > 0 | d$time == 0, , drop = FALSE]
}

# The first grid time at which a curve falls to 0.5 or below (NA if it does not).
mpc_first_below <- function(time, s) if (any(s <= 0.5)) time[which(s <= 0.5)[1]] else NA_real_

#' @export
print.mpc_survfit <- function(x, digits = max(getOption("digits") - 4, 3), ...) {
  if (!is.null(x$call)) {
    cat("Call: ")
    dput(x$call)
    cat("\n")
  }
  d <- as.data.frame(x)
  rows <- lapply(split(d, factor(d$strata, names(x$strata))), function(g) c(
    n = g$n.risk[1], events = sum(g$n.event), median = mpc_first_below(g$time, g$surv),
    `0.95LCL` = mpc_first_below(g$time, g$lower), `0.95UCL` = mpc_first_below(g$time, g$upper)))
  print(do.call(rbind, rows), digits = digits)
  cat("\n Curves from differentially private counts (", paste(x$privacy, collapse = "; "), ").\n", sep = "")
  cat(" Logrank Chisq=", format(round(x$chisq, 1)), " on", x$df, "degrees of freedom, p=", format.pval(x$pvalue), "\n")
  invisible(x)
}

#' Plot Kaplan-Meier curves
#'
#' Step curves from survival 1 at time 0, censoring marks where the noised
#' censoring count of an interval is at least one, the logrank p-value in the
#' legend and, below the axis, the number at risk per group.
#'
#' @param x An `mpc_survfit` from [mpc_km()].
#' @param col,lty Colours and line types per group.
#' @param conf.int Draw the Greenwood 95% bands (dashed).
#' @param mark.time Draw censoring marks.
#' @param risk.table Print the number at risk under the plot.
#' @param legend Where to put the legend (a [graphics::legend()] keyword), or
#'   `NULL` for none.
#' @param xlab,ylab,main Axis labels and title.
#' @param ... Passed to [graphics::plot()].
#' @export
plot.mpc_survfit <- function(x, col = seq_along(x$strata), lty = 1, conf.int = FALSE, mark.time = TRUE,
                             risk.table = TRUE, legend = "topright", xlab = "Time", ylab = "Survival probability",
                             main = NULL, ...) {
  d <- as.data.frame(x)
  groups <- names(x$strata)
  col <- rep_len(col, length(groups))
  lty <- rep_len(lty, length(groups))
  if (risk.table) {
    saved <- graphics::par(mar = graphics::par("mar") + c(length(groups) + 1, 0, 0, 0))
    on.exit(graphics::par(saved))
  }
  graphics::plot(NA, xlim = c(0, max(d$time)), ylim = c(0, 1), xlab = xlab, ylab = ylab, main = main, ...)
  for (i in seq_along(groups)) {
    g <- d[d$strata == groups[i], ]
    graphics::lines(c(0, g$time), c(1, g$surv), type = "s", col = col[i], lty = lty[i])
    if (conf.int) {
      graphics::lines(c(0, g$time), c(1, g$lower), type = "s", col = col[i], lty = 2)
      graphics::lines(c(0, g$time), c(1, g$upper), type = "s", col = col[i], lty = 2)
    }
    if (mark.time) {
      marks <- g$n.censor >= 1
      graphics::points(g$time[marks], g$surv[marks], pch = 3, col = col[i], cex = 0.7)
    }
  }
  if (!is.null(legend))
    graphics::legend(legend, c(groups, sprintf("logrank p = %s", format.pval(x$pvalue, digits = 2))),
                     col = c(col, NA), lty = c(lty, NA), bty = "n")
  if (risk.table) {
    ticks <- graphics::axTicks(1)
    graphics::mtext("Number at risk", side = 1, line = 4, adj = 0, cex = 0.8)
    for (i in seq_along(groups)) {
      g <- d[d$strata == groups[i], ]
      at <- vapply(ticks, function(t) { k <- which(g$time >= t)[1]; if (is.na(k)) 0 else g$n.risk[k] }, numeric(1))
      graphics::mtext(round(at), side = 1, line = 4 + i, at = ticks, col = col[i], cex = 0.8)
    }
  }
  invisible(x)
}

# Column names from either arguments or a survdiff formula Surv(time, event) ~ group + strata(s).
mpc_survival_columns <- function(time, event, group, strata) {
  if (inherits(time, "formula")) {
    lhs <- time[[2]]
    if (length(time) != 3 || !is.call(lhs) || as.character(lhs[[1]]) != "Surv" || length(lhs) != 3)
      stop("the formula must read Surv(time, event) ~ group, optionally + strata(column)", call. = FALSE)
    terms <- attr(stats::terms(time, specials = "strata"), "term.labels")
    special <- grepl("^strata\\(", terms)
    if (sum(!special) != 1 || sum(special) > 1)
      stop("the formula's right side must be one group column, optionally + strata(column)", call. = FALSE)
    return(list(time = deparse(lhs[[2]]), event = deparse(lhs[[3]]), group = terms[!special],
                strata = if (any(special)) sub("^strata\\((.*)\\)$", "\\1", terms[special]) else NULL))
  }
  if (is.null(group)) stop("group: name the column whose groups are compared", call. = FALSE)
  list(time = time, event = event, group = group, strata = strata)
}

mpc_check_levels <- function(levels, strata, strata_levels, horizon, no_levels, no_horizon) {
  if (no_levels || length(levels) < 2)
    stop("levels: give the group values (at least two); the client cannot look into the parties' data", call. = FALSE)
  if (!is.null(strata) && is.null(strata_levels)) stop("strata_levels: give the values of ", strata, call. = FALSE)
  if (no_horizon) stop("horizon: give the last time of the public grid (such as the study's end)", call. = FALSE)
  levels
}

mpc_group_labels <- function(group, levels) {
  if (!is.null(names(levels)) && all(nzchar(names(levels)))) names(levels) else paste0(group, "=", levels)
}
