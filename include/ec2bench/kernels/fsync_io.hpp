// SPDX-License-Identifier: MIT
// Durable-write latency, IOPS and throughput: blocks written to a fresh file in a directory the
// user names, each made durable by the chosen method, with per-operation latencies of the write,
// the sync and both. The file is created exclusively under a name that says which process made
// it, never outside that directory, and removed on every path (normal end, error, exception,
// SIGINT, SIGTERM, SIGHUP, SIGQUIT); the file of a run killed outright (SIGKILL) is removed by
// the next run in the directory once that process is provably gone.
//
//     ec2bench::fsync_io::options opt;
//     opt.directory = "/data";
//     opt.method = ec2bench::fsync_io::sync_method::fdatasync;
//     opt.ops = 2000;
//     auto r = ec2bench::fsync_io::run(opt);
//     std::printf("%.0f IOPS, p99 %.0f us\n", r.iops, r.total.p99_ns / 1e3);
#ifndef EC2BENCH_KERNELS_FSYNC_IO_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_HPP

#include <ec2bench/detail/aligned_buffer.hpp>
#include <ec2bench/detail/clock.hpp>
#include <ec2bench/detail/cpu_caches.hpp>
#include <ec2bench/detail/process_identity.hpp>
#include <ec2bench/detail/unique_fd.hpp>
#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

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

/// Percentiles of one series, in nanoseconds.
struct latency_summary {
    std::uint64_t count = 0;
    double min_ns = 0, mean_ns = 0, p50_ns = 0, p95_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
    bool exact = false;  ///< from the raw samples; false: from the histogram
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
    /// says: for merging runs, HdrHistogram's formats (results/hdr.hpp) or other quantiles.
    ec2bench::stats::latency_histogram total_histogram;
    /// Time spent in on_interval during the timed phase, left out of seconds (and iops).
    double interval_callback_seconds = 0;
};

/// An I/O error of a run, with the errno and a message that names the directory and says what
/// to do.
class io_error : public std::system_error {
public:
    io_error(int err, const std::string& message)
        : std::system_error(err, std::generic_category(), message), message_(message) {}
    const char* what() const noexcept override { return message_.c_str(); }

private:
    std::string message_;
};

/// The I/O calls of a run. Tests substitute their own to inject faults at any call; derive
/// from this one and override what you need, so calls added later keep working.
struct posix_io {
    int open(const char* path, int flags, mode_t mode) { return ::open(path, flags, mode); }
    ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t offset) {
        return ::pwrite(fd, buf, n, offset);
    }
    int fsync(int fd) { return ::fsync(fd); }
    int fdatasync(int fd) { return ::fdatasync(fd); }
    int fallocate(int fd, off_t offset, off_t len) { return ::fallocate(fd, 0, offset, len); }
    int close(int fd) { return ::close(fd); }
    int unlink(const char* path) { return ::unlink(path); }
    int statvfs(const char* path, struct statvfs* out) { return ::statvfs(path, out); }
    /// access(2) with the effective ids, which decide whether open(2) may create the file.
    int access(const char* path, int mode) {
        return ::faccessat(AT_FDCWD, path, mode, AT_EACCESS);
    }
};

namespace detail {

inline const char* errno_name(int e) {
    switch (e) {
        case ENOENT: return "ENOENT";
        case ENOTDIR: return "ENOTDIR";
        case EACCES: return "EACCES";
        case EPERM: return "EPERM";
        case EROFS: return "EROFS";
        case ENOSPC: return "ENOSPC";
        case EDQUOT: return "EDQUOT";
        case EFBIG: return "EFBIG";
        case EINVAL: return "EINVAL";
        case EIO: return "EIO";
        case EINTR: return "EINTR";
        case EEXIST: return "EEXIST";
        case ELOOP: return "ELOOP";
        case EOPNOTSUPP: return "EOPNOTSUPP";
        case ENAMETOOLONG: return "ENAMETOOLONG";
        case EMFILE: return "EMFILE";
        case EBADF: return "EBADF";
        default: return "errno";
    }
}

inline std::string human_bytes(std::uint64_t b) {
    std::ostringstream os;
    os.precision(3);
    if (b >= (std::uint64_t{1} << 30)) {
        os << static_cast<double>(b) / static_cast<double>(std::uint64_t{1} << 30) << " GiB";
    } else if (b >= (std::uint64_t{1} << 20)) {
        os << static_cast<double>(b) / static_cast<double>(std::uint64_t{1} << 20) << " MiB";
    } else {
        os << b << " bytes";
    }
    return os.str();
}

/// Filesystem names for statfs f_type magics (linux/magic.h).
inline std::string filesystem_name(unsigned long magic) {
    switch (magic) {
        case 0xEF53: return "ext4";  // ext2/3/4 share the magic
        case 0x58465342: return "xfs";
        case 0x9123683E: return "btrfs";
        case 0x01021994: return "tmpfs";
        case 0x858458f6: return "ramfs";
        case 0x6969: return "nfs";
        case 0x794c7630: return "overlayfs";
        case 0x2fc12fc1: return "zfs";
        case 0xF2F52010: return "f2fs";
        case 0x65735546: return "fuse";
        case 0xFF534D42: return "cifs";
        case 0x3153464a: return "jfs";
        case 0x52654973: return "reiserfs";
        case 0x5346544e: return "ntfs";
        case 0x4d44: return "vfat";
        case 0x73717368: return "squashfs";
        case 0x9fa0: return "proc";
        case 0x62656572: return "sysfs";
        case 0x27e0eb: return "cgroup";
        case 0x63677270: return "cgroup2";
        case 0x1cd1: return "devpts";
        case 0x64626720: return "debugfs";
        case 0x74726163: return "tracefs";
        case 0x73636673: return "securityfs";
        case 0xcafe4a11: return "bpf";
        case 0x62656570: return "configfs";
        case 0x6165676c: return "pstore";
        case 0xde5e81e4: return "efivarfs";
        default: {
            std::ostringstream os;
            os << "0x" << std::hex << magic;
            return os.str();
        }
    }
}

/// Filesystems that are interfaces to the kernel, with no storage behind them.
inline bool kernel_interface(const std::string& filesystem) {
    for (const char* name : {"proc", "sysfs", "cgroup", "cgroup2", "devpts", "debugfs", "tracefs",
                             "securityfs", "bpf", "configfs", "pstore", "efivarfs"}) {
        if (filesystem == name) return true;
    }
    return false;
}

/// The block device behind a st_dev, and its queue settings (the disk's, for a partition).
inline void read_block_device(dev_t dev, storage_facts& f, const std::string& sysfs_root = "/sys") {
    const std::string link = sysfs_root + "/dev/block/" + std::to_string(major(dev)) + ":" +
                             std::to_string(minor(dev));
    char target[PATH_MAX];
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) return;
    target[n] = '\0';
    const std::string t(target);
    f.device = t.substr(t.rfind('/') + 1);
    using ec2bench::detail::read_first_line;
    // A partition has no queue/ of its own; its parent directory is the disk.
    std::string queue = link + "/queue/";
    if (read_first_line(queue + "write_cache").empty()) queue = link + "/../queue/";
    f.write_cache = read_first_line(queue + "write_cache");
    f.rotational = read_first_line(queue + "rotational");
    std::string model = read_first_line(link + "/device/model");
    if (model.empty()) model = read_first_line(link + "/../device/model");
    f.model = model;
    if (f.dio_offset_align == 0) {
        const std::string lbs = read_first_line(queue + "logical_block_size");
        if (!lbs.empty()) {
            f.dio_offset_align = static_cast<std::uint32_t>(std::stoul(lbs));
            f.dio_mem_align = f.dio_offset_align;
        }
    }
}

