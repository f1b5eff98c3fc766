// SPDX-License-Identifier: MIT
// Timing a user's own callable into a latency histogram: per call where the clock resolves a
// call, in calibrated batches where it does not, after a warm-up, over repetitions. Layer 1:
// standard library and POSIX only.
//
//     #include <ec2bench/measure.hpp>
//     auto r = ec2bench::measure([&] { parse(doc); });
//     std::printf("p50 %.0f ns, p99 %.0f ns over %zu calls\n",
//                 r.quantile_ns(0.5), r.quantile_ns(0.99), static_cast<std::size_t>(r.calls()));
#ifndef EC2BENCH_MEASURE_HPP
#define EC2BENCH_MEASURE_HPP

#include <ec2bench/clock.hpp>
#include <ec2bench/do_not_optimize.hpp>
#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/quantile.hpp>
#include <ec2bench/stats/summary.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ec2bench {

/// What timing itself costs on this clock, measured: subtracted from, and reported with, every
/// result.
struct clock_overhead {
    /// The median of back-to-back readings' differences: what an empty timed region reads
    /// (about one read's cost; 0 on a clock coarser than a read). Subtracted from every region.
    std::uint64_t empty_region_ns = 0;
    /// The cost of one reading: the median over runs of 100 back-to-back readings.
    double read_ns = 0;
    /// The smallest non-zero step between readings (STREAM's checktick()): what one timed
    /// region can resolve.
    std::uint64_t tick_ns = 0;
    /// The resolution the kernel reports (clock_getres; 1 ns on modern Linux).
    std::uint64_t resolution_ns = 0;

    /// The unit a single region is uncertain by: the larger of the tick and an empty region.
    std::uint64_t granularity_ns() const noexcept {
        return std::max<std::uint64_t>({tick_ns, empty_region_ns, 1});
    }
};

/// How measure() runs. The defaults take about a tenth of a second for a short callable.
struct measure_options {
    /// Calls before timing (at least one), which also estimate a call's duration.
    std::chrono::nanoseconds warmup = std::chrono::milliseconds(10);
    /// Each repetition runs at least this long...
    std::chrono::nanoseconds min_time = std::chrono::milliseconds(20);
    /// ...and at least this many calls.
    std::uint64_t min_calls = 1;
    /// Repetitions, each summarised on its own (their spread says how stable the result is).
    unsigned repetitions = 5;
    /// Calls per timed region: 0 calibrates (1 for a call the clock resolves, else enough calls
    /// for batch_ticks); any other value is used as given.
    std::uint64_t batch = 0;
    /// A call is timed alone when it lasts at least this many clock granularities (20: the
    /// clock's own uncertainty stays within 5% of a call).
    double per_call_ticks = 20;
    /// A batch of short calls lasts at least this many granularities (1000: 0.1%).
    double batch_ticks = 1000;
};

/// One repetition's numbers, per call.
struct repetition_summary {
    std::uint64_t calls = 0;
    std::uint64_t samples = 0;  ///< timed regions
    double seconds = 0;         ///< wall time, recording included
    double min_ns = 0;
    double max_ns = 0;
    double mean_ns = 0;
    double p50_ns = 0;
    double p90_ns = 0;
    double p99_ns = 0;
};

/// A quantile's distribution-free confidence interval read off a histogram: the ranks of
/// stats::quantile_ranks, the lower bound at the lower edge of its rank's bucket and the upper
/// at the upper edge (each clamped to the exact min and max), so the interval contains the
/// true order statistics' and covers the quantile at least as often as stated.
///
///     auto ci = ec2bench::histogram_quantile_ci(h, 0.99);   // h: a stats::log_linear_histogram
template <class Histogram>
stats::quantile_interval histogram_quantile_ci(const Histogram& h, double q,
                                              double confidence = 0.95) {
    const stats::quantile_ci_ranks r =
        stats::quantile_ranks(static_cast<std::size_t>(h.count()), q, confidence, "quantile_ci");
    stats::quantile_interval ci;
    ci.q = q;
    ci.confidence = confidence;
    ci.coverage = r.coverage;
    ci.count = static_cast<std::size_t>(h.count());
    ci.lower_rank = r.lower_rank;
    ci.upper_rank = r.upper_rank;
    ci.estimate = h.quantile(q);
    std::uint64_t seen = 0;
    bool have_lower = false;
    h.for_each_bucket([&](const auto& b) {
        const std::uint64_t before = seen;
        seen += b.count;
        if (!have_lower && seen >= r.lower_rank) {
            ci.lower = static_cast<double>(std::max(b.lower, h.min()));
            have_lower = true;
        }
        if (before < r.upper_rank && seen >= r.upper_rank) {
            ci.upper = static_cast<double>(std::min(b.upper, h.max()));
        }
    });
    return ci;
}

