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
#' @param visible `"bernoulli"` (0/1 columns), `"categorical"`, `"gaussian"`
#'   (continuous columns, standardised by their pooled means and SDs) or
#'   `"binomial"` (0/1/2 columns).
#' @param levels With `visible = "categorical"`: a named list of each column's
#'   public levels, such as `list(sex = c(1, 2))` (a column left out has levels
#'   0 and 1). Synthetic rows come back in these levels.
#' @param hidden Hidden layer sizes (one for an RBM).
#' @param epochs,samples Training epochs and synthetic rows.
#' @param ... Further parameters of the protocol (`learning_rate`,
#'   `batch_size`, `reveal`, `epsilon`, `evaluate`, ...; see `mpc describe
#'   protocols/boltzmann-machine.csx`).
#' @return An object of class `mpc_boltzmann`: `monitoring` (a data frame of
#'   part, epoch, metric, value, datasetname; part 0 is DBM fine-tuning;
#'   datasetname "training", or "monitoring" for the rows each party splits off
#'   with `monitoring = 0.2`, as DataSHIELD's `ds.splitdata`), `synthetic` (a data
#'   frame with the visible columns), `model` (the parameters as revealed),
#'   `latent` (a data frame of x and y, the top-2 latent dimensions of the
#'   synthetic rows, drawn by [plot_latent()]), `latent_density` (the parties'
#'   own training rows in the same two dimensions, as pooled counts on a grid set
#'   by the synthetic rows: a list of the cell centres `x` and `y`, the counts `z`
#'   as an x-by-y matrix for [graphics::image()], and `noised`, TRUE for a DP run's
#'   Skellam-noised counts, FALSE for exact counts with small cells shown as 0
#'   (exact mode: only with latent_bins given, where every party allows suppression);
#'   no row's coordinates leave a party), `standardisation` (gaussian
#'   visibles: a data frame of each column's pooled mean and SD), `outputs`
#'   (utility and privacy scores when evaluated) and `session`.
#' @export
mpc_boltzmann <- function(con, columns, model = c("dbm", "rbm", "dbn"), visible = c("bernoulli", "categorical", "gaussian", "binomial"),
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
  frame <- function(values, datasetname) {
    series <- matrix(as.numeric(values), ncol = 4, byrow = TRUE)
    data.frame(part = series[, 1], epoch = series[, 2], metric = factor(metrics[series[, 3] + 1], levels = metrics),
               value = series[, 4], datasetname = rep(datasetname, nrow(series)))
  }
  # As DataSHIELD's monitoring: datasetname "training", and "monitoring" for the rows each party split off (monitoring > 0).
  monitoring <- rbind(frame(out$monitoring, "training"), frame(out$monitoring_heldout, "monitoring"))
  synthetic <- as.data.frame(matrix(as.numeric(out$synthetic), ncol = length(columns), byrow = TRUE,
                                    dimnames = list(NULL, columns)))
  if (visible == "categorical") {
    for (column in columns) {
      values <- if (!is.null(levels[[column]])) levels[[column]] else c(0, 1)
      synthetic[[column]] <- values[synthetic[[column]] + 1]
    }
  }
  latent <- if (length(out$latent)) {
    xy <- matrix(as.numeric(out$latent), ncol = 2, byrow = TRUE)
    data.frame(x = xy[, 1], y = xy[, 2])
  }
  density <- latent_density(out)
  standardisation <- if (length(out$standardisation)) {
    values <- as.numeric(out$standardisation)
    data.frame(column = columns, mean = values[seq_along(columns)], sd = values[length(columns) + seq_along(columns)])
  }
  structure(list(monitoring = monitoring, synthetic = synthetic, model = out$model, latent = latent,
                 latent_density = density, standardisation = standardisation,
                 outputs = out[setdiff(names(out), c("monitoring", "synthetic", "model", "latent", "standardisation", "latent_grid",
                                                     "latent_density", "latent_density_noised"))],
                 call = match.call(), session = result$session), class = "mpc_boltzmann")
}

