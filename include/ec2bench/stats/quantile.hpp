// SPDX-License-Identifier: MIT
// Exact quantiles of a sample under the nine Hyndman-Fan definitions and numpy's four others,
// several at once by selection (no full sort).
#ifndef EC2BENCH_STATS_QUANTILE_HPP
#define EC2BENCH_STATS_QUANTILE_HPP

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ec2bench::stats {

/// How a quantile is read off the order statistics x[0] <= ... <= x[n-1]: numpy's names
/// (numpy.quantile's `method`), which cover Hyndman and Fan's nine definitions (1996) and four
/// of numpy's own. The numbers are Hyndman and Fan's.
enum class quantile_method {
    inverted_cdf,               ///< HF 1: nearest rank, x[ceil(nq)-1]; fio, wrk, HdrHistogram
    averaged_inverted_cdf,      ///< HF 2: as HF 1, averaging the two neighbours when nq is whole
    closest_observation,        ///< HF 3: nearest even order statistic (SAS)
    interpolated_inverted_cdf,  ///< HF 4: linear interpolation of the empirical CDF
    hazen,                      ///< HF 5: piecewise linear, knots at (k - 0.5)/n
    weibull,                    ///< HF 6: knots at k/(n+1) (Minitab, SPSS)
    linear,                     ///< HF 7: knots at (k-1)/(n-1); numpy's and R's default
    median_unbiased,            ///< HF 8: approximately median-unbiased whatever the distribution
    normal_unbiased,            ///< HF 9: approximately unbiased for normal samples
    lower,                      ///< x[floor((n-1)q)]
    higher,                     ///< x[ceil((n-1)q)]
    nearest,                    ///< x[round((n-1)q)], ties to even as numpy.around
    midpoint,                   ///< (lower + higher) / 2
};

/// Every method, in declaration order (for tests, tables and --help).
inline constexpr std::array<quantile_method, 13> all_quantile_methods = {
    quantile_method::inverted_cdf,
    quantile_method::averaged_inverted_cdf,
    quantile_method::closest_observation,
    quantile_method::interpolated_inverted_cdf,
    quantile_method::hazen,
    quantile_method::weibull,
    quantile_method::linear,
    quantile_method::median_unbiased,
    quantile_method::normal_unbiased,
    quantile_method::lower,
    quantile_method::higher,
    quantile_method::nearest,
    quantile_method::midpoint,
};

/// numpy's name of `m`: quantile_method_name(quantile_method::hazen) is "hazen".
constexpr std::string_view quantile_method_name(quantile_method m) noexcept {
    switch (m) {
        case quantile_method::inverted_cdf:
            return "inverted_cdf";
        case quantile_method::averaged_inverted_cdf:
            return "averaged_inverted_cdf";
        case quantile_method::closest_observation:
            return "closest_observation";
        case quantile_method::interpolated_inverted_cdf:
            return "interpolated_inverted_cdf";
        case quantile_method::hazen:
            return "hazen";
        case quantile_method::weibull:
            return "weibull";
        case quantile_method::linear:
            return "linear";
        case quantile_method::median_unbiased:
            return "median_unbiased";
        case quantile_method::normal_unbiased:
            return "normal_unbiased";
        case quantile_method::lower:
            return "lower";
        case quantile_method::higher:
            return "higher";
        case quantile_method::nearest:
            return "nearest";
        case quantile_method::midpoint:
            return "midpoint";
    }
    return "unknown";
}

/// The method numpy calls `name`; throws std::invalid_argument listing the names for any other.
///
///     auto m = ec2bench::stats::parse_quantile_method("median_unbiased");
inline quantile_method parse_quantile_method(std::string_view name) {
    for (quantile_method m : all_quantile_methods) {
        if (quantile_method_name(m) == name) return m;
    }
    std::string msg = "quantile method '" + std::string(name) + "' is not one of";
    for (quantile_method m : all_quantile_methods) {
        msg += m == all_quantile_methods.front() ? " " : ", ";
        msg += quantile_method_name(m);
    }
    throw std::invalid_argument(msg);
}

namespace detail {

/// Shortest text that reads back as `x` ("0.99", "1.5", "nan"), for error messages.
inline std::string format_number(double x) {
    if (std::isnan(x)) return "nan";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

inline void check_probability(const char* fn, double q) {
    if (!(q >= 0.0 && q <= 1.0)) {
        throw std::domain_error(std::string(fn) + ": q " + format_number(q) + " is outside [0, 1]");
    }
}

inline void check_sample_size(const char* fn, std::size_t n) {
    if (n == 0) {
        throw std::invalid_argument(std::string(fn) +
                                    ": the sample is empty: at least one value is needed");
    }
}

/// Throws for the first NaN: it has no place in an order, and std::nth_element's result
/// would be unspecified.
template <class T>
void check_no_nan(const char* fn, const T* p, std::size_t n) {
    if constexpr (std::is_floating_point_v<T>) {
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(p[i])) {
                throw std::invalid_argument(std::string(fn) + ": sample[" + std::to_string(i) +
                                            "] is NaN: every value must be a number");
            }
        }
    } else {
        static_cast<void>(fn);
        static_cast<void>(p);
        static_cast<void>(n);
    }
}

/// Where a quantile sits among the order statistics: lerp(x[lo], x[hi], gamma).
struct quantile_position {
    std::size_t lo = 0;
    std::size_t hi = 0;
    double gamma = 0.0;
    bool interpolates = false;  // numpy's floating-point path: the value is lerp(x[lo], x[hi])
};

/// a * b rounded to double. The volatile store keeps the compiler from fusing the product
/// into a following addition (FMA contraction, on by default in GNU mode with -march=native),
/// which would move a position by one ulp and flip an exact rank: 5 * 0.2 - 1 must be 0.
inline double product(double a, double b) noexcept {
    volatile double p = a * b;
    return p;
}

/// numpy's _lerp, to the rounding: a + (b-a)t below t = 0.5, b - (b-a)(1-t) from there.
inline double lerp(double a, double b, double t) noexcept {
    const double d = b - a;
    return t >= 0.5 ? b - product(d, 1.0 - t) : a + product(d, t);
}

inline double floor_mod2(double f) noexcept {
    const double r = std::fmod(f, 2.0);
    return r < 0 ? r + 2.0 : r;
}

/// numpy.around: halves to even.
inline double round_half_even(double x) noexcept {
    const double f = std::floor(x);
    const double diff = x - f;
    if (diff > 0.5) return f + 1.0;
    if (diff < 0.5) return f;
    return floor_mod2(f) == 0.0 ? f : f + 1.0;
}

/// The position of quantile q in a sorted sample of n > 0 values: numpy 1.24's
/// _quantile/_get_indexes/_get_gamma, step for step, so results agree to the last bit where
/// the floating-point operations do.
inline quantile_position position(std::size_t n, double q, quantile_method m) noexcept {
    const double nd = static_cast<double>(n);
    const auto at = [n](double index) {  // an integer index, clipped into [0, n-1]
        quantile_position p;
        const double c = std::min(std::max(index, 0.0), static_cast<double>(n - 1));
        p.lo = p.hi = static_cast<std::size_t>(c);
        return p;
    };
    // numpy's discrete methods (_discret_interpolation_to_boundaries).
    const auto discrete = [&](double index, bool keep_previous_if_even) {
        const double previous = std::floor(index);
        const double gamma = index - previous;
        const bool take_previous =
            gamma == 0.0 && (!keep_previous_if_even || floor_mod2(previous) == 0.0);
        return at(take_previous ? previous : previous + 1.0);
    };
    double vi = 0.0;  // numpy's "virtual index"
    switch (m) {
        case quantile_method::inverted_cdf:
            return discrete(product(nd, q) - 1.0, false);
        case quantile_method::closest_observation:
            return discrete(product(nd, q) - 1.0 - 0.5, true);
        case quantile_method::lower:
            return at(std::floor(product(nd - 1.0, q)));
        case quantile_method::higher:
            return at(std::ceil(product(nd - 1.0, q)));
        case quantile_method::nearest:
            return at(round_half_even(product(nd - 1.0, q)));
        case quantile_method::averaged_inverted_cdf:
            vi = product(nd, q) - 1.0;
            break;
        case quantile_method::midpoint: {
            const double h = product(nd - 1.0, q);
            vi = 0.5 * (std::floor(h) + std::ceil(h));
            break;
        }
        case quantile_method::linear:
            vi = product(nd - 1.0, q);
            break;
        default: {
            // _compute_virtual_index(n, q, alpha, beta) = n q + (alpha + q (1 - alpha - beta)) - 1
            double alpha = 0.0;
            double beta = 0.0;
            switch (m) {
                case quantile_method::interpolated_inverted_cdf:
                    alpha = 0.0;
                    beta = 1.0;
                    break;
                case quantile_method::hazen:
                    alpha = beta = 0.5;
                    break;
                case quantile_method::weibull:
                    alpha = beta = 0.0;
                    break;
                case quantile_method::median_unbiased:
                    alpha = beta = 1.0 / 3.0;
                    break;
                default:
                    alpha = beta = 3.0 / 8.0;
                    break;  // normal_unbiased
            }
            vi = product(nd, q) + (alpha + product(q, 1.0 - alpha - beta)) - 1.0;
            break;
        }
    }
    quantile_position p;
    p.interpolates = true;
    double previous = std::floor(vi);
    if (vi >= nd - 1.0) {
        p.lo = p.hi = n - 1;
        previous = -1.0;
    } else if (vi < 0.0) {
        p.lo = p.hi = 0;
        previous = 0.0;
    } else {
        p.lo = static_cast<std::size_t>(previous);
        p.hi = p.lo + 1;
    }
    double gamma = vi - previous;
    if (m == quantile_method::averaged_inverted_cdf) {
        gamma = gamma == 0.0 ? 0.5 : 1.0;
    } else if (m == quantile_method::midpoint) {
        gamma = std::fmod(vi, 1.0) == 0.0 ? 0.0 : 0.5;
    }
    p.gamma = gamma;
    return p;
}

/// Moves the value of rank r (0-based) of [first + a, first + b) to first + r, with everything
/// smaller before it and everything larger after it. At either end a scan is enough.
template <class T>
void select_one(T* first, std::size_t a, std::size_t b, std::size_t r) {
    if (r == a) {
        std::iter_swap(first + a, std::min_element(first + a, first + b));
    } else if (r + 1 == b) {
        std::iter_swap(first + r, std::max_element(first + a, first + b));
    } else {
        std::nth_element(first + a, first + r, first + b);
    }
}

/// Places the order statistics of the sorted, distinct `ranks` at their positions in
/// [first, first + n). Selection order matters: each nth_element splits the range, and the
/// ranks on either side are then selected inside the smaller pieces. With up to 48 ranks the
/// order is chosen by dynamic programming to minimise the elements touched (a linear cost
/// model; a scan at a piece's end costs a quarter of a selection); beyond that, by halving.
template <class T>
void select_ranks(T* first, std::size_t n, const std::vector<std::size_t>& ranks) {
    const std::size_t k = ranks.size();
    if (k == 0) return;
    // piece(i, j): the part of the array holding ranks[i..j) once ranks[i-1] and ranks[j] sit
    // in place.
    const auto piece_begin = [&](std::size_t i) { return i == 0 ? 0 : ranks[i - 1] + 1; };
    const auto piece_end = [&](std::size_t j) { return j == k ? n : ranks[j]; };
    constexpr std::size_t dp_limit = 48;
    std::vector<double> cost;
    std::vector<std::uint8_t> split;
    if (k <= dp_limit) {
        cost.assign((k + 1) * (k + 1), 0.0);
        split.assign((k + 1) * (k + 1), 0);
        for (std::size_t len = 1; len <= k; ++len) {
            for (std::size_t i = 0; i + len <= k; ++i) {
                const std::size_t j = i + len;
                const std::size_t a = piece_begin(i);
                const std::size_t b = piece_end(j);
                const auto size = static_cast<double>(b - a);
                double best = std::numeric_limits<double>::infinity();
                std::size_t best_m = i;
                for (std::size_t m = i; m < j; ++m) {
                    const bool at_end = ranks[m] == a || ranks[m] + 1 == b;
                    const double c = (at_end ? 0.25 * size : size) + cost[i * (k + 1) + m] +
                                     cost[(m + 1) * (k + 1) + j];
                    if (c < best) {
                        best = c;
                        best_m = m;
                    }
                }
                cost[i * (k + 1) + j] = best;
                split[i * (k + 1) + j] = static_cast<std::uint8_t>(best_m);
            }
        }
    }
    // An explicit stack of rank intervals [i, j): no recursion depth to worry about.
    std::vector<std::pair<std::size_t, std::size_t>> todo{{0, k}};
    while (!todo.empty()) {
        const auto [i, j] = todo.back();
        todo.pop_back();
        if (i == j) continue;
        const std::size_t m = k <= dp_limit ? split[i * (k + 1) + j] : i + (j - i) / 2;
        select_one(first, piece_begin(i), piece_end(j), ranks[m]);
        todo.emplace_back(i, m);
        todo.emplace_back(m + 1, j);
    }
}

/// The quantiles `qs` of the n values at `first`, which it permutes.
template <class T>
std::vector<double> quantiles_of(const char* fn, T* first, std::size_t n, const double* qs,
                                 std::size_t nq, quantile_method method) {
    static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                  "quantiles are defined for arithmetic values");
    for (std::size_t i = 0; i < nq; ++i)
        check_probability(fn, qs[i]);
    check_sample_size(fn, n);
    check_no_nan(fn, first, n);
    std::vector<quantile_position> pos(nq);
    std::vector<std::size_t> ranks;
    ranks.reserve(2 * nq);
    for (std::size_t i = 0; i < nq; ++i) {
        pos[i] = position(n, qs[i], method);
        ranks.push_back(pos[i].lo);
        if (pos[i].hi != pos[i].lo) ranks.push_back(pos[i].hi);
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    select_ranks(first, n, ranks);
    std::vector<double> out(nq);
    for (std::size_t i = 0; i < nq; ++i) {
        const auto a = static_cast<double>(first[pos[i].lo]);
        out[i] =
            pos[i].interpolates ? lerp(a, static_cast<double>(first[pos[i].hi]), pos[i].gamma) : a;
    }
    return out;
}

template <class Range>
using range_value_t =
    std::remove_cv_t<std::remove_reference_t<decltype(*std::begin(std::declval<Range&>()))>>;

template <class Range>
std::vector<range_value_t<Range>> copy_of(const Range& r) {
    using std::begin;
    using std::end;
    return std::vector<range_value_t<Range>>(begin(r), end(r));
}

template <class QRange>
std::vector<double> probabilities(const QRange& qs) {
    using std::begin;
    using std::end;
    return std::vector<double>(begin(qs), end(qs));
}

}  // namespace detail

