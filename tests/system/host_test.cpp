#include <ec2bench/system/host.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
namespace sy = ec2bench::system;

namespace {
struct fake_root : ec2bench_test::temp_dir {
    fake_root() : temp_dir("ec2bench-host") {}
    fs::path root = path;
    void set(const std::string& rel, const std::string& value) const { write(rel, value); }
};
}  // namespace

TEST_CASE("arm cores map to the Graviton generations") {
    CHECK(sy::arm_core(0x41, 0xd0c) == std::make_pair(std::string("Neoverse-N1"), std::string("Graviton2")));
    CHECK(sy::arm_core(0x41, 0xd40) == std::make_pair(std::string("Neoverse-V1"), std::string("Graviton3")));
    CHECK(sy::arm_core(0x41, 0xd4f) == std::make_pair(std::string("Neoverse-V2"), std::string("Graviton4")));
    CHECK(sy::arm_core(0x41, 0xd08).second == "Graviton");
    CHECK(sy::arm_core(0x41, 0x123).first.empty());
    CHECK(sy::arm_core(0x51, 0xd40).first.empty());  // not Arm Ltd.: no guess
}

TEST_CASE("x86 family and model name the microarchitectures EC2 offers") {
    CHECK(sy::x86_microarchitecture("AuthenticAMD", 25, 1, 1) == "Zen 3");    // m6a (Milan)
    CHECK(sy::x86_microarchitecture("AuthenticAMD", 25, 0x11, 1) == "Zen 4"); // m7a (Genoa)
    CHECK(sy::x86_microarchitecture("AuthenticAMD", 23, 0x31, 0) == "Zen 2"); // c5a (Rome)
    CHECK(sy::x86_microarchitecture("AuthenticAMD", 23, 1, 2) == "Zen");      // m5a (Naples)
    CHECK(sy::x86_microarchitecture("GenuineIntel", 6, 0x55, 4) == "Skylake-SP");
    CHECK(sy::x86_microarchitecture("GenuineIntel", 6, 0x55, 7) == "Cascade Lake-SP");
    CHECK(sy::x86_microarchitecture("GenuineIntel", 6, 0x6a, 6) == "Ice Lake-SP");
    CHECK(sy::x86_microarchitecture("GenuineIntel", 6, 0x8f, 8) == "Sapphire Rapids");
    CHECK(sy::x86_microarchitecture("GenuineIntel", 6, 0x01, 0).empty());
}

