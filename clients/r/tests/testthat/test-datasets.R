# mpc_datasets() and mpc_columns() on a local federation, against the CSV files' own headers.

test_that("mpc_columns lists every party's columns and types as read.csv reads them, and no values", {
  con <- lung_federation()
  datasets <- mpc_datasets(con)
  expect_equal(datasets$party, paste0("party", 1:3))
  expect_equal(datasets$dataset, rep("data", 3))
  columns <- mpc_columns(con)
  expect_equal(names(columns), c("party", "dataset", "column", "type"))
  for (i in 1:3) {
    file <- utils::read.csv(lung_files()[i])
    mine <- columns[columns$party == paste0("party", i), ]
    expect_equal(mine$column, names(file))
    expect_equal(mine$type, ifelse(vapply(file, is.numeric, logical(1)), "numeric", "text"), ignore_attr = TRUE)
    expect_equal(datasets$columns[i], ncol(file))
  }
  expect_equal(nrow(mpc_columns(con, dataset = "nosuch")), 0)
})
