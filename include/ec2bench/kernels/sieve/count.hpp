// SPDX-License-Identifier: MIT
// Counting the primes of a sieved segment: a popcount over its words, compiled once per
// instruction set under its own name (baseline::, avx2::, neon::) so that one is chosen at run
// time (dispatch.hpp) whatever flags the including translation unit was built with; and the
// segment_view that user counters read.
#ifndef EC2BENCH_KERNELS_SIEVE_COUNT_HPP
#define EC2BENCH_KERNELS_SIEVE_COUNT_HPP

#include <ec2bench/kernels/sieve/wheel.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

// x86-64 always has SSE2 (baseline); the AVX2 functions carry their own target attribute.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define EC2BENCH_SIEVE_COUNT_X86 1
#define EC2BENCH_SIEVE_COUNT_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt,lzcnt,fma")))
#else
#define EC2BENCH_SIEVE_COUNT_X86 0
#endif
// NEON is part of aarch64: compiled as such, no dispatch needed to run it.
#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#define EC2BENCH_SIEVE_COUNT_NEON 1
#else
#define EC2BENCH_SIEVE_COUNT_NEON 0
#endif

namespace ec2bench::sieve::detail {

/// The popcount of `words` 64-bit words from p: the number of primes in them.
using count_words_fn = std::uint64_t (*)(const unsigned char* p, std::size_t words);

/// Word by word, for any CPU.
namespace portable {
inline std::uint64_t count_words(const unsigned char* p, std::size_t words) noexcept {
    std::uint64_t n = 0;
    for (std::size_t k = 0; k < words; ++k) n += popcount64(load_word(p + 8 * k));
    return n;
}
}  // namespace portable

#if EC2BENCH_SIEVE_COUNT_X86
namespace baseline {
/// SSE2 has no popcount instruction (and __builtin_popcountll becomes a library call): bits are
/// summed within bytes by shifts and masks, then across bytes by PSADBW, 16 bytes at a time.
inline std::uint64_t count_words(const unsigned char* p, std::size_t words) noexcept {
    const __m128i m1 = _mm_set1_epi8(0x55), m2 = _mm_set1_epi8(0x33), m4 = _mm_set1_epi8(0x0f);
    const __m128i zero = _mm_setzero_si128();
    __m128i acc = zero;
    std::size_t k = 0;
    for (; k + 2 <= words; k += 2) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 8 * k));
        v = _mm_sub_epi8(v, _mm_and_si128(_mm_srli_epi16(v, 1), m1));
        v = _mm_add_epi8(_mm_and_si128(v, m2), _mm_and_si128(_mm_srli_epi16(v, 2), m2));
        v = _mm_and_si128(_mm_add_epi8(v, _mm_srli_epi16(v, 4)), m4);
        acc = _mm_add_epi64(acc, _mm_sad_epu8(v, zero));
    }
    std::uint64_t n = static_cast<std::uint64_t>(_mm_cvtsi128_si64(acc)) +
                      static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc)));
    if (k < words) n += portable::count_words(p + 8 * k, words - k);
    return n;
}
}  // namespace baseline

namespace avx2 {
/// Wojciech Muła's popcount: each nibble's count from a 16-entry table by VPSHUFB, summed
/// across bytes by VPSADBW; 32 bytes per 8 vector instructions, faster than four scalar POPCNTs
/// where POPCNT issues once per cycle (Intel).
EC2BENCH_SIEVE_COUNT_AVX2 inline std::uint64_t count_words(const unsigned char* p,
                                                           std::size_t words) noexcept {
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                           0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    const __m256i zero = _mm256_setzero_si256();
    __m256i acc = zero;
    std::size_t k = 0;
    for (; k + 4 <= words; k += 4) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 8 * k));
        const __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(v, low));
        const __m256i hi =
            _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_add_epi8(lo, hi), zero));
    }
    const __m128i half =
        _mm_add_epi64(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    std::uint64_t n = static_cast<std::uint64_t>(_mm_cvtsi128_si64(half)) +
                      static_cast<std::uint64_t>(_mm_extract_epi64(half, 1));
    for (; k < words; ++k) {
        n += static_cast<std::uint64_t>(_mm_popcnt_u64(load_word(p + 8 * k)));
    }
    return n;
}
}  // namespace avx2
#else
namespace baseline {
using portable::count_words;
}  // namespace baseline
#endif

