// The sieve against oracles: published values of pi(x), a plain sieve of Eratosthenes over
// random intervals, and Miller-Rabin near 2^64. pi(1e10) and above are in sieve_slow_test.cpp.
#include <ec2bench/kernels/sieve.hpp>

#include "../support/sieve_options.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace ec2bench::sieve;

// ThreadSanitizer slows the sieve about 30-fold: its builds sieve 2^30 rather than 2^32 on
// threads and skip the single-threaded sieves near 2^64 (ASan and release builds run them).
#if defined(__SANITIZE_THREAD__)
#define EC2BENCH_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define EC2BENCH_TEST_TSAN 1
#endif
#endif
#if defined(EC2BENCH_TEST_TSAN)
constexpr bool under_tsan = true;
#else
constexpr bool under_tsan = false;
#endif

namespace {

constexpr std::uint64_t max64 = std::numeric_limits<std::uint64_t>::max();

/// is_prime[n] != 0 for n <= limit, the textbook way.
std::vector<unsigned char> plain_sieve(std::uint64_t limit) {
    std::vector<unsigned char> prime(limit + 1, 1);
    for (std::uint64_t i = 0; i < 2 && i <= limit; ++i) prime[i] = 0;
    for (std::uint64_t i = 2; i * i <= limit; ++i) {
        if (prime[i] == 0) continue;
        for (std::uint64_t m = i * i; m <= limit; m += i) prime[m] = 0;
    }
    return prime;
}

/// The primes in [lo, hi) by a plain segmented sieve (hi <= 10^13, hi - lo small).
std::vector<std::uint64_t> plain_primes(std::uint64_t lo, std::uint64_t hi) {
    std::vector<std::uint64_t> out;
    if (lo >= hi) return out;
    std::uint64_t root = 1;
    while ((root + 1) * (root + 1) < hi) ++root;
    const std::vector<unsigned char> small = plain_sieve(root);
    std::vector<unsigned char> composite(hi - lo, 0);
    for (std::uint64_t p = 2; p <= root; ++p) {
        if (small[p] == 0) continue;
        for (std::uint64_t m = std::max(p * p, (lo + p - 1) / p * p); m < hi; m += p) {
            composite[m - lo] = 1;
        }
    }
    for (std::uint64_t n = std::max<std::uint64_t>(lo, 2); n < hi; ++n) {
        if (composite[n - lo] == 0) out.push_back(n);
    }
    return out;
}

__extension__ typedef unsigned __int128 uint128;

std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
    return static_cast<std::uint64_t>(static_cast<uint128>(a) * b % m);
}

std::uint64_t pow_mod(std::uint64_t a, std::uint64_t e, std::uint64_t m) {
    std::uint64_t r = 1;
    for (a %= m; e != 0; e >>= 1, a = mul_mod(a, a, m)) {
        if (e & 1) r = mul_mod(r, a, m);
    }
    return r;
}

/// Deterministic Miller-Rabin for 64-bit n (Jim Sinclair's seven bases).
bool miller_rabin(std::uint64_t n) {
    if (n < 2) return false;
    for (std::uint64_t p : {2u, 3u, 5u, 7u, 11u, 13u, 17u, 19u, 23u, 29u, 31u, 37u}) {
        if (n % p == 0) return n == p;
    }
    std::uint64_t d = n - 1;
    unsigned s = 0;
    for (; d % 2 == 0; d /= 2) ++s;
    for (std::uint64_t a : {2ull, 325ull, 9375ull, 28178ull, 450775ull, 9780504ull, 1795265022ull}) {
        std::uint64_t x = pow_mod(a, d, n);
        if (x == 0 || x == 1 || x == n - 1) continue;
        bool composite = true;
        for (unsigned r = 1; r < s && composite; ++r) {
            x = mul_mod(x, x, n);
            composite = x != n - 1;
        }
        if (composite) return false;
    }
    return true;
}

