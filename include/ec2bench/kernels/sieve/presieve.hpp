// SPDX-License-Identifier: MIT
// The pre-sieve: the multiples of the primes 7..163 removed by AND-ing periodic patterns into
// each block. The AND loop is compiled once per instruction set under its own name (baseline::,
// avx2::, neon::) and chosen at run time (dispatch.hpp), so a translation unit built for baseline
// x86-64 still runs the AVX2 loop where the CPU has it.
#ifndef EC2BENCH_KERNELS_SIEVE_PRESIEVE_HPP
#define EC2BENCH_KERNELS_SIEVE_PRESIEVE_HPP

#include <ec2bench/kernels/sieve/wheel.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

// x86-64 always has SSE2 (baseline); the AVX2 functions carry their own target attribute.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define EC2BENCH_SIEVE_PRESIEVE_X86 1
#define EC2BENCH_SIEVE_PRESIEVE_AVX2 \
    __attribute__((target("avx2,bmi,bmi2,popcnt,lzcnt,fma"), always_inline))
#else
#define EC2BENCH_SIEVE_PRESIEVE_X86 0
#endif
// NEON is part of aarch64: compiled as such, no dispatch needed to run it.
#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#define EC2BENCH_SIEVE_PRESIEVE_NEON 1
#else
#define EC2BENCH_SIEVE_PRESIEVE_NEON 0
#endif

