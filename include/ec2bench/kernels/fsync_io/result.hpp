// SPDX-License-Identifier: MIT
// What an fsync run reports: latencies per series through stats/ (the summary's percentiles and
// its histogram), the storage it ran on, and the run's counts and rates.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_RESULT_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_RESULT_HPP

#include <ec2bench/kernels/fsync_io/options.hpp>
#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/latency_series.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ec2bench::fsync_io {

/// Percentiles of one series, in nanoseconds, and the histogram they come from.
///
///     double p9999 = r.total.histogram().quantile(0.9999);   // any other quantile
struct latency_summary {
    std::uint64_t count = 0;
    double min_ns = 0, mean_ns = 0, p50_ns = 0, p95_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
    bool exact = false;  ///< from the raw samples; false: from the histogram

    /// The quantiles of p50_ns, p95_ns, p99_ns and p999_ns, in that order: what a summary asks
    /// stats/ for (nearest rank, as fio and HdrHistogram report them).
    static constexpr std::array<double, 4> quantiles{0.5, 0.95, 0.99, 0.999};

    /// Every latency of the series (ns), whatever max_exact_samples says: for other quantiles,
    /// merging runs or HdrHistogram's formats (results/hdr.hpp). Read-only, and shared by the
    /// summary's copies; empty for a default-constructed summary.
    const ec2bench::stats::latency_histogram& histogram() const {
        return histogram_ ? *histogram_ : empty_histogram();
    }

    /// Summarises `s` through stats/: count and extremes from its histogram, the percentiles
    /// from s.quantiles() (exact while s is). Takes s's histogram: afterwards `s` may only be
    /// destroyed.
    static latency_summary of(ec2bench::stats::latency_series& s) {
        latency_summary out;
        out.count = s.count();
        if (out.count != 0) {
            const auto& h = s.histogram();
            out.min_ns = static_cast<double>(h.min());
            out.max_ns = static_cast<double>(h.max());
            out.mean_ns = h.mean();
            const std::vector<double> q = s.quantiles(quantiles);
            out.p50_ns = q[0];
            out.p95_ns = q[1];
            out.p99_ns = q[2];
            out.p999_ns = q[3];
            out.exact = s.exact();
        }
        out.histogram_ =
            std::make_shared<const ec2bench::stats::latency_histogram>(s.take_histogram());
        return out;
    }

private:
    static const ec2bench::stats::latency_histogram& empty_histogram() {
        static const ec2bench::stats::latency_histogram empty;
        return empty;
    }
    std::shared_ptr<const ec2bench::stats::latency_histogram> histogram_;
};

/// What the storage under the directory is.
struct storage_facts {
    std::string filesystem;     ///< ext4, xfs, tmpfs, ... (statfs magic)
    std::string device;         ///< the block device (nvme1n1, vda), where there is one
    std::string write_cache;    ///< "write back" or "write through" (/sys/block/*/queue/write_cache)
    std::string rotational;     ///< "0" or "1"
    std::string model;          ///< the device's model string, e.g. "Amazon Elastic Block Store"
    std::uint32_t dio_mem_align = 0, dio_offset_align = 0;  ///< O_DIRECT rules (statx or sysfs)
    std::uint64_t free_bytes = 0;  ///< available to us before the run
};

struct result {
    sync_method method = sync_method::fdatasync;
    prepare_mode prepare = prepare_mode::append;
    std::size_t block_size = 0;
    unsigned sync_every = 1;
    std::uint64_t ops = 0;            ///< recorded writes
    std::uint64_t warmup_ops = 0;
    std::uint64_t syncs = 0;          ///< sync calls in the recorded part, the final one included
    std::uint64_t bytes = 0;          ///< bytes of the recorded writes
    double seconds = 0;               ///< from the first recorded write to the last sync's return,
                                      ///< less the time spent in on_interval
    double iops = 0;                  ///< recorded writes per second (durable, for a syncing method)
    double mb_per_second = 0;         ///< 1e6 bytes per second
    latency_summary write, sync, total;  ///< per write: the write call, its sync, both
    std::string stopped_by;           ///< "ops", "bytes", "seconds" or "file size cap"
    storage_facts storage;
    std::vector<std::string> warnings;
    std::uint64_t eintr_retries = 0;
    std::uint64_t short_writes = 0;
    std::string path;                 ///< the file's path (gone unless keep_file: then *.kept)
    std::vector<std::uint64_t> samples;  ///< with keep_samples: write+sync ns, in run order
    /// Every recorded write's total (write plus sync) latency in ns, whatever max_exact_samples
    /// says: for merging runs, HdrHistogram's formats (results/hdr.hpp) or other quantiles. The
    /// same values as total.histogram(), kept here as before it existed.
    ec2bench::stats::latency_histogram total_histogram;
    /// Time spent in on_interval during the timed phase, left out of seconds (and iops).
    double interval_callback_seconds = 0;
};

}  // namespace ec2bench::fsync_io

#endif  // EC2BENCH_KERNELS_FSYNC_IO_RESULT_HPP
