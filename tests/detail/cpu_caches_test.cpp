#include <ec2bench/detail/cpu_caches.hpp>
#include <ec2bench/detail/thread_team.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace ec2bench::detail;

namespace {
struct fake_sysfs : ec2bench_test::temp_dir {
    fake_sysfs() : temp_dir("ec2bench-sysfs") {}
    fs::path root = path;
    void cache(int cpu, int index, unsigned level, const std::string& type, const std::string& size,
               const std::string& shared) {
        const fs::path d = root / ("devices/system/cpu/cpu" + std::to_string(cpu)) / "cache" /
                           ("index" + std::to_string(index));
        const std::string rel = fs::relative(d, path).string();
        write(rel + "/level", std::to_string(level) + "\n");
        write(rel + "/type", type + "\n");
        write(rel + "/size", size + "\n");
        write(rel + "/coherency_line_size", "64\n");
        write(rel + "/shared_cpu_list", shared + "\n");
    }
};
}  // namespace

TEST_CASE("parse_sysfs_size reads the kernel's K/M suffixes") {
    CHECK(parse_sysfs_size("32K") == 32768u);
    CHECK(parse_sysfs_size("32768K") == 32u << 20);
    CHECK(parse_sysfs_size("2M") == 2u << 20);
    CHECK(parse_sysfs_size("64") == 64u);
    CHECK(parse_sysfs_size("") == 0u);
    CHECK(parse_sysfs_size("big") == 0u);
    CHECK(parse_sysfs_size("12Q") == 0u);
}

TEST_CASE("read_cache_sizes on a two-socket machine sums both L3 instances") {
    fake_sysfs s;
    // cpu0 on socket 0, cpu1 on socket 1; each socket has its own 32 MiB L3.
    for (int cpu : {0, 1}) {
        const std::string self = std::to_string(cpu);
        s.cache(cpu, 0, 1, "Data", "48K", self);
        s.cache(cpu, 1, 1, "Instruction", "32K", self);
        s.cache(cpu, 2, 2, "Unified", "2048K", self);
        s.cache(cpu, 3, 3, "Unified", "32768K", cpu == 0 ? "0,2" : "1,3");
    }
    const cache_sizes c = read_cache_sizes({0, 1}, s.root.string());
    CHECK(c.from_sysfs);
    CHECK(c.l1d_bytes == 48u * 1024);
    CHECK(c.l2_bytes == 2u << 20);
    CHECK(c.llc_level == 3u);
    CHECK(c.llc_bytes == 32u << 20);
    CHECK(c.llc_total_bytes == 64u << 20);
    CHECK(c.line_bytes == 64u);

    // CPUs that share one L3 count it once.
    const cache_sizes one = read_cache_sizes({0}, s.root.string());
    CHECK(one.llc_total_bytes == 32u << 20);
}

TEST_CASE("a machine whose last level is L2 (Graviton2-like) reports L2 as the LLC") {
    fake_sysfs s;
    s.cache(0, 0, 1, "Data", "64K", "0");
    s.cache(0, 1, 1, "Instruction", "64K", "0");
    s.cache(0, 2, 2, "Unified", "1024K", "0");
    const cache_sizes c = read_cache_sizes({0}, s.root.string());
    CHECK(c.llc_level == 2u);
    CHECK(c.llc_bytes == 1u << 20);
    CHECK(c.llc_total_bytes == 1u << 20);
}

TEST_CASE("a missing sysfs tree gives zeroes, not an exception") {
    const cache_sizes c = read_cache_sizes({0}, "/nonexistent-sysfs-root");
    CHECK_FALSE(c.from_sysfs);
    CHECK(c.l1d_bytes == 0u);
    CHECK(c.llc_total_bytes == 0u);
}

TEST_CASE("this machine's caches are plausible") {
    const cache_sizes c = read_cache_sizes(allowed_cpus());
    if (!c.from_sysfs) return;  // containers without sysfs cache info: covered above
    CHECK(c.l1d_bytes >= 16u * 1024);
    CHECK(c.l1d_bytes <= 1u << 20);
    CHECK(c.llc_total_bytes >= c.llc_bytes);
    CHECK(c.llc_bytes >= c.l1d_bytes);
}