namespace ec2bench::sieve::detail {

// The multiples of the primes 7..163 are removed by AND-ing 16 periodic patterns rather than by
// crossing off: each pattern holds the multiples of two or three primes whose product P is its
// period in bytes (30*P numbers), all of them together about 140 KB. The grouping keeps every
// period near 10^4 bytes so the patterns stay in L2 beside the segment.

inline constexpr unsigned presieve_max_prime = 163;
inline constexpr unsigned presieve_groups[16][3] = {
    {163, 73, 1}, {157, 71, 1}, {151, 79, 1}, {149, 67, 1}, {139, 83, 1}, {137, 61, 1},
    {131, 89, 1}, {127, 59, 1}, {113, 103, 1}, {109, 107, 1}, {101, 97, 1}, {53, 47, 1},
    {43, 41, 1}, {37, 31, 7}, {29, 23, 17}, {19, 13, 11}};
/// Bytes AND-ed per run: every pattern is stored this much (plus a word) past its period, so a
/// run never wraps.
inline constexpr std::size_t presieve_run = 1024;

struct presieve_tables {
    std::vector<unsigned char> bytes;
    std::size_t start[16] = {};
    std::size_t period[16] = {};
    /// The bits of the primes <= 163 in the first 6 bytes, which the patterns clear.
    unsigned char prime_bits[6] = {};
};

inline presieve_tables make_presieve_tables() {
    presieve_tables t;
    std::size_t total = 0;
    for (unsigned g = 0; g < 16; ++g) {
        std::size_t p = 1;
        for (unsigned q : presieve_groups[g]) p *= q;
        t.period[g] = p;
        t.start[g] = total;
        total += p + presieve_run + 8;
    }
    t.bytes.assign(total, 0xff);
    for (unsigned g = 0; g < 16; ++g) {
        unsigned char* out = t.bytes.data() + t.start[g];
        const std::size_t n = t.period[g] + presieve_run + 8;
        for (unsigned q : presieve_groups[g]) {
            if (q == 1) continue;
            for (unsigned k = 0; k < 8; ++k) {
                // The first byte b with 30 * b + wheel_offset[k] divisible by q, then every q-th.
                std::size_t b = 0;
                while ((30 * b + wheel_offset[k]) % q != 0) ++b;
                for (; b < n; b += q) out[b] = static_cast<unsigned char>(out[b] & ~(1u << k));
            }
        }
    }
    for (unsigned b = 0; b < 6; ++b) {
        unsigned bits = 0;
        for (unsigned k = 0; k < 8; ++k) {
            const unsigned v = 30 * b + wheel_offset[k];
            bool prime = v <= presieve_max_prime;
            for (unsigned q = 2; prime && q * q <= v; ++q) prime = v % q != 0;
            if (prime) bits |= 1u << k;
        }
        t.prime_bits[b] = static_cast<unsigned char>(bits);
    }
    return t;
}

inline const presieve_tables& presieve_data() {
    static const presieve_tables t = make_presieve_tables();
    return t;
}

/// o[k] = a[0][k] & ... & a[15][k] for k < n rounded up to a multiple of 8 (two passes of
/// eight patterns keep the pointers in registers). May write up to 7 bytes past n.
using and_patterns_fn = void (*)(unsigned char* o, const unsigned char* const* a, std::size_t n);

/// and_patterns from byte k on, a 64-bit word at a time: the tail of every variant.
inline void and_patterns_words(unsigned char* o, const unsigned char* const* a, std::size_t k,
                               std::size_t n) noexcept {
    for (; k < n; k += 8) {
        std::uint64_t x = load_word(a[0] + k);
        for (unsigned g = 1; g < 16; ++g) x &= load_word(a[g] + k);
        store_word(o + k, x);
    }
}

/// The 16 pattern pointers of a run, copied out of the caller's array: a store through an
/// unsigned char* may alias anything in memory, so pointers read from the array would be
/// reloaded after every store, while these stay in registers.
struct pattern_pointers {
    const unsigned char* p[16];
    explicit pattern_pointers(const unsigned char* const* a) noexcept {
        for (unsigned g = 0; g < 16; ++g) p[g] = a[g];
    }
};

namespace portable {
inline void and_patterns(unsigned char* o, const unsigned char* const* a, std::size_t n) noexcept {
    and_patterns_words(o, a, 0, n);
}
}  // namespace portable

#if EC2BENCH_SIEVE_PRESIEVE_X86
namespace baseline {
inline __m128i load128(const unsigned char* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

/// 16 bytes at a time with SSE2.
inline void and_patterns(unsigned char* o, const unsigned char* const* patterns,
                         std::size_t n) noexcept {
    const pattern_pointers q(patterns);
    const unsigned char* const* a = q.p;
    using v = __m128i;
    std::size_t k = 0;
    for (; k + 16 <= n; k += 16) {
        const v x = _mm_and_si128(
            _mm_and_si128(_mm_and_si128(load128(a[0] + k), load128(a[1] + k)),
                          _mm_and_si128(load128(a[2] + k), load128(a[3] + k))),
            _mm_and_si128(_mm_and_si128(load128(a[4] + k), load128(a[5] + k)),
                          _mm_and_si128(load128(a[6] + k), load128(a[7] + k))));
        _mm_storeu_si128(reinterpret_cast<v*>(o + k), x);
    }
    for (std::size_t m = 0; m < k; m += 16) {
        const v x = _mm_and_si128(
            _mm_and_si128(_mm_and_si128(load128(a[8] + m), load128(a[9] + m)),
                          _mm_and_si128(load128(a[10] + m), load128(a[11] + m))),
            _mm_and_si128(_mm_and_si128(load128(a[12] + m), load128(a[13] + m)),
                          _mm_and_si128(load128(a[14] + m), load128(a[15] + m))));
        _mm_storeu_si128(reinterpret_cast<v*>(o + m), _mm_and_si128(x, load128(o + m)));
    }
    and_patterns_words(o, a, k, n);
}
}  // namespace baseline

namespace avx2 {
EC2BENCH_SIEVE_PRESIEVE_AVX2 inline __m256i load256(const unsigned char* p) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

EC2BENCH_SIEVE_PRESIEVE_AVX2 inline __m256i and4(__m256i a, __m256i b, __m256i c,
                                                 __m256i d) noexcept {
    return _mm256_and_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, d));
}

/// 32 bytes at a time with AVX2: 16 loads, 15 ANDs and a store (and a load) per 32 bytes.
__attribute__((target("avx2,bmi,bmi2,popcnt,lzcnt,fma"))) inline void and_patterns(
    unsigned char* o, const unsigned char* const* patterns, std::size_t n) noexcept {
    const pattern_pointers q(patterns);
    const unsigned char* const* a = q.p;
    using v = __m256i;
    std::size_t k = 0;
    for (; k + 32 <= n; k += 32) {
        const v x = _mm256_and_si256(
            and4(load256(a[0] + k), load256(a[1] + k), load256(a[2] + k), load256(a[3] + k)),
            and4(load256(a[4] + k), load256(a[5] + k), load256(a[6] + k), load256(a[7] + k)));
        _mm256_storeu_si256(reinterpret_cast<v*>(o + k), x);
    }
    for (std::size_t m = 0; m < k; m += 32) {
        const v x = _mm256_and_si256(
            and4(load256(a[8] + m), load256(a[9] + m), load256(a[10] + m), load256(a[11] + m)),
            and4(load256(a[12] + m), load256(a[13] + m), load256(a[14] + m), load256(a[15] + m)));
        _mm256_storeu_si256(reinterpret_cast<v*>(o + m), _mm256_and_si256(x, load256(o + m)));
    }
    and_patterns_words(o, a, k, n);
}
}  // namespace avx2
#else
namespace baseline {
using portable::and_patterns;
}  // namespace baseline
#endif

