#include <ec2bench/detail/meminfo.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using ec2bench::detail::mem_available_bytes;
using ec2bench::detail::meminfo_bytes;

namespace {

// The first lines of a real /proc/meminfo (Linux 6.1), with a unitless count further down.
const char* const real =
    "MemTotal:       24684096 kB\n"
    "MemFree:        24166216 kB\n"
    "MemAvailable:   24348244 kB\n"
    "Buffers:           10860 kB\n"
    "HugePages_Total:       4\n"
    "Hugepagesize:       2048 kB\n";

}  // namespace

TEST_CASE("meminfo_bytes reads a field of a fake meminfo, in bytes") {
    ec2bench_test::temp_dir d;
    d.write("meminfo", real);
    const std::string path = d.str() + "/meminfo";
    CHECK(mem_available_bytes(path) == std::uint64_t{24348244} * 1024);
    CHECK(meminfo_bytes(path, "MemTotal") == std::uint64_t{24684096} * 1024);
    CHECK(meminfo_bytes(path, "Hugepagesize") == std::uint64_t{2048} * 1024);
    SUBCASE("a field without a unit is a count, as written") {
        CHECK(meminfo_bytes(path, "HugePages_Total") == 4u);
    }
    SUBCASE("the whole name, not a prefix of it") {
        CHECK(meminfo_bytes(path, "Mem") == 0u);
        CHECK(meminfo_bytes(path, "MemTotal:") == 0u);
    }
}

TEST_CASE("meminfo_bytes is 0 for what it cannot read") {
    ec2bench_test::temp_dir d;
    CHECK(mem_available_bytes(d.str() + "/missing") == 0u);
    const auto with = [&](const std::string& text) {
        d.write("meminfo", text);
        return mem_available_bytes(d.str() + "/meminfo");
    };
    CHECK(with("MemTotal: 1000 kB\n") == 0u);                          // no such field
    CHECK(with("MemAvailable: lots kB\n") == 0u);                      // not a number
    CHECK(with("MemAvailable: -5 kB\n") == 0u);                        // negative
    CHECK(with("MemAvailable: 5 MB\n") == 0u);                         // a unit the kernel never writes
    CHECK(with("MemAvailable: 5 kB extra\n") == 0u);                   // more than a value and a unit
    CHECK(with("MemAvailable:\n") == 0u);                              // no value
    CHECK(with("MemAvailable: 18014398509481984 kB\n") == 0u);         // 2^54 KiB: past 2^64 bytes
    CHECK(with("MemAvailable: 99999999999999999999999 kB\n") == 0u);   // past 2^64 itself
    // The largest that fits: (2^64 - 1) / 1024 KiB.
    CHECK(with("MemAvailable: 18014398509481983 kB\n") == std::uint64_t{18014398509481983} * 1024);
    // A field without a unit before it does not shift the reading of the lines after it.
    CHECK(with("HugePages_Total: 0\nMemAvailable: 7 kB\n") == 7u * 1024);
}
