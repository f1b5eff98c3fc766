// SPDX-License-Identifier: MIT
// Which process made a file, in a form that can later prove the process is gone. A pid alone is
// reused; with its start time (field 22 of /proc/<pid>/stat, clock ticks since boot) it names one
// process for the life of a boot. Both mean something only on the same boot and in the same pid
// namespace, so a key derived from the boot id and the pid namespace goes with them: a file made
// on another host (an NFS directory), in another container or before a reboot carries another key
// and nothing here can judge it. The procfs root is a parameter so tests can supply a fake tree.
#ifndef EC2BENCH_DETAIL_PROCESS_IDENTITY_HPP
#define EC2BENCH_DETAIL_PROCESS_IDENTITY_HPP

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ec2bench::detail {

/// A process as /proc knows it: pid, start time and the boot and pid namespace it runs in.
struct process_identity {
    pid_t pid = 0;
    std::uint64_t start_time = 0;  ///< clock ticks since boot: field 22 of /proc/<pid>/stat
    std::uint64_t key = 0;         ///< FNV-1a 64 of the boot id and the pid namespace
};

/// The pid (field 1) and start time (field 22) of a /proc/<pid>/stat line; nullopt when `line`
/// is not one. The command name (field 2) may hold spaces and parentheses, so the fields after
/// it are counted from its last ')'.
inline std::optional<process_identity> parse_proc_stat(std::string_view line) {
    const auto parse_u64 = [](std::string_view s) -> std::optional<std::uint64_t> {
        if (s.empty() || s.size() > 20) return std::nullopt;
        std::uint64_t v = 0;
        for (const char c : s) {
            if (c < '0' || c > '9') return std::nullopt;
            const auto d = static_cast<std::uint64_t>(c - '0');
            if (v > (UINT64_MAX - d) / 10) return std::nullopt;
            v = v * 10 + d;
        }
        return v;
    };
    const std::size_t open = line.find(" (");
    const std::size_t close = line.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        return std::nullopt;
    }
    const auto pid = parse_u64(line.substr(0, open));
    if (!pid || *pid == 0 || *pid > static_cast<std::uint64_t>(INT_MAX)) return std::nullopt;
    // Fields 3 (state) to 22 (starttime), separated by single spaces.
    std::string_view rest = line.substr(close + 1);
    std::string_view field;
    for (int n = 3; n <= 22; ++n) {
        if (rest.empty() || rest.front() != ' ') return std::nullopt;
        rest.remove_prefix(1);
        const std::size_t end = rest.find_first_of(" \n");
        field = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    const auto start = parse_u64(field);
    if (!start) return std::nullopt;
    process_identity p;
    p.pid = static_cast<pid_t>(*pid);
    p.start_time = *start;
    return p;
}

/// What reading a procfs file gave: its text, or that it does not exist (a process that is gone
/// has no /proc/<pid>), or some other failure that proves nothing.
enum class proc_read { ok, absent, failed };

/// Reads a small procfs file (at most 4 KiB) into `out`.
inline proc_read read_proc_file(const std::string& path, std::string& out) {
    out.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return errno == ENOENT || errno == ESRCH ? proc_read::absent : proc_read::failed;
    char buf[4096];
    proc_read status = proc_read::ok;
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf - out.size());
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
            if (out.size() < sizeof buf) continue;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0) {
            // A process that exits while its stat is read gives ESRCH.
            status = errno == ESRCH ? proc_read::absent : proc_read::failed;
        }
        break;
    }
    ::close(fd);
    return status;
}

/// FNV-1a, 64 bits: a stable hash, the same in every build and version that reads the key back.
inline std::uint64_t fnv1a_64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

/// This process as `procfs_root` shows it; nullopt when that tree cannot vouch for it: no stat,
/// boot id or pid namespace there, or a /proc mounted for another pid namespace (its self/stat
/// is not our getpid()), where no other pid there could be judged either.
inline std::optional<process_identity> this_process(const std::string& procfs_root = "/proc") {
    std::string text;
    if (read_proc_file(procfs_root + "/self/stat", text) != proc_read::ok) return std::nullopt;
    auto me = parse_proc_stat(text);
    if (!me || me->pid != ::getpid()) return std::nullopt;
    std::string boot_id;
    if (read_proc_file(procfs_root + "/sys/kernel/random/boot_id", boot_id) != proc_read::ok) {
        return std::nullopt;
    }
    while (!boot_id.empty() && (boot_id.back() == '\n' || boot_id.back() == ' '))
        boot_id.pop_back();
    char ns[256];
    const ssize_t n = ::readlink((procfs_root + "/self/ns/pid").c_str(), ns, sizeof ns - 1);
    if (boot_id.empty() || n <= 0) return std::nullopt;
    const std::string_view pid_ns(ns, static_cast<std::size_t>(n));
    if (pid_ns.substr(0, 5) != "pid:[") return std::nullopt;
    me->key = fnv1a_64(pid_ns, fnv1a_64("\n", fnv1a_64(boot_id)));
    return me;
}

/// Whether a process runs, judged from this boot and pid namespace's view.
enum class process_state { alive, dead, unknown };

/// The state of the process `pid` that started at `start_time` (clock ticks since boot), on the
/// caller's own boot and pid namespace. Dead only on proof: its stat shows another start time
/// (the pid was reused), or it has no stat and kill(pid, 0) says no such process (the kill check
/// keeps a /proc mounted with hidepid, which hides other users' processes, from passing for
/// proof). Anything else is unknown.
inline process_state state_of(const std::string& procfs_root, pid_t pid, std::uint64_t start_time) {
    if (pid <= 0) return process_state::unknown;
    std::string text;
    switch (read_proc_file(procfs_root + "/" + std::to_string(pid) + "/stat", text)) {
        case proc_read::ok: {
            const auto p = parse_proc_stat(text);
            if (!p || p->pid != pid) return process_state::unknown;
            return p->start_time == start_time ? process_state::alive : process_state::dead;
        }
        case proc_read::absent:
            return ::kill(pid, 0) != 0 && errno == ESRCH ? process_state::dead
                                                         : process_state::unknown;
        case proc_read::failed:
            break;
    }
    return process_state::unknown;
}

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_PROCESS_IDENTITY_HPP