TEST_CASE("a Graviton3 host read from fake sysfs and procfs") {
    fake_root r;
    r.set("proc/cpuinfo",
          "processor\t: 0\nBogoMIPS\t: 2100.00\nFeatures\t: fp asimd sve\nCPU implementer\t: 0x41\n"
          "CPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: 0xd40\nCPU revision\t: 1\n\n"
          "processor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd40\n");
    r.set("proc/meminfo", "MemTotal:        8000000 kB\nMemFree: 7000000 kB\nMemAvailable:    7500000 kB\n");
    r.set("proc/loadavg", "0.50 0.25 0.10 1/123 4567\n");
    r.set("sys/devices/system/cpu/online", "0-3\n");
    for (int cpu = 0; cpu < 4; ++cpu) {
        const std::string d = "sys/devices/system/cpu/cpu" + std::to_string(cpu);
        r.set(d + "/topology/physical_package_id", "0\n");
        r.set(d + "/topology/core_id", std::to_string(cpu) + "\n");
        r.set(d + "/cache/index0/level", "1\n");
        r.set(d + "/cache/index0/type", "Data\n");
        r.set(d + "/cache/index0/size", "64K\n");
        r.set(d + "/cache/index0/shared_cpu_list", std::to_string(cpu) + "\n");
        r.set(d + "/cache/index1/level", "2\n");
        r.set(d + "/cache/index1/type", "Unified\n");
        r.set(d + "/cache/index1/size", "1024K\n");
        r.set(d + "/cache/index1/shared_cpu_list", std::to_string(cpu) + "\n");
        r.set(d + "/cache/index2/level", "3\n");
        r.set(d + "/cache/index2/type", "Unified\n");
        r.set(d + "/cache/index2/size", "32768K\n");
        r.set(d + "/cache/index2/shared_cpu_list", "0-3\n");
    }
    r.set("sys/devices/system/node/online", "0\n");
    r.set("sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
    r.set("sys/devices/system/clocksource/clocksource0/current_clocksource", "arch_sys_counter\n");
    r.set("etc/os-release", "NAME=\"Amazon Linux\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n");

    sy::host_probe_options o;
    o.sysfs_root = (r.root / "sys").string();
    o.procfs_root = (r.root / "proc").string();
    o.os_release = (r.root / "etc/os-release").string();
    const sy::host_info h = sy::probe_host(o);
    CHECK(h.cpu_vendor == "ARM");
    CHECK(h.cpu_model == "ARM Neoverse-V1");
    CHECK(h.microarchitecture == "Neoverse-V1");
    CHECK(h.ec2_processor_hint == "Graviton3");
    CHECK(h.arm_implementer == 0x41u);
    CHECK(h.arm_part == 0xd40u);
    CHECK(h.logical_cpus == 4u);
    CHECK(h.physical_cores == 4u);
    CHECK(h.sockets == 1u);
    CHECK(h.numa_nodes == 1u);
    REQUIRE(h.caches.size() == 3u);
    CHECK(h.caches[0].level == 1u);
    CHECK(h.caches[0].size_bytes == 64u * 1024);
    CHECK(h.caches[0].instances == 4u);
    CHECK(h.caches[2].level == 3u);
    CHECK(h.caches[2].size_bytes == 32u << 20);
    CHECK(h.caches[2].instances == 1u);
    CHECK(h.memory_bytes == 8'000'000ull * 1024);
    CHECK(h.memory_available_bytes == 7'500'000ull * 1024);
    CHECK(h.os == "Amazon Linux 2023");
    CHECK(h.transparent_hugepages == "madvise");
    CHECK(h.clocksource == "arch_sys_counter");
    CHECK(h.load_average[0] == 0.5);
    CHECK(h.load_average[2] == 0.1);
    CHECK(h.hostname.empty());
}

TEST_CASE("an x86 host with SMT: two threads per core, two sockets, two NUMA nodes") {
    fake_root r;
    r.set("proc/cpuinfo",
          "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 106\n"
          "model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\nstepping\t: 6\n\n");
    r.set("sys/devices/system/cpu/online", "0-7\n");
    for (int cpu = 0; cpu < 8; ++cpu) {
        const std::string d = "sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
        r.set(d + "physical_package_id", std::to_string(cpu / 4) + "\n");
        r.set(d + "core_id", std::to_string((cpu % 4) / 2) + "\n");
    }
    r.set("sys/devices/system/node/online", "0-1\n");
    sy::host_probe_options o;
    o.sysfs_root = (r.root / "sys").string();
    o.procfs_root = (r.root / "proc").string();
    o.os_release = (r.root / "missing").string();
    const auto h = sy::probe_host(o);
    CHECK(h.cpu_model == "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz");
    CHECK(h.microarchitecture == "Ice Lake-SP");
    CHECK(h.cpu_family == 6u);
    CHECK(h.cpu_model_number == 106u);
    CHECK(h.logical_cpus == 8u);
    CHECK(h.physical_cores == 4u);
    CHECK(h.sockets == 2u);
    CHECK(h.numa_nodes == 2u);
    CHECK(h.os.empty());
    CHECK(h.memory_bytes == 0u);  // unreadable facts are empty, not an exception
}

TEST_CASE("cpu lists parse the kernel's range syntax") {
    using sy::detail::parse_cpu_list;
    CHECK(parse_cpu_list("0-3,8,10-11") == std::vector<int>{0, 1, 2, 3, 8, 10, 11});
    CHECK(parse_cpu_list("5") == std::vector<int>{5});
    CHECK(parse_cpu_list("").empty());
    CHECK(parse_cpu_list("x-y").empty());
}

TEST_CASE("this machine: the probe agrees with uname and the affinity mask") {
    const auto h = sy::probe_host();
    utsname u{};
    REQUIRE(::uname(&u) == 0);
    CHECK(h.architecture == u.machine);
    CHECK(h.kernel == u.release);
    CHECK(h.logical_cpus >= h.allowed_cpus);
    CHECK(h.allowed_cpus == ec2bench::detail::allowed_cpus().size());
    CHECK(h.memory_bytes > 0u);
    CHECK_FALSE(h.cpu_model.empty());
    CHECK(h.hostname.empty());
    sy::host_probe_options o;
    o.include_hostname = true;
    CHECK(sy::probe_host(o).hostname == u.nodename);
}
