#include <ec2bench/gbench/flags.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace ec2bench::gbench;

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

namespace {
struct argv_builder {
    std::vector<std::string> storage;
    std::vector<char*> ptrs;
    explicit argv_builder(std::vector<std::string> args) : storage(std::move(args)) {
        for (auto& s : storage) ptrs.push_back(s.data());
        ptrs.push_back(nullptr);
    }
    int argc() const { return static_cast<int>(storage.size()); }
    char** argv() { return ptrs.data(); }
};
std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[256];
    while (std::fgets(buf, sizeof buf, f) != nullptr) s += buf;
    return s;
}
}  // namespace

TEST_CASE("flag_set consumes its flags and leaves the --benchmark_* flags in order") {
    std::uint64_t limit = 0;
    std::uint64_t threads = 0;
    flag_set flags("prog", "does things");
    flags.add("limit", "N", "the limit", [&](std::string_view v) { limit = parse_count(v, "limit"); })
        .add("threads", "T", "threads", [&](std::string_view v) { threads = parse_count(v, "threads"); });
    argv_builder a({"prog", "--benchmark_filter=x", "--limit=1e6", "--threads=2",
                    "--benchmark_repetitions=3", "--limitless=1"});
    int argc = a.argc();
    CHECK(flags.parse(argc, a.argv()) == -1);
    CHECK(limit == 1'000'000u);
    CHECK(threads == 2u);
    REQUIRE(argc == 4);
    CHECK(std::string(a.argv()[1]) == "--benchmark_filter=x");
    CHECK(std::string(a.argv()[2]) == "--benchmark_repetitions=3");
    CHECK(std::string(a.argv()[3]) == "--limitless=1");  // not ours: a prefix is not a match
    CHECK(a.argv()[4] == nullptr);
}

TEST_CASE("flag_set reports a bad value or a missing one and asks for exit code 2") {
    flag_set flags("prog", "does things");
    std::uint64_t limit = 0;
    flags.add("limit", "N", "the limit", [&](std::string_view v) { limit = parse_count(v, "limit"); });
    std::FILE* err = std::tmpfile();
    REQUIRE(err != nullptr);
    SUBCASE("bad value") {
        argv_builder a({"prog", "--limit=lots"});
        int argc = a.argc();
        CHECK(flags.parse(argc, a.argv(), err) == 2);
        CHECK(read_all(err) ==
              "prog: --limit=lots: expected a non-negative integer such as 80000000, 8e7 or 2^32\n");
    }
    SUBCASE("no value") {
        argv_builder a({"prog", "--limit"});
        int argc = a.argc();
        CHECK(flags.parse(argc, a.argv(), err) == 2);
        CHECK(read_all(err) == "prog: --limit needs a value: --limit=N (see --help)\n");
    }
    std::fclose(err);
}