std::vector<std::uint64_t> primes_of(std::uint64_t lo, std::uint64_t hi, const options& opt = {}) {
    std::vector<std::uint64_t> out;
    for_each_prime(lo, hi, [&](std::uint64_t p) { out.push_back(p); }, opt);
    return out;
}

options with(unsigned threads, std::size_t segment = 0, std::size_t l1 = 0) {
    return ec2bench_test::sieve_with(threads, segment, l1);
}

}  // namespace

TEST_CASE("published values of pi(x) up to 10^9 and 2^24") {
    for (std::uint64_t n = 1; n <= 1'000'000'000; n *= 10) {
        CAPTURE(n);
        CHECK(count_primes(0, n + 1) == static_cast<std::uint64_t>(known_count_below(n)));
    }
    CHECK(count_primes(0, 65536) == 6542);
    CHECK(count_primes(0, 65538) == 6543);  // 65537 = 2^16 + 1 is prime
    CHECK(count_primes(0, std::uint64_t{1} << 20) == 82025);
    CHECK(count_primes(0, std::uint64_t{1} << 24, with(2)) == 1077871);
}

TEST_CASE("pi(2^32) and pi(2^32 + 15) on 1 to 4 threads") {
    const std::uint64_t two32 = std::uint64_t{1} << 32;
    const std::uint64_t limit = under_tsan ? std::uint64_t{1} << 30 : two32;
    for (unsigned t = 1; t <= 4; ++t) {
        CAPTURE(t);
        CHECK(count_primes(0, limit, with(t)) ==
              static_cast<std::uint64_t>(known_count_below(limit)));
    }
    if (under_tsan) return;
    // 2^32 + 15 is the first prime above 2^32: pi(2^32 + 15) = 203280222.
    CHECK(count_primes(0, two32 + 16, with(2)) == 203280222);
    CHECK(count_primes(0, two32 + 15, with(2)) == 203280221);
    CHECK(primes_of(two32, two32 + 16) == std::vector<std::uint64_t>{two32 + 15});
}

TEST_CASE("random intervals agree with a plain sieve, for every size policy and thread count") {
    const std::uint64_t limit = 4'000'000;
    const std::vector<unsigned char> is_prime = plain_sieve(limit);
    std::vector<std::uint64_t> below(limit + 2, 0);  // below[n]: primes < n
    for (std::uint64_t n = 0; n <= limit; ++n) below[n + 1] = below[n] + is_prime[n];

    std::mt19937_64 rng(20240601);
    // 4 KiB segments and 1 KiB blocks send every sieving prime above 12288 to the buckets.
    const options variants[] = {with(1), with(2), with(3, 4096, 1024), with(4, 8192, 2048),
                                with(1, 4096, 1024)};
    for (int round = 0; round < 600; ++round) {
        std::uint64_t a = rng() % limit;
        std::uint64_t b = round % 3 == 0 ? a + rng() % 300 : rng() % limit;
        b = std::min(b, limit);
        if (a > b) std::swap(a, b);
        const options& o = variants[static_cast<std::size_t>(round) % 5];
        CAPTURE(a);
        CAPTURE(b);
        CAPTURE(o.threads);
        CAPTURE(o.segment_bytes);
        REQUIRE(count_primes(a, b, o) == below[b] - below[a]);
    }
}

TEST_CASE("random intervals far from 0 agree with a plain sieve, buckets included") {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 12; ++round) {
        const std::uint64_t a = 1'000'000'000 + rng() % 1'000'000'000'000;
        const std::uint64_t b = a + 1 + rng() % 3'000'000;
        const std::vector<std::uint64_t> want = plain_primes(a, b);
        CAPTURE(a);
        CAPTURE(b);
        CHECK(count_primes(a, b, with(2)) == want.size());
        CHECK(count_primes(a, b, with(3, 4096, 1024)) == want.size());
        CHECK(primes_of(a, b, with(1, 4096, 1024)) == want);
    }
}