/// Paths of the files that runs in progress create, for removal from a signal handler or a
/// signal thread: fixed slots, no allocation, unlink(2) and nanosleep(2) only (both
/// async-signal-safe). A slot goes free -> claimed (path being written) -> creating (open(2) in
/// progress) -> created, and back to free when the run removes its file. close() refuses new
/// runs, so a run that starts after an interruption cannot leave a file behind.
class active_files {
public:
    static constexpr int slots = 32;
    enum : int { free_slot = 0, claimed = 1, creating = 2, created = 3 };

    /// Claims a slot for `path`: its index, -1 when there is none (the path is still removed
    /// by the run itself), or -2 after close() (the run must not start).
    int add(const std::string& path) noexcept {
        if (closed_.load(std::memory_order_seq_cst)) return -2;
        if (path.size() >= PATH_MAX) return -1;
        for (int i = 0; i < slots; ++i) {
            int expected = free_slot;
            if (state_[i].compare_exchange_strong(expected, claimed, std::memory_order_acq_rel)) {
                std::memcpy(paths_[i], path.c_str(), path.size() + 1);
                state_[i].store(creating, std::memory_order_seq_cst);
                // Closed meanwhile: the closer may have scanned before this slot was ready.
                if (closed_.load(std::memory_order_seq_cst)) {
                    state_[i].store(free_slot, std::memory_order_release);
                    return -2;
                }
                return i;
            }
        }
        return -1;
    }
    /// The file exists now (open(2) returned). False after close(): remove it and stop.
    bool created_ok(int slot) noexcept {
        if (slot >= 0) state_[slot].store(created, std::memory_order_seq_cst);
        return !closed_.load(std::memory_order_seq_cst);
    }
    void remove(int slot) noexcept {
        if (slot >= 0) state_[slot].store(free_slot, std::memory_order_release);
    }
    void unlink_all() noexcept {
        for (int i = 0; i < slots; ++i) {
            // A slot is only reused after its run removed it; a path read here is complete.
            const int st = state_[i].load(std::memory_order_acquire);
            if (st == creating || st == created) ::unlink(paths_[i]);
        }
    }
    /// Refuses new runs, removes every file, waits (at most `wait_ms`) for runs that were
    /// opening their file at that moment, and removes again.
    void close(int wait_ms = 200) noexcept {
        closed_.store(true, std::memory_order_seq_cst);
        unlink_all();
        for (int waited = 0; waited < wait_ms; ++waited) {
            bool busy = false;
            for (int i = 0; i < slots; ++i) {
                const int st = state_[i].load(std::memory_order_acquire);
                busy = busy || st == claimed || st == creating;
            }
            if (!busy) break;
            const timespec ms{0, 1'000'000};
            ::nanosleep(&ms, nullptr);
        }
        unlink_all();
    }

private:
    std::atomic<bool> closed_{false};
    std::atomic<int> state_[slots] = {};
    char paths_[slots][PATH_MAX] = {};
};

inline active_files& registry() noexcept {
    static active_files files;
    return files;
}

extern "C" inline void remove_files_and_reraise(int sig) {
    const int saved = errno;  // a handler must not change errno under the code it interrupted
    registry().close();
    ::signal(sig, SIG_DFL);
    errno = saved;
    ::raise(sig);
}

