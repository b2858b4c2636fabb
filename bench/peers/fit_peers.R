# R's nls on the data of FitSpeedBench (bench/src/main/java/dev/wengert/bench/FitModels.java).
#
#   Rscript bench/peers/fit_peers.R <data dir> <out.json> [--quick] [--models=MM,EXP2] <rows>...
#
# The same models, starts and data files as the Java side (one file per model and size: the
# predictor column then the response column, little-endian doubles). nls as a user calls it:
# the default Gauss-Newton algorithm with derivatives by R's own numericDeriv (forward
# differences). Time per fit: the mean (as JMH's average time) of repeated fits after one
# untimed fit, repeated for at least 2 s (at least 3 and at most 50 fits), wall-clock and the
# process's CPU time (user + system, 10 ms resolution: R runs nls on one thread), and the
# fastest fit. Prints one line per model and size and writes a JSON list (by hand: no package
# beyond base R is assumed).

args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
out <- args[2]
quick <- "--quick" %in% args
rest <- args[-(1:2)]
pick <- rest[startsWith(rest, "--models=")]
sizes <- as.integer(rest[!startsWith(rest, "--")])

models <- list(
  MM = list(f = y ~ a * x / (b + x), start = c(a = 1.5, b = 0.5)),
  POWER = list(f = y ~ a * x^b + c, start = c(a = 1.0, b = 0.5, c = 0.0)),
  LOGISTIC = list(f = y ~ a / (exp(-(b * (x - c))) + 1) + d, start = c(a = 2.5, b = 1.2, c = 3.5, d = 0.0)),
  EXP2 = list(f = y ~ a1 * exp(-k1 * x) + a2 * exp(-k2 * x) + c,
              start = c(a1 = 2.5, k1 = 1.0, a2 = 1.0, k2 = 0.15, c = 0.4)),
  GAUSS2 = list(f = y ~ b1 * exp(-b2 * x) + b3 * exp(-((x - b4) / b5)^2) + b6 * exp(-((x - b7) / b8)^2),
                start = c(b1 = 94.0, b2 = 0.0105, b3 = 99.0, b4 = 63.0, b5 = 25.0, b6 = 71.0, b7 = 180.0, b8 = 20.0))
)

load <- function(name, m) {
  con <- file(file.path(dir, paste0(tolower(name), "-", m, ".f64")), "rb")
  d <- readBin(con, "double", n = 2 * m, size = 8, endian = "little")
  close(con)
  data.frame(x = d[1:m], y = d[(m + 1):(2 * m)])
}

if (length(pick) > 0) models <- models[strsplit(sub("--models=", "", pick[1]), ",")[[1]]]

cat(R.version.string, "\n")
lines <- character(0)
for (name in names(models)) {
  for (m in sizes) {
    d <- load(name, m)
    mod <- models[[name]]
    fit <- nls(mod$f, data = d, start = mod$start)          # untimed
    times <- numeric(0)
    cpu <- numeric(0)
    budget <- if (quick) 0.3 else 2.0
    t_all <- proc.time()[["elapsed"]]
    repeat {
      t0 <- Sys.time()
      c0 <- proc.time()
      fit <- nls(mod$f, data = d, start = mod$start)
      c1 <- proc.time()
      times <- c(times, as.numeric(Sys.time() - t0, units = "secs"))
      cpu <- c(cpu, (c1[["user.self"]] + c1[["sys.self"]]) - (c0[["user.self"]] + c0[["sys.self"]]))
      if (length(times) >= 3 && (proc.time()[["elapsed"]] - t_all >= budget || length(times) >= 50)) break
    }
    est <- coef(fit)
    cat(sprintf("nls %s %d: %.3f ms mean of %d (min %.3f, CPU %.3f) estimates %s\n", name, m, 1e3 * mean(times),
                length(times), 1e3 * min(times), 1e3 * mean(cpu), paste(format(est, digits = 15), collapse = ", ")))
    lines <- c(lines, sprintf('{"tool": "nls", "model": "%s", "rows": %d, "ms": %.6f, "min_ms": %.6f, "cpu_ms": %.6f, "fits": %d, "estimates": [%s]}',
                              name, m, 1e3 * mean(times), 1e3 * min(times), 1e3 * mean(cpu), length(times),
                              paste(sprintf("%.17g", est), collapse = ", ")))
  }
}
writeLines(c("[", paste(lines, collapse = ",\n"), "]"), out)
