// SPDX-License-Identifier: MIT
// The fsync kernel's test files: a name that says which process made it, and the removal of
// the files of runs that were killed before they could remove their own.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_TEST_FILE_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_TEST_FILE_HPP

#include <ec2bench/detail/process_identity.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::fsync_io::detail {

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

}  // namespace ec2bench::fsync_io::detail

#endif  // EC2BENCH_KERNELS_FSYNC_IO_TEST_FILE_HPP
