// SPDX-License-Identifier: MIT
// /proc/meminfo's fields, read by one parser for the host facts, STREAM's memory check and the
// executables' size limits, so that all of them judge memory the same way.
#ifndef EC2BENCH_DETAIL_MEMINFO_HPP
#define EC2BENCH_DETAIL_MEMINFO_HPP

#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>

namespace ec2bench::detail {

/// The field `key` of a meminfo file ("MemAvailable", "MemTotal") in bytes: its value times
/// 1024 where the unit is kB (the kernel's kB are KiB), as written where it has no unit
/// (HugePages_Total is a count). 0 when the file, the field or a valid value is missing.
///
///     auto total = ec2bench::detail::meminfo_bytes("/proc/meminfo", "MemTotal");
inline std::uint64_t meminfo_bytes(const std::string& path, std::string_view key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        // "MemAvailable:   24348244 kB": the name, a colon, the value, an optional unit.
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos || std::string_view(line).substr(0, colon) != key) continue;
        std::istringstream fields(line.substr(colon + 1));
        std::string value, unit, extra;
        if (!(fields >> value) || (fields >> unit && fields >> extra)) return 0;
        if (value.find_first_not_of("0123456789") != std::string::npos) return 0;
        if (!unit.empty() && unit != "kB") return 0;
        std::uint64_t v = 0;
        for (const char c : value) {
            const auto d = static_cast<std::uint64_t>(c - '0');
            if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return 0;
            v = v * 10 + d;
        }
        if (unit.empty()) return v;
        if (v > std::numeric_limits<std::uint64_t>::max() / 1024) return 0;
        return v * 1024;
    }
    return 0;
}

/// MemAvailable in bytes: the kernel's estimate of what can be allocated without swapping; 0
/// when unknown (then memory is no limit, and an allocation that fails still fails cleanly).
inline std::uint64_t mem_available_bytes(const std::string& path = "/proc/meminfo") {
    return meminfo_bytes(path, "MemAvailable");
}

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_MEMINFO_HPP
