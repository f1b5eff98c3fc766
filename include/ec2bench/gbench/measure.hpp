// SPDX-License-Identifier: MIT
// A user's own callable as a Google Benchmark benchmark whose counters are its latency
// percentiles (ec2bench::measure underneath), so it lands in ec2bench's results file and in
// compare/check beside the built-in kernels.
#ifndef EC2BENCH_GBENCH_MEASURE_HPP
#define EC2BENCH_GBENCH_MEASURE_HPP

#include <ec2bench/gbench/compat.hpp>
#include <ec2bench/gbench/reporter.hpp>
#include <ec2bench/measure.hpp>

#include <benchmark/benchmark.h>

#include <exception>
#include <string>
#include <utility>

namespace ec2bench::gbench {

/// The benchmark name register_measure() gives `name`: "measure/<name>" (the family tells
/// compare and check to judge it by its latency percentiles).
inline std::string measure_benchmark_name(const std::string& name) { return "measure/" + name; }

namespace detail {

/// Counters and extras of one measured run: the fsync fixture's names where they overlap.
inline void report_measure(benchmark::State& state, const ec2bench::measure_result& r,
                           const std::string& name) {
    const auto us = [](double ns) { return ns / 1e3; };
    state.SetItemsProcessed(state.iterations());  // items_per_second: calls per second
    state.counters["p50_us"] = us(r.quantile_ns(0.5));
    state.counters["p90_us"] = us(r.quantile_ns(0.9));
    state.counters["p99_us"] = us(r.quantile_ns(0.99));
    state.counters["p999_us"] = us(r.quantile_ns(0.999));
    state.counters["max_us"] = us(r.max_ns());
    state.counters["mean_us"] = us(r.mean_ns());
    state.counters["calls"] = static_cast<double>(r.calls());
    state.counters["batch"] = static_cast<double>(r.batch_size);
    if (r.batched()) {
        state.SetLabel("batched: " + std::to_string(r.batch_size) +
                       " calls per timed region, percentiles of batch means");
    }

    run_extras x;
    x.facts["timing"] = r.batched() ? "batched" : "per call";
    x.values["batch_size"] = static_cast<double>(r.batch_size);
    x.values["samples"] = static_cast<double>(r.samples());
    x.values["p50_ns"] = r.quantile_ns(0.5);
    x.values["p99_ns"] = r.quantile_ns(0.99);
    x.values["min_ns"] = r.min_ns();
    x.values["clock_empty_region_ns"] = static_cast<double>(r.clock.empty_region_ns);
    x.values["clock_read_ns"] = r.clock.read_ns;
    x.values["clock_tick_ns"] = static_cast<double>(r.clock.tick_ns);
    x.values["warmup_calls"] = static_cast<double>(r.warmup_calls);
    if (r.samples() >= 300) {
        const auto ci = r.quantile_ci(0.99);
        x.values["p99_ci_lower_ns"] = ci.lower;
        x.values["p99_ci_upper_ns"] = ci.upper;
    }
    if (r.batched()) {
        x.warnings.push_back("calls shorter than the clock resolves were timed " +
                             std::to_string(r.batch_size) +
                             " at a time: percentiles are of batch means, not single calls");
    }
    record_extras(state, name, std::move(x));
}

}  // namespace detail

/// Registers f (a callable taking no arguments) as the Google Benchmark benchmark
/// measure/<name>: each iteration is one ec2bench::measure(f, opt) run (manual time: the mean
/// per call, so real_time is ns per call), repeat with --benchmark_repetitions for a spread.
/// Counters, per call: p50_us, p90_us, p99_us, p999_us, max_us, mean_us (the fsync fixture's
/// units), items_per_second (calls per second), calls, batch (calls per timed region; above 1
/// the percentiles are of batch means). f is copied into the benchmark; capture by reference
/// what must outlive main's registration.
///
///     ec2bench::gbench::register_measure("parse/small", [&] { parse(doc); });
template <class F>
benchmark_handle register_measure(const std::string& name, F f,
                                                  const ec2bench::measure_options& opt = {}) {
    const std::string full = measure_benchmark_name(name);
    auto* b = benchmark::RegisterBenchmark(full.c_str(), [f, opt, full](benchmark::State& state) mutable {
        ec2bench::measure_result r;
        std::string error;
        for (auto _ : state) {
            try {
                r = ec2bench::measure(f, opt);
            } catch (const std::exception& e) {
                error = e.what();
                break;
            }
            state.SetIterationTime(r.mean_ns() * 1e-9);
        }
        if (!error.empty()) {
            state.SkipWithError(error.c_str());
            // Every call records its extras, so that the reporter can pair them with repetitions.
            run_extras x;
            x.facts["error"] = error;
            record_extras(state, full, std::move(x));
            return;
        }
        detail::report_measure(state, r, full);
    });
    b->Iterations(1)->UseManualTime()->Unit(benchmark::kNanosecond);
    return b;
}

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_MEASURE_HPP
