#include <ec2bench/detail/aligned_buffer.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>

using namespace ec2bench::detail;

namespace {
bool aligned_to(const void* p, std::size_t a) {
    return reinterpret_cast<std::uintptr_t>(p) % a == 0;
}
}  // namespace

TEST_CASE("aligned_buffer honours the alignment asked for") {
    for (std::size_t a : {std::size_t{8}, std::size_t{64}, std::size_t{4096}, huge_page_size}) {
        CAPTURE(a);
        for (std::size_t n : {std::size_t{1}, std::size_t{1000}, std::size_t{300'000}}) {
            aligned_buffer<double> b(n, a);
            CHECK(b.size() == n);
            CHECK(b.size_bytes() == n * sizeof(double));
            CHECK(aligned_to(b.data(), a));
        }
    }
}

TEST_CASE("aligned_buffer memory starts zeroed and is fully writable") {
    aligned_buffer<std::uint32_t> b(1'000'003, 64);
    CHECK(std::all_of(b.begin(), b.end(), [](std::uint32_t v) { return v == 0; }));
    std::iota(b.begin(), b.end(), 0u);
    CHECK(b[0] == 0u);
    CHECK(b[1'000'002] == 1'000'002u);
    const std::uint64_t sum = std::accumulate(b.begin(), b.end(), std::uint64_t{0});
    CHECK(sum == std::uint64_t{1'000'002} * 1'000'003 / 2);
}

TEST_CASE("aligned_buffer moves without copying or double-unmapping") {
    aligned_buffer<int> a(100, 64);
    a[7] = 7;
    int* p = a.data();
    aligned_buffer<int> b(std::move(a));
    CHECK(b.data() == p);
    CHECK(b[7] == 7);
    CHECK(a.data() == nullptr);  // NOLINT(bugprone-use-after-move)
    CHECK(a.empty());
    aligned_buffer<int> c(10);
    c = std::move(b);
    CHECK(c.data() == p);
    CHECK(c.size() == 100);
}

TEST_CASE("aligned_buffer of zero elements is empty and maps nothing") {
    aligned_buffer<double> b(0, 64);
    CHECK(b.empty());
    CHECK(b.data() == nullptr);
    CHECK(b.backing() == page_backing::none);
}

TEST_CASE("aligned_buffer reports what backs it") {
    SUBCASE("ordinary pages") {
        aligned_buffer<char> b(1 << 20, 64, huge_pages::none);
        CHECK(b.backing() == page_backing::ordinary);
    }
    SUBCASE("transparent huge pages advised") {
        aligned_buffer<char> b(std::size_t{8} << 20, huge_page_size, huge_pages::transparent);
        CHECK(aligned_to(b.data(), huge_page_size));
        // madvise(MADV_HUGEPAGE) succeeds whenever THP is compiled in, whatever the policy.
        std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
        if (thp) CHECK(b.backing() == page_backing::transparent_advised);
    }
    SUBCASE("explicit huge pages fall back when no pool is reserved") {
        aligned_buffer<char> b(std::size_t{4} << 20, huge_page_size, huge_pages::explicit_);
        CHECK((b.backing() == page_backing::hugetlb ||
               b.backing() == page_backing::transparent_advised ||
               b.backing() == page_backing::ordinary));
        CHECK(aligned_to(b.data(), huge_page_size));
        b[b.size() - 1] = 'x';
        CHECK(b[b.size() - 1] == 'x');
    }
}

TEST_CASE("aligned_buffer refuses bad alignments and impossible sizes, with a message") {
    CHECK_THROWS_WITH_AS(aligned_buffer<double>(10, 48),
                         "aligned_buffer: alignment 48 must be a power of two of at least 8",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(aligned_buffer<double>(10, 4),
                         "aligned_buffer: alignment 4 must be a power of two of at least 8",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(aligned_buffer<double>(10, 0),
                         "aligned_buffer: alignment 0 must be a power of two of at least 8",
                         std::invalid_argument);
    const std::size_t too_many = std::numeric_limits<std::size_t>::max() / 4;
    CHECK_THROWS_WITH_AS(aligned_buffer<double>(too_many, 64),
                         ("aligned_buffer: " + std::to_string(too_many) +
                          " elements of 8 bytes overflow size_t")
                             .c_str(),
                         std::length_error);
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
TEST_CASE("aligned_buffer turns a refused mapping into a system_error naming the size") {
    // 2^62 bytes: no kernel grants it, overcommit or not (the address space is 2^47 or 2^48).
    const std::size_t n = std::size_t{1} << 59;
    try {
        aligned_buffer<double> b(n, 64);
        FAIL("a 2^62-byte mapping succeeded");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::not_enough_memory);
        CHECK(std::string(e.what()).find("aligned_buffer: cannot map 4611686018427387904 bytes") ==
              0);
    }
}
#endif
