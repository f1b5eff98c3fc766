#!/usr/bin/python3
"""scipy's values for the summary and compare tests (tests/stats/summary_test.cpp, compare_test.cpp).

Run with Debian's python3-scipy (1.10): /usr/bin/python3 scipy_oracles.py > scipy_oracles.txt
Lines:
  t <dof> <p> <scipy.stats.t.ppf(p, dof)> <the root of scipy's t.sf/t.cdf at p>
      (t.ppf, cephes' stdtrit, is good to about 1e-9; the root of the CDF, which scipy computes
      to full precision, is the sharper oracle)
  binom_ci <n> <q> <confidence> <lower_rank> <upper_rank> <coverage>
      ranks 1-based: lower = 1 + the largest j with binom.cdf(j, n, q) <= (1-confidence)/2,
      upper = 1 + the smallest j with binom.sf(j, n, q) <= (1-confidence)/2
  mwu <method> <statistic> <pvalue> <n1> <a values...> <n2> <b values...>
Numbers in Python's repr, which reads back exactly.
"""
import numpy as np
from scipy import optimize, stats

for dof in [1, 2, 3, 4, 5, 7, 10, 19, 30, 100, 1000, 100000]:
    for p in [0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9995, 1 - 1e-6, 0.025, 0.1]:
        ppf = float(stats.t.ppf(p, dof))
        if p > 0.5:
            f = lambda t: stats.t.sf(t, dof) - (1 - p)
        else:
            f = lambda t: stats.t.cdf(t, dof) - p
        lo, hi = sorted([ppf * (1 - 1e-6), ppf * (1 + 1e-6)])
        root = optimize.brentq(f, lo, hi, xtol=1e-300, rtol=8.9e-16, maxiter=500)
        print("t", dof, repr(p), repr(ppf), repr(float(root)))

for n, q, conf in [(100, 0.5, 0.95), (20, 0.5, 0.95), (1000, 0.99, 0.95), (368, 0.99, 0.95),
                   (10000, 0.999, 0.99), (50, 0.9, 0.9), (1000000, 0.5, 0.95),
                   (10000000, 0.999, 0.95), (7, 0.5, 0.95), (300, 0.25, 0.8)]:
    h = (1 - conf) / 2
    j = np.arange(n)
    cdf = stats.binom.cdf(j, n, q)
    sf = stats.binom.sf(j, n, q)
    jl = int(np.max(j[cdf <= h]))
    ju = int(np.min(j[sf <= h]))
    cov = 1 - stats.binom.cdf(jl, n, q) - stats.binom.sf(ju, n, q)
    print("binom_ci", n, repr(q), repr(conf), jl + 1, ju + 1, repr(float(cov)))

rng = np.random.default_rng(20240611)
cases = [
    ([1.5, 2.5, 3.5], [4.0, 5.0, 6.0, 7.0]),                       # exact, fully separated
    ([19.0, 22.0, 16.0, 29.0, 24.0], [20.0, 11.0, 17.0, 12.0]),   # exact
    (list(rng.normal(10, 2, 8)), list(rng.normal(11, 2, 30))),    # exact: one sample of 8
    (list(rng.normal(10, 2, 3)), list(rng.normal(10, 2, 200))),   # exact, small vs large
    ([1.0, 2.0, 2.0, 3.0], [2.0, 3.0, 4.0, 5.0, 5.0]),             # ties: asymptotic
    (list(rng.normal(0, 1, 20)), list(rng.normal(0.8, 1, 25))),   # large: asymptotic
    (list(np.round(rng.lognormal(3, 1, 40))), list(np.round(rng.lognormal(3.3, 1, 35)))),
    ([7.0] * 12, [7.0] * 10),                                      # every value tied: p = 1
    (list(rng.normal(0, 1, 9)), list(rng.normal(0, 1, 9))),       # just past exact
    (list(range(1, 51)), list(range(51, 101))),                    # separated, asymptotic
]
for a, b in cases:
    for method in ["auto", "exact", "asymptotic"]:
        a_ = [float(v) for v in a]
        b_ = [float(v) for v in b]
        has_ties = len(set(a_ + b_)) < len(a_ + b_)
        if method == "exact" and (has_ties or len(a_) * len(b_) > 20000):
            continue
        r = stats.mannwhitneyu(a_, b_, alternative="two-sided", method=method)
        print("mwu", method, repr(float(r.statistic)), repr(float(r.pvalue)), len(a_),
              " ".join(repr(v) for v in a_), len(b_), " ".join(repr(v) for v in b_))
