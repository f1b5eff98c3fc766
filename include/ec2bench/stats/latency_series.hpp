// SPDX-License-Identifier: MIT
// One series of latencies as a kernel records them: every value into a latency_histogram, and
// the raw values too while they fit a cap, so quantiles are exact for short runs and within the
// histogram's bound (0.1%) for long ones, in bounded memory either way.
//
//     ec2bench::stats::latency_series s(1 << 20);
//     for (...) s.record(t1 - t0);
//     auto p = s.quantiles({0.5, 0.99});   // exact while s.exact()
#ifndef EC2BENCH_STATS_LATENCY_SERIES_HPP
#define EC2BENCH_STATS_LATENCY_SERIES_HPP

#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

namespace ec2bench::stats {

class latency_series {
public:
    /// Raw values are kept while at most `exact_cap` were recorded (0: never).
    explicit latency_series(std::size_t exact_cap) : cap_(exact_cap) {}

    /// Room for the raw values of n records (at most the cap), so that recording allocates none.
    void reserve(std::uint64_t n) {
        samples_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(n, cap_)));
    }
    void record(std::uint64_t ns) {
        hist_.record(ns);
        if (samples_.size() < cap_) {
            samples_.push_back(ns);
        } else {
            overflowed_ = true;
        }
    }

    std::uint64_t count() const noexcept { return hist_.count(); }
    /// Whether every value recorded is still held raw (quantiles are then exact).
    bool exact() const noexcept { return !overflowed_; }

    /// The nearest-rank q-quantiles `qs`, in their order: quantiles_in_place() of the raw values
    /// while exact(), else the histogram's (at its buckets' upper edges). Reorders the raw
    /// values; read samples() first where their order matters. Throws as those do when empty.
    template <class QRange>
    std::vector<double> quantiles(const QRange& qs) {
        if (exact()) return quantiles_in_place(samples_, qs);
        return hist_.quantiles(qs);
    }
    std::vector<double> quantiles(std::initializer_list<double> qs) {
        return quantiles(std::vector<double>(qs));
    }

    /// The raw values in record order (until quantiles() reorders them), while exact().
    const std::vector<std::uint64_t>& samples() const noexcept { return samples_; }
    /// Every value recorded.
    const latency_histogram& histogram() const noexcept { return hist_; }
    /// Hands over the histogram; afterwards only destruction is allowed.
    latency_histogram take_histogram() noexcept { return std::move(hist_); }

private:
    std::size_t cap_;
    std::vector<std::uint64_t> samples_;
    latency_histogram hist_;
    bool overflowed_ = false;
};

}  // namespace ec2bench::stats

#endif  // EC2BENCH_STATS_LATENCY_SERIES_HPP
