#' Connect to an Mpc federation
#'
#' A connection says which federation the analyst's sessions run on and how to
#' reach the `mpc` command that runs them. Nothing is contacted here: every
#' [mpc_run()] is one session, run by one `mpc` process.
#'
#' Either give `roster` and `key` (a real federation: each session is
#' `mpc run PROTOCOL --roster ROSTER --key KEY`), or give `local`, one CSV file
#' per party (`mpc local PROTOCOL --data a.csv --data b.csv ...`: a federation of
#' loopback party daemons with fresh keys, for trying analyses out).
#'
#' @param roster The federation's roster (`parties.json`).
#' @param key The analyst's private key (`NAME.key`, with `NAME.crt` beside it).
#' @param local Character vector of CSV files, one per party (at least two).
#' @param command How to run the `mpc` command: a character vector of the
#'   program and its leading arguments, such as `"mpc"` or
#'   `c("dotnet", "path/to/mpc.dll")`. A single string ending in `.dll` (with or
#'   without a leading `"dotnet "`) is run with `dotnet`. Defaults to the option
#'   `mpc.command`, then the environment variable `MPC_COMMAND`, then `mpc` on
#'   the PATH.
#' @param protocols The folder holding the protocol scripts
#'   (`kaplan-meier.csx`, ...). Defaults to the option `mpc.protocols`, then the
#'   environment variable `MPC_PROTOCOLS`, then `protocols/` beside `mpc.dll`
#'   (the build copies them there), then `protocols/` in the working directory
#'   or one of its parents.
#' @param min_cell_count,min_group_size,allow_exact_intermediates,allow_suppression
#'   With `local` only: the local parties' disclosure limits (`mpc local
#'   --min-cell-count`, `--min-group-size`, `--allow-exact-intermediates`,
#'   `--allow-suppression`). `NULL` keeps the command's defaults, the same as a
#'   hospital's.
#' @param timeout Seconds an `mpc` process may run before it is stopped
#'   (0: no limit).
#' @return An object of class `mpc_connection`.
#' @examples
#' \dontrun{
#' con <- mpc_connect(local = c("lung-a.csv", "lung-b.csv", "lung-c.csv"))
#' con <- mpc_connect(roster = "parties.json", key = "analyst.key")
#' }
#' @export
mpc_connect <- function(roster = NULL, key = NULL, local = NULL, command = NULL, protocols = NULL,
                        min_cell_count = NULL, min_group_size = NULL,
                        allow_exact_intermediates = FALSE, allow_suppression = FALSE, timeout = 0) {
  if (is.null(local) == is.null(roster))
    stop("give either roster and key (a federation) or local (CSV files, one per party)", call. = FALSE)
  if (!is.null(local)) {
    local <- as.character(local)
    if (length(local) < 2) stop("local needs at least two CSV files, one per party", call. = FALSE)
    missing <- local[!file.exists(local)]
    if (length(missing)) stop("no such data file: ", paste(missing, collapse = ", "), call. = FALSE)
    local <- normalizePath(local)
  } else {
    if (is.null(key)) stop("a federation needs the analyst's key (key = \"analyst.key\")", call. = FALSE)
    for (f in c(roster, key)) if (!file.exists(f)) stop("no such file: ", f, call. = FALSE)
    roster <- normalizePath(roster)
    key <- normalizePath(key)
  }
  command <- mpc_resolve_command(command)
  structure(list(
    roster = roster, key = key, local = local, command = command,
    protocols = mpc_resolve_protocols(protocols, command),
    min_cell_count = min_cell_count, min_group_size = min_group_size,
    allow_exact_intermediates = isTRUE(allow_exact_intermediates),
    allow_suppression = isTRUE(allow_suppression), timeout = timeout
  ), class = "mpc_connection")
}

#' @export
print.mpc_connection <- function(x, ...) {
  if (is.null(x$local)) {
    cat("Mpc federation: roster", x$roster, "\n  analyst key:", x$key, "\n")
  } else {
    cat("Mpc local federation of", length(x$local), "parties:\n")
    cat(paste0("  party", seq_along(x$local), ": ", x$local, collapse = "\n"), "\n")
  }
  cat("  command:", paste(x$command, collapse = " "), "\n")
  cat("  protocols:", if (is.null(x$protocols)) "(not found)" else x$protocols, "\n")
  invisible(x)
}

