#!/usr/bin/python3
"""numpy.quantile for every method on fixed small samples: the oracle of tests/stats/quantile_test.cpp.

Run with Debian's python3-numpy (1.24): /usr/bin/python3 quantile_numpy.py > quantile_numpy.txt
Format: "sample <name> <n> <values...>" then "<method> <q> <numpy's result>" lines, every
number in Python's repr, which reads back exactly.
"""
import numpy as np

METHODS = ["inverted_cdf", "averaged_inverted_cdf", "closest_observation",
           "interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased",
           "normal_unbiased", "lower", "higher", "nearest", "midpoint"]

rng = np.random.default_rng(20240611)
SAMPLES = {
    "one": [42.0],
    "two": [3.0, -1.0],
    "three": [2.0, 7.0, 5.0],
    "four": [10.0, 20.0, 30.0, 40.0],
    "five_ties": [1.0, 2.0, 2.0, 2.0, 9.0],
    "seven": [0.5, -3.25, 8.0, 1e-3, 6.5, 100.0, 2.0],
    "ten_ints": [15.0, 20.0, 35.0, 40.0, 50.0, 3.0, 8.0, 13.0, 21.0, 34.0],
    "eleven_lognormal": [float(x) for x in np.round(rng.lognormal(10.0, 1.0, 11), 3)],
    "hundred_lognormal": [float(x) for x in np.round(rng.lognormal(8.0, 1.5, 100), 1)],
}
QS = sorted(set([0.0, 0.001, 0.01, 0.05, 0.1, 0.125, 0.2, 0.25, 1 / 3, 0.4, 0.5, 0.6, 2 / 3,
                 0.7, 0.75, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0]))

for name, values in SAMPLES.items():
    x = np.array(values, dtype=np.float64)
    n = len(x)
    print("sample", name, n, " ".join(repr(float(v)) for v in x))
    # Every knot k/n and k/(n-1) as well: the places where the methods differ.
    qs = sorted(set(QS + [k / n for k in range(n + 1)] +
                    ([k / (n - 1) for k in range(n)] if n > 1 else [])))
    for method in METHODS:
        for q in qs:
            print(method, repr(float(q)), repr(float(np.quantile(x, q, method=method))))
