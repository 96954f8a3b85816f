#' Logistic regression on the pooled rows of all parties
#'
#' Fits `glm(outcome ~ features, family = binomial)` under MPC with
#' `protocols/logistic-regression.csx`. With `reveal = "final"` (the default)
#' only the coefficients, their standard errors and (with `deviance = TRUE`)
#' the residual deviance and the counts n and events are revealed; z values,
#' p-values, the null deviance, AIC and degrees of freedom follow from those.
#' The residual deviance is computed under MPC at the fitted coefficients
#' (absolute error below 1e-9 a row; fitted p kept within 2.2e-16 of 0 and 1,
#' as glm's binomial link). Each party checks its events and non-events
#' against its minimum cell count before it fits, and refuses below it.
#' With `reveal = "dp-intermediates"` no exact deviance is revealed (only
#' noised gradients are): the summary says so.
#'
#' @param con A connection from [mpc_connect()].
#' @param formula `outcome ~ x1 + x2` over column names (plain columns only;
#'   `- 1` or `+ 0` drops the intercept), or the outcome column's name with
#'   `features`.
#' @param features The feature columns, when `formula` is a column name.
#' @param family Only `binomial` (the logit link).
#' @param standard_errors Also reveal the standard errors (needed for z and p).
#' @param deviance Also reveal the residual deviance and the counts n and
#'   events (`reveal = "final"` only).
#' @param lambda,standardise L2 penalty, as the protocol's parameters.
#' @param reveal `"final"` or `"dp-intermediates"` (then give `bounds` and
#'   `epsilon` in `...`).
#' @param ... Further parameters of the protocol (see `mpc describe
#'   protocols/logistic-regression.csx`).
#' @return An object of class `mpc_glm`: `coefficients`, `standard_errors`
#'   (or `NULL`), `converged`, `iterations`, `n`, `events`, `deviance`,
#'   `null.deviance`, `aic`, `df.null`, `df.residual` (as glm's; `NULL` when
#'   not revealed), `outputs` (everything revealed), `call`, `formula` and
#'   `session`. `print` and `summary` show `summary(glm)`'s coefficient table,
#'   deviances and AIC; `coef`, `confint` (Wald), `deviance`, `nobs`, `logLik`
#'   and `AIC` work.
#' @examples
#' \dontrun{
#' fit <- mpc_glm(con, status ~ age + sex)
#' fit
#' }
#' @export
mpc_glm <- function(con, formula, features = NULL, family = stats::binomial, standard_errors = TRUE, deviance = TRUE, lambda = 0,
                    standardise = FALSE, reveal = c("final", "dp-intermediates"), ...) {
  reveal <- match.arg(reveal)
  if (is.function(family)) family <- family()
  if (!identical(family$family, "binomial") || !identical(family$link, "logit"))
    stop("mpc_glm fits logistic regression only: family = binomial(link = \"logit\")", call. = FALSE)
  model <- mpc_glm_terms(formula, features)
  result <- mpc_run(con, "logistic-regression", c(list(
    outcome = model$outcome, features = model$features, intercept = model$intercept, lambda = lambda,
    standardise = standardise, reveal = reveal,
    standard_errors = if (reveal == "final") standard_errors, deviance = if (reveal == "final") deviance), list(...)))
  out <- result$outputs
  counts <- out$counts
  structure(list(
    coefficients = out$coefficients, standard_errors = out$standard_errors,
    converged = if (!is.null(out$converged)) out$converged == 1 else NA, iterations = out$iterations,
    n = if (!is.null(counts)) unname(round(counts[[1]])), events = if (!is.null(counts)) unname(round(counts[[2]])),
    deviance = out$deviance, null.deviance = out$null_deviance, aic = out$aic,
    df.null = if (!is.null(out$degrees_of_freedom)) unname(round(out$degrees_of_freedom[[1]])),
    df.residual = if (!is.null(out$degrees_of_freedom)) unname(round(out$degrees_of_freedom[[2]])),
    reveal = reveal, lambda = lambda, outputs = out, formula = model$formula, call = match.call(),
    session = result$session
  ), class = "mpc_glm")
}

mpc_glm_terms <- function(formula, features) {
  if (inherits(formula, "formula")) {
    if (length(formula) != 3) stop("the formula needs an outcome: outcome ~ x1 + x2", call. = FALSE)
    terms <- stats::terms(formula)
    labels <- attr(terms, "term.labels")
    bad <- labels[!grepl("^[A-Za-z._][A-Za-z0-9._]*$", labels)]
    if (length(bad)) stop("mpc_glm takes plain columns only, not ", paste(bad, collapse = ", "), call. = FALSE)
    return(list(outcome = deparse(formula[[2]]), features = labels, intercept = attr(terms, "intercept") == 1,
                formula = formula))
  }
  if (!is.character(formula) || length(formula) != 1 || !length(features))
    stop("give a formula (outcome ~ x1 + x2), or the outcome column and features", call. = FALSE)
  list(outcome = formula, features = features, intercept = TRUE,
       formula = stats::reformulate(features, response = formula))
}