mpc_resolve_command <- function(command) {
  if (is.null(command)) command <- getOption("mpc.command")
  if (is.null(command)) {
    command <- Sys.getenv("MPC_COMMAND", "")
    if (!nzchar(command)) command <- "mpc"
  }
  command <- as.character(command)
  if (length(command) == 1 && grepl("\\.dll$", command, ignore.case = TRUE)) {
    dll <- sub("^dotnet\\s+", "", command)
    if (!file.exists(dll)) stop("mpc command not found: ", dll, call. = FALSE)
    command <- c("dotnet", normalizePath(dll))
  }
  if (!nzchar(Sys.which(command[1])) && !file.exists(command[1]))
    stop("the mpc command '", command[1], "' is not on the PATH: set options(mpc.command = ...) or MPC_COMMAND, ",
         "for example to path/to/mpc.dll", call. = FALSE)
  command
}

mpc_resolve_protocols <- function(protocols, command) {
  if (is.null(protocols)) protocols <- getOption("mpc.protocols")
  if (is.null(protocols) && nzchar(Sys.getenv("MPC_PROTOCOLS"))) protocols <- Sys.getenv("MPC_PROTOCOLS")
  if (!is.null(protocols)) {
    if (!dir.exists(protocols)) stop("no such protocols folder: ", protocols, call. = FALSE)
    return(normalizePath(protocols))
  }
  dll <- grep("\\.dll$", command, value = TRUE, ignore.case = TRUE)
  candidates <- if (length(dll)) file.path(dirname(dll[1]), "protocols") else character()
  program <- Sys.which(command[1])
  if (nzchar(program)) candidates <- c(candidates, file.path(dirname(normalizePath(program)), "protocols"))
  dir <- normalizePath(getwd())
  repeat {
    candidates <- c(candidates, file.path(dir, "protocols"))
    if (dirname(dir) == dir) break
    dir <- dirname(dir)
  }
  found <- candidates[file.exists(file.path(candidates, "kaplan-meier.csx"))]
  if (length(found)) normalizePath(found[1]) else NULL
}

# The path of a protocol argument: a built-in name or an existing file as is, a bare script
# name ("kaplan-meier") from the connection's protocols folder.
mpc_protocol_path <- function(con, protocol) {
  if (file.exists(protocol)) return(normalizePath(protocol))
  script <- if (grepl("\\.csx$", protocol)) protocol else paste0(protocol, ".csx")
  if (!is.null(con$protocols) && file.exists(file.path(con$protocols, script)))
    return(file.path(con$protocols, script))
  if (grepl("\\.csx$", protocol))
    stop("protocol script not found: ", protocol, " (set options(mpc.protocols = ...) or MPC_PROTOCOLS)", call. = FALSE)
  protocol
}

# Protocol parameters as the command's name=value strings: vectors are comma-separated, logicals
# are true/false; NULL and NA values are left out (the protocol's default applies).
mpc_format_params <- function(params) {
  if (!length(params)) return(character())
  if (is.null(names(params)) || any(!nzchar(names(params)))) stop("every parameter needs a name", call. = FALSE)
  keep <- !vapply(params, function(v) is.null(v) || (length(v) == 1 && is.na(v)), logical(1))
  params <- params[keep]
  values <- vapply(params, function(v) {
    if (is.logical(v)) v <- ifelse(v, "true", "false")
    if (is.numeric(v)) v <- format(v, digits = 15, scientific = FALSE, trim = TRUE)
    paste(as.character(v), collapse = ",")
  }, character(1))
  paste0(names(params), "=", values)
}

#' Run a protocol on the federation
#'
#' Runs one session with the `mpc` command (`mpc run`, or `mpc local` for a local
#' connection) and returns what its `--json` output holds. An error of the
#' command (a refused parameter, a party's refusal, an aborted session) becomes an
#' R error carrying the command's one-line message.
#'
#' @param con A connection from [mpc_connect()].
#' @param protocol A built-in protocol's name (see `mpc protocols`), a protocol
#'   script's path, or a script's name in the connection's protocols folder
#'   (`"kaplan-meier"`).
#' @param params A named list of protocol parameters; vectors are joined with
#'   commas, logicals become `true`/`false`, `NULL` leaves a parameter at its
#'   default.
#' @param verbose Show the command's progress lines (as messages, once it ends).
#' @return A list of class `mpc_result` with `outputs` (a named list: a labelled
#'   output is a named numeric vector, a table a matrix) and `session` (id,
#'   protocol, parameters, parties, seconds, rounds, bytesSent, privacy: the
#'   session's differentially private releases).
#' @export
mpc_run <- function(con, protocol, params = list(), verbose = FALSE) {
  stopifnot(inherits(con, "mpc_connection"))
  args <- if (is.null(con$local)) {
    c("run", mpc_protocol_path(con, protocol), "--roster", con$roster, "--key", con$key)
  } else {
    c("local", mpc_protocol_path(con, protocol), as.vector(rbind("--data", con$local)),
      if (!is.null(con$min_cell_count)) c("--min-cell-count", con$min_cell_count),
      if (!is.null(con$min_group_size)) c("--min-group-size", con$min_group_size),
      if (con$allow_exact_intermediates) "--allow-exact-intermediates",
      if (isTRUE(con$allow_suppression)) "--allow-suppression")
  }
  result <- mpc_command_json(con, c(args, as.vector(rbind("--param", mpc_format_params(params)))), verbose)
  result$outputs <- lapply(result$outputs, mpc_output_value)
  structure(result, class = "mpc_result")
}