#if EC2BENCH_SIEVE_COUNT_NEON
namespace neon {
/// CNT counts the bits of each byte; pairwise widening adds sum them into two 64-bit lanes.
inline std::uint64_t count_words(const unsigned char* p, std::size_t words) noexcept {
    uint64x2_t acc = vdupq_n_u64(0);
    std::size_t k = 0;
    for (; k + 2 <= words; k += 2) {
        const uint8x16_t v = vld1q_u8(p + 8 * k);
        acc = vpadalq_u32(acc, vpaddlq_u16(vpaddlq_u8(vcntq_u8(v))));
    }
    std::uint64_t n = vgetq_lane_u64(acc, 0) + vgetq_lane_u64(acc, 1);
    if (k < words) n += portable::count_words(p + 8 * k, words - k);
    return n;
}
}  // namespace neon
#endif

}  // namespace ec2bench::sieve::detail

namespace ec2bench::sieve {

/// One sieved segment of [lo, hi): bit k of bytes[i] is set when 30 * (first_byte + i) +
/// wheel_offset(k) is a prime in [lo, hi), wheel_offset(k) being 7, 11, 13, 17, 19, 23, 29, 31.
/// Only numbers from 7 on appear; 2, 3 and 5 are never in a segment. The bytes are zero-padded to
/// whole 64-bit words (`words()`).
struct segment_view {
    const unsigned char* bytes = nullptr;
    std::size_t size = 0;
    std::uint64_t first_byte = 0;
    /// The popcount chosen for this run's instruction set; null: the portable one.
    detail::count_words_fn count_words = nullptr;

    std::size_t words() const noexcept { return (size + 7) / 8; }

    /// Word k, with byte 8k in its low bits on every platform.
    std::uint64_t word(std::size_t k) const noexcept { return detail::load_word(bytes + 8 * k); }

    /// The primes in the segment.
    std::uint64_t count() const noexcept {
        return count_words != nullptr ? count_words(bytes, words())
                                      : detail::portable::count_words(bytes, words());
    }

    /// Calls f(prime) for each prime of the segment, in ascending order. Returns false as soon
    /// as f returns false (when f returns bool).
    template <class F>
    bool for_each(F& f) const {
        const std::size_t w = words();
        std::uint64_t base = 30 * first_byte;
        for (std::size_t k = 0; k < w; ++k, base += 240) {
            for (std::uint64_t bits = word(k); bits != 0; bits &= bits - 1) {
                const std::uint64_t p = base + detail::bit_value.v[detail::count_zeros_right(bits)];
                if constexpr (std::is_same_v<decltype(f(p)), bool>) {
                    if (!f(p)) return false;
                } else {
                    f(p);
                }
            }
        }
        return true;
    }
};

namespace detail {

/// The counter of count(): a popcount per segment.
struct prime_tally {
    std::uint64_t n = 0;
    void operator()(const segment_view& s) noexcept { n += s.count(); }
    prime_tally& operator+=(const prime_tally& o) noexcept {
        n += o.n;
        return *this;
    }
};

}  // namespace detail

}  // namespace ec2bench::sieve

#undef EC2BENCH_SIEVE_COUNT_X86
#undef EC2BENCH_SIEVE_COUNT_AVX2
#undef EC2BENCH_SIEVE_COUNT_NEON

#endif  // EC2BENCH_KERNELS_SIEVE_COUNT_HPP