#' @export
coef.mpc_glm <- function(object, ...) object$coefficients

#' @export
confint.mpc_glm <- function(object, parm, level = 0.95, ...) {
  if (is.null(object$standard_errors)) stop("no standard errors were revealed", call. = FALSE)
  z <- stats::qnorm(1 - (1 - level) / 2)
  ci <- cbind(object$coefficients - z * object$standard_errors, object$coefficients + z * object$standard_errors)
  dimnames(ci) <- list(names(object$coefficients), paste(format(100 * c((1 - level) / 2, 1 - (1 - level) / 2)), "%"))
  if (missing(parm)) ci else ci[parm, , drop = FALSE]
}

#' @export
deviance.mpc_glm <- function(object, ...) object$deviance

#' @export
nobs.mpc_glm <- function(object, ...) object$n

# glm's own for a 0/1 binomial: log L = -deviance / 2 on as many df as coefficients.
#' @export
logLik.mpc_glm <- function(object, ...) {
  if (is.null(object$deviance)) stop("no deviance was revealed", call. = FALSE)
  structure(-object$deviance / 2, df = length(object$coefficients), nobs = object$n, class = "logLik")
}

#' @export
summary.mpc_glm <- function(object, ...) {
  b <- object$coefficients
  se <- object$standard_errors
  table <- if (is.null(se)) cbind(Estimate = b) else {
    z <- b / se
    cbind(Estimate = b, `Std. Error` = se, `z value` = z, `Pr(>|z|)` = 2 * stats::pnorm(-abs(z)))
  }
  structure(c(object, list(coef_table = table)), class = "summary.mpc_glm")
}

#' @export
print.mpc_glm <- function(x, ...) print(summary(x), ...)

#' @export
print.summary.mpc_glm <- function(x, digits = max(3L, getOption("digits") - 3L),
                                  signif.stars = getOption("show.signif.stars"), ...) {
  cat("\nCall:\n")
  dput(x$call)
  cat("\nFormula: ", deparse(x$formula), ", family binomial (logit), on ", length(x$session$parties),
      " parties under MPC\n", sep = "")
  cat("\nCoefficients:\n")
  if (ncol(x$coef_table) == 4) {
    stats::printCoefmat(x$coef_table, digits = digits, signif.stars = signif.stars, na.print = "NA", ...)
  } else {
    print(x$coef_table, digits = digits)
    cat("(no standard errors revealed", if (x$reveal == "final") ": standard_errors = TRUE reveals them", ")\n", sep = "")
  }
  cat("\n(Dispersion parameter for binomial family taken to be 1)\n\n")
  if (x$lambda > 0) cat("L2 penalty lambda = ", x$lambda, "\n", sep = "")
  if (!is.null(x$outputs$privacy_spent))
    cat("Differentially private fit: epsilon = ", format(x$outputs$privacy_spent[[1]], digits = 4),
        ", delta = ", format(x$outputs$privacy_spent[[2]], digits = 4), "\n", sep = "")
  if (!is.null(x$deviance)) {
    # As print.summary.glm lays them out.
    cat(apply(cbind(paste(format(c("Null", "Residual"), justify = "right"), "deviance:"),
                    format(c(x$null.deviance, x$deviance), digits = max(5L, digits + 1L)), " on",
                    format(c(x$df.null, x$df.residual)), " degrees of freedom\n"), 1L, paste, collapse = " "), sep = "")
    cat("AIC: ", format(x$aic, digits = max(4L, digits + 1L)), "\n", sep = "")
    cat("n = ", x$n, " (", x$events, " events)\n\n", sep = "")
  } else if (x$reveal == "final") {
    cat("Deviance, AIC: not revealed (deviance = FALSE)\n")
  } else {
    cat("Deviance, AIC: not revealed (reveal = \"dp-intermediates\" opens only noised gradients; an exact deviance would be an exact aggregate of the rows)\n")
  }
  if (x$reveal == "final") {
    cat("Number of Newton iterations: ", x$iterations, if (isTRUE(x$converged)) " (converged)" else " (NOT converged)", "\n\n", sep = "")
  } else {
    cat("Gradient steps: ", x$iterations, "\n\n", sep = "")
  }
  invisible(x)
}