#if EC2BENCH_SIEVE_PRESIEVE_NEON
namespace neon {
/// 16 bytes at a time with NEON.
inline void and_patterns(unsigned char* o, const unsigned char* const* patterns,
                         std::size_t n) noexcept {
    const pattern_pointers q(patterns);
    const unsigned char* const* a = q.p;
    std::size_t k = 0;
    for (; k + 16 <= n; k += 16) {
        const uint8x16_t x = vandq_u8(
            vandq_u8(vandq_u8(vld1q_u8(a[0] + k), vld1q_u8(a[1] + k)),
                     vandq_u8(vld1q_u8(a[2] + k), vld1q_u8(a[3] + k))),
            vandq_u8(vandq_u8(vld1q_u8(a[4] + k), vld1q_u8(a[5] + k)),
                     vandq_u8(vld1q_u8(a[6] + k), vld1q_u8(a[7] + k))));
        vst1q_u8(o + k, x);
    }
    for (std::size_t m = 0; m < k; m += 16) {
        const uint8x16_t x = vandq_u8(
            vandq_u8(vandq_u8(vld1q_u8(a[8] + m), vld1q_u8(a[9] + m)),
                     vandq_u8(vld1q_u8(a[10] + m), vld1q_u8(a[11] + m))),
            vandq_u8(vandq_u8(vld1q_u8(a[12] + m), vld1q_u8(a[13] + m)),
                     vandq_u8(vld1q_u8(a[14] + m), vld1q_u8(a[15] + m))));
        vst1q_u8(o + m, vandq_u8(x, vld1q_u8(o + m)));
    }
    and_patterns_words(o, a, k, n);
}
}  // namespace neon
#endif

/// out[0, len) = the pre-sieve patterns for the bytes from global byte index `first` on, AND-ed
/// by `and_patterns` (the run's instruction set). May write up to 7 bytes past len.
inline void presieve(unsigned char* out, std::uint64_t first, std::size_t len,
                     and_patterns_fn and_patterns) {
    const presieve_tables& t = presieve_data();
    const unsigned char* base = t.bytes.data();
    std::size_t pos[16];
    for (unsigned g = 0; g < 16; ++g) pos[g] = static_cast<std::size_t>(first % t.period[g]);
    for (std::size_t done = 0; done < len; done += presieve_run) {
        const std::size_t run = std::min(presieve_run, len - done);
        const unsigned char* a[16];
        for (unsigned g = 0; g < 16; ++g) a[g] = base + t.start[g] + pos[g];
        and_patterns(out + done, a, run);
        for (unsigned g = 0; g < 16; ++g) {
            pos[g] += run;
            if (pos[g] >= t.period[g]) pos[g] -= t.period[g];
        }
    }
    // The patterns also cleared the primes 7..163 themselves.
    for (std::uint64_t b = first; b < 6 && b < first + len; ++b) {
        out[b - first] = static_cast<unsigned char>(out[b - first] |
                                                    t.prime_bits[static_cast<std::size_t>(b)]);
    }
}

}  // namespace ec2bench::sieve::detail

#undef EC2BENCH_SIEVE_PRESIEVE_X86
#undef EC2BENCH_SIEVE_PRESIEVE_AVX2
#undef EC2BENCH_SIEVE_PRESIEVE_NEON

#endif  // EC2BENCH_KERNELS_SIEVE_PRESIEVE_HPP
