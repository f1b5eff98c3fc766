// SPDX-License-Identifier: MIT
// Google Benchmark fixtures for the statistics layer: the cost of recording a latency (raw
// store, histogram) and of reading quantiles (histogram, exact selection, and std::sort).
#ifndef EC2BENCH_GBENCH_STATS_HPP
#define EC2BENCH_GBENCH_STATS_HPP

#include <ec2bench/detail/do_not_optimize.hpp>
#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <ec2bench/gbench/compat.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace ec2bench::gbench {

/// What register_stats() registers.
struct stats_bench_options {
    /// Raw samples the floor stores before it wraps: a run's worth (1Mi samples, 8 MiB).
    std::size_t sample_buffer = std::size_t{1} << 20;
    /// Latencies recorded per benchmark iteration, cycled from one precomputed lognormal array.
    std::size_t latencies = std::size_t{1} << 16;
    /// Sample sizes for the exact quantiles and their std::sort peer.
    std::vector<std::size_t> exact_sizes = {1'000, 100'000, 1'000'000, 10'000'000};
    /// Spread (sigma of the log) of the recorded latencies, median 20 us: 1 spans about seven
    /// octaves of buckets, 0.05 fewer than one.
    double latency_sigma = 1.0;
    /// Seed of every generated sample.
    std::uint64_t seed = 20240611;
    /// Also the variants that explain the headline pair (record_cached, record_u32,
    /// increments, index_increments, record_direct, record_batch); the suite's quick preset
    /// leaves them out.
    bool variants = true;
};

namespace detail {

/// Lognormal nanosecond latencies: median 20 us and, at sigma 1, 1% below 2 us and 1% above
/// 200 us, as a loaded service's request times look; the same array feeds every record
/// benchmark.
inline std::vector<std::uint64_t> lognormal_latencies_ns(std::size_t n, std::uint64_t seed,
                                                         double sigma = 1.0) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> d(std::log(20'000.0), sigma);
    std::vector<std::uint64_t> v(n);
    for (auto& x : v)
        x = static_cast<std::uint64_t>(d(rng)) + 1;
    return v;
}

inline std::vector<double> lognormal_doubles(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> d(0.0, 1.0);
    std::vector<double> v(n);
    for (auto& x : v)
        x = d(rng);
    return v;
}

inline void set_items(benchmark::State& state, std::size_t per_iteration) {
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(per_iteration));
}

/// The recorder's loop, in a function of its own whose locals are only the loop's: the
/// recorder's state then stays in registers (inside the benchmark's lambda GCC 12 kept it on
/// the stack, as the closure's captures are memory the barrier may touch).
template <class Histogram>
void record_loop(benchmark::State& state, Histogram& h, const std::uint64_t* lat, std::size_t n) {
    typename Histogram::recorder rec(h);
    for (auto _ : state) {
        for (std::size_t j = 0; j < n; ++j) {
            std::uint64_t v = lat[j];
            ec2bench::detail::do_not_optimize(v);
            rec.record(v);
        }
    }
}

/// `++counts[i]` at each precomputed index. Like record_loop, a function of its own whose locals
/// are only the loop's: n read from a lambda's captures would be reloaded after every barrier.
inline void increments_loop(benchmark::State& state, std::uint64_t* counts,
                            const std::uint64_t* index, std::size_t n) {
    for (auto _ : state) {
        for (std::size_t j = 0; j < n; ++j) {
            std::uint64_t i = index[j];
            ec2bench::detail::do_not_optimize(i);
            ++counts[i];
        }
    }
}

/// Each value's bucket index and its increment; counts has a counter for any 64-bit value.
template <class Histogram>
void index_increments_loop(benchmark::State& state, std::uint64_t* counts,
                           const std::uint64_t* lat, std::size_t n) {
    for (auto _ : state) {
        for (std::size_t j = 0; j < n; ++j) {
            std::uint64_t v = lat[j];
            ec2bench::detail::do_not_optimize(v);
            ++counts[Histogram::bucket_index(v)];
        }
    }
}

}  // namespace detail