/// The q-quantile of `sample` (any range of arithmetic values) under `method`; nearest rank by
/// default, as fio, wrk and HdrHistogram report latencies. Copies the sample.
///
///     double p99 = ec2bench::stats::quantile(latencies_ns, 0.99);
///     double med = ec2bench::stats::quantile(xs, 0.5, ec2bench::stats::quantile_method::linear);
///
/// Throws std::domain_error when q is outside [0, 1] or NaN, std::invalid_argument for an empty
/// sample or one holding NaN.
template <class Range>
double quantile(const Range& sample, double q,
                quantile_method method = quantile_method::inverted_cdf) {
    auto copy = detail::copy_of(sample);
    return detail::quantiles_of("quantile", copy.data(), copy.size(), &q, 1, method)[0];
}

/// Several quantiles of `sample` in one selection, in the order of `qs` (any order). Copies the
/// sample once.
///
///     auto p = ec2bench::stats::quantiles(latencies_ns, {0.5, 0.99, 0.999});
template <class Range, class QRange>
std::vector<double> quantiles(const Range& sample, const QRange& qs,
                              quantile_method method = quantile_method::inverted_cdf) {
    auto copy = detail::copy_of(sample);
    const auto q = detail::probabilities(qs);
    return detail::quantiles_of("quantiles", copy.data(), copy.size(), q.data(), q.size(), method);
}