TEST_CASE("a long interval with many segments, chunks and large primes") {
    // 2e8 numbers near 10^11: 256 segments of 4 KiB bytes per thread chunk at least.
    const std::uint64_t a = 100'000'000'000 - 200'000'000;
    const std::uint64_t b = 100'000'000'000;
    const std::uint64_t n = count_primes(a, b, with(1));
    CHECK(n == count_primes(a, b, with(3, 4096, 1024)));
    CHECK(n == count_primes(a, b, with(2, 65536, 4096)));
    // pi(10^11) - pi(10^11 - 2*10^8), from pi(10^11) and the count below by the plain sieve:
    // the plain sieve for the whole interval would take minutes, so compare 2*10^6 at the top.
    const std::uint64_t top = b - 2'000'000;
    CHECK(count_primes(top, b, with(3, 4096, 1024)) == plain_primes(top, b).size());
}

TEST_CASE("tiny and degenerate bounds") {
    CHECK(count_primes(0, 0) == 0);
    CHECK(count_primes(0, 1) == 0);
    CHECK(count_primes(0, 2) == 0);
    CHECK(count_primes(0, 3) == 1);
    CHECK(count_primes(2, 3) == 1);
    CHECK(count_primes(3, 3) == 0);
    CHECK(count_primes(1, 8) == 4);
    CHECK(count_primes(7, 8) == 1);
    CHECK(count_primes(8, 11) == 0);
    CHECK(count_primes(0, 37) == 11);
    CHECK(count_primes(37, 38) == 1);
    CHECK(count_primes(31, 37) == 1);
    CHECK(count_primes(max64, max64) == 0);
    CHECK(count_primes(12345, 12345) == 0);
    for (std::uint64_t lo = 0; lo < 200; ++lo) {
        for (std::uint64_t hi = lo; hi < 200; ++hi) {
            CAPTURE(lo);
            CAPTURE(hi);
            REQUIRE(primes_of(lo, hi) == plain_primes(lo, hi));
        }
    }
}

