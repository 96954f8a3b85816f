# A small RBM on the local federation: the monitoring and synthetic rows come back in R's shapes.

test_that("mpc_boltzmann returns monitoring and synthetic rows in the columns' levels", {
  # reveal=final opens exact pooled sums to the parties, which a party allows only when its policy says so.
  con <- mpc_connect(local = lung_files(), allow_exact_intermediates = TRUE)
  fit <- mpc_boltzmann(con, c("status", "sex"), model = "rbm", visible = "categorical",
                       levels = list(sex = c(1, 2)), hidden = 4, epochs = 10, samples = 20, monitor_every = 5,
                       burn_in = 10, batch_size = 20, evaluate = FALSE, ais_runs = 0)
  expect_equal(names(fit$synthetic), c("status", "sex"))
  expect_equal(nrow(fit$synthetic), 20)
  expect_true(all(fit$synthetic$sex %in% c(1, 2)) && all(fit$synthetic$status %in% c(0, 1)))
  expect_equal(names(fit$monitoring), c("part", "epoch", "metric", "value", "datasetname"))
  expect_equal(unique(fit$monitoring$datasetname), "training")
  expect_equal(sort(unique(fit$monitoring$epoch)), c(5, 10))
  expect_true("reconstruction error" %in% fit$monitoring$metric)
  expect_output(print(fit), "Synthetic rows: 20")
  png <- tempfile(fileext = ".png")
  grDevices::png(png, width = 900)
  plot(fit)
  grDevices::dev.off()
  expect_gt(file.size(png), 1000)
})

test_that("mpc_boltzmann with monitoring rows returns both curves, as DataSHIELD's monitoring", {
  con <- mpc_connect(local = lung_files(), allow_exact_intermediates = TRUE)
  fit <- mpc_boltzmann(con, c("status", "sex"), model = "rbm", visible = "categorical",
                       levels = list(sex = c(1, 2)), hidden = 4, epochs = 10, samples = 20, monitor_every = 5,
                       burn_in = 10, batch_size = 20, evaluate = FALSE, reveal = "exact-intermediates", monitoring = 0.25)
  m <- fit$monitoring
  expect_setequal(unique(m$datasetname), c("training", "monitoring"))
  held <- m[m$datasetname == "monitoring", ]
  expect_equal(sort(unique(held$epoch)), c(5, 10))
  expect_setequal(as.character(unique(held$metric)), c("reconstruction error", "log-likelihood"))
  # The monitoring rows are other rows than the training rows: their log-likelihood differs.
  train <- m[m$datasetname == "training" & m$metric == "log-likelihood", ]
  expect_false(isTRUE(all.equal(train$value, held$value[held$metric == "log-likelihood"])))
  png <- tempfile(fileext = ".png")
  grDevices::png(png, width = 900)
  plot(fit)
  grDevices::dev.off()
  expect_gt(file.size(png), 1000)
})

test_that("mpc_correlation_heatmap orders both panels by hclust of the real correlations", {
  set.seed(3)
  latent <- matrix(runif(180), ncol = 3)
  real_rows <- latent[, rep(1:3, each = 3)] + matrix(runif(540, 0, 0.6), ncol = 9)
  colnames(real_rows) <- paste0("x", 1:9)
  real <- cor(real_rows)
  synthetic <- as.data.frame(real_rows[sample(60), ] + matrix(runif(540, 0, 0.3), ncol = 9))
  png <- tempfile(fileext = ".png")
  grDevices::png(png, width = 1000, height = 500)
  order <- mpc_correlation_heatmap(real, synthetic)
  grDevices::dev.off()
  expect_equal(order, colnames(real)[hclust(as.dist(1 - real), method = "average")$order])
  # Each block's three variables stand together.
  for (b in 0:2) expect_equal(diff(range(match(paste0("x", 3 * b + 1:3), order))), 2)
})

test_that("gaussian columns come back on their scale, with the pooled means and SDs, the latent dimensions and the parties' latent density", {
  con <- mpc_connect(local = lung_files(), allow_exact_intermediates = TRUE, allow_suppression = TRUE)
  fit <- mpc_boltzmann(con, c("age", "time"), model = "rbm", visible = "gaussian", hidden = 4, epochs = 10,
                       samples = 50, monitor_every = 5, burn_in = 10, batch_size = 25, evaluate = FALSE,
                       reveal = "exact-intermediates", ais_runs = 0, latent_bins = 5)
  lung <- lung_pooled()
  expect_equal(fit$standardisation$mean, c(mean(lung$age), mean(lung$time)), tolerance = 1e-6)
  expect_equal(fit$standardisation$sd, c(sd(lung$age), sd(lung$time)), tolerance = 1e-6)
  expect_lt(abs(mean(fit$synthetic$age) - mean(lung$age)), sd(lung$age))
  expect_equal(dim(fit$latent), c(50, 2))
  # The parties' rows only as pooled counts on a 5 x 5 grid, small cells shown as 0 (the parties allow suppression).
  density <- fit$latent_density
  expect_false(density$noised)
  expect_equal(dim(density$z), c(5, 5))
  expect_true(sum(density$z) > 0 && sum(density$z) <= nrow(lung))
  expect_true(all(density$z == 0 | density$z >= 3))
  expect_false(any(c("latent_grid", "latent_density") %in% names(fit$outputs)))
  png <- tempfile(fileext = ".png")
  grDevices::png(png)
  plot_latent(fit)
  grDevices::dev.off()
  expect_gt(file.size(png), 1000)
})
