// SPDX-License-Identifier: MIT
// What an fsync run checks before it creates its file: the options (and the file they plan),
// then the directory (there, writable, on storage, with room for the file and a margin), which
// it describes into the result's storage facts and warnings.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_CHECKS_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_CHECKS_HPP

#include <ec2bench/detail/process_identity.hpp>
#include <ec2bench/detail/storage.hpp>
#include <ec2bench/kernels/fsync_io/errors.hpp>
#include <ec2bench/kernels/fsync_io/io.hpp>
#include <ec2bench/kernels/fsync_io/options.hpp>
#include <ec2bench/kernels/fsync_io/result.hpp>
#include <ec2bench/kernels/fsync_io/test_file.hpp>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ec2bench::fsync_io::detail {

// Where they were before the storage probe moved to detail/ (tests and users name them so).
using ec2bench::detail::filesystem_name;
using ec2bench::detail::kernel_interface;

/// The run's sizes, from the options alone.
struct plan {
    std::uint64_t planned_ops = 0;  ///< timed writes, at most
    std::uint64_t total_ops = 0;    ///< with the warm-up: the file's blocks
    std::uint64_t file_bytes = 0;
    bool capped_by_size = false;    ///< only a time cap: the file size cap bounds the run
};

/// Checks the options and plans the file: std::invalid_argument for anything wrong, before
/// anything touches the disk.
inline plan check_options(const options& opt) {
    const std::string where = "'" + opt.directory + "'";
    if (opt.directory.empty()) {
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
    std::optional<std::uint64_t> planned;
    if (opt.ops != 0) planned = opt.ops;
    if (opt.bytes != 0) {
        const std::uint64_t by_bytes = opt.bytes / opt.block_size + (opt.bytes % opt.block_size != 0);
        planned = std::min(planned.value_or(by_bytes), by_bytes);
    }
    plan p;
    const std::uint64_t cap_ops = opt.max_file_bytes / opt.block_size;
    p.capped_by_size = !planned;
    p.planned_ops = planned ? *planned : (cap_ops > opt.warmup_ops ? cap_ops - opt.warmup_ops : 0);
    if (p.planned_ops == 0) {
        throw std::invalid_argument("fsync_io: max_file_bytes " + std::to_string(opt.max_file_bytes) +
                                    " leaves no room for a timed write after the warm-up");
    }
    if (p.planned_ops > std::numeric_limits<std::uint64_t>::max() - opt.warmup_ops) {
        throw std::invalid_argument("fsync_io: " + std::to_string(p.planned_ops) + " writes plus " +
                                    std::to_string(opt.warmup_ops) +
                                    " warm-up writes overflow a 64-bit count");
    }
    p.total_ops = p.planned_ops + opt.warmup_ops;
    if (p.total_ops > std::numeric_limits<std::uint64_t>::max() / opt.block_size) {
        throw std::invalid_argument("fsync_io: " + std::to_string(p.total_ops) + " writes of " +
                                    std::to_string(opt.block_size) + " bytes overflow the file size");
    }
    p.file_bytes = p.total_ops * opt.block_size;
    if (p.file_bytes > opt.max_file_bytes) {
        throw std::invalid_argument("fsync_io: the run would write " + human_bytes(p.file_bytes) +
                                    " in " + where + ", over the " +
                                    human_bytes(opt.max_file_bytes) +
                                    " cap; lower ops, bytes or the block size, or raise the cap");
    }
    return p;
}

/// A result that states the options it ran with; the rest is filled in as the run goes.
inline result new_result(const options& opt) {
    result r;
    r.method = opt.method;
    r.prepare = opt.prepare;
    r.block_size = opt.block_size;
    r.sync_every = opt.sync_every;
    r.warmup_ops = opt.warmup_ops;
    return r;
}

/// Checks the directory and describes its storage into r.storage and r.warnings: an io_error
/// that says what to do for a missing, unwritable or full one, or one with no storage behind
/// it. Removes the files of killed runs first (they hold space).
template <class IO>
void check_directory(const options& opt, IO& io, const plan& p,
                     const std::optional<ec2bench::detail::process_identity>& me, result& r) {
    const std::string& dir = opt.directory;
    const std::string where = "'" + dir + "'";
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0) throw directory_error(errno, where);
    if (!S_ISDIR(st.st_mode)) {
        throw io_error(ENOTDIR, "fsync_io: " + where + " is not a directory (ENOTDIR): name a directory");
    }
    r.storage.filesystem = ec2bench::detail::filesystem_of(dir);
    if (kernel_interface(r.storage.filesystem)) {
        throw io_error(EOPNOTSUPP, "fsync_io: " + where + " is on " + r.storage.filesystem +
                                       ", a kernel interface with no storage behind it "
                                       "(EOPNOTSUPP): choose a directory on a disk");
    }
    // Writability before free space: a read-only filesystem reports no free blocks, and a
    // message about space would send the user the wrong way.
    struct statvfs svfs{};
    const bool have_statvfs = io.statvfs(dir.c_str(), &svfs) == 0;
    if (have_statvfs && (svfs.f_flag & ST_RDONLY) != 0) throw read_only(where);
    if (io.access(dir.c_str(), W_OK | X_OK) != 0) {
        const int e = errno;
        if (e == EROFS) throw read_only(where);
        if (e == EACCES || e == EPERM) throw no_permission(e, where);
        // Anything else: open(2) says what it is.
    }
    if (me) {
        const std::vector<std::string> stale = remove_stale_files(dir, opt.procfs_root, *me);
        if (!stale.empty() && have_statvfs && io.statvfs(dir.c_str(), &svfs) != 0) {
            svfs = {};  // no size known: the check below is skipped, open(2) has the last word
        }
        r.warnings.insert(r.warnings.end(), stale.begin(), stale.end());
    }
    // A filesystem that reports no size at all (ramfs) has nothing to check against.
    if (have_statvfs && svfs.f_blocks != 0) {
        r.storage.free_bytes = static_cast<std::uint64_t>(svfs.f_bavail) * svfs.f_frsize;
        if (r.storage.free_bytes < p.file_bytes ||
            r.storage.free_bytes - p.file_bytes < free_space_margin(p.file_bytes)) {
            space_context c;
            c.where = where;
            c.file_bytes = p.file_bytes;
            c.free_bytes = r.storage.free_bytes;
            throw out_of_space(ENOSPC, space_step::before_start, c);
        }
    }
    const ec2bench::detail::block_device dev = ec2bench::detail::read_block_device(st.st_dev);
    r.storage.device = dev.name;
    r.storage.write_cache = dev.write_cache;
    r.storage.rotational = dev.rotational;
    r.storage.model = dev.model;
    r.storage.dio_offset_align = r.storage.dio_mem_align = dev.logical_block_size;
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
}

/// O_DIRECT's rules for the open file `fd`: the alignment statx reports (else the device's
/// logical block size, else 512) into `storage`, and std::invalid_argument for a block size
/// that breaks it.
inline void check_direct_io(const options& opt, int fd, const std::string& where,
                            storage_facts& storage) {
    const auto a = ec2bench::detail::direct_io_alignment_of(fd);
    if (a.offset != 0) {
        storage.dio_mem_align = a.memory;
        storage.dio_offset_align = a.offset;
    }
    const std::uint32_t align = storage.dio_offset_align != 0 ? storage.dio_offset_align : 512;
    if (opt.block_size % align != 0) {
        throw std::invalid_argument("fsync_io: block size " + std::to_string(opt.block_size) +
                                    " cannot be used with O_DIRECT in " + where +
                                    ": it must be a multiple of " + std::to_string(align) +
                                    " (the direct I/O alignment there)");
    }
}

}  // namespace ec2bench::fsync_io::detail

#endif  // EC2BENCH_KERNELS_FSYNC_IO_CHECKS_HPP