template <class Range>
std::vector<double> quantiles(const Range& sample, std::initializer_list<double> qs,
                              quantile_method method = quantile_method::inverted_cdf) {
    auto copy = detail::copy_of(sample);
    return detail::quantiles_of("quantiles", copy.data(), copy.size(), qs.begin(), qs.size(),
                                method);
}

/// As quantiles(), without a copy: permutes `sample`, a mutable contiguous range (std::vector,
/// std::array, a C array, aligned_buffer), which keeps the same values in another order.
///
///     auto p = ec2bench::stats::quantiles_in_place(my_samples, {0.5, 0.99});
template <class Range, class QRange>
std::vector<double> quantiles_in_place(Range& sample, const QRange& qs,
                                       quantile_method method = quantile_method::inverted_cdf) {
    using std::data;
    using std::size;
    const auto q = detail::probabilities(qs);
    return detail::quantiles_of("quantiles_in_place", data(sample), size(sample), q.data(),
                                q.size(), method);
}

template <class Range>
std::vector<double> quantiles_in_place(Range& sample, std::initializer_list<double> qs,
                                       quantile_method method = quantile_method::inverted_cdf) {
    using std::data;
    using std::size;
    return detail::quantiles_of("quantiles_in_place", data(sample), size(sample), qs.begin(),
                                qs.size(), method);
}