/// Installs remove_files_and_reraise for SIGINT, SIGTERM, SIGHUP and SIGQUIT while at least one
/// run is active, but only where the disposition is the default: a program with its own handler
/// (or a signal thread) keeps it, and calls remove_active_files() itself, and a signal the
/// process ignores (nohup's SIGHUP, a shell's SIGQUIT for background jobs) stays ignored.
class signal_guard {
public:
    signal_guard() {
        std::lock_guard<std::mutex> lock(state().m);
        if (state().depth++ == 0) {
            for (std::size_t i = 0; i < signals.size(); ++i) {
                struct sigaction current{};
                state().installed[i] = false;
                // SA_SIGINFO first: sa_handler shares a union with sa_sigaction.
                if (::sigaction(signals[i], nullptr, &current) == 0 &&
                    (current.sa_flags & SA_SIGINFO) == 0 && current.sa_handler == SIG_DFL) {
                    struct sigaction ours{};
                    ours.sa_handler = &remove_files_and_reraise;
                    sigemptyset(&ours.sa_mask);
                    ours.sa_flags = static_cast<int>(SA_RESETHAND);
                    state().installed[i] = ::sigaction(signals[i], &ours, nullptr) == 0;
                }
            }
        }
    }
    ~signal_guard() {
        std::lock_guard<std::mutex> lock(state().m);
        if (--state().depth == 0) {
            for (std::size_t i = 0; i < signals.size(); ++i) {
                if (!state().installed[i]) continue;
                struct sigaction current{};
                // Restore only our own: someone may have installed theirs since.
                if (::sigaction(signals[i], nullptr, &current) == 0 &&
                    current.sa_handler == &remove_files_and_reraise) {
                    ::signal(signals[i], SIG_DFL);
                }
            }
        }
    }
    signal_guard(const signal_guard&) = delete;
    signal_guard& operator=(const signal_guard&) = delete;

private:
    static constexpr std::array<int, 4> signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct shared {
        std::mutex m;
        int depth = 0;
        std::array<bool, signals.size()> installed{};
    };
    static shared& state() {
        static shared s;
        return s;
    }
};

/// Deterministic, incompressible block contents: a pool of random bytes (splitmix64 from the
/// seed), block i taken from pool slot i mod slots with its first 16 bytes replaced by (seed,
/// i), so no two blocks of a run are equal (dedupe cannot flatter) and none compresses.
/// block() stamps the slot in place and returns it, so a write needs no copy (the previous
/// stamp in a slot never matters: it is always rewritten before the slot is used). The pool is
/// aligned for O_DIRECT.
class payload {
public:
    payload(std::uint64_t seed, std::size_t block_size, std::size_t alignment = 4096)
        : seed_(seed),
          block_(block_size),
          slots_(pool_slots(block_size)),
          pool_(slots_ * block_size, std::max<std::size_t>(alignment, 64)) {
        std::uint64_t x = seed;
        unsigned char* p = pool_.data();
        for (std::size_t i = 0; i < pool_.size(); i += 8) {
            x += 0x9e3779b97f4a7c15ULL;  // splitmix64
            std::uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            z ^= z >> 31;
            std::memcpy(p + i, &z, std::min<std::size_t>(8, pool_.size() - i));
        }
    }
    /// Block `index`, ready to write (block_size bytes, aligned like the pool).
    const unsigned char* block(std::uint64_t index) noexcept {
        unsigned char* b = pool_.data() + (index % slots_) * block_;
        const std::uint64_t stamp[2] = {seed_, index};
        std::memcpy(b, stamp, std::min<std::size_t>(sizeof stamp, block_));
        return b;
    }
    /// Copies block `index` into `out` (block_size bytes): what the file must hold there.
    void fill(std::uint64_t index, unsigned char* out) noexcept {
        std::memcpy(out, block(index), block_);
    }
    std::size_t block_size() const noexcept { return block_; }

private:
    static std::size_t pool_slots(std::size_t block_size) {
        // 256 KiB of random bytes: more than a compressing filesystem sees at once (btrfs
        // compresses 128 KiB extents), little enough to stay in L2 while the kernel copies from
        // it; at least 16 blocks, at most 64 MiB. Dedupe is defeated by the per-block stamp.
        const std::size_t want = (std::size_t{256} << 10) / block_size;
        const std::size_t cap = std::max<std::size_t>(1, (std::size_t{64} << 20) / block_size);
        return std::max<std::size_t>(2, std::min(std::max<std::size_t>(want, 16), cap));
    }
    std::uint64_t seed_;
    std::size_t block_;
    std::size_t slots_;
    ec2bench::detail::aligned_buffer<unsigned char> pool_;
};

/// Latencies of one series: every one into the histogram, and the raw values while they fit.
class series {
public:
    explicit series(std::size_t exact_cap) : cap_(exact_cap) {}
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
    latency_summary summary() {
        latency_summary s;
        s.count = hist_.count();
        if (s.count == 0) return s;
        s.min_ns = static_cast<double>(hist_.min());
        s.max_ns = static_cast<double>(hist_.max());
        s.mean_ns = hist_.mean();
        const std::initializer_list<double> qs = {0.5, 0.95, 0.99, 0.999};
        std::vector<double> q;
        if (!overflowed_) {
            q = ec2bench::stats::quantiles_in_place(samples_, qs);
            s.exact = true;
        } else {
            q = hist_.quantiles(qs);
        }
        s.p50_ns = q[0];
        s.p95_ns = q[1];
        s.p99_ns = q[2];
        s.p999_ns = q[3];
        return s;
    }
    const std::vector<std::uint64_t>& samples() const noexcept { return samples_; }
    /// Hands over the histogram; afterwards only destruction is allowed.
    ec2bench::stats::latency_histogram take_histogram() noexcept { return std::move(hist_); }

private:
    std::size_t cap_;
    std::vector<std::uint64_t> samples_;
    ec2bench::stats::latency_histogram hist_;
    bool overflowed_ = false;
};

inline constexpr std::string_view test_file_prefix = ".ec2bench-fsync-";

