// SPDX-License-Identifier: MIT
// Summaries of a sample (count, extremes, mean, spread, percentiles) and confidence intervals:
// distribution-free for a quantile, Student-t for the mean.
#ifndef EC2BENCH_STATS_SUMMARY_HPP
#define EC2BENCH_STATS_SUMMARY_HPP

#include <ec2bench/stats/detail/special_functions.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace ec2bench::stats {

/// One percentile of a summary: the q-quantile and its value (nearest rank).
struct percentile {
    double q;
    double value;
};

/// What summarize() reports.
struct summary {
    std::size_t count = 0;
    double min = 0;
    double max = 0;
    double mean = 0;
    double stddev = 0;  ///< sample standard deviation (n - 1); NaN for one value
    double cv = 0;      ///< coefficient of variation, stddev / mean
    std::vector<percentile> percentiles;

    /// The value of percentile q, which must be one summarize() was asked for.
    double at(double q) const {
        for (const auto& p : percentiles) {
            if (p.q == q) return p.value;
        }
        throw std::out_of_range("summary::at: q " + detail::format_number(q) +
                                " is not among the summarized percentiles");
    }
};

namespace detail {

/// Neumaier's compensated sum: the mean of a million latencies loses no digits to rounding.
class compensated_sum {
public:
    void add(double x) noexcept {
        const double t = sum_ + x;
        comp_ += std::abs(sum_) >= std::abs(x) ? (sum_ - t) + x : (x - t) + sum_;
        sum_ = t;
    }
    double value() const noexcept { return sum_ + comp_; }

private:
    double sum_ = 0;
    double comp_ = 0;
};

struct moments {
    double min;
    double max;
    double mean;
    double stddev;
};

/// Extremes, mean and sample standard deviation in two passes (the corrected two-pass
/// algorithm: the second pass's residual sum removes the mean's rounding error).
template <class T>
moments moments_of(const T* x, std::size_t n) {
    compensated_sum s;
    auto lo = static_cast<double>(x[0]);
    double hi = lo;
    for (std::size_t i = 0; i < n; ++i) {
        const auto v = static_cast<double>(x[i]);
        s.add(v);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    const double mean = s.value() / static_cast<double>(n);
    compensated_sum sq;
    compensated_sum dev;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(x[i]) - mean;
        sq.add(d * d);
        dev.add(d);
    }
    const double nd = static_cast<double>(n);
    const double var =
        n > 1 ? std::max(0.0, (sq.value() - dev.value() * dev.value() / nd) / (nd - 1.0))
              : std::numeric_limits<double>::quiet_NaN();
    return {lo, hi, mean, std::sqrt(var)};
}

inline void check_confidence(const char* fn, double confidence) {
    if (!(confidence > 0.0 && confidence < 1.0)) {
        throw std::domain_error(std::string(fn) + ": confidence " + format_number(confidence) +
                                " is outside (0, 1)");
    }
}

}  // namespace detail

/// Count, min, max, mean, standard deviation, coefficient of variation and the percentiles
/// `qs` (nearest rank, as fio and HdrHistogram report them) of any range of arithmetic values.
///
///     auto s = ec2bench::stats::summarize(latencies_ns);
///     std::printf("p99 %.0f ns, mean %.0f ns, cv %.3f\n", s.at(0.99), s.mean, s.cv);
///
/// Throws as quantiles() does for an empty sample, NaN in it, or q outside [0, 1].
template <class Range, class QRange>
summary summarize(const Range& sample, const QRange& qs) {
    auto x = detail::copy_of(sample);
    const auto q = detail::probabilities(qs);
    for (double p : q)
        detail::check_probability("summarize", p);
    detail::check_sample_size("summarize", x.size());
    detail::check_no_nan("summarize", x.data(), x.size());
    summary s;
    s.count = x.size();
    const auto m = detail::moments_of(x.data(), x.size());
    s.min = m.min;
    s.max = m.max;
    s.mean = m.mean;
    s.stddev = m.stddev;
    s.cv = m.stddev / m.mean;
    const auto values = detail::quantiles_of("summarize", x.data(), x.size(), q.data(), q.size(),
                                             quantile_method::inverted_cdf);
    for (std::size_t i = 0; i < q.size(); ++i)
        s.percentiles.push_back({q[i], values[i]});
    return s;
}

