// SPDX-License-Identifier: MIT
// Comparing two sets of benchmark repetitions: the Mann-Whitney U test (two-sided), with
// scipy.stats.mannwhitneyu's choice of exact or asymptotic p-value, and the effect size.
#ifndef EC2BENCH_STATS_COMPARE_HPP
#define EC2BENCH_STATS_COMPARE_HPP

#include <ec2bench/stats/detail/special_functions.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::stats {

/// How the p-value of mann_whitney_u() is computed.
enum class mwu_method {
    automatic,   ///< scipy's "auto": exact when a sample has at most 8 values and no value is
                 ///< tied, else asymptotic
    exact,       ///< the exact null distribution of U (no ties allowed)
    asymptotic,  ///< the normal approximation with tie and continuity corrections
};

constexpr std::string_view mwu_method_name(mwu_method m) noexcept {
    switch (m) {
        case mwu_method::automatic:
            return "auto";
        case mwu_method::exact:
            return "exact";
        case mwu_method::asymptotic:
            return "asymptotic";
    }
    return "unknown";
}

/// What mann_whitney_u() reports.
struct mann_whitney_result {
    double u = 0;        ///< U of the first sample: pairs (a_i, b_j) with a_i > b_j, ties half
    double p_value = 0;  ///< two-sided
    mwu_method method = mwu_method::exact;                ///< the method used (never automatic)
    double z = std::numeric_limits<double>::quiet_NaN();  ///< the standardized U (asymptotic)
    /// The common-language effect size (probability of superiority): U / (n1 n2), the chance
    /// that a value from the first sample exceeds one from the second, ties counting half.
    /// 0.5 is no effect; 0.9 means the first sample is larger nine times in ten.
    double effect_size = 0;
    /// The rank-biserial correlation 2 * effect_size - 1, in [-1, 1].
    double rank_biserial = 0;
    std::size_t n1 = 0;
    std::size_t n2 = 0;
};

namespace detail {

/// The number of arrangements of m x's and n y's (m <= n) with U <= u, for u = 0..max_u: the
/// coefficients of the Gaussian binomial [m+n choose m](q), built as the product over
/// i = 1..m of (1 - q^(n+i)) / (1 - q^i), truncated after q^max_u (every step is lower
/// triangular). Number is __int128 (exact) or long double.
template <class Number>
std::vector<Number> mwu_cumulative_counts(std::size_t m, std::size_t n, std::size_t max_u) {
    std::vector<Number> c{Number(1)};
    c.resize(max_u + 1, Number(0));
    for (std::size_t i = 1; i <= m; ++i) {
        const std::size_t up = n + i;
        if (max_u >= up) {
            for (std::size_t k = max_u;; --k) {  // times (1 - q^up), from the top down
                c[k] -= c[k - up];
                if (k == up) break;
            }
        }
        for (std::size_t k = i; k <= max_u; ++k)
            c[k] += c[k - i];  // over (1 - q^i)
    }
    for (std::size_t k = 1; k <= max_u; ++k)
        c[k] += c[k - 1];
    return c;
}

/// P(U <= k) under the null hypothesis for samples of m and n without ties.
inline double mwu_exact_cdf(std::size_t m, std::size_t n, std::size_t k) {
    if (m > n) std::swap(m, n);
    const double log2_paths =
        (std::lgamma(static_cast<double>(m + n) + 1.0) - std::lgamma(static_cast<double>(m) + 1.0) -
         std::lgamma(static_cast<double>(n) + 1.0)) /
        std::log(2.0);
    if (log2_paths < 120.0) {
        __extension__ typedef __int128 int128;
        const auto c = mwu_cumulative_counts<int128>(m, n, k);
        int128 total = 1;  // C(m+n, m), exactly
        for (std::size_t i = 1; i <= m; ++i)
            total = total * static_cast<int128>(n + i) / static_cast<int128>(i);
        return static_cast<double>(static_cast<long double>(c[k]) /
                                   static_cast<long double>(total));
    }
    const auto c = mwu_cumulative_counts<long double>(m, n, k);
    return static_cast<double>(c[k] /
                               std::exp(static_cast<long double>(log2_paths) * std::log(2.0L)));
}

template <class Range>
std::vector<double> as_doubles(const char* fn, const Range& r, const char* which) {
    using std::begin;
    using std::end;
    std::vector<double> v;
    for (auto it = begin(r); it != end(r); ++it)
        v.push_back(static_cast<double>(*it));
    if (v.empty()) {
        throw std::invalid_argument(std::string(fn) + ": sample " + which +
                                    " is empty: at least one value is needed");
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (std::isnan(v[i])) {
            throw std::invalid_argument(std::string(fn) + ": " + which + "[" + std::to_string(i) +
                                        "] is NaN: every value must be a number");
        }
    }
    return v;
}

}  // namespace detail

