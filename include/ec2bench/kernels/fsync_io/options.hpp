// SPDX-License-Identifier: MIT
// The fsync kernel's options: how writes are made durable, how the file is prepared, the caps
// on a run and the interval callback.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_OPTIONS_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_OPTIONS_HPP

#include <ec2bench/stats/histogram.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ec2bench::fsync_io {

/// How each write is made durable.
enum class sync_method {
    fsync,              ///< write, then fsync(2): data and all metadata
    fdatasync,          ///< write, then fdatasync(2): data and the metadata needed to read it
    o_dsync,            ///< open with O_DSYNC: each write returns once its data is durable
    o_sync,             ///< open with O_SYNC: the same, with all metadata
    o_direct,           ///< O_DIRECT: past the page cache, no flush (durable only with FUA or no cache)
    o_direct_fdatasync, ///< O_DIRECT, then fdatasync(2)
    none,               ///< buffered writes, never made durable: the page cache's speed
};

inline constexpr std::array<sync_method, 7> all_methods{
    sync_method::fsync,    sync_method::fdatasync,          sync_method::o_dsync, sync_method::o_sync,
    sync_method::o_direct, sync_method::o_direct_fdatasync, sync_method::none};

/// The names used in flags and benchmark names: fsync, fdatasync, dsync, sync, direct,
/// direct+fdatasync, none.
inline constexpr std::string_view method_name(sync_method m) noexcept {
    switch (m) {
        case sync_method::fsync: return "fsync";
        case sync_method::fdatasync: return "fdatasync";
        case sync_method::o_dsync: return "dsync";
        case sync_method::o_sync: return "sync";
        case sync_method::o_direct: return "direct";
        case sync_method::o_direct_fdatasync: return "direct+fdatasync";
        case sync_method::none: return "none";
    }
    return "?";
}

inline sync_method parse_method(std::string_view s) {
    for (sync_method m : all_methods) {
        if (method_name(m) == s) return m;
    }
    throw std::invalid_argument("fsync_io: method '" + std::string(s) +
                                "': must be fsync, fdatasync, dsync, sync, direct, "
                                "direct+fdatasync or none");
}

/// How the file is laid out before the timed writes.
enum class prepare_mode {
    append,       ///< starts empty: every write extends the file (size changes must be synced)
    preallocate,  ///< fallocate(2)d to its final size first (unwritten extents on ext4/xfs)
    overwrite,    ///< written in full and synced first: the timed writes replace existing blocks
};

inline constexpr std::string_view prepare_name(prepare_mode p) noexcept {
    switch (p) {
        case prepare_mode::append: return "append";
        case prepare_mode::preallocate: return "preallocate";
        case prepare_mode::overwrite: return "overwrite";
    }
    return "?";
}

inline prepare_mode parse_prepare(std::string_view s) {
    if (s == "append") return prepare_mode::append;
    if (s == "preallocate") return prepare_mode::preallocate;
    if (s == "overwrite") return prepare_mode::overwrite;
    throw std::invalid_argument("fsync_io: prepare '" + std::string(s) +
                                "': must be append, preallocate or overwrite");
}

/// One interval of a run's timed phase, handed to options::on_interval: the total (write plus
/// sync) latencies of the writes whose sync returned in it. Times are nanoseconds; add
/// phase_start_ns to place the interval on ec2bench::now_ns()'s clock (CLOCK_MONOTONIC), which
/// puts the intervals of several runs on one timeline.
struct interval {
    std::uint64_t phase_start_ns = 0;  ///< the timed phase's start, on now_ns()'s clock
    std::uint64_t start_ns = 0;        ///< from phase_start_ns: a multiple of the interval
    std::uint64_t length_ns = 0;       ///< the interval's length; the run's last may be shorter
    /// The interval's latencies in ns; valid only during the call (it is reset afterwards).
    const ec2bench::stats::latency_histogram& total;
};

struct options {
    /// Where the file is created. Required: there is no default, and never a silent /tmp.
    std::string directory;
    std::size_t block_size = 4096;  ///< bytes per write: a positive multiple of 512
    sync_method method = sync_method::fdatasync;
    /// Sync after every N writes (1: each write is durable before the next); 0: only once at
    /// the end. Ignored by the methods that need no sync call.
    unsigned sync_every = 1;
    prepare_mode prepare = prepare_mode::append;
    // Caps on the timed writes; the run stops at the first reached. At least one must be set.
    std::uint64_t ops = 0;      ///< writes recorded
    std::uint64_t bytes = 0;    ///< bytes written by the recorded writes
    double seconds = 0;         ///< wall time of the recorded writes
    std::uint64_t warmup_ops = 16;  ///< writes before recording starts (part of the file)
    /// The file may never grow past this (a time-only run stops here).
    std::uint64_t max_file_bytes = std::uint64_t{1} << 30;
    /// Exact samples are kept while at most this many writes are recorded; beyond, percentiles
    /// come from the histogram (relative error below 0.1%).
    std::size_t max_exact_samples = std::size_t{1} << 20;
    std::uint64_t seed = 0x5eed'ec2b'e7c4'0001;  ///< for the random buffer contents
    /// Leave the file in place after a successful run, for inspection. Never after a failure.
    bool keep_file = false;
    /// Return the raw per-write latencies (write+sync, ns) in result::samples, while exact.
    bool keep_samples = false;
    /// Where this process's start time, the boot id and the pid namespace are read, and whether
    /// the makers of stale test files still run; a parameter so tests can supply a fake tree.
    std::string procfs_root = "/proc";
    /// Called with the timed phase's latencies interval by interval: the phase is cut into
    /// intervals of interval_seconds from its start, each write counted in the one its sync
    /// returned in, and every interval that holds a write is handed out once it is over (the
    /// run's last, partial one at the end of the run). Intervals with no write (inside one
    /// long write) are skipped. Runs on the run's thread between writes: its time is in no
    /// latency and is left out of result::seconds (result::interval_callback_seconds says how
    /// much it was). Nothing is allocated for it during the timed phase. An exception from it
    /// ends the run (the file is removed) and propagates.
    ///
    ///     opt.interval_seconds = 1;
    ///     opt.on_interval = [&](const ec2bench::fsync_io::interval& i) {
    ///         std::printf("%6.1f s: %llu writes\n", i.start_ns / 1e9,
    ///                     static_cast<unsigned long long>(i.total.count()));
    ///     };
    std::function<void(const interval&)> on_interval;
    /// The length of on_interval's intervals, from 1e-9 to 1e9 seconds.
    double interval_seconds = 1;
};

namespace detail {

inline bool needs_sync_call(sync_method m) {
    return m == sync_method::fsync || m == sync_method::fdatasync ||
           m == sync_method::o_direct_fdatasync;
}

inline bool direct(sync_method m) {
    return m == sync_method::o_direct || m == sync_method::o_direct_fdatasync;
}

}  // namespace detail

}  // namespace ec2bench::fsync_io

#endif  // EC2BENCH_KERNELS_FSYNC_IO_OPTIONS_HPP
