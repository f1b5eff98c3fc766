// SPDX-License-Identifier: MIT
// errno in words for messages: its symbolic name (what a user searches for) and a short hint
// for the errors a benchmark's files meet (what to look at), written once for the fsync kernel
// and the results file.
#ifndef EC2BENCH_DETAIL_ERRNO_TEXT_HPP
#define EC2BENCH_DETAIL_ERRNO_TEXT_HPP

#include <cerrno>

namespace ec2bench::detail {

/// The symbolic name of `e` ("ENOSPC"), or "errno" for one not listed here.
inline const char* errno_name(int e) noexcept {
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

/// What `e` means for a file being created or written, in a few words ("the disk or quota is
/// full"), or "" where strerror(3) says it as well.
inline const char* errno_hint(int e) noexcept {
    switch (e) {
        case ENOENT: return "the directory does not exist";
        case ENOTDIR: return "a component of the path is not a directory";
        case EACCES:
        case EPERM: return "no permission to write there";
        case EROFS: return "the filesystem is read-only";
        case ENOSPC:
        case EDQUOT: return "the disk or quota is full";
        default: return "";
    }
}

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_ERRNO_TEXT_HPP
