// SPDX-License-Identifier: MIT
// The file of an fsync run: registered for removal on a signal before it exists, created
// exclusively, closed with its deferred errors reported, and removed on every path unless kept.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_RUN_FILE_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_RUN_FILE_HPP

#include <ec2bench/detail/process_identity.hpp>
#include <ec2bench/detail/signal_cleanup.hpp>
#include <ec2bench/detail/unique_fd.hpp>
#include <ec2bench/kernels/fsync_io/errors.hpp>
#include <ec2bench/kernels/fsync_io/io.hpp>
#include <ec2bench/kernels/fsync_io/options.hpp>
#include <ec2bench/kernels/fsync_io/test_file.hpp>

#include <fcntl.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ec2bench::fsync_io::detail {

/// The test file's name: one that says which process made it (so a later run can tell when
/// that process is gone), or only a random one where /proc cannot vouch for this process
/// (that name is never removed by a later run).
inline std::string new_file_name(const std::optional<ec2bench::detail::process_identity>& me) {
    test_file_name name;
    name.random = random_u64();
    if (me) {
        name.maker = *me;
        return name.str();
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(name.random));
    return std::string(test_file_prefix) + hex + ".tmp";
}

/// Where the run's file goes: new_file_name(me) in `dir`.
inline std::string new_file_path(const std::string& dir,
                                 const std::optional<ec2bench::detail::process_identity>& me) {
    return dir + (!dir.empty() && dir.back() == '/' ? "" : "/") + new_file_name(me);
}

/// The run's file: registered for removal on a signal before it exists, created exclusively
/// and never through a symlink, and removed on every path (unless kept after a success).
template <class IO>
class run_file {
public:
    run_file(IO& io, std::string path, const std::string& where)
        : io_(io), path_(std::move(path)), slot_(ec2bench::detail::active_files_registry().add(path_)) {
        if (slot_ == -2) {
            throw io_error(EINTR, "fsync_io: interrupted: no new file is created in " + where +
                                      " once remove_active_files() has run");
        }
    }
    ~run_file() {
        if (fd_) io_.close(fd_.release());
        if (created_ && !keep_) io_.unlink(path_.c_str());
        ec2bench::detail::active_files_registry().remove(slot_);
    }
    run_file(const run_file&) = delete;
    run_file& operator=(const run_file&) = delete;

    void create(const options& opt, const std::string& where, const std::string& filesystem) {
        int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
        if (opt.method == sync_method::o_dsync) flags |= O_DSYNC;
        if (opt.method == sync_method::o_sync) flags |= O_SYNC;
        if (direct(opt.method)) flags |= O_DIRECT;
        const int raw = io_.open(path_.c_str(), flags, 0600);
        if (raw < 0) {
            const int e = errno;
            if (e == EINVAL && direct(opt.method)) {
                throw io_error(EINVAL, "fsync_io: " + where + " (" + filesystem +
                                           ") does not support O_DIRECT (EINVAL): use a method "
                                           "without direct, or a directory on a disk");
            }
            if (e == EACCES || e == EPERM) throw no_permission(e, where);
            if (e == EROFS) throw read_only(where);
            if (out_of_space_errno(e)) {
                space_context c;
                c.where = where;
                throw out_of_space(e, space_step::create, c);
            }
            throw failed(e, "cannot create a file in " + where);
        }
        fd_.reset(raw);
        created_ = true;
        if (!ec2bench::detail::active_files_registry().created_ok(slot_)) {
            throw io_error(EINTR, "fsync_io: interrupted while creating the file in " + where);
        }
    }
    int fd() const noexcept { return fd_.get(); }
    const std::string& path() const noexcept { return path_; }
    /// Closes the file; close(2) reports a write error the kernel deferred.
    void close(const std::string& where) {
        if (fd_.close() != 0) {
            const int e = errno;
            throw io_error(e, "fsync_io: close failed in " + where + " (" + errno_name(e) +
                                  "): a deferred write error; the state of the data is unknown");
        }
    }
    /// Leaves the file in place under a *.kept name, which no later run mistakes for a killed
    /// run's; its path, or a warning in `warnings` and the old path where rename(2) failed.
    std::string keep(std::vector<std::string>& warnings) {
        keep_ = true;
        const std::string kept = path_.substr(0, path_.size() - std::strlen(".tmp")) + ".kept";
        if (::rename(path_.c_str(), kept.c_str()) == 0) return kept;
        const int e = errno;
        warnings.push_back("the kept file could not be renamed to " + kept + " (" + errno_name(e) +
                           "), so a later run will remove it: " + path_);
        return path_;
    }

private:
    ec2bench::detail::signal_guard signals_;  // first in, last out: covers the whole file's life
    IO& io_;
    std::string path_;
    int slot_;
    ec2bench::detail::unique_fd fd_;
    bool created_ = false;
    bool keep_ = false;
};

}  // namespace ec2bench::fsync_io::detail

#endif  // EC2BENCH_KERNELS_FSYNC_IO_RUN_FILE_HPP
