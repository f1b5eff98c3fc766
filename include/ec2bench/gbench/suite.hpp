// SPDX-License-Identifier: MIT
// The suite: every kernel family registered at once, from a preset ("quick", about a minute, or
// "default", a few minutes) that the caller may adjust.
//
//     auto o = ec2bench::gbench::suite_preset("quick");
//     o.fsync_opts.run.directory = "/data";
//     ec2bench::gbench::register_all(o);
//     benchmark::RunSpecifiedBenchmarks();
#ifndef EC2BENCH_GBENCH_SUITE_HPP
#define EC2BENCH_GBENCH_SUITE_HPP

#include <ec2bench/gbench/fsync.hpp>
#include <ec2bench/gbench/sieve.hpp>
#include <ec2bench/gbench/stats.hpp>
#include <ec2bench/gbench/stream.hpp>

#include <ec2bench/gbench/compat.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ec2bench::gbench {

/// Which families run, and the options of each.
struct suite_options {
    bool stream = true, sieve = true, fsync = true, stats = true;
    stream_bench_options stream_opts;
    /// The sieve at sieve_opts.limit: one thread and all threads (and the sweep, if set).
    sieve_bench_options sieve_opts;
    fsync_bench_options fsync_opts;  ///< fsync_opts.run.directory must be set
    stats_bench_options stats_opts;
    /// Repetitions the preset asks of every benchmark (their median is the headline, and
    /// `ec2bench compare` tests them). register_all does not apply them: pass
    /// `--benchmark_repetitions=<n>` to benchmark::Initialize before the user's flags, as
    /// `ec2bench run` does. (A per-benchmark count would add "/repeats:<n>" to every name, and
    /// results files are compared by name.)
    int repetitions = 1;
};

/// "quick": under a minute on two cores, 5 repetitions. STREAM triad and friends in double (10
/// passes), the sieve below 1e10 on one thread and on all, fdatasync 4 KiB writes, the
/// histogram's record cost against a raw store. "default": a few minutes, 10 repetitions.
/// STREAM in double and float with the thread sweep, the sieve's thread sweep, fsync,
/// fdatasync, O_DSYNC and O_DIRECT+fdatasync at 4 KiB, and the statistics benchmarks with exact
/// quantiles of 1M values. (The repetitions are for `ec2bench compare`: its U test cannot reach
/// p < 0.05 with fewer than 4 on each side.)
inline suite_options suite_preset(std::string_view name) {
    suite_options o;
    using ec2bench::fsync_io::sync_method;
    if (name == "quick") {
        o.stream_opts.floats = false;
        o.stream_opts.sweep = false;
        o.stream_opts.passes = 10;
        o.sieve_opts.limit = 10'000'000'000;
        o.sieve_opts.sweep = false;
        o.fsync_opts.methods = {sync_method::fdatasync};
        o.fsync_opts.block_sizes = {4096};
        o.fsync_opts.run.ops = 1000;
        o.stats_opts.variants = false;
        o.stats_opts.exact_sizes = {};
        o.repetitions = 5;
        return o;
    }
    if (name == "default") {
        o.stream_opts.passes = 10;
        o.sieve_opts.limit = 10'000'000'000;
        o.sieve_opts.sweep = true;
        o.fsync_opts.methods = {sync_method::fdatasync, sync_method::fsync, sync_method::o_dsync,
                                sync_method::o_direct_fdatasync};
        o.fsync_opts.block_sizes = {4096};
        o.fsync_opts.run.ops = 2000;
        o.stats_opts.variants = true;
        o.stats_opts.exact_sizes = {1'000'000};
        o.repetitions = 10;
        return o;
    }
    throw std::invalid_argument("suite preset '" + std::string(name) + "': must be quick or default");
}

/// Registers every benchmark of the families `o` selects. The sieve runs on one thread and on
/// all (sieve/count/<limit>/threads:1 and threads:<T>); with the sweep, at 1, 2, 4, ... T too.
/// Call once per process: a second call throws std::logic_error (the names would repeat).
inline std::vector<benchmark_handle> register_all(const suite_options& o) {
    if (o.fsync && o.fsync_opts.run.directory.empty()) {
        throw std::invalid_argument(
            "ec2bench::gbench::register_all: fsync_opts.run.directory is empty: name the "
            "directory the fsync benchmark may write its file in");
    }
    // After the checks, so that a call refused for its options may be corrected and repeated.
    static std::atomic<bool> done{false};
    if (done.exchange(true)) {
        throw std::logic_error("ec2bench::gbench::register_all: called twice in one process");
    }
    std::vector<benchmark_handle> out;
    const auto append = [&out](std::vector<benchmark_handle> v) {
        out.insert(out.end(), v.begin(), v.end());
    };
    if (o.stream) append(register_stream(o.stream_opts));
    if (o.sieve) {
        const unsigned all = o.sieve_opts.threads != 0
                                 ? o.sieve_opts.threads
                                 : static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
        if (o.sieve_opts.sweep) {
            append(register_sieve(o.sieve_opts));  // count at T, sweep from 1
        } else {
            sieve_bench_options one = o.sieve_opts;
            one.threads = 1;
            one.sweep = false;
            append(register_sieve(one));
            if (all > 1) {
                sieve_bench_options every = o.sieve_opts;
                every.threads = all;
                every.sweep = false;
                append(register_sieve(every));
            }
        }
    }
    if (o.fsync) append(register_fsync(o.fsync_opts));
    if (o.stats) append(register_stats(o.stats_opts));
    return out;
}

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_SUITE_HPP
