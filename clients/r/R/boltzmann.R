#' A Boltzmann machine trained on the pooled rows, and synthetic rows from it
#'
#' Trains one RBM, DBN or DBM with `protocols/boltzmann-machine.csx` on the rows
#' of all parties and samples synthetic rows from it. Returns the training
#' monitoring (with a `plot` method in the manner of DataSHIELD's
#' `plotMonitoring`) and the synthetic rows as a data frame.
#'
#' @param con A connection from [mpc_connect()].
#' @param columns The visible columns.
#' @param model `"rbm"`, `"dbn"` or `"dbm"`.
#' @param visible `"bernoulli"` (0/1 columns), `"categorical"` or `"gaussian"`.
#' @param levels With `visible = "categorical"`: a named list of each column's
#'   public levels, such as `list(sex = c(1, 2))` (a column left out has levels
#'   0 and 1). Synthetic rows come back in these levels.
#' @param hidden Hidden layer sizes (one for an RBM).
#' @param epochs,samples Training epochs and synthetic rows.
#' @param ... Further parameters of the protocol (`learning_rate`,
#'   `batch_size`, `reveal`, `epsilon`, `evaluate`, ...; see `mpc describe
#'   protocols/boltzmann-machine.csx`).
#' @return An object of class `mpc_boltzmann`: `monitoring` (a data frame of
#'   part, epoch, metric, value; part 0 is DBM fine-tuning), `synthetic` (a data
#'   frame with the visible columns), `model` (the parameters as revealed),
#'   `outputs` (utility and privacy scores when evaluated) and `session`.
#' @export
mpc_boltzmann <- function(con, columns, model = c("dbm", "rbm", "dbn"), visible = c("bernoulli", "categorical", "gaussian"),
                          levels = NULL, hidden = c(25, 15), epochs = 100, samples = 500, ...) {
  model <- match.arg(model)
  visible <- match.arg(visible)
  level_text <- if (length(levels)) {
    if (is.null(names(levels))) stop("levels: a named list, one element per column", call. = FALSE)
    paste(names(levels), vapply(levels, paste, character(1), collapse = "|"), sep = "=", collapse = ";")
  }
  result <- mpc_run(con, "boltzmann-machine", c(list(
    columns = columns, model = model, visible = visible, levels = level_text, hidden = hidden, epochs = epochs,
    samples = samples), list(...)))
  out <- result$outputs
  metrics <- c("reconstruction error", "log Z", "log-likelihood", "log-likelihood lower bound")
  series <- matrix(as.numeric(out$monitoring), ncol = 4, byrow = TRUE)
  monitoring <- data.frame(part = series[, 1], epoch = series[, 2],
                           metric = factor(metrics[series[, 3] + 1], levels = metrics), value = series[, 4])
  synthetic <- as.data.frame(matrix(as.numeric(out$synthetic), ncol = length(columns), byrow = TRUE,
                                    dimnames = list(NULL, columns)))
  if (visible == "categorical") {
    for (column in columns) {
      values <- if (!is.null(levels[[column]])) levels[[column]] else c(0, 1)
      synthetic[[column]] <- values[synthetic[[column]] + 1]
    }
  }
  structure(list(monitoring = monitoring, synthetic = synthetic, model = out$model,
                 outputs = out[setdiff(names(out), c("monitoring", "synthetic", "model"))],
                 call = match.call(), session = result$session), class = "mpc_boltzmann")
}

#' @export
print.mpc_boltzmann <- function(x, ...) {
  cat("Call: ")
  dput(x$call)
  cat("\nMonitoring, last value per part and metric:\n")
  m <- x$monitoring
  if (nrow(m)) {
    last <- m[!duplicated(m[c("part", "metric")], fromLast = TRUE), ]
    print(last[order(last$part, last$metric), ], row.names = FALSE)
  } else cat("  (none: monitor_every = 0)\n")
  cat("\nSynthetic rows:", nrow(x$synthetic), "\n")
  print(utils::head(x$synthetic))
  for (name in names(x$outputs)) {
    cat("\n", name, ":\n", sep = "")
    print(x$outputs[[name]])
  }
  invisible(x)
}

#' Plot a Boltzmann machine's training monitoring
#'
#' One panel per monitored metric, a line per part (layer 1..L; part 0 is DBM
#' fine-tuning) over the epochs, as DataSHIELD's `plotMonitoring`.
#'
#' @param x An `mpc_boltzmann` from [mpc_boltzmann()].
#' @param ... Passed to [graphics::plot()].
#' @export
plot.mpc_boltzmann <- function(x, ...) {
  m <- x$monitoring
  if (!nrow(m)) stop("no monitoring: the run had monitor_every = 0", call. = FALSE)
  metrics <- levels(droplevels(m$metric))
  saved <- graphics::par(mfrow = c(1, length(metrics)))
  on.exit(graphics::par(saved))
  parts <- sort(unique(m$part))
  for (metric in metrics) {
    d <- m[m$metric == metric, ]
    graphics::plot(d$epoch, d$value, type = "n", xlab = "Epoch", ylab = metric, main = metric, ...)
    for (i in seq_along(parts)) {
      p <- d[d$part == parts[i], ]
      graphics::lines(p$epoch, p$value, col = i, type = "b", pch = 20)
    }
    graphics::legend("topright", ifelse(parts == 0, "fine-tuning", paste("layer", parts)), col = seq_along(parts),
                     lty = 1, bty = "n")
  }
  invisible(x)
}
