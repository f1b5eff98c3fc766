// SPDX-License-Identifier: MIT
// The messages of an fsync run's I/O errors: each names the directory, the errno and what to
// do. A full disk or quota, met at any step, is said by one function (out_of_space), with the
// margin the run keeps free.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_ERRORS_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_ERRORS_HPP

#include <ec2bench/detail/bytes_text.hpp>
#include <ec2bench/detail/errno_text.hpp>
#include <ec2bench/kernels/fsync_io/io.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace ec2bench::fsync_io::detail {

using ec2bench::detail::errno_name;

inline std::string human_bytes(std::uint64_t b) {
    return ec2bench::detail::bytes_text(static_cast<double>(b));
}

/// The space a run leaves free beside its file: 5% of the file, at least 16 MiB. Filling a disk
/// to the last block hurts everyone on it.
inline std::uint64_t free_space_margin(std::uint64_t file_bytes) noexcept {
    return std::max<std::uint64_t>(file_bytes / 20, std::uint64_t{16} << 20);
}

/// Where a run was when the disk or the quota ran out.
enum class space_step {
    before_start,  ///< the free space, judged before the file is created
    create,        ///< open(2) of the file
    preallocate,   ///< fallocate(2) of the whole file
    write,         ///< a pwrite(2)
    sync,          ///< an fsync(2) or fdatasync(2), flushing what was written
};

/// What out_of_space() says about the run.
struct space_context {
    std::string where;               ///< the directory, quoted
    std::uint64_t file_bytes = 0;    ///< the planned file
    std::uint64_t free_bytes = 0;    ///< available before the run (before_start)
    std::uint64_t written_ops = 0;   ///< writes done when it happened (write)
    std::uint64_t total_ops = 0;     ///< writes planned, the warm-up's included (write)
    const char* call = "fsync";      ///< the sync call (sync)
};

/// The error for a full disk or quota (err: ENOSPC or EDQUOT) at `step`: the only place a run
/// says so, with what to do about it.
inline io_error out_of_space(int err, space_step step, const space_context& c) {
    const std::string name = errno_name(err);
    const std::string remedy = err == EDQUOT ? "raise the quota, or lower ops or the block size"
                                             : "free space, or lower ops or the block size";
    switch (step) {
        case space_step::before_start: {
            const std::uint64_t margin = free_space_margin(c.file_bytes);
            return io_error(err, "fsync_io: not enough free space in " + c.where +
                                     ": the run writes " + human_bytes(c.file_bytes) +
                                     " and keeps a margin of " + human_bytes(margin) +
                                     " free (5% of the file, at least 16 MiB), but " +
                                     human_bytes(c.free_bytes) + " is available (" + name +
                                     "); free space there, or lower ops or the block size");
        }
        case space_step::create:
            return io_error(err, "fsync_io: cannot create a file in " + c.where + " (" + name +
                                     "): " + ec2bench::detail::errno_hint(err));
        case space_step::preallocate:
            return io_error(err, "fsync_io: cannot preallocate " + human_bytes(c.file_bytes) +
                                     " in " + c.where + " (" + name + "): " + remedy);
        case space_step::write:
            return io_error(err, std::string("fsync_io: ") +
                                     (err == EDQUOT ? "disk quota exceeded" : "no space left") +
                                     " in " + c.where + " after " + std::to_string(c.written_ops) +
                                     " of " + std::to_string(c.total_ops) + " writes (" + name +
                                     "): " + remedy);
        case space_step::sync: break;
    }
    return io_error(err, "fsync_io: " + std::string(c.call) + " failed in " + c.where + " (" +
                             name + "): the disk or quota filled while flushing");
}

inline bool out_of_space_errno(int e) noexcept { return e == ENOSPC || e == EDQUOT; }

/// Any other failure: the call's errno by name and strerror(3).
inline io_error failed(int e, const std::string& what) {
    return io_error(e, "fsync_io: " + what + " (" + errno_name(e) + "): " + std::strerror(e));
}

/// stat(2) of the directory failed.
inline io_error directory_error(int e, const std::string& where) {
    switch (e) {
        case ENOENT:
            return io_error(e, "fsync_io: directory " + where +
                                   " does not exist (ENOENT): create it or choose another");
        case ENOTDIR:
            return io_error(e, "fsync_io: " + where +
                                   " is not a directory (ENOTDIR): a component of the path is a file");
        case EACCES:
            return io_error(e, "fsync_io: cannot reach directory " + where +
                                   " (EACCES): no search permission on a component of the path");
        default: return failed(e, "cannot stat " + where);
    }
}

inline io_error read_only(const std::string& where) {
    return io_error(EROFS, "fsync_io: " + where +
                               " is on a read-only filesystem (EROFS): choose a writable directory");
}

inline io_error no_permission(int e, const std::string& where) {
    return io_error(e, "fsync_io: cannot create a file in " + where + " (" + errno_name(e) +
                           "): no permission; choose a directory you can write to");
}

}  // namespace ec2bench::fsync_io::detail

#endif  // EC2BENCH_KERNELS_FSYNC_IO_ERRORS_HPP
