#include "cli/parse.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ec2bench::cli;

TEST_CASE("parse_count accepts integers, e-notation, powers of two and separators") {
    CHECK(parse_count("0", "n") == 0u);
    CHECK(parse_count("80000000", "n") == 80'000'000u);
    CHECK(parse_count("80_000_000", "n") == 80'000'000u);
    CHECK(parse_count("80'000'000", "n") == 80'000'000u);
    CHECK(parse_count("1e10", "n") == 10'000'000'000u);
    CHECK(parse_count("1E12", "n") == 1'000'000'000'000u);
    CHECK(parse_count("1.5e9", "n") == 1'500'000'000u);
    CHECK(parse_count("2.50e1", "n") == 25u);
    CHECK(parse_count("2^32", "n") == 4'294'967'296u);
    CHECK(parse_count("2^63", "n") == 9'223'372'036'854'775'808u);
    CHECK(parse_count("18446744073709551615", "n") == 18'446'744'073'709'551'615u);
    CHECK(parse_count("1e19", "n") == 10'000'000'000'000'000'000u);
}

TEST_CASE("parse_count refuses what is not a count, naming the flag and what is allowed") {
    const std::string allowed = "expected a non-negative integer such as 80000000, 8e7 or 2^32";
    CHECK_THROWS_WITH_AS(parse_count("", "limit"), ("--limit=: " + allowed).c_str(),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_count("-5", "limit"), ("--limit=-5: " + allowed).c_str(),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_count("ten", "limit"), ("--limit=ten: " + allowed).c_str(),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_count("3^4", "limit"), ("--limit=3^4: " + allowed).c_str(),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_count("1.25e1", "limit"), "--limit=1.25e1: not an integer",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_count("1e20", "limit"),
                         "--limit=1e20: larger than 2^64-1, the largest allowed", std::out_of_range);
    CHECK_THROWS_WITH_AS(parse_count("0e99999999999", "limit"),  // returns at once, no 1e11 loop
                         "--limit=0e99999999999: larger than 2^64-1, the largest allowed",
                         std::out_of_range);
    CHECK_THROWS_WITH_AS(parse_count("2^64", "limit"),
                         "--limit=2^64: larger than 2^64-1, the largest allowed", std::out_of_range);
    CHECK_THROWS_WITH_AS(parse_count("18446744073709551616", "limit"),
                         "--limit=18446744073709551616: larger than 2^64-1, the largest allowed",
                         std::out_of_range);
}

TEST_CASE("parse_size reads fio's units: powers of 1024") {
    CHECK(parse_size("512", "bs") == 512u);
    CHECK(parse_size("512b", "bs") == 512u);
    CHECK(parse_size("4k", "bs") == 4096u);
    CHECK(parse_size("4K", "bs") == 4096u);
    CHECK(parse_size("4KiB", "bs") == 4096u);
    CHECK(parse_size("4kb", "bs") == 4096u);
    CHECK(parse_size("1M", "bs") == 1u << 20);
    CHECK(parse_size("2g", "bs") == std::uint64_t{2} << 30);
    CHECK(parse_size("3T", "bs") == std::uint64_t{3} << 40);
    const std::string allowed =
        "expected a size in bytes such as 4096, 4k, 1M or 2G (k, M, G, T are powers of 1024)";
    CHECK_THROWS_WITH_AS(parse_size("4x", "block-size"), ("--block-size=4x: " + allowed).c_str(),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_size("k", "block-size"), ("--block-size=k: " + allowed).c_str(),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_size("1.5k", "block-size"), ("--block-size=1.5k: " + allowed).c_str(),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_size("", "block-size"), ("--block-size=: " + allowed).c_str(),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_size("20000000T", "block-size"), "--block-size=20000000T: too large",
                         std::out_of_range);
}
