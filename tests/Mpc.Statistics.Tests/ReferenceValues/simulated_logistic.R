# Writes simulated_logistic.csv (600 rows, 10 standard normal features rounded to 4 decimals, a 0/1 outcome from the
# logistic model) and prints glm's coefficients, which simulated_logistic.md records. Run from this folder with Rscript.
set.seed(31)
n <- 600; f <- 10
x <- round(matrix(rnorm(n * f), n, f), 4)
colnames(x) <- paste0("x", 1:f)
beta <- (-1)^(0:(f - 1)) * (1:f) / (2 * f)
y <- rbinom(n, 1, plogis(-0.5 + x %*% beta))
d <- data.frame(x, y = y)
write.csv(d, "simulated_logistic.csv", row.names = FALSE, quote = FALSE)
m <- glm(y ~ ., family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 50))
cat(sprintf("%.10f", coef(m)), sep = "\n")
