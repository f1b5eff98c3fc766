// SPDX-License-Identifier: MIT
// An owning POSIX file descriptor: closed exactly once, move-only.
#ifndef EC2BENCH_DETAIL_UNIQUE_FD_HPP
#define EC2BENCH_DETAIL_UNIQUE_FD_HPP

#include <unistd.h>

#include <utility>

namespace ec2bench::detail {

/// Owns a file descriptor and closes it on destruction.
///
///     ec2bench::detail::unique_fd fd(::open(path, O_RDONLY | O_CLOEXEC));
///     if (!fd) throw ...;
class unique_fd {
public:
    unique_fd() noexcept = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
    unique_fd& operator=(unique_fd&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    ~unique_fd() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

    /// Gives up ownership without closing.
    [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }

    /// Closes the current descriptor (if any) and owns `fd`.
    void reset(int fd = -1) noexcept {
        // close() is not retried on EINTR: on Linux the descriptor is already released and a
        // retry could close one that another thread has just been given.
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

    /// Closes now and reports close()'s result (-1 with errno set on failure): close can report
    /// a deferred write error (NFS, quota), which a durability benchmark must not ignore.
    int close() noexcept {
        if (fd_ < 0) return 0;
        return ::close(std::exchange(fd_, -1));
    }

private:
    int fd_ = -1;
};

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_UNIQUE_FD_HPP