/// Registers the stats benchmarks and returns them:
/// - stats/sample_buffer/record: storing raw samples into a preallocated buffer (the floor);
///   stats/sample_buffer/record_cached does the same into a 32 KiB buffer that stays in L1.
/// - stats/histogram/record (through a recorder, the hot-loop API), .../record_direct
///   (histogram::record) and .../record_batch, into a latency_histogram, and .../record_u32
///   through a recorder into the same layout with 32-bit counts (half the cache footprint);
///   stats/histogram/increments is the bucket increments alone, at precomputed indices, and
///   .../index_increments the index and increment of each value without count, sum or extremes;
/// - stats/histogram/quantiles: seven quantiles of a 1 ns to 10 s histogram at 3 significant
///   digits holding values at both ends (the whole range is walked);
/// - stats/exact/quantiles/<n>: p50, p95, p99 and p99.9 of n lognormal doubles by selection,
///   and stats/exact/sort/<n>, std::sort of the same (both copy the data into a work buffer).
/// Every one reports items_per_second (records, or sample values for the quantiles).
///
///     ec2bench::gbench::register_stats({});
inline std::vector<benchmark_handle> register_stats(const stats_bench_options& opt) {
    std::vector<benchmark_handle> out;
    const auto latencies =
        std::make_shared<const std::vector<std::uint64_t>>(detail::lognormal_latencies_ns(
            std::max<std::size_t>(opt.latencies, 1), opt.seed, opt.latency_sigma));
    const std::size_t n_lat = latencies->size();

    // Every record benchmark reads the same values in the same order; the barrier makes each
    // one opaque, as a value just read from a clock would be, so no loop is vectorised or
    // hoisted, on either side of the comparison.
    const auto raw_store = [latencies, n_lat](benchmark::State& state, std::size_t capacity) {
        const std::uint64_t* lat = latencies->data();
        const std::size_t cap = std::max<std::size_t>(capacity, 1);
        std::vector<std::uint64_t> buffer(cap, 1);
        std::size_t pos = 0;
        for (auto _ : state) {
            // Store the latencies in runs that fit before the end, wrapping to the start.
            for (std::size_t done = 0; done < n_lat;) {
                const std::size_t run = std::min(n_lat - done, cap - pos);
                std::uint64_t* dst = buffer.data() + pos;
                const std::uint64_t* src = lat + done;
                for (std::size_t j = 0; j < run; ++j) {
                    std::uint64_t v = src[j];
                    ec2bench::detail::do_not_optimize(v);
                    dst[j] = v;
                }
                done += run;
                pos = pos + run == cap ? 0 : pos + run;
            }
        }
        ec2bench::do_not_optimize(buffer.data());
        benchmark::ClobberMemory();
        detail::set_items(state, n_lat);
        state.counters["buffer_bytes"] = static_cast<double>(cap * sizeof(std::uint64_t));
    };
    const std::size_t big = opt.sample_buffer;
    out.push_back(benchmark::RegisterBenchmark(
        "stats/sample_buffer/record",
        [raw_store, big](benchmark::State& state) { raw_store(state, big); }));
    out.push_back(benchmark::RegisterBenchmark(
        "stats/histogram/record", [latencies, n_lat](benchmark::State& state) {
            stats::latency_histogram h;
            ec2bench::detail::do_not_optimize(h);  // escapes: the sum, min and max stay live
            detail::record_loop(state, h, latencies->data(), n_lat);
            ec2bench::detail::do_not_optimize(h);
            detail::set_items(state, n_lat);
        }));
    if (opt.variants) {
        out.push_back(benchmark::RegisterBenchmark(
            "stats/sample_buffer/record_cached",
            [raw_store](benchmark::State& state) { raw_store(state, 4096); }));

        out.push_back(benchmark::RegisterBenchmark(
            "stats/histogram/record_u32", [latencies, n_lat](benchmark::State& state) {
                stats::log_linear_histogram<10, 3'600'000'000'000, std::uint32_t> h;
                ec2bench::detail::do_not_optimize(h);
                detail::record_loop(state, h, latencies->data(), n_lat);
                ec2bench::detail::do_not_optimize(h);
                detail::set_items(state, n_lat);
            }));
        // The bucket increments alone, at indices computed before the loop: what any counting
        // histogram of this layout pays per record before its index, sum and extremes.
        out.push_back(benchmark::RegisterBenchmark(
            "stats/histogram/increments", [latencies, n_lat](benchmark::State& state) {
                using histogram = stats::latency_histogram;
                // 8-byte indices: the same bytes per record as the latencies the others read.
                std::vector<std::uint64_t> index(n_lat);
                for (std::size_t j = 0; j < n_lat; ++j)
                    index[j] =
                        histogram::bucket_index(std::min((*latencies)[j], histogram::max_value));
                std::vector<std::uint64_t> counts(histogram::bucket_count, 0);
                std::uint64_t* c = counts.data();
                detail::increments_loop(state, c, index.data(), n_lat);
                ec2bench::do_not_optimize(c);
                benchmark::ClobberMemory();
                detail::set_items(state, n_lat);
            }));
        // The bucket index and its increment, as a record computes them but without the tally
        // (count, sum, extremes): with `increments`, what each part of a record costs.
        out.push_back(benchmark::RegisterBenchmark(
            "stats/histogram/index_increments", [latencies, n_lat](benchmark::State& state) {
                using histogram = stats::latency_histogram;
                // Counters for any 64-bit value, so that no clamp stands in the loop.
                std::vector<std::uint64_t> counts(
                    histogram::bucket_index(std::numeric_limits<std::uint64_t>::max()) + 1, 0);
                std::uint64_t* c = counts.data();
                detail::index_increments_loop<histogram>(state, c, latencies->data(), n_lat);
                ec2bench::do_not_optimize(c);
                benchmark::ClobberMemory();
                detail::set_items(state, n_lat);
            }));
        out.push_back(benchmark::RegisterBenchmark("stats/histogram/record_direct",
                                                   [latencies, n_lat](benchmark::State& state) {
                                                       const std::uint64_t* lat = latencies->data();
                                                       const std::size_t n = n_lat;
                                                       stats::latency_histogram h;
                                                       ec2bench::detail::do_not_optimize(h);
                                                       for (auto _ : state) {
                                                           for (std::size_t j = 0; j < n; ++j) {
                                                               std::uint64_t v = lat[j];
                                                               ec2bench::detail::do_not_optimize(v);
                                                               h.record(v);
                                                           }
                                                       }
                                                       ec2bench::detail::do_not_optimize(h);
                                                       detail::set_items(state, n_lat);
                                                   }));
        out.push_back(benchmark::RegisterBenchmark("stats/histogram/record_batch",
                                                   [latencies, n_lat](benchmark::State& state) {
                                                       stats::latency_histogram h;
                                                       ec2bench::detail::do_not_optimize(h);
                                                       for (auto _ : state) {
                                                           h.record_batch(latencies->data(), n_lat);
                                                           benchmark::ClobberMemory();
                                                       }
                                                       ec2bench::detail::do_not_optimize(h);
                                                       detail::set_items(state, n_lat);
                                                   }));
    }

    out.push_back(benchmark::RegisterBenchmark(
        "stats/histogram/quantiles", [latencies](benchmark::State& state) {
            stats::log_linear_histogram<10, 10'000'000'000> h;
            h.record_batch(*latencies);
            h.record(1);  // 1 ns and 10 s: the pass walks every bucket
            h.record(10'000'000'000);
            const std::vector<double> qs{0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1.0};
            for (auto _ : state) {
                auto r = h.quantiles(qs);
                ec2bench::do_not_optimize(r.data());
            }
            detail::set_items(state, qs.size());
            state.counters["buckets_walked"] = static_cast<double>(
                decltype(h)::bucket_index(h.max()) - decltype(h)::bucket_index(h.min()) + 1);
        }));

    for (const std::size_t n : opt.exact_sizes) {
        const std::uint64_t seed = opt.seed;
        // Generated on first use, shared by the selection and its sort peer.
        const auto data = std::make_shared<std::vector<double>>();
        const auto ensure = [data, n, seed] {
            if (data->size() != n) *data = detail::lognormal_doubles(n, seed);
        };
        out.push_back(benchmark::RegisterBenchmark(
            ("stats/exact/quantiles/" + std::to_string(n)).c_str(),
            [data, ensure, n](benchmark::State& state) {
                ensure();
                std::vector<double> work(n);
                for (auto _ : state) {
                    std::copy(data->begin(), data->end(), work.begin());
                    auto r = stats::quantiles_in_place(work, {0.5, 0.95, 0.99, 0.999});
                    ec2bench::do_not_optimize(r.data());
                }
                detail::set_items(state, n);
            }));
        out.push_back(benchmark::RegisterBenchmark(
            ("stats/exact/sort/" + std::to_string(n)).c_str(),
            [data, ensure, n](benchmark::State& state) {
                ensure();
                std::vector<double> work(n);
                for (auto _ : state) {
                    std::copy(data->begin(), data->end(), work.begin());
                    std::sort(work.begin(), work.end());
                    ec2bench::do_not_optimize(work.data());
                }
                detail::set_items(state, n);
            }));
    }
    for (auto* b : out)
        b->Unit(benchmark::kNanosecond);
    return out;
}

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_STATS_HPP
