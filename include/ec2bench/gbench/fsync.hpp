// SPDX-License-Identifier: MIT
// Google Benchmark fixtures for durable writes: one fsync_io run per benchmark repetition,
// reported as IOPS (items_per_second), MB/s and latency percentiles.
#ifndef EC2BENCH_GBENCH_FSYNC_HPP
#define EC2BENCH_GBENCH_FSYNC_HPP

#include <ec2bench/gbench/reporter.hpp>
#include <ec2bench/kernels/fsync_io.hpp>

#include <ec2bench/gbench/compat.hpp>

#include <benchmark/benchmark.h>

#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace ec2bench::gbench {

/// What register_fsync() registers: every method x block size, with the rest of `run` shared.
struct fsync_bench_options {
    /// Directory, ops/bytes/seconds caps, prepare, sync_every, warm-up... (method and block_size
    /// are taken from the lists below). The directory must be set: there is no default here.
    ec2bench::fsync_io::options run;
    std::vector<ec2bench::fsync_io::sync_method> methods{ec2bench::fsync_io::sync_method::fdatasync};
    std::vector<std::size_t> block_sizes{4096};
    /// When set: every run's latencies interval by interval, with the benchmark's name
    /// (fsync/<method>/<block size>/<prepare>), every run.interval_seconds of its timed phase
    /// (see fsync_io::options::on_interval; this one replaces run.on_interval). For
    /// HdrHistogram's interval log, as ec2bench-fsync --hlog writes it:
    ///
    ///     o.run.interval_seconds = 1;
    ///     o.on_interval = [&](const std::string& name, const ec2bench::fsync_io::interval& i) {
    ///         writer.write_interval(seconds_since_log_start(i), i.length_ns / 1e9, i.total, name);
    ///     };
    std::function<void(const std::string& benchmark, const ec2bench::fsync_io::interval&)> on_interval;

    fsync_bench_options() {
        run.ops = 2000;
        run.seconds = 10;  // a slow disk stops here rather than taking minutes
    }
};

/// The benchmark name of one configuration: fsync/<method>/<block size>/<prepare>.
inline std::string fsync_benchmark_name(const ec2bench::fsync_io::options& o) {
    return "fsync/" + std::string(ec2bench::fsync_io::method_name(o.method)) + "/" +
           std::to_string(o.block_size) + "/" + std::string(ec2bench::fsync_io::prepare_name(o.prepare));
}

namespace detail {

inline void fsync_benchmark(benchmark::State& state, const ec2bench::fsync_io::options& o,
                            const std::string& name) {
    ec2bench::fsync_io::result r;
    std::string error;
    for (auto _ : state) {
        try {
            r = ec2bench::fsync_io::run(o);
        } catch (const std::exception& e) {
            error = e.what();
            break;
        }
        state.SetIterationTime(r.seconds);
    }
    if (!error.empty()) {
        state.SkipWithError(error.c_str());
        // Recorded all the same (what the options say), so that every call has its record.
        run_extras x;
        x.facts["directory"] = o.directory;
        x.facts["method"] = std::string(ec2bench::fsync_io::method_name(o.method));
        x.facts["prepare"] = std::string(ec2bench::fsync_io::prepare_name(o.prepare));
        x.values["block_size"] = static_cast<double>(o.block_size);
        record_extras(state, name, std::move(x));
        return;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(r.ops));
    state.SetBytesProcessed(static_cast<std::int64_t>(r.bytes));
    const auto us = [](double ns) { return ns / 1e3; };
    state.counters["p50_us"] = us(r.total.p50_ns);
    state.counters["p95_us"] = us(r.total.p95_ns);
    state.counters["p99_us"] = us(r.total.p99_ns);
    state.counters["p999_us"] = us(r.total.p999_ns);
    state.counters["max_us"] = us(r.total.max_ns);
    state.counters["mean_us"] = us(r.total.mean_ns);
    state.counters["ops"] = static_cast<double>(r.ops);
    if (r.sync.count != 0) state.counters["sync_p99_us"] = us(r.sync.p99_ns);
    state.SetLabel(r.storage.filesystem + (r.storage.device.empty() ? "" : " on " + r.storage.device) +
                   (r.warnings.empty() ? "" : " (warning: see results)"));

    run_extras x;
    x.facts["directory"] = o.directory;
    x.facts["method"] = std::string(ec2bench::fsync_io::method_name(r.method));
    x.facts["prepare"] = std::string(ec2bench::fsync_io::prepare_name(r.prepare));
    x.facts["filesystem"] = r.storage.filesystem;
    x.facts["device"] = r.storage.device;
    x.facts["write_cache"] = r.storage.write_cache;
    x.facts["rotational"] = r.storage.rotational;
    x.facts["device_model"] = r.storage.model;
    x.facts["stopped_by"] = r.stopped_by;
    x.facts["percentiles"] = r.total.exact ? "exact" : "histogram";
    x.values["block_size"] = static_cast<double>(r.block_size);
    x.values["sync_every"] = static_cast<double>(r.sync_every);
    x.values["warmup_ops"] = static_cast<double>(r.warmup_ops);
    x.values["syncs"] = static_cast<double>(r.syncs);
    x.values["write_p50_us"] = us(r.write.p50_ns);
    x.values["write_p99_us"] = us(r.write.p99_ns);
    x.values["sync_p50_us"] = us(r.sync.p50_ns);
    x.values["sync_p99_us"] = us(r.sync.p99_ns);
    x.values["dio_offset_align"] = static_cast<double>(r.storage.dio_offset_align);
    x.values["free_bytes_before"] = static_cast<double>(r.storage.free_bytes);
    x.values["eintr_retries"] = static_cast<double>(r.eintr_retries);
    x.values["short_writes"] = static_cast<double>(r.short_writes);
    x.warnings = r.warnings;
    record_extras(state, name, std::move(x));
}

}  // namespace detail

/// Registers fsync/<method>/<block size>/<prepare> for each method and block size. One
/// iteration is one whole run (manual time: from the first recorded write to the last sync);
/// repeat with --benchmark_repetitions for a spread. Counters: items_per_second (durable writes
/// per second), bytes_per_second, p50_us, p95_us, p99_us, p999_us, max_us, mean_us (write plus
/// sync, per write), sync_p99_us, ops.
///
///     ec2bench::gbench::fsync_bench_options o;
///     o.run.directory = "/data";
///     ec2bench::gbench::register_fsync(o);
inline std::vector<benchmark_handle> register_fsync(const fsync_bench_options& o) {
    std::vector<benchmark_handle> out;
    for (const auto m : o.methods) {
        for (const std::size_t bs : o.block_sizes) {
            ec2bench::fsync_io::options run = o.run;
            run.method = m;
            run.block_size = bs;
            const std::string name = fsync_benchmark_name(run);
            if (o.on_interval) {
                run.on_interval = [f = o.on_interval, name](const ec2bench::fsync_io::interval& i) {
                    f(name, i);
                };
            }
            auto* b = benchmark::RegisterBenchmark(name.c_str(), [run, name](benchmark::State& st) {
                detail::fsync_benchmark(st, run, name);
            });
            b->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
            out.push_back(b);
        }
    }
    return out;
}

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_FSYNC_HPP
