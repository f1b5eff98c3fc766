// The sieve's instruction-set paths: every path this CPU runs (forced with EC2BENCH_ISA, read at
// each call) gives the published prime counts and the baseline path's results, reports itself in
// count_result::isa, and a bad EC2BENCH_ISA is refused. The default build is for baseline x86-64,
// so the AVX2 path must be reached at run time (and under the `native` preset it is the same).
#include <ec2bench/kernels/sieve.hpp>

#include "../support/sieve_options.hpp"

#include <doctest/doctest.h>

#include <bitset>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ec2bench::sieve;
using ec2bench::detail::isa;

namespace {

/// Sets EC2BENCH_ISA (or unsets it, for null) for the scope, then restores what was there.
class isa_env {
public:
    explicit isa_env(const char* value) {
        const char* old = std::getenv("EC2BENCH_ISA");
        had_ = old != nullptr;
        if (had_) old_ = old;
        if (value != nullptr) {
            setenv("EC2BENCH_ISA", value, 1);
        } else {
            unsetenv("EC2BENCH_ISA");
        }
    }
    ~isa_env() {
        if (had_) {
            setenv("EC2BENCH_ISA", old_.c_str(), 1);
        } else {
            unsetenv("EC2BENCH_ISA");
        }
    }
    isa_env(const isa_env&) = delete;
    isa_env& operator=(const isa_env&) = delete;

private:
    bool had_ = false;
    std::string old_;
};

const ec2bench::detail::cpu_features& features() {
    static const ec2bench::detail::cpu_features f = ec2bench::detail::detect_cpu_features();
    return f;
}

constexpr isa all_levels[] = {isa::baseline, isa::avx2, isa::avx512, isa::neon, isa::sve};

std::vector<isa> runnable_levels() {
    std::vector<isa> out;
    for (isa i : all_levels) {
        if (ec2bench::detail::isa_supported(i, features())) out.push_back(i);
    }
    return out;
}

/// The path the sieve documents for each level: no AVX-512 code (the avx512 level runs avx2), and
/// on aarch64 NEON for the neon and sve levels.
std::string expected_path(isa level) {
    switch (level) {
        case isa::baseline: return "baseline";
        case isa::avx2:
        case isa::avx512: return "avx2";
        case isa::neon:
        case isa::sve: return "neon";
    }
    return "?";
}

std::string runnable_list() {
    std::string s;
    for (isa i : runnable_levels()) {
        if (!s.empty()) s += ", ";
        s += std::string(ec2bench::detail::isa_name(i));
    }
    return s;
}

options with(unsigned threads, std::size_t segment = 0, std::size_t l1 = 0) {
    return ec2bench_test::sieve_with(threads, segment, l1);
}

std::vector<std::uint64_t> primes_of(std::uint64_t lo, std::uint64_t hi, const options& opt) {
    std::vector<std::uint64_t> out;
    for_each_prime(lo, hi, [&](std::uint64_t p) { out.push_back(p); }, opt);
    return out;
}

}  // namespace

TEST_CASE("each path's pre-sieve AND and popcount agree with a byte-wise oracle") {
    std::mt19937_64 rng(17);
    auto byte = [&] { return static_cast<unsigned char>(rng() | rng()); };  // mostly ones
    for (isa level : runnable_levels()) {
        const detail::kernels& k = detail::kernels_for(level);
        CAPTURE(std::string(ec2bench::detail::isa_name(level)));
        CHECK(std::string(k.isa) == expected_path(level));
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{8}, std::size_t{15},
                              std::size_t{16}, std::size_t{31}, std::size_t{32}, std::size_t{33},
                              std::size_t{100}, std::size_t{1000}, std::size_t{1024}}) {
            CAPTURE(n);
            std::vector<std::vector<unsigned char>> patterns(16);
            const unsigned char* a[16];
            for (unsigned g = 0; g < 16; ++g) {
                patterns[g].resize(n + 64);
                for (auto& b : patterns[g]) b = byte();
                a[g] = patterns[g].data() + g;  // unaligned, differently for each pattern
            }
            const std::size_t written = (n + 7) / 8 * 8;
            std::vector<unsigned char> out(written + 16, 0xa5);
            k.and_patterns(out.data(), a, n);
            for (std::size_t i = 0; i < written; ++i) {
                unsigned char want = 0xff;
                for (unsigned g = 0; g < 16; ++g) want = static_cast<unsigned char>(want & a[g][i]);
                CAPTURE(i);
                REQUIRE(out[i] == want);
            }
            for (std::size_t i = written; i < out.size(); ++i) REQUIRE(out[i] == 0xa5);
        }
        for (std::size_t words = 0; words < 70; ++words) {
            CAPTURE(words);
            std::vector<unsigned char> bytes(8 * words + 1);
            for (auto& b : bytes) b = static_cast<unsigned char>(rng());
            const unsigned char* p = bytes.data() + 1;  // unaligned
            std::uint64_t want = 0;
            for (std::size_t i = 0; i < 8 * words; ++i) want += std::bitset<8>(p[i]).count();
            REQUIRE(k.count_words(p, words) == want);
        }
    }
}

