// SPDX-License-Identifier: MIT
// CPU cache geometry from sysfs, for sizing STREAM arrays past the last-level cache and sieve
// segments to L1/L2. The sysfs root is a parameter so tests can supply a fake tree.
#ifndef EC2BENCH_DETAIL_CPU_CACHES_HPP
#define EC2BENCH_DETAIL_CPU_CACHES_HPP

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ec2bench::detail {

/// Reads the first line of a small text file (sysfs, procfs), without its newline. Empty when the
/// file cannot be read.
inline std::string read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (in) std::getline(in, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
    }
    return line;
}

/// Parses sysfs cache sizes: "32K", "1024K", "32768K", "2M", or plain bytes. 0 when unparseable.
inline std::size_t parse_sysfs_size(const std::string& text) {
    std::size_t v = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        v = v * 10 + static_cast<std::size_t>(text[i] - '0');
    }
    if (i == 0) return 0;
    if (i == text.size()) return v;
    switch (text[i]) {
        case 'K': case 'k': return v << 10;
        case 'M': case 'm': return v << 20;
        case 'G': case 'g': return v << 30;
        default: return 0;
    }
}

/// One cache as sysfs describes it, for one CPU.
struct cache_info {
    unsigned level = 0;
    std::string type;            ///< "Data", "Instruction" or "Unified"
    std::size_t size_bytes = 0;
    std::size_t line_bytes = 0;
    std::string shared_cpu_list;  ///< e.g. "0-1": which CPUs share this instance
};

/// The caches of one CPU (index0, index1, ...), in sysfs order. Empty when sysfs has none.
inline std::vector<cache_info> read_caches_of_cpu(int cpu, const std::string& sysfs_root = "/sys") {
    std::vector<cache_info> caches;
    const std::string dir =
        sysfs_root + "/devices/system/cpu/cpu" + std::to_string(cpu) + "/cache/index";
    for (int idx = 0; idx < 16; ++idx) {
        const std::string base = dir + std::to_string(idx) + "/";
        const std::string level = read_first_line(base + "level");
        if (level.empty()) break;
        cache_info c;
        c.level = static_cast<unsigned>(std::stoul(level));
        c.type = read_first_line(base + "type");
        c.size_bytes = parse_sysfs_size(read_first_line(base + "size"));
        c.line_bytes = parse_sysfs_size(read_first_line(base + "coherency_line_size"));
        c.shared_cpu_list = read_first_line(base + "shared_cpu_list");
        caches.push_back(std::move(c));
    }
    return caches;
}

/// The sizes that matter to our kernels. Fields are 0 where nothing could be read.
struct cache_sizes {
    std::size_t l1d_bytes = 0;       ///< per core
    std::size_t l2_bytes = 0;        ///< per core (or per cluster where shared)
    std::size_t llc_bytes = 0;       ///< one instance of the last level
    std::size_t llc_total_bytes = 0; ///< all distinct last-level instances of the given CPUs
    unsigned llc_level = 0;
    std::size_t line_bytes = 0;
    bool from_sysfs = false;
};

/// Cache sizes for the given CPUs (all distinct last-level instances are summed: STREAM's rule is
/// that each array must exceed all of them together). Falls back to sysconf, then to zeroes.
inline cache_sizes read_cache_sizes(const std::vector<int>& cpus,
                                    const std::string& sysfs_root = "/sys") {
    cache_sizes out;
    std::set<std::string> llc_instances;
    for (int cpu : cpus) {
        const auto caches = read_caches_of_cpu(cpu, sysfs_root);
        if (caches.empty()) continue;
        out.from_sysfs = true;
        unsigned top = 0;
        for (const auto& c : caches) {
            if (c.type != "Instruction") top = std::max(top, c.level);
        }
        for (const auto& c : caches) {
            if (c.type == "Instruction") continue;
            if (c.level == 1 && out.l1d_bytes == 0) out.l1d_bytes = c.size_bytes;
            if (c.level == 2 && out.l2_bytes == 0) out.l2_bytes = c.size_bytes;
            if (out.line_bytes == 0) out.line_bytes = c.line_bytes;
            if (c.level == top) {
                out.llc_level = top;
                out.llc_bytes = std::max(out.llc_bytes, c.size_bytes);
                // An instance is identified by the CPUs that share it.
                const std::string id = c.shared_cpu_list.empty()
                                           ? "cpu" + std::to_string(cpu)
                                           : c.shared_cpu_list;
                if (llc_instances.insert(id).second) out.llc_total_bytes += c.size_bytes;
            }
        }
    }
    if (!out.from_sysfs && sysfs_root == "/sys") {
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
        const auto sc = [](int name) {
            const long v = ::sysconf(name);
            return v > 0 ? static_cast<std::size_t>(v) : std::size_t{0};
        };
        out.l1d_bytes = sc(_SC_LEVEL1_DCACHE_SIZE);
        out.l2_bytes = sc(_SC_LEVEL2_CACHE_SIZE);
        out.llc_bytes = sc(_SC_LEVEL3_CACHE_SIZE);
        out.llc_level = out.llc_bytes != 0 ? 3u : (out.l2_bytes != 0 ? 2u : 0u);
        if (out.llc_bytes == 0) out.llc_bytes = out.l2_bytes;
        out.llc_total_bytes = out.llc_bytes;
        out.line_bytes = sc(_SC_LEVEL1_DCACHE_LINESIZE);
#endif
    }
    return out;
}

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_CPU_CACHES_HPP