TEST_CASE("lo > hi is refused with the bounds in the message") {
    CHECK_THROWS_WITH_AS(count_primes(10, 5),
                         "sieve: lo 10 > hi 5: the interval [lo, hi) must have lo <= hi",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(for_each_prime(1, 0, [](std::uint64_t) {}),
                         "sieve: lo 1 > hi 0: the interval [lo, hi) must have lo <= hi",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(
        count_primes(max64, 0),
        "sieve: lo 18446744073709551615 > hi 0: the interval [lo, hi) must have lo <= hi",
        std::invalid_argument);
}

TEST_CASE("segment overrides are checked") {
    CHECK_THROWS_WITH_AS(
        count_primes(0, 100, with(1, 5000)),
        "sieve: segment_bytes 5000: must be 0 (from the L2 cache) or a power of two from 4096 "
        "to 33554432",
        std::invalid_argument);
    CHECK_THROWS_WITH_AS(
        count_primes(0, 100, with(1, 2048)),
        "sieve: segment_bytes 2048: must be 0 (from the L2 cache) or a power of two from 4096 "
        "to 33554432",
        std::invalid_argument);
    CHECK_THROWS_WITH_AS(
        prime_sieve<>(with(1, std::size_t{64} << 20)),
        "sieve: segment_bytes 67108864: must be 0 (from the L2 cache) or a power of two from "
        "4096 to 33554432",
        std::invalid_argument);
    CHECK_THROWS_WITH_AS(count_primes(0, 100, with(1, 0, 1000)),
                         "sieve: l1_bytes 1000: must be 0 (from the L1d cache) or at least 1024",
                         std::invalid_argument);
    // An L1 block larger than the segment is clipped to it.
    const count_result r = count_primes_timed(0, 1'000'000, with(1, 4096, 65536));
    CHECK(r.count == 78498);
    CHECK(r.sizes.segment_bytes == 4096);
    CHECK(r.sizes.l1_bytes == 4096);
}

TEST_CASE("the segment policies") {
    const segment_sizes z = fixed_segments<8192, 2048>::sizes({}, 1'000'000'000);
    CHECK(z.segment_bytes == 8192);
    CHECK(z.l1_bytes == 2048);
    prime_sieve<fixed_segments<8192, 2048>> fixed(with(2));
    const count_result r = fixed.count(0, 100'000'000);
    CHECK(r.count == 5761455);
    CHECK(r.sizes.segment_bytes == 8192);
    CHECK(r.threads == 2);
    CHECK(r.chunks > 2);

    // From the caches: a power of two, at least the L1 block.
    const segment_sizes c = cache_segments::sizes({}, 10'000'000'000);
    CHECK(c.segment_bytes >= 4096);
    CHECK((c.segment_bytes & (c.segment_bytes - 1)) == 0);
    CHECK(c.l1_bytes <= c.segment_bytes);
    CHECK(c.l1_bytes % 64 == 0);
    CHECK(c.small_limit < c.medium_limit);
}

TEST_CASE("near 2^64: the top primes, against Miller-Rabin" * doctest::skip(under_tsan)) {
    // Every sieving prime up to 2^32 (203 million of them) is tried: seconds per call.
    const std::uint64_t lo = max64 - 600;
    std::vector<std::uint64_t> want;
    for (std::uint64_t n = lo; n < max64; ++n) {
        if (miller_rabin(n)) want.push_back(n);
    }
    REQUIRE(want.size() >= 3);
    CHECK(want.back() == max64 - 58);  // 2^64 - 59, the largest prime below 2^64
    CHECK(primes_of(lo, max64, with(1)) == want);
    CHECK(count_primes(max64 - 58, max64, with(2)) == 1);
}

TEST_CASE("for_each_prime: ascending, complete, from the calling thread, stoppable") {
    const std::vector<std::uint64_t> want = plain_primes(0, 2'000'000);
    std::vector<std::uint64_t> got;
    const auto caller = std::this_thread::get_id();
    bool same_thread = true;
    for_each_prime(0, 2'000'000, [&](std::uint64_t p) {
        same_thread = same_thread && std::this_thread::get_id() == caller;
        got.push_back(p);
    }, with(4));
    CHECK(same_thread);
    CHECK(got == want);

    std::vector<std::uint64_t> first;
    for_each_prime(0, 1'000'000, [&](std::uint64_t p) {
        first.push_back(p);
        return first.size() < 10;
    });
    CHECK(first == std::vector<std::uint64_t>{2, 3, 5, 7, 11, 13, 17, 19, 23, 29});

    // A stop during 2, 3, 5.
    first.clear();
    for_each_prime(0, 100, [&](std::uint64_t p) {
        first.push_back(p);
        return false;
    });
    CHECK(first == std::vector<std::uint64_t>{2});
}

TEST_CASE("for_each_prime_parallel: every prime once, ascending within each thread's chunk") {
    const std::uint64_t a = 50'000'000, b = 90'000'000;
    const std::vector<std::uint64_t> want = plain_primes(a, b);
    for (unsigned t : {1u, 2u, 3u}) {
        CAPTURE(t);
        std::vector<std::vector<std::uint64_t>> per(t);
        std::vector<std::size_t> descents(t, 0);
        for_each_prime_parallel(a, b, [&](unsigned m, std::uint64_t p) {
            if (!per[m].empty() && p < per[m].back()) ++descents[m];
            per[m].push_back(p);
        }, with(t, 65536));
        std::vector<std::uint64_t> all;
        std::size_t chunk_starts = 0;
        for (unsigned m = 0; m < t; ++m) {
            all.insert(all.end(), per[m].begin(), per[m].end());
            chunk_starts += descents[m];
        }
        std::sort(all.begin(), all.end());
        CHECK(all == want);
        // A thread goes backwards only when it claims an earlier chunk after a later one.
        CHECK(chunk_starts < 200);
    }
    std::vector<std::uint64_t> small;
    for_each_prime_parallel(0, 30, [&](unsigned m, std::uint64_t p) {
        CHECK(m == 0);
        small.push_back(p);
    }, with(2));
    CHECK(small == std::vector<std::uint64_t>{2, 3, 5, 7, 11, 13, 17, 19, 23, 29});
}

TEST_CASE("more threads than CPUs, and a sieve reused across calls") {
    const auto cpus = static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
    prime_sieve<> s(with(2 * cpus + 1, 16384, 4096));
    CHECK(s.threads() == 2 * cpus + 1);
    const count_result r = s.count(0, 200'000'000);
    CHECK(r.count == 11078937);  // pi(2*10^8)
    CHECK(r.threads == 2 * cpus + 1);
    CHECK(r.seconds > 0);
    CHECK(s.count(0, 1'000'000).count == 78498);
    CHECK(s.count(999'999'000, 1'000'000'000).count == plain_primes(999'999'000, 1'000'000'000).size());
    CHECK(s.count(0, 100'000'000).count == 5761455);

    prime_sieve<> all;  // threads = 0: one per allowed CPU
    CHECK(all.threads() == cpus);
    CHECK(all.count(0, 100'000'000).count == 5761455);
}

namespace {
/// A user counter: primes by last decimal digit, from the wheel positions alone (30b + 7 ends in
/// 7, 30b + 11 in 1, ...): bit k of every byte has the last digit wheel_offset(k) % 10.
struct last_digit_tally {
    std::uint64_t n[10] = {};
    void operator()(const segment_view& s) {
        static constexpr unsigned digit[8] = {7, 1, 3, 7, 9, 3, 9, 1};
        for (std::size_t k = 0; k < s.words(); ++k) {
            const std::uint64_t w = s.word(k);
            for (unsigned b = 0; b < 8; ++b) {
                n[digit[b]] += static_cast<std::uint64_t>(
                    __builtin_popcountll(w & (0x0101010101010101ull << b)));
            }
        }
    }
    last_digit_tally& operator+=(const last_digit_tally& o) {
        for (unsigned d = 0; d < 10; ++d) n[d] += o.n[d];
        return *this;
    }
};
}  // namespace

TEST_CASE("reduce: a user counter over the segments, on every thread count") {
    const std::uint64_t a = 1'000'000'000, b = 1'050'000'000;
    const std::vector<std::uint64_t> want_primes = plain_primes(a, b);
    std::uint64_t want[10] = {};
    for (std::uint64_t p : want_primes) ++want[p % 10];
    for (unsigned t : {1u, 2u, 3u}) {
        CAPTURE(t);
        prime_sieve<fixed_segments<16384, 4096>> s(with(t));
        const last_digit_tally got = s.reduce(a, b, last_digit_tally{});
        for (unsigned d = 0; d < 10; ++d) {
            CAPTURE(d);
            CHECK(got.n[d] == want[d]);
        }
    }
    // 2, 3 and 5 are in no segment; the initial value is added once.
    last_digit_tally init;
    init.n[2] = 1;
    init.n[3] = 1;
    init.n[5] = 1;
    const last_digit_tally small = prime_sieve<>(with(2)).reduce(0, 100, init);
    std::uint64_t total = 0;
    for (std::uint64_t v : small.n) total += v;
    CHECK(total == 25);
    CHECK(small.n[1] == 5);  // 11 31 41 61 71
    CHECK(small.n[3] == 7);  // 3 13 23 43 53 73 83
}

TEST_CASE("known_count_below") {
    CHECK(known_count_below(10'000'000'000) == 455052511);
    CHECK(known_count_below(std::uint64_t{1} << 32) == 203280221);
    CHECK(known_count_below(65536) == 6542);
    CHECK(known_count_below(12345) == -1);
    // Each table entry below 2^26 is checked against the sieve itself.
    for (std::uint64_t n = 1; n < (std::uint64_t{1} << 26); n *= 2) {
        if (known_count_below(n) >= 0) {
            CAPTURE(n);
            CHECK(count_primes(0, n) == static_cast<std::uint64_t>(known_count_below(n)));
        }
    }
}