# Runs the mpc command with `args` plus --json FILE and returns the parsed JSON; the command's
# one-line "error: ..." becomes an R error.
mpc_command_json <- function(con, args, verbose = FALSE) {
  json <- tempfile("mpc-", fileext = ".json")
  out <- tempfile("mpc-", fileext = ".out")
  err <- tempfile("mpc-", fileext = ".err")
  on.exit(unlink(c(json, out, err)), add = TRUE)
  args <- c(con$command[-1], args, "--json", json)
  status <- system2(con$command[1], shQuote(args), stdout = out, stderr = err, timeout = con$timeout)
  messages <- if (file.exists(err)) readLines(err, warn = FALSE) else character()
  if (verbose && length(messages)) message(paste(messages, collapse = "\n"))
  if (!identical(as.integer(status), 0L) || !file.exists(json)) {
    lines <- c(messages, if (file.exists(out)) readLines(out, warn = FALSE))
    error <- grep("^error: ", lines, value = TRUE)
    detail <- if (length(error)) sub("^error: ", "", error[length(error)])
              else if (length(lines)) lines[length(lines)]
              else paste("exit status", status)
    stop("mpc: ", detail, call. = FALSE)
  }
  jsonlite::fromJSON(json, simplifyVector = TRUE)
}

#' The parties' datasets and their columns
#'
#' Asks every party which datasets it holds (`mpc datasets`): their names and
#' their columns' names and types (`numeric` or `text`), never values or row
#' counts. `mpc_datasets()` gives one row per party and dataset,
#' `mpc_columns()` one row per column.
#'
#' @param con A connection from [mpc_connect()].
#' @param dataset Only this dataset's columns (`NULL`: every dataset).
#' @return A data frame: `party`, `dataset`, `columns` (how many), or `party`,
#'   `dataset`, `column`, `type`.
#' @examples
#' \dontrun{
#' mpc_datasets(con)
#' mpc_columns(con)
#' }
#' @export
mpc_datasets <- function(con) {
  as.data.frame(mpc_catalog(con)$datasets, stringsAsFactors = FALSE)
}

#' @rdname mpc_datasets
#' @export
mpc_columns <- function(con, dataset = NULL) {
  columns <- as.data.frame(mpc_catalog(con)$columns, stringsAsFactors = FALSE)
  if (!is.null(dataset)) columns <- columns[columns$dataset %in% dataset, , drop = FALSE]
  rownames(columns) <- NULL
  columns
}

mpc_catalog <- function(con) {
  stopifnot(inherits(con, "mpc_connection"))
  args <- if (is.null(con$local)) c("datasets", "--roster", con$roster, "--key", con$key)
          else c("datasets", as.vector(rbind("--data", con$local)))
  mpc_command_json(con, args)
}

# A labelled output (a JSON object) as a named numeric vector; lists and tables as they are.
mpc_output_value <- function(value) {
  if (is.list(value) && !is.data.frame(value)) unlist(value) else value
}

#' @export
print.mpc_result <- function(x, ...) {
  s <- x$session
  cat(s$protocol, "on", length(s$parties), "parties:", paste(s$parties, collapse = ", "), "\n")
  for (name in names(x$outputs)) {
    v <- x$outputs[[name]]
    cat("\n$", name, "\n", sep = "")
    if (is.matrix(v) || length(v) <= 12) print(v) else cat(format(utils::head(v, 10), digits = 7), "...", paste0("(", length(v), " values)\n"))
  }
  cat(sprintf("\nsession %s: %.2f s, %s rounds\n", s$id, s$seconds, format(s$rounds, big.mark = ",")))
  invisible(x)
}
