// SPDX-License-Identifier: MIT
// The I/O calls of an fsync run, as a policy type tests replace to inject faults, and the
// error a run throws for a failed call.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_IO_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_IO_HPP

#include <fcntl.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <string>
#include <system_error>

namespace ec2bench::fsync_io {

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

}  // namespace ec2bench::fsync_io

#endif  // EC2BENCH_KERNELS_FSYNC_IO_IO_HPP