#' @export
print.mpc_boltzmann <- function(x, ...) {
  cat("Call: ")
  dput(x$call)
  cat("\nMonitoring, last value per part and metric:\n")
  m <- x$monitoring
  if (nrow(m)) {
    last <- m[!duplicated(m[c("part", "metric", "datasetname")], fromLast = TRUE), ]
    print(last[order(last$part, last$metric, last$datasetname), ], row.names = FALSE)
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
#' fine-tuning) over the epochs, solid for the training rows and dashed for the
#' monitoring rows, as DataSHIELD's `plotMonitoring`.
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
    datasets <- intersect(c("training", "monitoring"), d$datasetname)
    for (i in seq_along(parts))
      for (k in seq_along(datasets)) {
        p <- d[d$part == parts[i] & d$datasetname == datasets[k], ]
        graphics::lines(p$epoch, p$value, col = i, lty = k, type = "b", pch = 20)
      }
    names <- ifelse(parts == 0, "fine-tuning", paste("layer", parts))
    graphics::legend("topright", c(names, if (length(datasets) > 1) datasets),
                     col = c(seq_along(parts), if (length(datasets) > 1) 1), lty = c(rep(1, length(parts)), if (length(datasets) > 1) seq_along(datasets)),
                     bty = "n")
  }
  invisible(x)
}

#' Heatmaps of real against synthetic correlations, clustered
#'
#' The pairwise correlations of the real data (pooled from released sums, such
#' as `examples/correlation/correlation.csx` gives; never per-row data) beside
#' those of synthetic rows, rows and columns of both in the order of
#' average-linkage clustering of the real ones (`hclust(as.dist(1 - real),
#' "average")`), as DataSHIELD's Boltzmann machine papers compare them.
#'
#' @param real The real correlation matrix, with the variables' names.
#' @param synthetic Synthetic rows (a data frame or matrix with the same columns),
#'   such as `mpc_boltzmann(...)$synthetic`.
#' @param main Titles of the two panels.
#' @return The clustered order of the variables (names), invisibly.
#' @export
mpc_correlation_heatmap <- function(real, synthetic, main = c("real (pooled)", "synthetic")) {
  real <- as.matrix(real)
  if (nrow(real) != ncol(real) || is.null(colnames(real))) stop("real: a square correlation matrix with column names", call. = FALSE)
  synthetic <- as.matrix(synthetic)[, colnames(real), drop = FALSE]
  fitted <- suppressWarnings(stats::cor(synthetic))
  distance <- 1 - real
  distance[!is.finite(distance)] <- 1
  order <- stats::hclust(stats::as.dist(distance), method = "average")$order
  saved <- graphics::par(mfrow = c(1, 2), mar = c(5, 5, 3, 1))
  on.exit(graphics::par(saved))
  n <- ncol(real)
  colours <- grDevices::hcl.colors(41, "Blue-Red 3")
  for (k in 1:2) {
    m <- list(real, fitted)[[k]][order, order]
    # image() draws column 1 of its matrix at the bottom: reversed, the first variable stands at the top.
    graphics::image(1:n, 1:n, t(m)[, n:1], zlim = c(-1, 1), col = colours, axes = FALSE, xlab = "", ylab = "", main = main[k])
    graphics::axis(1, 1:n, colnames(m), las = 2)
    graphics::axis(2, 1:n, rev(colnames(m)), las = 1)
  }
  invisible(colnames(real)[order])
}

# The parties' latent density: cell centres and an x-by-y matrix of counts (cells come row-major, y from the bottom).
latent_density <- function(out) {
  counts <- if (length(out$latent_density)) out$latent_density else out$latent_density_noised
  if (!length(counts) || !length(out$latent_grid)) return(NULL)
  grid <- as.numeric(unlist(out$latent_grid))
  bins <- grid[5]
  centre <- function(lo, hi) lo + (seq_len(bins) - 0.5) * (hi - lo) / bins
  list(x = centre(grid[1], grid[2]), y = centre(grid[3], grid[4]),
       z = matrix(as.numeric(counts), nrow = bins, ncol = bins), noised = !length(out$latent_density))
}