template <class Range>
summary summarize(const Range& sample, std::initializer_list<double> qs = {0.5, 0.9, 0.99, 0.999}) {
    return summarize(sample, std::vector<double>(qs));
}

/// A distribution-free confidence interval for a quantile: the order statistics of ranks
/// lower_rank and upper_rank (1-based) bracket the q-quantile with probability `coverage`,
/// whatever the distribution (if continuous).
struct quantile_interval {
    double q = 0;
    double confidence = 0;  ///< what was asked
    double coverage = 0;    ///< what the ranks achieve: at least `confidence`
    double estimate = 0;    ///< the nearest-rank q-quantile
    double lower = 0;
    double upper = 0;
    std::size_t lower_rank = 0;
    std::size_t upper_rank = 0;
    std::size_t count = 0;
};

/// The ranks of quantile_ci(): which order statistics (1-based) bracket the q-quantile of n
/// values with at least `confidence`, and the coverage they achieve. For samples held in any
/// form (a histogram reads the values of these ranks off its buckets).
struct quantile_ci_ranks {
    std::size_t lower_rank = 0;
    std::size_t upper_rank = 0;
    double coverage = 0;
};

/// With B ~ Binomial(n, q), lower_rank is the largest l with P(B < l) <= (1 - confidence)/2 and
/// upper_rank the smallest u with P(B >= u) <= (1 - confidence)/2, so each tail is at most
/// half the miss probability and coverage = P(l <= B < u) >= confidence. Throws as
/// quantile_ci() does.
///
///     auto r = ec2bench::stats::quantile_ranks(10'000, 0.99);   // ranks 9880 and 9920
inline quantile_ci_ranks quantile_ranks(std::size_t n, double q, double confidence = 0.95,
                                        const char* fn = "quantile_ranks") {
    if (!(q > 0.0 && q < 1.0)) {
        throw std::domain_error(std::string(fn) + ": q " + detail::format_number(q) +
                                " is outside (0, 1): an extreme has no distribution-free interval");
    }
    detail::check_confidence(fn, confidence);
    detail::check_sample_size(fn, n);
    const double half_alpha = (1.0 - confidence) / 2.0;
    const auto nn = static_cast<std::uint64_t>(n);
    // Each tail is reachable only if P(B = 0) = (1-q)^n and P(B = n) = q^n are small enough.
    if (std::pow(1.0 - q, static_cast<double>(n)) > half_alpha ||
        std::pow(q, static_cast<double>(n)) > half_alpha) {
        const double need =
            std::max(std::log(half_alpha) / std::log1p(-q), std::log(half_alpha) / std::log(q));
        auto needed = static_cast<std::uint64_t>(std::ceil(need - 1e-9));
        while (std::pow(1.0 - q, static_cast<double>(needed)) > half_alpha ||
               std::pow(q, static_cast<double>(needed)) > half_alpha) {
            ++needed;
        }
        throw std::invalid_argument(
            std::string(fn) + ": " + std::to_string(n) + " values are too few for confidence " +
            detail::format_number(confidence) + " in the " + detail::format_number(q) +
            " quantile: at least " + std::to_string(needed) + " are needed");
    }
    // Largest j in [0, n-1] with P(B <= j) <= half_alpha: lower_rank = j + 1.
    std::uint64_t lo = 0;
    std::uint64_t hi = nn - 1;
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo + 1) / 2;
        if (detail::binomial_cdf(mid, nn, q) <= half_alpha)
            lo = mid;
        else
            hi = mid - 1;
    }
    const std::uint64_t j_low = lo;
    // Smallest j in [0, n-1] with P(B > j) <= half_alpha: upper_rank = j + 1.
    lo = 0;
    hi = nn - 1;
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        if (detail::binomial_upper_tail(mid, nn, q) <= half_alpha)
            hi = mid;
        else
            lo = mid + 1;
    }
    const std::uint64_t j_up = lo;
    quantile_ci_ranks r;
    r.lower_rank = static_cast<std::size_t>(j_low + 1);
    r.upper_rank = static_cast<std::size_t>(j_up + 1);
    r.coverage =
        1.0 - detail::binomial_cdf(j_low, nn, q) - detail::binomial_upper_tail(j_up, nn, q);
    return r;
}