TEST_CASE("every path the CPU runs counts the published pi(10^k) and reports itself") {
    for (isa level : runnable_levels()) {
        const std::string name(ec2bench::detail::isa_name(level));
        CAPTURE(name);
        const isa_env env(name.c_str());
        for (std::uint64_t n = 10; n <= 1'000'000'000; n *= 10) {
            CAPTURE(n);
            const count_result r = count_primes_timed(0, n + 1, with(2));
            CHECK(r.count == static_cast<std::uint64_t>(known_count_below(n)));
            CHECK(std::string(r.isa) == expected_path(level));
        }
        prime_sieve<fixed_segments<8192, 2048>> s(with(3));
        const count_result r = s.count(0, 100'000'000);
        CHECK(r.count == 5761455);
        CHECK(std::string(r.isa) == expected_path(level));
    }
}

TEST_CASE("every path gives the baseline path's counts and primes on random intervals") {
    std::mt19937_64 rng(20261206);
    struct interval {
        std::uint64_t lo, hi;
    };
    std::vector<interval> intervals;
    for (int i = 0; i < 40; ++i) {
        const std::uint64_t lo = rng() % 2'000'000'000'000;
        intervals.push_back({lo, lo + rng() % 2'000'000});
    }
    intervals.push_back({0, 5'000'000});
    // 4 KiB segments and 1 KiB blocks: many pre-sieve runs; random ends: last runs of any length.
    const options variants[] = {with(2), with(3, 4096, 1024), with(1, 8192, 1088)};
    std::vector<std::uint64_t> base_counts;
    std::vector<std::vector<std::uint64_t>> base_primes;
    {
        const isa_env env("baseline");
        for (std::size_t i = 0; i < intervals.size(); ++i) {
            const options& o = variants[i % 3];
            base_counts.push_back(count_primes(intervals[i].lo, intervals[i].hi, o));
            if (i % 8 == 0) base_primes.push_back(primes_of(intervals[i].lo, intervals[i].hi, o));
        }
    }
    REQUIRE(base_counts.back() == 348513);  // pi(5 * 10^6)
    for (isa level : runnable_levels()) {
        const std::string name(ec2bench::detail::isa_name(level));
        CAPTURE(name);
        const isa_env env(name.c_str());
        for (std::size_t i = 0; i < intervals.size(); ++i) {
            CAPTURE(intervals[i].lo);
            CAPTURE(intervals[i].hi);
            const options& o = variants[i % 3];
            CHECK(count_primes(intervals[i].lo, intervals[i].hi, o) == base_counts[i]);
            if (i % 8 == 0) {
                CHECK(primes_of(intervals[i].lo, intervals[i].hi, o) == base_primes[i / 8]);
            }
        }
    }
}

TEST_CASE("without EC2BENCH_ISA the best path this CPU runs is used, whatever the build flags") {
    const isa_env env(nullptr);
    const count_result r = count_primes_timed(0, 1'000'000, with(1));
    CHECK(r.count == 78498);
    CHECK(std::string(r.isa) == expected_path(ec2bench::detail::best_isa(features())));
#if defined(__x86_64__)
    // On a CPU with AVX2 that is the AVX2 path, also in the build for baseline x86-64, which
    // has no AVX2 code but the sieve's own target-attributed functions.
    if (features().avx2) CHECK(std::string(r.isa) == "avx2");
#endif
}

TEST_CASE("a bad EC2BENCH_ISA is refused with the levels this CPU runs") {
    {
        const isa_env env("bogus");
        const std::string msg = "EC2BENCH_ISA 'bogus': expected one of " + runnable_list() +
                                " (the levels this CPU runs)";
        CHECK_THROWS_WITH_AS(count_primes(0, 100), msg.c_str(), std::invalid_argument);
        CHECK_THROWS_WITH_AS(for_each_prime(0, 100, [](std::uint64_t) {}), msg.c_str(),
                             std::invalid_argument);
        CHECK_THROWS_WITH_AS(prime_sieve<>(with(2)).reduce(0, 100, detail::prime_tally{}),
                             msg.c_str(), std::invalid_argument);
    }
    // A level of the other architecture: known, but not one this CPU runs.
#if defined(__x86_64__)
    const char* foreign = "neon";
#else
    const char* foreign = "avx2";
#endif
    {
        const isa_env env(foreign);
        const std::string msg =
            std::string("EC2BENCH_ISA '") + foreign + "': this CPU runs only " + runnable_list();
        CHECK_THROWS_WITH_AS(count_primes_timed(0, 1000), msg.c_str(), std::invalid_argument);
    }
    // Read at each call: the same sieve works again once the variable is fixed.
    prime_sieve<> s(with(2));
    {
        const isa_env env("AVX2");
        CHECK_THROWS_AS(s.count(0, 1000), std::invalid_argument);
    }
    const isa_env env("baseline");
    const count_result r = s.count(0, 1000);
    CHECK(r.count == 168);
    CHECK(std::string(r.isa) == "baseline");
}