/// As quantile(), without a copy: permutes `sample` (see quantiles_in_place).
template <class Range>
double quantile_in_place(Range& sample, double q,
                         quantile_method method = quantile_method::inverted_cdf) {
    using std::data;
    using std::size;
    return detail::quantiles_of("quantile_in_place", data(sample), size(sample), &q, 1, method)[0];
}

/// The median of `sample` (any range of arithmetic values): its middle value, or the mean of
/// its two middle values for an even count, as numpy.median and Google Benchmark's median
/// aggregate compute it. Copies the sample; throws as quantile() does for an empty sample or
/// NaN in it.
///
///     double m = ec2bench::stats::median(seconds_per_repetition);
template <class Range>
double median(const Range& sample) {
    auto copy = detail::copy_of(sample);
    const std::size_t n = copy.size();
    const double half = 0.5;
    const double lower =
        detail::quantiles_of("median", copy.data(), n, &half, 1, quantile_method::lower)[0];
    if (n % 2 == 1) return lower;
    // The selection left every value above the lower middle after it: the upper middle is the
    // least of them.
    const auto upper =
        *std::min_element(copy.begin() + static_cast<std::ptrdiff_t>(n / 2), copy.end());
    return (lower + static_cast<double>(upper)) / 2;
}

}  // namespace ec2bench::stats

#endif  // EC2BENCH_STATS_QUANTILE_HPP