/// The two-sided Mann-Whitney U test of whether samples a and b come from the same
/// distribution, against a shift either way; scipy.stats.mannwhitneyu's statistic, p-value and
/// method choice (use_continuity=True, alternative="two-sided"), plus the effect size.
///
///     auto r = ec2bench::stats::mann_whitney_u(old_ns, new_ns);
///     if (r.p_value < 0.01) std::printf("P(old > new) = %.2f\n", r.effect_size);
///
/// Throws std::invalid_argument for an empty sample, NaN, or exact with ties.
template <class RangeA, class RangeB>
mann_whitney_result mann_whitney_u(const RangeA& a, const RangeB& b,
                                   mwu_method method = mwu_method::automatic) {
    constexpr const char* fn = "mann_whitney_u";
    const auto x = detail::as_doubles(fn, a, "a");
    const auto y = detail::as_doubles(fn, b, "b");
    const std::size_t n1 = x.size();
    const std::size_t n2 = y.size();
    const std::size_t n = n1 + n2;
    // Ranks of the pooled sample, ties sharing their average rank.
    std::vector<std::pair<double, bool>> pooled;  // value, from a
    pooled.reserve(n);
    for (double v : x)
        pooled.emplace_back(v, true);
    for (double v : y)
        pooled.emplace_back(v, false);
    std::sort(pooled.begin(), pooled.end(),
              [](const auto& l, const auto& r) { return l.first < r.first; });
    double rank_sum_a = 0;
    double tie_term = 0;  // sum of t^3 - t over groups of t tied values
    bool ties = false;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i + 1;
        while (j < n && pooled[j].first == pooled[i].first)
            ++j;
        const double t = static_cast<double>(j - i);
        const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
        for (std::size_t k = i; k < j; ++k) {
            if (pooled[k].second) rank_sum_a += avg_rank;
        }
        if (j - i > 1) {
            ties = true;
            tie_term += t * t * t - t;
        }
        i = j;
    }
    const double d1 = static_cast<double>(n1);
    const double d2 = static_cast<double>(n2);
    mann_whitney_result r;
    r.n1 = n1;
    r.n2 = n2;
    r.u = rank_sum_a - d1 * (d1 + 1.0) / 2.0;
    const double u2 = d1 * d2 - r.u;
    const double u = std::max(r.u, u2);
    r.effect_size = r.u / (d1 * d2);
    r.rank_biserial = 2.0 * r.effect_size - 1.0;
    if (method == mwu_method::automatic) {
        method = (n1 > 8 && n2 > 8) || ties ? mwu_method::asymptotic : mwu_method::exact;
    }
    r.method = method;
    if (method == mwu_method::exact) {
        if (ties) {
            throw std::invalid_argument(std::string(fn) +
                                        ": the exact p-value needs samples without ties; use "
                                        "mwu_method::asymptotic, which corrects for them");
        }
        // P(U' >= u) = P(U' <= n1 n2 - u) by symmetry.
        const auto k = static_cast<std::size_t>(d1 * d2 - u);
        r.p_value = std::min(1.0, 2.0 * detail::mwu_exact_cdf(n1, n2, k));
    } else {
        const double nd = static_cast<double>(n);
        const double mu = d1 * d2 / 2.0;
        const double s = std::sqrt(d1 * d2 / 12.0 * ((nd + 1.0) - tie_term / (nd * (nd - 1.0))));
        r.z = (u - mu - 0.5) / s;  // s = 0 (every value tied): -inf, p = 1, as scipy
        r.p_value = std::min(1.0, std::max(0.0, 2.0 * detail::normal_upper_tail(r.z)));
    }
    return r;
}

/// The smallest two-sided p-value the exact U test can give for samples of n1 and n2 values,
/// whatever they hold: 2 / C(n1 + n2, n1), reached when the samples do not overlap (1 when a
/// sample is empty). An alpha at or below it can never be reached.
///
///     ec2bench::stats::mwu_min_p_value(3, 3);   // 0.1: 3 against 3 never reaches 0.05
inline double mwu_min_p_value(std::size_t n1, std::size_t n2) noexcept {
    if (n1 == 0 || n2 == 0) return 1.0;
    const std::size_t k = std::min(n1, n2);
    const std::size_t n = n1 + n2;
    double paths = 1;  // C(n, k), built so that every partial product is itself a binomial
    for (std::size_t i = 1; i <= k; ++i)
        paths = paths * static_cast<double>(n - k + i) / static_cast<double>(i);
    return std::min(1.0, 2.0 / paths);
}

/// The fewest values a sample needs, when the other has `other` values, for the exact U test to
/// be able to reach p < alpha: the smallest n with mwu_min_p_value(other, n) < alpha.
/// Throws std::domain_error for alpha outside (0, 1), std::invalid_argument for other = 0.
inline std::size_t mwu_min_sample_size(std::size_t other, double alpha) {
    if (!(alpha > 0.0 && alpha < 1.0)) {
        throw std::domain_error("mwu_min_sample_size: alpha " + detail::format_number(alpha) +
                                " is outside (0, 1)");
    }
    if (other == 0) {
        throw std::invalid_argument(
            "mwu_min_sample_size: the other sample is empty: no size reaches any alpha");
    }
    std::size_t n = 1;
    while (mwu_min_p_value(other, n) >= alpha)
        ++n;
    return n;
}

/// The fewest values per side, with equal sides, for the exact U test to be able to reach
/// p < alpha: the smallest n with 2 / C(2n, n) < alpha (4 for 0.05, 5 for 0.01, 7 for 0.001).
/// Throws std::domain_error for alpha outside (0, 1).
///
///     ec2bench::stats::mwu_min_sample_size(0.05);   // 4
inline std::size_t mwu_min_sample_size(double alpha) {
    if (!(alpha > 0.0 && alpha < 1.0)) {
        throw std::domain_error("mwu_min_sample_size: alpha " + detail::format_number(alpha) +
                                " is outside (0, 1)");
    }
    std::size_t n = 1;
    while (mwu_min_p_value(n, n) >= alpha)
        ++n;
    return n;
}

}  // namespace ec2bench::stats

#endif  // EC2BENCH_STATS_COMPARE_HPP