/// The parts of a test file's name: .ec2bench-fsync-<pid>-<start time>-<key>-<random>.tmp, the
/// pid and start time in decimal, the key (boot and pid namespace) and 64 random bits in 16
/// lowercase hex digits each.
struct test_file_name {
    ec2bench::detail::process_identity maker;
    std::uint64_t random = 0;

    std::string str(std::string_view suffix = ".tmp") const {
        char buf[128];
        std::snprintf(buf, sizeof buf, "%d-%llu-%016llx-%016llx", static_cast<int>(maker.pid),
                      static_cast<unsigned long long>(maker.start_time),
                      static_cast<unsigned long long>(maker.key),
                      static_cast<unsigned long long>(random));
        return std::string(test_file_prefix) + buf + std::string(suffix);
    }

    /// The parts of `name` when it is exactly such a name (the form str() writes, no leading
    /// zeros, no upper case, nothing before or after); nullopt for anything else.
    static std::optional<test_file_name> parse(std::string_view name) {
        if (name.substr(0, test_file_prefix.size()) != test_file_prefix) return std::nullopt;
        std::string_view rest = name.substr(test_file_prefix.size());
        const auto field = [&rest](int base) -> std::optional<std::uint64_t> {
            const std::size_t end = rest.find_first_of("-.");
            const std::string_view f = rest.substr(0, end);
            if (f.empty() || f.size() > 20 || end == std::string_view::npos) return std::nullopt;
            std::uint64_t v = 0;
            for (const char c : f) {
                int d = -1;
                if (c >= '0' && c <= '9') d = c - '0';
                if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
                if (d < 0) return std::nullopt;
                const auto du = static_cast<std::uint64_t>(d);
                if (v > (UINT64_MAX - du) / static_cast<std::uint64_t>(base)) return std::nullopt;
                v = v * static_cast<std::uint64_t>(base) + du;
            }
            rest.remove_prefix(end + 1);
            return v;
        };
        const auto pid = field(10);
        const auto start = field(10);
        const auto key = field(16);
        const auto random = field(16);
        if (!pid || !start || !key || !random || rest != "tmp" || *pid == 0 ||
            *pid > static_cast<std::uint64_t>(INT_MAX)) {
            return std::nullopt;
        }
        test_file_name n;
        n.maker.pid = static_cast<pid_t>(*pid);
        n.maker.start_time = *start;
        n.maker.key = *key;
        n.random = *random;
        // Exactly the canonical form: a leading zero or a short hex field is someone else's.
        if (n.str() != name) return std::nullopt;
        return n;
    }
};

inline std::uint64_t random_u64() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> d;
    return d(rd);
}

/// Removes, from `dir`, the test files of runs that were killed before they could (SIGKILL, an
/// out-of-memory kill, a crash), and returns one warning per file removed. A file is removed only
/// when all of these hold: its name is exactly a test file's name, its key is `me`'s (the same
/// boot and pid namespace, so its pid and start time can be checked here), it is a regular file
/// (not a link) owned by this effective uid, and its maker is provably dead (state_of). Anything
/// else is left alone; a test file with another key gets a warning of its own, since nothing
/// will ever remove it (a run from before a reboot) unless someone does by hand.
inline std::vector<std::string> remove_stale_files(const std::string& dir,
                                                   const std::string& procfs_root,
                                                   const ec2bench::detail::process_identity& me) {
    std::vector<std::string> warnings;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return warnings;  // unreadable: the run itself reports what matters
    struct closer {
        DIR* d;
        ~closer() { ::closedir(d); }
    } close_dir{d};
    // Names first, removal after: entries removed during readdir may or may not be returned.
    std::vector<std::pair<std::string, test_file_name>> candidates;
    std::vector<std::string> elsewhere;
    while (const dirent* e = ::readdir(d)) {
        const auto n = test_file_name::parse(e->d_name);
        if (!n) continue;
        if (n->maker.key == me.key) {
            candidates.emplace_back(e->d_name, *n);
        } else {
            elsewhere.emplace_back(e->d_name);
        }
    }
    std::sort(elsewhere.begin(), elsewhere.end());
    for (const std::string& name : elsewhere) {
        // The name is digits, hex and punctuation only, safe to print anywhere.
        warnings.push_back("left alone a test file from another boot, host or container (remove "
                           "it by hand once no run there is active): " +
                           name);
    }
    const int dfd = ::dirfd(d);
    for (const auto& [name, n] : candidates) {
        struct stat st{};
        if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
        using ec2bench::detail::process_state;
        if (ec2bench::detail::state_of(procfs_root, n.maker.pid, n.maker.start_time) !=
            process_state::dead) {
            continue;
        }
        // unlinkat removes the entry itself, never what a link points to.
        if (::unlinkat(dfd, name.c_str(), 0) == 0) {
            warnings.push_back("removed a stale test file left by a killed run (pid " +
                               std::to_string(n.maker.pid) + "): " + name);
        }
    }
    return warnings;
}

inline bool needs_sync_call(sync_method m) {
    return m == sync_method::fsync || m == sync_method::fdatasync ||
           m == sync_method::o_direct_fdatasync;
}

inline bool direct(sync_method m) {
    return m == sync_method::o_direct || m == sync_method::o_direct_fdatasync;
}

}  // namespace detail

/// Removes every file that runs in progress have created, and refuses new runs from then on
/// (they throw io_error with EINTR): for a program about to exit on a signal. Waits at most
/// 200 ms for a run that was opening its file. Async-signal-safe: call it from your own
/// SIGINT/SIGTERM/SIGHUP/SIGQUIT handler or signal-handling thread (runs install a handler of
/// their own only where the disposition is the default).
inline void remove_active_files() noexcept { detail::registry().close(); }

