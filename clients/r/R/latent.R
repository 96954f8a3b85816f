#' Plot the top-2 latent dimensions of a Boltzmann machine's synthetic rows
#'
#' The synthetic rows as points in the two dimensions of BoltzmannMachines.jl's
#' `top2latentdims` (DataSHIELD's `ds.dbm.top2LatentDims`): each row's mean
#' activation of the model's top layer, logit-transformed, standardised and
#' reduced to its first two principal components. Behind them, where the run
#' returned it, the density of the parties' own training rows in the same two
#' dimensions: each party projected its rows locally and only pooled counts on
#' a grid left (exact with small cells shown as 0, or DP-noised), never a row.
#'
#' @param x An `mpc_boltzmann` from [mpc_boltzmann()].
#' @param by Optional name of a synthetic column whose values colour the points.
#' @param ... Passed to [graphics::plot()], or to [graphics::image()] with a density.
#' @return `x`, invisibly.
#' @export
plot_latent <- function(x, by = NULL, ...) {
  if (!inherits(x, "mpc_boltzmann")) stop("x: an mpc_boltzmann from mpc_boltzmann()", call. = FALSE)
  if (is.null(x$latent)) stop("no latent dimensions: the run drew fewer than two synthetic rows", call. = FALSE)
  col <- 1
  if (!is.null(by)) {
    if (!by %in% names(x$synthetic)) stop("by: '", by, "' is not a synthetic column", call. = FALSE)
    groups <- factor(x$synthetic[[by]])
    col <- as.integer(groups)
  }
  density <- x$latent_density
  if (is.null(density)) {
    graphics::plot(x$latent$x, x$latent$y, col = col, pch = 20, xlab = "latent dimension 1", ylab = "latent dimension 2",
                   main = "Top-2 latent dimensions", ...)
  } else {
    # Noised counts can be negative: drawn as empty.
    graphics::image(density$x, density$y, pmax(density$z, 0), col = grDevices::hcl.colors(20, "Blues", rev = TRUE),
                    xlab = "latent dimension 1", ylab = "latent dimension 2",
                    main = "Top-2 latent dimensions: synthetic rows over the parties' rows", ...)
    graphics::points(x$latent$x, x$latent$y, col = col, pch = 20)
  }
  if (!is.null(by)) graphics::legend("topright", levels(groups), col = seq_along(levels(groups)), pch = 20, title = by, bty = "n")
  invisible(x)
}