/// The confidence interval for the q-quantile (0 < q < 1) from order statistics: the values of
/// quantile_ranks(n, q, confidence).
///
///     auto ci = ec2bench::stats::quantile_ci(latencies_ns, 0.99);   // 95%
///     std::printf("p99 in [%g, %g] (%.1f%%)\n", ci.lower, ci.upper, 100 * ci.coverage);
///
/// Throws std::invalid_argument when the sample is too small for the confidence asked (the
/// message says how many values are needed), std::domain_error for q or confidence outside
/// (0, 1).
template <class Range>
quantile_interval quantile_ci(const Range& sample, double q, double confidence = 0.95) {
    constexpr const char* fn = "quantile_ci";
    if (!(q > 0.0 && q < 1.0)) {
        throw std::domain_error(std::string(fn) + ": q " + detail::format_number(q) +
                                " is outside (0, 1): an extreme has no distribution-free interval");
    }
    detail::check_confidence(fn, confidence);
    auto x = detail::copy_of(sample);
    const std::size_t n = x.size();
    detail::check_sample_size(fn, n);
    detail::check_no_nan(fn, x.data(), n);
    const quantile_ci_ranks r = quantile_ranks(n, q, confidence, fn);
    quantile_interval ci;
    ci.q = q;
    ci.confidence = confidence;
    ci.count = n;
    ci.lower_rank = r.lower_rank;
    ci.upper_rank = r.upper_rank;
    ci.coverage = r.coverage;
    const std::size_t est_rank =
        static_cast<std::size_t>(detail::position(n, q, quantile_method::inverted_cdf).lo);
    std::vector<std::size_t> ranks{ci.lower_rank - 1, est_rank, ci.upper_rank - 1};
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    detail::select_ranks(x.data(), n, ranks);
    ci.lower = static_cast<double>(x[ci.lower_rank - 1]);
    ci.upper = static_cast<double>(x[ci.upper_rank - 1]);
    ci.estimate = static_cast<double>(x[est_rank]);
    return ci;
}

/// A Student-t confidence interval for the mean.
struct mean_interval {
    double mean = 0;
    double lower = 0;
    double upper = 0;
    double half_width = 0;      ///< t * standard_error
    double standard_error = 0;  ///< stddev / sqrt(n)
    double t = 0;               ///< the (1 + confidence)/2 quantile of t with n - 1 degrees
    double confidence = 0;
    std::size_t count = 0;
};

/// mean ± t(n-1) s / sqrt(n): exact for normal samples, and close for means of many
/// repetitions of a benchmark (the central limit theorem).
///
///     auto ci = ec2bench::stats::mean_ci(gbps_per_repetition);
///     std::printf("%.2f ± %.2f GB/s\n", ci.mean, ci.half_width);
///
/// Throws std::invalid_argument for fewer than two values or NaN, std::domain_error for a
/// confidence outside (0, 1).
template <class Range>
mean_interval mean_ci(const Range& sample, double confidence = 0.95) {
    constexpr const char* fn = "mean_ci";
    detail::check_confidence(fn, confidence);
    const auto x = detail::copy_of(sample);
    const std::size_t n = x.size();
    if (n < 2) {
        throw std::invalid_argument(std::string(fn) + ": " + std::to_string(n) +
                                    (n == 1 ? " value has" : " values have") +
                                    " no spread: at least 2 are needed");
    }
    detail::check_no_nan(fn, x.data(), n);
    const auto m = detail::moments_of(x.data(), n);
    mean_interval ci;
    ci.mean = m.mean;
    ci.count = n;
    ci.confidence = confidence;
    ci.standard_error = m.stddev / std::sqrt(static_cast<double>(n));
    ci.t = detail::student_t_quantile(0.5 + confidence / 2.0, static_cast<double>(n - 1));
    ci.half_width = ci.t * ci.standard_error;
    ci.lower = ci.mean - ci.half_width;
    ci.upper = ci.mean + ci.half_width;
    return ci;
}

}  // namespace ec2bench::stats

#endif  // EC2BENCH_STATS_SUMMARY_HPP
