// SPDX-License-Identifier: MIT
// What storage a directory is on: the filesystem (statfs), the block device behind it and that
// device's queue settings (sysfs), and the direct I/O alignment (statx). Facts for a storage
// benchmark to record and to check its options against; nothing here writes.
#ifndef EC2BENCH_DETAIL_STORAGE_HPP
#define EC2BENCH_DETAIL_STORAGE_HPP

#include <ec2bench/detail/cpu_caches.hpp>

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdint>
#include <sstream>
#include <string>

namespace ec2bench::detail {

/// Filesystem names for statfs f_type magics (linux/magic.h); "0x..." for others.
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

/// The filesystem `path` is on (filesystem_name of its statfs magic), "" when statfs fails.
inline std::string filesystem_of(const std::string& path) {
    struct statfs sfs{};
    if (::statfs(path.c_str(), &sfs) != 0) return "";
    return filesystem_name(static_cast<unsigned long>(sfs.f_type));
}

/// Filesystems that are interfaces to the kernel, with no storage behind them.
inline bool kernel_interface(const std::string& filesystem) {
    for (const char* name : {"proc", "sysfs", "cgroup", "cgroup2", "devpts", "debugfs", "tracefs",
                             "securityfs", "bpf", "configfs", "pstore", "efivarfs"}) {
        if (filesystem == name) return true;
    }
    return false;
}

/// A block device and its queue settings, from sysfs; empty strings where it says nothing.
struct block_device {
    std::string name;         ///< nvme1n1, vda, a partition's own name (nvme0n1p1)
    std::string write_cache;  ///< "write back" or "write through"
    std::string rotational;   ///< "0" or "1"
    std::string model;        ///< e.g. "Amazon Elastic Block Store"
    std::uint32_t logical_block_size = 0;  ///< bytes; 0 when unknown
};

/// The block device behind st_dev `dev` (a partition's queue and model are its disk's); an
/// empty name where there is none (tmpfs, overlayfs, NFS). `sysfs_root` is a parameter so tests
/// can supply a fake tree.
inline block_device read_block_device(dev_t dev, const std::string& sysfs_root = "/sys") {
    block_device b;
    const std::string link = sysfs_root + "/dev/block/" + std::to_string(major(dev)) + ":" +
                             std::to_string(minor(dev));
    char target[PATH_MAX];
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) return b;
    target[n] = '\0';
    const std::string t(target);
    b.name = t.substr(t.rfind('/') + 1);
    // A partition has no queue/ of its own; its parent directory is the disk.
    std::string queue = link + "/queue/";
    if (read_first_line(queue + "write_cache").empty()) queue = link + "/../queue/";
    b.write_cache = read_first_line(queue + "write_cache");
    b.rotational = read_first_line(queue + "rotational");
    b.model = read_first_line(link + "/device/model");
    if (b.model.empty()) b.model = read_first_line(link + "/../device/model");
    const std::string lbs = read_first_line(queue + "logical_block_size");
    std::uint64_t v = 0;
    for (const char c : lbs) {
        if (c < '0' || c > '9' || v > (std::uint64_t{1} << 31)) return b;  // not a size: unknown
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    b.logical_block_size = static_cast<std::uint32_t>(v);
    return b;
}

/// O_DIRECT's alignment rules for an open file: of the memory buffer and of the file offset
/// (and length), in bytes; 0 where the kernel does not say (statx's STATX_DIOALIGN, Linux 6.1).
struct direct_io_alignment {
    std::uint32_t memory = 0;
    std::uint32_t offset = 0;
};

inline direct_io_alignment direct_io_alignment_of([[maybe_unused]] int fd) {
    direct_io_alignment a;
#if defined(STATX_DIOALIGN)
    struct statx sx{};
    if (::statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 &&
        (sx.stx_mask & STATX_DIOALIGN) != 0 && sx.stx_dio_offset_align != 0) {
        a.memory = sx.stx_dio_mem_align;
        a.offset = sx.stx_dio_offset_align;
    }
#endif
    return a;
}

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_STORAGE_HPP
