# Reference values from R's nls for dev.wengert.fit's statistics tests (ReferenceStatisticsTest).
# Run from this folder:  Rscript --vanilla nls_reference.R
# Writes puromycin.csv and dnase1.csv (from R's datasets package) and r-nls.properties.
# Every model has an analytic gradient (selfStart models, or deriv()), so nls does not
# difference numerically and its estimates are good to about 10 digits (tol = 1e-9).

out <- character()
put <- function(key, value) {
  out <<- c(out, sprintf("%s = %s", key, trimws(formatC(value, digits = 17, format = "g"))))
}
record <- function(prefix, fit) {
  s <- summary(fit)
  co <- s$coefficients
  for (name in rownames(co)) {
    put(paste0(prefix, ".", name, ".estimate"), co[name, "Estimate"])
    put(paste0(prefix, ".", name, ".se"), co[name, "Std. Error"])
    put(paste0(prefix, ".", name, ".t"), co[name, "t value"])
    put(paste0(prefix, ".", name, ".p"), co[name, "Pr(>|t|)"])
  }
  put(paste0(prefix, ".sigma"), s$sigma)
  put(paste0(prefix, ".df"), s$df[2])
  put(paste0(prefix, ".rss"), deviance(fit))
  put(paste0(prefix, ".logLik"), as.numeric(logLik(fit)))
  put(paste0(prefix, ".AIC"), AIC(fit))
  put(paste0(prefix, ".BIC"), BIC(fit))
}
ctl <- nls.control(tol = 1e-9, maxiter = 1000, minFactor = 1e-12)

# Michaelis–Menten on Puromycin (treated cells): rate = Vm·conc/(K + conc)
puro <- Puromycin[Puromycin$state == "treated", c("conc", "rate")]
write.csv(puro, "puromycin.csv", row.names = FALSE)
mm <- nls(rate ~ SSmicmen(conc, Vm, K), data = puro, start = list(Vm = 200, K = 0.1), control = ctl)
record("puromycin", mm)

# the same with weights wᵢ = 1/rateᵢ (as for counts whose variance grows with the mean)
puro$w <- 1 / puro$rate
mmw <- nls(rate ~ SSmicmen(conc, Vm, K), data = puro, weights = w, start = list(Vm = 200, K = 0.1), control = ctl)
record("puromycin.weighted", mmw)

# a three-parameter logistic on DNase (run 1): density = Asym/(1 + exp((xmid − log(conc))/scal))
dn <- DNase[DNase$Run == 1, c("conc", "density")]
dn <- data.frame(conc = dn$conc, density = dn$density)
write.csv(dn, "dnase1.csv", row.names = FALSE)
lg <- nls(density ~ SSlogis(log(conc), Asym, xmid, scal), data = dn,
          start = list(Asym = 2, xmid = 1.5, scal = 1), control = ctl)
record("dnase1", lg)

# Asym fixed at 2.3: the parameter written as a constant, as Fitter.fix("Asym", 2.3) must match
fixedModel <- deriv(~ 2.3 / (1 + exp((xmid - log(conc)) / scal)), c("xmid", "scal"),
                    function(conc, xmid, scal) {})
lgf <- nls(density ~ fixedModel(conc, xmid, scal), data = dn, start = list(xmid = 1.5, scal = 1), control = ctl)
record("dnase1.fixedAsym", lgf)

header <- c(
  "# Written by nls_reference.R; do not edit by hand.",
  paste0("# ", R.version.string, ", stats ", packageVersion("stats")),
  "# Keys: <problem>.<parameter>.{estimate,se,t,p} and <problem>.{sigma,df,rss,logLik,AIC,BIC}")
writeLines(c(header, out), "r-nls.properties")
