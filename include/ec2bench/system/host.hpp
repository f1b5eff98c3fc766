// SPDX-License-Identifier: MIT
// Host facts recorded with every result: architecture, CPU model and microarchitecture, cores,
// caches, memory, kernel, NUMA, transparent huge pages, clock source and load. Read from uname,
// sysfs and procfs, whose roots are parameters so tests can supply fake trees. Never the host
// name unless asked.
//
//     auto h = ec2bench::system::probe_host();
//     std::printf("%s, %u cores, %s\n", h.cpu_model.c_str(), h.physical_cores, h.kernel.c_str());
#ifndef EC2BENCH_SYSTEM_HOST_HPP
#define EC2BENCH_SYSTEM_HOST_HPP

#include <ec2bench/detail/cpu_caches.hpp>
#include <ec2bench/detail/meminfo.hpp>
#include <ec2bench/detail/thread_team.hpp>

#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ec2bench::system {

/// One level of cache as the machine has it: size of one instance and how many instances the
/// CPUs we may use see.
struct cache_level {
    unsigned level = 0;
    std::string type;  ///< "Data", "Instruction", "Unified"
    std::size_t size_bytes = 0;
    unsigned instances = 0;
};

struct host_info {
    std::string architecture;       ///< uname machine: x86_64, aarch64
    std::string cpu_vendor;         ///< GenuineIntel, AuthenticAMD, ARM, ...
    std::string cpu_model;          ///< "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "ARM Neoverse-V1"
    std::string microarchitecture;  ///< "Neoverse-V1", "Zen 3", "Ice Lake-SP"; empty if unknown
    std::string ec2_processor_hint; ///< "Graviton3" and the like, from the core alone; a hint only
    unsigned cpu_family = 0, cpu_model_number = 0, cpu_stepping = 0;  ///< x86 CPUID
    unsigned arm_implementer = 0, arm_part = 0;                       ///< aarch64 MIDR fields
    unsigned logical_cpus = 0;      ///< online CPUs
    unsigned allowed_cpus = 0;      ///< CPUs this process may run on (affinity, cgroups)
    unsigned physical_cores = 0;    ///< distinct (package, core) pairs among online CPUs
    unsigned sockets = 0;
    unsigned numa_nodes = 0;
    std::vector<cache_level> caches;
    std::uint64_t memory_bytes = 0;       ///< MemTotal
    std::uint64_t memory_available_bytes = 0;  ///< MemAvailable at probe time
    std::string kernel;                   ///< uname release
    std::string os;                       ///< os-release PRETTY_NAME
    std::string transparent_hugepages;    ///< always, madvise or never
    std::string clocksource;              ///< tsc, kvm-clock, xen, arch_sys_counter: what now_ns() costs
    std::string cpufreq_governor;         ///< where cpufreq is exposed (rarely on EC2)
    std::array<double, 3> load_average{}; ///< 1, 5, 15 minutes, at the probe
    std::string hostname;                 ///< only with host_probe_options::include_hostname
};

/// Where to read from; the defaults are the real system.
struct host_probe_options {
    std::string sysfs_root = "/sys";
    std::string procfs_root = "/proc";
    std::string os_release = "/etc/os-release";
    bool include_hostname = false;  ///< identifies the machine; off unless asked
};

/// The Arm core behind an aarch64 MIDR (implementer, part), and the Graviton generation that uses
/// it on EC2: N1 is Graviton2, V1 Graviton3, V2 Graviton4 (Cortex-A72 was the first Graviton).
/// Empty strings when unknown.
inline std::pair<std::string, std::string> arm_core(unsigned implementer, unsigned part) {
    if (implementer != 0x41) return {"", ""};  // 0x41: Arm Ltd.
    switch (part) {
        case 0xd08: return {"Cortex-A72", "Graviton"};
        case 0xd0c: return {"Neoverse-N1", "Graviton2"};
        case 0xd40: return {"Neoverse-V1", "Graviton3"};
        case 0xd49: return {"Neoverse-N2", ""};
        case 0xd4f: return {"Neoverse-V2", "Graviton4"};
        case 0xd8e: return {"Neoverse-N3", ""};
        case 0xd84: return {"Neoverse-V3", ""};
        default: return {"", ""};
    }
}

