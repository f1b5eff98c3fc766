// SPDX-License-Identifier: MIT
// Atomic replacement of a file: readers see the old contents or the new, never a mixture, and a
// crash or an error at any point leaves the old file as it was.
//
//     ec2bench::results::write_file_atomically("results/run.json", text);
#ifndef EC2BENCH_RESULTS_ATOMIC_FILE_HPP
#define EC2BENCH_RESULTS_ATOMIC_FILE_HPP

#include <ec2bench/detail/errno_text.hpp>
#include <ec2bench/detail/unique_fd.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace ec2bench::results {

/// The write(2) used by write_file_atomically; tests replace it to fail or stop at any byte.
using write_function = std::function<ssize_t(int fd, const char* data, std::size_t size)>;

namespace detail {

inline std::string dir_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

inline std::string base_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The process umask, read without changing it (umask(2) can only be read by setting it, which
/// races with other threads): /proc/self/status has it since Linux 4.7; 022 otherwise.
inline mode_t current_umask() {
    std::ifstream in("/proc/self/status");
    std::string key, value;
    while (in >> key >> value) {
        if (key == "Umask:") return static_cast<mode_t>(std::stoul(value, nullptr, 8));
    }
    return 022;
}

[[noreturn]] inline void fail(int err, const std::string& path, const std::string& what) {
    const std::string h = ec2bench::detail::errno_hint(err);
    const std::string hint = h.empty() ? h : " (" + h + ")";
    throw std::system_error(err, std::generic_category(),
                            "cannot write '" + path + "': " + what + hint);
}

}  // namespace detail

/// Writes `contents` to a temporary file beside `path` (same directory, so rename is atomic),
/// fsyncs it, renames it over `path` and fsyncs the directory so the rename itself is durable.
/// On any error the temporary file is removed, `path` is untouched, and std::system_error says
/// which step failed and why. Mode 0644 (less the umask).
inline void write_file_atomically(const std::string& path, std::string_view contents,
                                  const write_function& write_fn = {}) {
    if (path.empty()) {
        throw std::invalid_argument("cannot write a results file: the path is empty");
    }
    const std::string dir = detail::dir_of(path);
    std::string tmp = dir + "/." + detail::base_of(path) + ".tmp-XXXXXX";
    ec2bench::detail::unique_fd fd(::mkostemp(tmp.data(), O_CLOEXEC));
    if (!fd) detail::fail(errno, path, "cannot create a temporary file in '" + dir + "'");
    bool keep = false;
    struct remover {
        const std::string& name;
        const bool& keep;
        ~remover() {
            if (!keep) ::unlink(name.c_str());
        }
    } guard{tmp, keep};

    ::fchmod(fd.get(), 0644 & ~detail::current_umask());  // mkstemp made it 0600
    std::size_t off = 0;
    while (off < contents.size()) {
        const ssize_t n = write_fn ? write_fn(fd.get(), contents.data() + off, contents.size() - off)
                                   : ::write(fd.get(), contents.data() + off, contents.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            detail::fail(errno, path, "write failed");
        }
        if (n == 0) detail::fail(EIO, path, "write made no progress");
        off += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) detail::fail(errno, path, "fsync failed");
    if (fd.close() != 0) detail::fail(errno, path, "close failed");
    if (::rename(tmp.c_str(), path.c_str()) != 0) detail::fail(errno, path, "rename failed");
    keep = true;
    ec2bench::detail::unique_fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d) ::fsync(d.get());  // best effort: some filesystems refuse fsync on a directory
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_ATOMIC_FILE_HPP