/// What measure() found. The histogram holds nanoseconds per timed region (batch_size() calls
/// each) with the clock's empty region subtracted; everything else is per call.
struct measure_result {
    stats::latency_histogram histogram;
    std::uint64_t batch_size = 1;
    clock_overhead clock;
    std::vector<repetition_summary> repetitions;
    double estimated_call_ns = 0;  ///< the warm-up's estimate that chose batch_size
    std::uint64_t warmup_calls = 0;
    double seconds = 0;  ///< wall time of the timed repetitions

    /// Calls timed (warm-up excluded).
    std::uint64_t calls() const noexcept { return histogram.count() * batch_size; }
    /// Timed regions: the sample size behind quantiles and their intervals.
    std::uint64_t samples() const noexcept { return histogram.count(); }
    /// True when calls were too short for the clock and were timed in batches: quantiles are
    /// then of batch means, not of single calls (no per-call tail exists to report).
    bool batched() const noexcept { return batch_size > 1; }

    double min_ns() const { return per_call(static_cast<double>(checked().min())); }
    double max_ns() const { return per_call(static_cast<double>(checked().max())); }
    double mean_ns() const { return per_call(checked().mean()); }
    /// The q-quantile per call (nearest rank, at its bucket's upper edge: within 0.1% above).
    double quantile_ns(double q) const { return per_call(checked().quantile(q)); }
    /// A confidence interval for the q-quantile per call (see ec2bench::histogram_quantile_ci).
    stats::quantile_interval quantile_ci(double q, double confidence = 0.95) const {
        auto ci = ec2bench::histogram_quantile_ci(checked(), q, confidence);
        ci.estimate = per_call(ci.estimate);
        ci.lower = per_call(ci.lower);
        ci.upper = per_call(ci.upper);
        return ci;
    }

private:
    double per_call(double region_ns) const noexcept {
        return region_ns / static_cast<double>(batch_size);
    }
    const stats::latency_histogram& checked() const {
        if (histogram.empty()) {
            throw std::logic_error("measure_result: nothing was measured");
        }
        return histogram;
    }
};

namespace detail {

/// CLOCK_MONOTONIC through now_ns(); tests substitute a clock of their own.
struct monotonic_clock {
    std::uint64_t now() const noexcept { return ec2bench::now_ns(); }
    std::uint64_t resolution() const noexcept { return ec2bench::clock_resolution_ns(); }
};

template <class Clock>
clock_overhead measure_clock_with(Clock& clock) {
    constexpr int n = 1001;
    std::vector<std::uint64_t> d(n);
    for (int i = 0; i < n; ++i) {
        const std::uint64_t t0 = clock.now();
        const std::uint64_t t1 = clock.now();
        d[static_cast<std::size_t>(i)] = t1 - t0;
    }
    clock_overhead o;
    o.empty_region_ns = static_cast<std::uint64_t>(stats::median(d));  // n odd: one of d
    // The median of 51 runs of 100 reads: one preemption would swamp a mean of them all.
    std::vector<double> per_read(51);
    for (auto& v : per_read) {
        const std::uint64_t t0 = clock.now();
        std::uint64_t last = t0;
        for (int i = 0; i < 100; ++i)
            last = clock.now();
        v = static_cast<double>(last - t0) / 100.0;
    }
    o.read_ns = stats::median(per_read);
    std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
    for (int i = 0; i < 20; ++i) {
        const std::uint64_t a = clock.now();
        std::uint64_t b = clock.now();
        for (int spins = 0; b == a && spins < 100'000'000; ++spins)
            b = clock.now();
        if (b != a) best = std::min(best, b - a);
    }
    o.tick_ns = best == std::numeric_limits<std::uint64_t>::max() ? 0 : best;
    o.resolution_ns = clock.resolution();
    return o;
}

template <class F>
inline void call_once(F& f) {
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
        std::invoke(f);
    } else {
        auto&& r = std::invoke(f);
        ec2bench::do_not_optimize(r);
    }
}

/// One timed region of k calls, in raw clock nanoseconds. The barrier after each call keeps
/// the compiler from merging the calls of a batch (k increments of a captured counter would
/// otherwise become one addition); it costs no instruction.
template <class Clock, class F>
std::uint64_t time_region(Clock& clock, F& f, std::uint64_t k) {
    const std::uint64_t t0 = clock.now();
    for (std::uint64_t i = 0; i < k; ++i) {
        call_once(f);
        ec2bench::clobber_memory();
    }
    const std::uint64_t t1 = clock.now();
    return t1 - t0;
}