/// A microarchitecture name for the x86 parts EC2 offers, from CPUID family and model. Empty when
/// not in the table; the model string is always recorded beside it.
inline std::string x86_microarchitecture(const std::string& vendor, unsigned family,
                                         unsigned model, unsigned stepping) {
    if (vendor == "AuthenticAMD") {
        if (family == 0x17) return model >= 0x30 ? "Zen 2" : "Zen";
        if (family == 0x19) {
            if (model <= 0x0f || (model >= 0x20 && model <= 0x5f)) return "Zen 3";
            return "Zen 4";
        }
        if (family == 0x1a) return "Zen 5";
        return "";
    }
    if (vendor == "GenuineIntel" && family == 6) {
        switch (model) {
            case 0x3f: return "Haswell-EP";
            case 0x4f: return "Broadwell-EP";
            case 0x55: return stepping >= 5 ? "Cascade Lake-SP" : "Skylake-SP";
            case 0x6a: return "Ice Lake-SP";
            case 0x8f: return "Sapphire Rapids";
            case 0xcf: return "Emerald Rapids";
            case 0xad: return "Granite Rapids";
            default: return "";
        }
    }
    return "";
}

namespace detail {

inline std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

inline unsigned parse_unsigned(const std::string& s) {
    try {
        std::size_t used = 0;
        const unsigned long v = std::stoul(s, &used, 0);  // base 0: "0x41" and "25" alike
        return static_cast<unsigned>(v);
    } catch (...) {
        return 0;
    }
}

/// CPUs in a sysfs list such as "0-3,8,10-11".
inline std::vector<int> parse_cpu_list(const std::string& list) {
    std::vector<int> cpus;
    std::stringstream ss(list);
    std::string part;
    while (std::getline(ss, part, ',')) {
        part = trim(part);
        if (part.empty()) continue;
        const auto dash = part.find('-');
        try {
            if (dash == std::string::npos) {
                cpus.push_back(std::stoi(part));
            } else {
                const int lo = std::stoi(part.substr(0, dash));
                const int hi = std::stoi(part.substr(dash + 1));
                for (int c = lo; c <= hi && c - lo < 65536; ++c) cpus.push_back(c);
            }
        } catch (...) {
            return {};
        }
    }
    return cpus;
}

/// The first "key : value" block of /proc/cpuinfo (the first CPU), as a map.
inline std::map<std::string, std::string> first_cpuinfo_block(const std::string& path) {
    std::map<std::string, std::string> kv;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (trim(line).empty()) {
            if (!kv.empty()) break;
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        kv.emplace(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    return kv;
}

/// "always [madvise] never" -> "madvise".
inline std::string bracketed(const std::string& s) {
    const auto open = s.find('[');
    const auto close = s.find(']');
    if (open == std::string::npos || close == std::string::npos || close < open) return trim(s);
    return s.substr(open + 1, close - open - 1);
}

}  // namespace detail

/// Reads the host facts. Never throws for a missing file: a fact that cannot be read is left
/// empty or zero.
inline host_info probe_host(const host_probe_options& opt = {}) {
    host_info h;
    const std::string& sys = opt.sysfs_root;
    const std::string& proc = opt.procfs_root;

    utsname u{};
    if (::uname(&u) == 0) {
        h.architecture = u.machine;
        h.kernel = u.release;
        if (opt.include_hostname) h.hostname = u.nodename;
    }

    const auto cpuinfo = detail::first_cpuinfo_block(proc + "/cpuinfo");
    const auto get = [&](const char* key) {
        const auto it = cpuinfo.find(key);
        return it == cpuinfo.end() ? std::string() : it->second;
    };
    if (cpuinfo.count("CPU implementer") != 0) {
        // aarch64: no model name; the MIDR fields name the core.
        h.arm_implementer = detail::parse_unsigned(get("CPU implementer"));
        h.arm_part = detail::parse_unsigned(get("CPU part"));
        const auto core = arm_core(h.arm_implementer, h.arm_part);
        h.microarchitecture = core.first;
        h.ec2_processor_hint = core.second;
        h.cpu_vendor = h.arm_implementer == 0x41 ? "ARM" : "implementer " + get("CPU implementer");
        h.cpu_model = core.first.empty() ? "Arm part " + get("CPU part") : "ARM " + core.first;
    } else {
        h.cpu_vendor = get("vendor_id");
        h.cpu_model = get("model name");
        h.cpu_family = detail::parse_unsigned(get("cpu family"));
        h.cpu_model_number = detail::parse_unsigned(get("model"));
        h.cpu_stepping = detail::parse_unsigned(get("stepping"));
        h.microarchitecture =
            x86_microarchitecture(h.cpu_vendor, h.cpu_family, h.cpu_model_number, h.cpu_stepping);
    }

    const std::vector<int> online =
        detail::parse_cpu_list(ec2bench::detail::read_first_line(sys + "/devices/system/cpu/online"));
    h.logical_cpus = static_cast<unsigned>(online.size());
    h.allowed_cpus = static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
    std::set<std::pair<int, int>> cores;
    std::set<int> packages;
    std::map<std::tuple<unsigned, std::string>, std::set<std::string>> cache_instances;
    std::map<std::tuple<unsigned, std::string>, std::size_t> cache_size;
    for (int cpu : online) {
        const std::string topo = sys + "/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
        const std::string pkg = ec2bench::detail::read_first_line(topo + "physical_package_id");
        const std::string core = ec2bench::detail::read_first_line(topo + "core_id");
        if (!pkg.empty() && !core.empty()) {
            const int p = std::atoi(pkg.c_str());
            cores.emplace(p, std::atoi(core.c_str()));
            packages.insert(p);
        }
        for (const auto& c : ec2bench::detail::read_caches_of_cpu(cpu, sys)) {
            const auto key = std::make_tuple(c.level, c.type);
            cache_instances[key].insert(c.shared_cpu_list.empty() ? std::to_string(cpu)
                                                                  : c.shared_cpu_list);
            cache_size[key] = c.size_bytes;
        }
    }
    h.physical_cores = static_cast<unsigned>(cores.size());
    h.sockets = static_cast<unsigned>(packages.size());
    for (const auto& [key, inst] : cache_instances) {
        h.caches.push_back({std::get<0>(key), std::get<1>(key), cache_size[key],
                            static_cast<unsigned>(inst.size())});
    }

    const std::vector<int> nodes =
        detail::parse_cpu_list(ec2bench::detail::read_first_line(sys + "/devices/system/node/online"));
    h.numa_nodes = static_cast<unsigned>(nodes.size());

    h.memory_bytes = ec2bench::detail::meminfo_bytes(proc + "/meminfo", "MemTotal");
    h.memory_available_bytes = ec2bench::detail::mem_available_bytes(proc + "/meminfo");

    std::ifstream osr(opt.os_release);
    std::string line;
    while (std::getline(osr, line)) {
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            std::string v = line.substr(12);
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            h.os = v;
        }
    }

    h.transparent_hugepages = detail::bracketed(
        ec2bench::detail::read_first_line(sys + "/kernel/mm/transparent_hugepage/enabled"));
    h.clocksource = ec2bench::detail::read_first_line(
        sys + "/devices/system/clocksource/clocksource0/current_clocksource");
    h.cpufreq_governor = ec2bench::detail::read_first_line(
        sys + "/devices/system/cpu/cpu0/cpufreq/scaling_governor");

    std::ifstream la(proc + "/loadavg");
    la >> h.load_average[0] >> h.load_average[1] >> h.load_average[2];
    return h;
}

}  // namespace ec2bench::system

#endif  // EC2BENCH_SYSTEM_HOST_HPP