/// Runs the benchmark. Throws std::invalid_argument for bad options, and io_error (a
/// std::system_error) for the I/O errors of the directory, each with a message that names the
/// directory and what to do. Whatever happens, the file is gone afterwards (unless keep_file
/// and the run succeeded).
template <class IO>
inline result run(const options& opt, IO& io) {
    const std::string& dir = opt.directory;
    const std::string where = "'" + dir + "'";
    if (dir.empty()) {
        throw std::invalid_argument(
            "fsync_io: no directory given: name the one to test (the default is never /tmp)");
    }
    if (opt.block_size == 0 || opt.block_size % 512 != 0 || opt.block_size > (std::size_t{64} << 20)) {
        throw std::invalid_argument("fsync_io: block size " + std::to_string(opt.block_size) +
                                    ": must be a positive multiple of 512, at most 64 MiB");
    }
    if (opt.ops == 0 && opt.bytes == 0 && opt.seconds <= 0) {
        throw std::invalid_argument("fsync_io: no limit: set ops, bytes or seconds");
    }
    if (!(opt.seconds >= 0 && opt.seconds < 1e9)) {  // NaN and infinity fail too
        throw std::invalid_argument("fsync_io: seconds " + std::to_string(opt.seconds) +
                                    ": must be 0 (no time cap) or a finite positive number");
    }
    if (opt.on_interval && !(opt.interval_seconds >= 1e-9 && opt.interval_seconds <= 1e9)) {
        std::ostringstream v;
        v << opt.interval_seconds;
        throw std::invalid_argument("fsync_io: interval_seconds " + v.str() +
                                    ": must be from 1e-9 to 1e9 with on_interval");
    }

    // The planned size, checked against the cap and the free space before anything is written.
    std::optional<std::uint64_t> planned;
    if (opt.ops != 0) planned = opt.ops;
    if (opt.bytes != 0) {
        const std::uint64_t by_bytes = opt.bytes / opt.block_size + (opt.bytes % opt.block_size != 0);
        planned = std::min(planned.value_or(by_bytes), by_bytes);
    }
    const std::uint64_t cap_ops = opt.max_file_bytes / opt.block_size;
    const bool capped_by_size = !planned;  // only a time cap: the file size cap bounds the run
    const std::uint64_t planned_ops =
        planned ? *planned : (cap_ops > opt.warmup_ops ? cap_ops - opt.warmup_ops : 0);
    if (planned_ops == 0) {
        throw std::invalid_argument("fsync_io: max_file_bytes " + std::to_string(opt.max_file_bytes) +
                                    " leaves no room for a timed write after the warm-up");
    }
    if (planned_ops > std::numeric_limits<std::uint64_t>::max() - opt.warmup_ops) {
        throw std::invalid_argument("fsync_io: " + std::to_string(planned_ops) + " writes plus " +
                                    std::to_string(opt.warmup_ops) +
                                    " warm-up writes overflow a 64-bit count");
    }
    const std::uint64_t total_ops = planned_ops + opt.warmup_ops;
    if (total_ops > std::numeric_limits<std::uint64_t>::max() / opt.block_size) {
        throw std::invalid_argument("fsync_io: " + std::to_string(total_ops) + " writes of " +
                                    std::to_string(opt.block_size) + " bytes overflow the file size");
    }
    const std::uint64_t file_bytes = total_ops * opt.block_size;
    if (file_bytes > opt.max_file_bytes) {
        throw std::invalid_argument("fsync_io: the run would write " + detail::human_bytes(file_bytes) +
                                    " in " + where + ", over the " +
                                    detail::human_bytes(opt.max_file_bytes) +
                                    " cap; lower ops, bytes or the block size, or raise the cap");
    }

    result r;
    r.method = opt.method;
    r.prepare = opt.prepare;
    r.block_size = opt.block_size;
    r.sync_every = opt.sync_every;
    r.warmup_ops = opt.warmup_ops;

    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0) {
        const int e = errno;
        if (e == ENOENT) {
            throw io_error(e, "fsync_io: directory " + where +
                                  " does not exist (ENOENT): create it or choose another");
        }
        if (e == ENOTDIR) {
            throw io_error(e, "fsync_io: " + where +
                                  " is not a directory (ENOTDIR): a component of the path is a file");
        }
        if (e == EACCES) {
            throw io_error(e, "fsync_io: cannot reach directory " + where +
                                  " (EACCES): no search permission on a component of the path");
        }
        throw io_error(e, "fsync_io: cannot stat " + where + " (" + detail::errno_name(e) +
                              "): " + std::strerror(e));
    }
    if (!S_ISDIR(st.st_mode)) {
        throw io_error(ENOTDIR, "fsync_io: " + where + " is not a directory (ENOTDIR): name a directory");
    }
    struct statfs sfs{};
    if (::statfs(dir.c_str(), &sfs) == 0) {
        r.storage.filesystem = detail::filesystem_name(static_cast<unsigned long>(sfs.f_type));
    }
    if (detail::kernel_interface(r.storage.filesystem)) {
        throw io_error(EOPNOTSUPP, "fsync_io: " + where + " is on " + r.storage.filesystem +
                                       ", a kernel interface with no storage behind it "
                                       "(EOPNOTSUPP): choose a directory on a disk");
    }
    // Writability before free space: a read-only filesystem reports no free blocks, and a
    // message about space would send the user the wrong way.
    const std::string read_only = "fsync_io: " + where +
                                  " is on a read-only filesystem (EROFS): choose a writable directory";
    struct statvfs svfs{};
    const bool have_statvfs = io.statvfs(dir.c_str(), &svfs) == 0;
    if (have_statvfs && (svfs.f_flag & ST_RDONLY) != 0) throw io_error(EROFS, read_only);
    if (io.access(dir.c_str(), W_OK | X_OK) != 0) {
        const int e = errno;
        if (e == EROFS) throw io_error(e, read_only);
        if (e == EACCES || e == EPERM) {
            throw io_error(e, "fsync_io: cannot create a file in " + where + " (" +
                                  detail::errno_name(e) +
                                  "): no permission; choose a directory you can write to");
        }
        // Anything else: open(2) below says what it is.
    }

    // The files of runs killed outright, removed before the free space is judged (they hold some).
    const auto me = ec2bench::detail::this_process(opt.procfs_root);
    if (me) {
        const std::vector<std::string> stale = detail::remove_stale_files(dir, opt.procfs_root, *me);
        if (!stale.empty() && have_statvfs && io.statvfs(dir.c_str(), &svfs) != 0) {
            svfs = {};  // no size known: the check below is skipped, open(2) has the last word
        }
        r.warnings.insert(r.warnings.end(), stale.begin(), stale.end());
    }

    // Room for the file and a margin: filling a disk to the last block hurts everyone on it. A
    // filesystem that reports no size at all (ramfs) has nothing to check against.
    if (have_statvfs && svfs.f_blocks != 0) {
        r.storage.free_bytes = static_cast<std::uint64_t>(svfs.f_bavail) * svfs.f_frsize;
        const std::uint64_t margin = std::max<std::uint64_t>(file_bytes / 20, std::uint64_t{16} << 20);
        if (r.storage.free_bytes < file_bytes || r.storage.free_bytes - file_bytes < margin) {
            throw io_error(ENOSPC, "fsync_io: not enough free space in " + where +
                                       ": the run writes " + detail::human_bytes(file_bytes) +
                                       " and keeps a margin of " + detail::human_bytes(margin) +
                                       " free (5% of the file, at least 16 MiB), but " +
                                       detail::human_bytes(r.storage.free_bytes) +
                                       " is available (ENOSPC); free space there, or lower ops "
                                       "or the block size");
        }
    }
    detail::read_block_device(st.st_dev, r.storage);
    if (r.storage.filesystem == "tmpfs" || r.storage.filesystem == "ramfs") {
        r.warnings.push_back(where + " is on " + r.storage.filesystem +
                             ": a sync does nothing there, so these latencies are the page "
                             "cache's, not durable storage's");
    }
    if (opt.method == sync_method::none) {
        r.warnings.push_back("method none: nothing is made durable; these are page-cache writes");
    }
    if (opt.method == sync_method::o_direct) {
        r.warnings.push_back("method direct without a sync: durable only where the device has no "
                             "volatile write cache (write_cache: " +
                             (r.storage.write_cache.empty() ? std::string("unknown") : r.storage.write_cache) +
                             ")");
    }

    // Create the file: exclusively, never through a symlink, under a name that says which
    // process made it (so a later run can tell when that process is gone), or only a random one
    // where /proc cannot vouch for this process (that name is never removed by a later run).
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    if (opt.method == sync_method::o_dsync) flags |= O_DSYNC;
    if (opt.method == sync_method::o_sync) flags |= O_SYNC;
    if (detail::direct(opt.method)) flags |= O_DIRECT;
    detail::test_file_name name;
    name.random = detail::random_u64();
    std::string base_name;
    if (me) {
        name.maker = *me;
        base_name = name.str();
    } else {
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(name.random));
        base_name = std::string(detail::test_file_prefix) + hex + ".tmp";
    }
    const std::string dir_slash = dir + (dir.back() == '/' ? "" : "/");
    r.path = dir_slash + base_name;

    detail::signal_guard signals;
    const int slot = detail::registry().add(r.path);
    if (slot == -2) {
        throw io_error(EINTR, "fsync_io: interrupted: no new file is created in " + where +
                                  " once remove_active_files() has run");
    }
    bool created = false;
    bool keep = false;
    ec2bench::detail::unique_fd fd;
    struct cleanup {
        IO& io;
        ec2bench::detail::unique_fd& fd;
        const std::string& path;
        const bool& created;
        const bool& keep;
        int slot;
        ~cleanup() {
            if (fd) io.close(fd.release());
            if (created && !keep) io.unlink(path.c_str());
            detail::registry().remove(slot);
        }
    } guard{io, fd, r.path, created, keep, slot};

    int raw = io.open(r.path.c_str(), flags, 0600);
    if (raw < 0 && errno == EINVAL && detail::direct(opt.method)) {
        throw io_error(EINVAL, "fsync_io: " + where + " (" + r.storage.filesystem +
                                   ") does not support O_DIRECT (EINVAL): use a method without "
                                   "direct, or a directory on a disk");
    }
    if (raw < 0) {
        const int e = errno;
        switch (e) {
            case EACCES:
            case EPERM:
                throw io_error(e, "fsync_io: cannot create a file in " + where + " (" +
                                      detail::errno_name(e) +
                                      "): no permission; choose a directory you can write to");
            case EROFS:
                throw io_error(e, "fsync_io: " + where +
                                      " is on a read-only filesystem (EROFS): choose a writable directory");
            case ENOSPC:
            case EDQUOT:
                throw io_error(e, "fsync_io: cannot create a file in " + where + " (" +
                                      detail::errno_name(e) + "): the disk or quota is full");
            default:
                throw io_error(e, "fsync_io: cannot create a file in " + where + " (" +
                                      detail::errno_name(e) + "): " + std::strerror(e));
        }
    }
    fd.reset(raw);
    created = true;
    if (!detail::registry().created_ok(slot)) {
        throw io_error(EINTR, "fsync_io: interrupted while creating the file in " + where);
    }

    if (detail::direct(opt.method)) {
#if defined(STATX_DIOALIGN)
        struct statx sx{};
        if (::statx(fd.get(), "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 &&
            (sx.stx_mask & STATX_DIOALIGN) != 0 && sx.stx_dio_offset_align != 0) {
            r.storage.dio_mem_align = sx.stx_dio_mem_align;
            r.storage.dio_offset_align = sx.stx_dio_offset_align;
        }
#endif
        const std::uint32_t align = r.storage.dio_offset_align != 0 ? r.storage.dio_offset_align : 512;
        if (opt.block_size % align != 0) {
            throw std::invalid_argument("fsync_io: block size " + std::to_string(opt.block_size) +
                                        " cannot be used with O_DIRECT in " + where +
                                        ": it must be a multiple of " + std::to_string(align) +
                                        " (the direct I/O alignment there)");
        }
    }

    // The pool is aligned for O_DIRECT whatever the method, and written from directly.
    const std::size_t mem_align = std::max<std::size_t>(4096, r.storage.dio_mem_align);
    detail::payload data(opt.seed, opt.block_size, mem_align);
    std::uint64_t written_ops = 0;

    const auto write_block = [&](std::uint64_t index, detail::payload& p) {
        const unsigned char* buf = p.block(index);
        const off_t offset = static_cast<off_t>(index * opt.block_size);
        std::size_t done = 0;
        while (done < opt.block_size) {
            const ssize_t n = io.pwrite(fd.get(), buf + done, opt.block_size - done,
                                        offset + static_cast<off_t>(done));
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                if (done < opt.block_size) ++r.short_writes;
                continue;
            }
            const int e = n == 0 ? EIO : errno;
            if (e == EINTR) {
                ++r.eintr_retries;
                continue;
            }
            const std::string after = " after " + std::to_string(written_ops) + " of " +
                                      std::to_string(total_ops) + " writes";
            switch (e) {
                case ENOSPC:
                    throw io_error(e, "fsync_io: no space left in " + where + after +
                                          " (ENOSPC): free space, or lower ops or the block size");
                case EDQUOT:
                    throw io_error(e, "fsync_io: disk quota exceeded in " + where + after +
                                          " (EDQUOT): raise the quota, or lower ops or the block size");
                case EFBIG:
                    throw io_error(e, "fsync_io: file too large at " +
                                          std::to_string(static_cast<std::uint64_t>(offset) + done) +
                                          " bytes in " + where +
                                          " (EFBIG): the file size limit (ulimit -f) or the "
                                          "filesystem's maximum is below the planned " +
                                          std::to_string(file_bytes) + " bytes; lower ops");
                case EINVAL:
                    if (detail::direct(opt.method)) {
                        throw io_error(e, "fsync_io: O_DIRECT write of " +
                                              std::to_string(opt.block_size) + " bytes at offset " +
                                              std::to_string(offset) + " rejected in " + where +
                                              " (EINVAL): the block size or alignment breaks the "
                                              "device's direct I/O rules");
                    }
                    break;
                case EIO:
                    throw io_error(e, "fsync_io: write failed in " + where + after +
                                          " (EIO): the device reported an I/O error; check the "
                                          "kernel log (dmesg) and the device");
                default: break;
            }
            throw io_error(e, "fsync_io: write failed in " + where + after + " (" +
                                  detail::errno_name(e) + "): " + std::strerror(e));
        }
        ++written_ops;
    };
    // fdatasync (data_only) or fsync, retried on EINTR; any other failure ends the run.
    const auto sync_call = [&](bool data_only) {
        for (;;) {
            const int rc = data_only ? io.fdatasync(fd.get()) : io.fsync(fd.get());
            if (rc == 0) return;
            const int e = errno;
            if (e == EINTR) {
                ++r.eintr_retries;
                continue;
            }
            const std::string call = data_only ? "fdatasync" : "fsync";
            if (e == EIO) {
                throw io_error(e, "fsync_io: " + call + " failed in " + where + " after " +
                                      std::to_string(written_ops) +
                                      " writes (EIO): the device reported an I/O error and the "
                                      "state of the written data is unknown; check the kernel "
                                      "log (dmesg) and the device");
            }
            if (e == ENOSPC || e == EDQUOT) {
                throw io_error(e, "fsync_io: " + call + " failed in " + where + " (" +
                                      detail::errno_name(e) +
                                      "): the disk or quota filled while flushing");
            }
            throw io_error(e, "fsync_io: " + call + " failed in " + where + " (" +
                                  detail::errno_name(e) + "): " + std::strerror(e));
        }
    };
    const auto sync_now = [&] { sync_call(opt.method != sync_method::fsync); };

    // Preparation, untimed.
    if (opt.prepare == prepare_mode::preallocate) {
        if (io.fallocate(fd.get(), 0, static_cast<off_t>(file_bytes)) != 0) {
            const int e = errno;
            if (e == EOPNOTSUPP) {
                throw io_error(e, "fsync_io: " + where + " (" + r.storage.filesystem +
                                      ") does not support fallocate (EOPNOTSUPP): use prepare "
                                      "append or overwrite");
            }
            if (e == ENOSPC || e == EDQUOT) {
                throw io_error(e, "fsync_io: cannot preallocate " + detail::human_bytes(file_bytes) +
                                      " in " + where + " (" + detail::errno_name(e) +
                                      "): free space, or lower ops or the block size");
            }
            if (e == EFBIG) {
                throw io_error(e, "fsync_io: cannot preallocate " + std::to_string(file_bytes) +
                                      " bytes in " + where +
                                      " (EFBIG): the file size limit (ulimit -f) is lower; lower ops");
            }
            throw io_error(e, "fsync_io: fallocate failed in " + where + " (" + detail::errno_name(e) +
                                  "): " + std::strerror(e));
        }
    } else if (opt.prepare == prepare_mode::overwrite) {
        detail::payload first(~opt.seed, opt.block_size, mem_align);
        for (std::uint64_t i = 0; i < total_ops; ++i) write_block(i, first);
        written_ops = 0;
    }
    // The prepared layout (allocation or contents, and their metadata) is durable before timing.
    if (opt.prepare != prepare_mode::append) sync_call(false);

    const bool syncing = detail::needs_sync_call(opt.method);
    detail::series w(opt.max_exact_samples), s(opt.max_exact_samples), t(opt.max_exact_samples);
    w.reserve(planned_ops);
    s.reserve(planned_ops);
    t.reserve(planned_ops);
    const std::uint64_t time_cap_ns =
        opt.seconds > 0 ? static_cast<std::uint64_t>(opt.seconds * 1e9) : 0;

    bool unsynced = false;
    for (std::uint64_t i = 0; i < opt.warmup_ops; ++i) {
        write_block(i, data);
        unsynced = true;
        if (syncing && opt.sync_every != 0 && (i + 1) % opt.sync_every == 0) {
            sync_now();
            unsynced = false;
        }
    }
    if (syncing && unsynced) sync_now();  // the timed part starts with nothing pending

    // on_interval's state, allocated before the clock starts: the histogram of the current
    // interval (reset after each hand-out) and where that interval ends.
    const bool by_interval = static_cast<bool>(opt.on_interval);
    const std::uint64_t interval_ns =
        by_interval ? std::max<std::uint64_t>(1, static_cast<std::uint64_t>(opt.interval_seconds * 1e9)) : 0;
    std::optional<ec2bench::stats::latency_histogram> current;
    if (by_interval) current.emplace();
    std::uint64_t interval_start = 0;     // from the phase's start
    std::uint64_t interval_end = interval_ns;
    std::uint64_t callback_ns = 0;        // time inside on_interval, left out of the run's time

    r.stopped_by = capped_by_size ? "file size cap" : (opt.ops != 0 && planned_ops == opt.ops ? "ops" : "bytes");
    const std::uint64_t start = ec2bench::detail::now_ns();
    const auto hand_out = [&](std::uint64_t length) {
        if (current->empty()) return;
        const std::uint64_t c0 = ec2bench::detail::now_ns();
        opt.on_interval(interval{start, interval_start, length, *current});
        current->reset();
        callback_ns += ec2bench::detail::now_ns() - c0;
    };
    std::uint64_t end = start;
    std::uint64_t since_sync = 0;
    std::uint64_t recorded = 0;
    for (; recorded < planned_ops; ++recorded) {
        const std::uint64_t t0 = ec2bench::detail::now_ns();
        if (time_cap_ns != 0 && t0 - start - callback_ns >= time_cap_ns) {
            r.stopped_by = "seconds";
            break;
        }
        write_block(opt.warmup_ops + recorded, data);
        const std::uint64_t t1 = ec2bench::detail::now_ns();
        std::uint64_t t2 = t1;
        if (syncing && opt.sync_every != 0 && ++since_sync == opt.sync_every) {
            sync_now();
            since_sync = 0;
            ++r.syncs;
            t2 = ec2bench::detail::now_ns();
            s.record(t2 - t1);
        }
        w.record(t1 - t0);
        t.record(t2 - t0);
        end = t2;
        if (by_interval) {
            if (t2 - start >= interval_end) {
                hand_out(interval_ns);
                interval_start = (t2 - start) / interval_ns * interval_ns;
                interval_end = interval_start + interval_ns;
            }
            current->record(t2 - t0);
        }
    }
    if (syncing && (opt.sync_every == 0 || since_sync != 0)) {
        // The writes since the last sync are not durable yet: the run ends when they are.
        const std::uint64_t t1 = ec2bench::detail::now_ns();
        sync_now();
        ++r.syncs;
        end = ec2bench::detail::now_ns();
        s.record(end - t1);
    }
    const std::uint64_t phase_callback_ns = callback_ns;  // the last hand-out is after the phase
    if (by_interval) hand_out(std::min(end - start, interval_end) - interval_start);
    if (fd.close() != 0) {
        const int e = errno;
        throw io_error(e, "fsync_io: close failed in " + where + " (" + detail::errno_name(e) +
                              "): a deferred write error; the state of the data is unknown");
    }

    r.ops = recorded;
    r.bytes = recorded * opt.block_size;
    r.seconds = static_cast<double>(end - start - phase_callback_ns) * 1e-9;
    r.interval_callback_seconds = static_cast<double>(phase_callback_ns) * 1e-9;
    if (r.seconds > 0) {
        r.iops = static_cast<double>(r.ops) / r.seconds;
        r.mb_per_second = static_cast<double>(r.bytes) / r.seconds / 1e6;
    }
    if (opt.keep_samples && t.samples().size() == recorded) r.samples = t.samples();
    r.write = w.summary();
    r.sync = s.summary();
    r.total = t.summary();
    r.total_histogram = t.take_histogram();
    if (opt.keep_file) {
        keep = true;
        // A kept file must not look like a killed run's, or the next run would remove it.
        const std::string kept =
            dir_slash + base_name.substr(0, base_name.size() - std::strlen(".tmp")) + ".kept";
        if (::rename(r.path.c_str(), kept.c_str()) == 0) {
            r.path = kept;
        } else {
            const int e = errno;
            r.warnings.push_back("the kept file could not be renamed to " + kept + " (" +
                                 detail::errno_name(e) +
                                 "), so a later run will remove it: " + r.path);
        }
    }
    return r;
}

/// The same with the real system calls.
inline result run(const options& opt) {
    posix_io io;
    return run(opt, io);
}

}  // namespace ec2bench::fsync_io

#endif  // EC2BENCH_KERNELS_FSYNC_IO_HPP