inline void check_options(const measure_options& o) {
    if (o.repetitions == 0) {
        throw std::invalid_argument("measure: repetitions 0: at least 1 is needed");
    }
    if (!(o.per_call_ticks > 0) || !(o.batch_ticks > 0)) {
        throw std::invalid_argument("measure: per_call_ticks and batch_ticks must be positive");
    }
    if (o.warmup.count() < 0 || o.min_time.count() < 0) {
        throw std::invalid_argument("measure: warmup and min_time must not be negative");
    }
}

template <class Clock, class F>
measure_result measure_with(Clock& clock, F& f, const measure_options& opt) {
    check_options(opt);
    measure_result r;
    r.clock = measure_clock_with(clock);
    const auto g = static_cast<double>(r.clock.granularity_ns());

    // Warm-up and calibration: regions of k calls, k doubling until a region spans batch_ticks
    // granularities; then the best per-call time of such regions until the warm-up time is up.
    const std::uint64_t warm_start = clock.now();
    const auto warm_ns = static_cast<std::uint64_t>(opt.warmup.count());
    std::uint64_t k = 1;
    double estimate = std::numeric_limits<double>::infinity();
    for (;;) {
        const std::uint64_t region = time_region(clock, f, k);
        r.warmup_calls += k;
        if (static_cast<double>(region) >= opt.batch_ticks * g || k >= (std::uint64_t{1} << 40)) {
            estimate = std::min(estimate, static_cast<double>(region) / static_cast<double>(k));
        } else {
            k *= 2;
        }
        if (estimate != std::numeric_limits<double>::infinity() &&
            clock.now() - warm_start >= warm_ns) {
            break;
        }
    }
    r.estimated_call_ns = estimate;
    if (opt.batch != 0) {
        r.batch_size = opt.batch;
    } else if (estimate >= opt.per_call_ticks * g) {
        r.batch_size = 1;
    } else {
        r.batch_size = static_cast<std::uint64_t>(
            std::ceil(opt.batch_ticks * g / std::max(estimate, 1e-3)));
        r.batch_size = std::max<std::uint64_t>(r.batch_size, 2);
    }

    const auto min_ns = static_cast<std::uint64_t>(opt.min_time.count());
    const std::uint64_t empty = r.clock.empty_region_ns;
    stats::latency_histogram rep;
    double total_s = 0;
    for (unsigned i = 0; i < opt.repetitions; ++i) {
        rep.reset();
        std::uint64_t calls = 0;
        const std::uint64_t start = clock.now();
        std::uint64_t elapsed = 0;
        while (calls < opt.min_calls || elapsed < min_ns || calls == 0) {
            const std::uint64_t region = time_region(clock, f, r.batch_size);
            rep.record(region > empty ? region - empty : 0);
            calls += r.batch_size;
            elapsed = clock.now() - start;
        }
        repetition_summary s;
        s.calls = calls;
        s.samples = rep.count();
        s.seconds = static_cast<double>(elapsed) * 1e-9;
        const auto b = static_cast<double>(r.batch_size);
        s.min_ns = static_cast<double>(rep.min()) / b;
        s.max_ns = static_cast<double>(rep.max()) / b;
        s.mean_ns = rep.mean() / b;
        const auto p = rep.quantiles({0.5, 0.9, 0.99});
        s.p50_ns = p[0] / b;
        s.p90_ns = p[1] / b;
        s.p99_ns = p[2] / b;
        r.repetitions.push_back(s);
        r.histogram.merge(rep);
        total_s += s.seconds;
    }
    r.seconds = total_s;
    return r;
}

}  // namespace detail

/// Measures this clock's overhead: the empty region, the cost of a reading, the tick.
///
///     auto c = ec2bench::measure_clock();
///     std::printf("a reading costs %.1f ns, resolves %llu ns\n", c.read_ns,
///                 static_cast<unsigned long long>(c.tick_ns));
inline clock_overhead measure_clock() {
    detail::monotonic_clock c;
    return detail::measure_clock_with(c);
}

/// Times f (any callable taking no arguments; a result is kept from the optimizer) after a
/// warm-up, over opt.repetitions repetitions of at least opt.min_time and opt.min_calls each:
/// one call per timed region when a call spans opt.per_call_ticks clock granularities, else
/// calibrated batches (reported: batched()). The clock's empty region is subtracted from each
/// region and reported in the result. Throws std::invalid_argument for bad options; what f
/// throws passes through.
///
///     ec2bench::measure_options o;
///     o.min_time = std::chrono::milliseconds(200);
///     auto r = ec2bench::measure([&] { return checksum(buf); }, o);
///     auto ci = r.quantile_ci(0.99);
template <class F>
measure_result measure(F&& f, const measure_options& opt = {}) {
    detail::monotonic_clock c;
    auto& fn = f;
    return detail::measure_with(c, fn, opt);
}

}  // namespace ec2bench

#endif  // EC2BENCH_MEASURE_HPP
