// SPDX-License-Identifier: MIT
// The prime sieve: counts or visits the primes in [lo, hi) for 64-bit bounds with a segmented
// sieve of Eratosthenes on a mod-30 wheel (one byte per 30 numbers), pre-sieved by the primes up
// to 163, with separate crossing-off strategies for small, medium and large sieving primes and
// threads over dynamically claimed chunks. docs/sieve.md describes the algorithm.
#ifndef EC2BENCH_KERNELS_SIEVE_HPP
#define EC2BENCH_KERNELS_SIEVE_HPP

#include <ec2bench/detail/clock.hpp>
#include <ec2bench/detail/cpu_caches.hpp>
#include <ec2bench/detail/thread_team.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SSE2__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define EC2BENCH_SIEVE_INLINE inline __attribute__((always_inline))
#define EC2BENCH_SIEVE_UNREACHABLE() __builtin_unreachable()
#else
#define EC2BENCH_SIEVE_INLINE inline
#define EC2BENCH_SIEVE_UNREACHABLE() ((void)0)
#endif

namespace ec2bench::sieve {

/// How a sieve runs. Zero means "decide from this machine" for every field.
///
///     ec2bench::sieve::options opt;  opt.threads = 2;
struct options {
    /// Threads; 0 means one per CPU this process may run on (sched_getaffinity).
    unsigned threads = 0;
    /// Bytes of sieve per segment (30 numbers per byte): a power of two from 4 KiB to 32 MiB;
    /// 0 sizes it from the L2 cache and the limit.
    std::size_t segment_bytes = 0;
    /// Bytes crossed off at a time by the small sieving primes and the pre-sieve: at least 1 KiB
    /// (rounded down to a multiple of 64, at most segment_bytes); 0 means the L1d size.
    std::size_t l1_bytes = 0;
};

/// The sizes one run uses, as chosen by a segment policy.
struct segment_sizes {
    std::size_t segment_bytes = 0;  ///< power of two
    std::size_t l1_bytes = 0;       ///< multiple of 64, at most segment_bytes
    std::uint64_t small_limit = 0;  ///< sieving primes up to this cross off per L1 block
    std::uint64_t medium_limit = 0; ///< then up to this per segment; larger ones from buckets
};

/// What a timed count returns.
struct count_result {
    std::uint64_t count = 0;   ///< primes in [lo, hi)
    double seconds = 0;        ///< wall time of the call (on a reused prime_sieve: the sieve)
    unsigned threads = 0;      ///< threads that took part
    std::uint64_t chunks = 0;  ///< pieces of the interval the threads claimed
    segment_sizes sizes;       ///< what the segment policy chose
};

namespace detail {

// --- The mod-30 wheel ----------------------------------------------------------------------------
// Byte b of a sieve stands for the numbers 30*b + {7, 11, 13, 17, 19, 23, 29, 31}, bit k for
// wheel_offset[k]: every number coprime to 30 in [30b + 7, 30b + 37) has a bit, and 1 has none.

inline constexpr unsigned char wheel_offset[8] = {7, 11, 13, 17, 19, 23, 29, 31};
/// Between consecutive numbers coprime to 30, starting at 7: 7 -> 11 -> 13 ... 31 -> 37.
inline constexpr unsigned char wheel_gap[8] = {4, 2, 4, 2, 4, 6, 2, 6};
/// Distance of wheel position j from position 0 within one turn of 30.
inline constexpr unsigned char wheel_lead[8] = {0, 4, 6, 10, 12, 16, 22, 24};

/// Position 0..7 of a residue mod 30 on the wheel (1 is position 7, as 31), 8 when not coprime.
constexpr unsigned wheel_slot(unsigned residue) {
    for (unsigned k = 0; k < 8; ++k) {
        if (wheel_offset[k] % 30u == residue) return k;
    }
    return 8;
}

struct residue_table {
    unsigned char slot[30];   ///< wheel_slot(r)
    unsigned char to_next[30];  ///< distance from r to the next residue coprime to 30
};

constexpr residue_table make_residue_table() {
    residue_table t{};
    for (unsigned r = 0; r < 30; ++r) {
        t.slot[r] = static_cast<unsigned char>(wheel_slot(r));
        unsigned k = 0;
        while (wheel_slot((r + k) % 30u) == 8) ++k;
        t.to_next[r] = static_cast<unsigned char>(k);
    }
    return t;
}
inline constexpr residue_table residues = make_residue_table();

/// The crossing-off pattern of the sieving primes p = 30d + r with one residue r (a "class").
/// Their multiples p*q, q coprime to 30, visit the 8 wheel positions of q in turn; from position
/// j the next multiple lies d*wheel_gap[j] + carry[j] bytes further, in the bit that mask[j]
/// clears. One turn of the wheel advances p bytes; lead[j] sums the carries before position j.
struct prime_class {
    unsigned residue = 0;
    unsigned char mask[8] = {};
    unsigned char carry[8] = {};
    unsigned char lead[8] = {};
};

constexpr prime_class make_prime_class(unsigned c) {
    prime_class k{};
    k.residue = wheel_offset[c] % 30u;
    unsigned acc = 0;
    for (unsigned j = 0; j < 8; ++j) {
        // (p*q - 7) mod 30 for q on wheel position j: where in its byte the multiple falls.
        const unsigned u = (k.residue * wheel_offset[j] + 23u) % 30u;
        k.mask[j] = static_cast<unsigned char>(~(1u << wheel_slot((u + 7u) % 30u)) & 0xffu);
        k.carry[j] = static_cast<unsigned char>((u + k.residue * wheel_gap[j]) / 30u);
        k.lead[j] = static_cast<unsigned char>(acc);
        acc += k.carry[j];
    }
    return k;
}

inline constexpr prime_class prime_classes[8] = {
    make_prime_class(0), make_prime_class(1), make_prime_class(2), make_prime_class(3),
    make_prime_class(4), make_prime_class(5), make_prime_class(6), make_prime_class(7)};

/// The same, flattened by wheel index (class * 8 + position) for the bucket sieve.
struct wheel_step {
    unsigned char mask;
    unsigned char carry;
    unsigned char gap;
    unsigned char next;  ///< the wheel index after this one
};

struct wheel_table {
    wheel_step step[64];
};

constexpr wheel_table make_wheel_table() {
    wheel_table t{};
    for (unsigned c = 0; c < 8; ++c) {
        const prime_class k = make_prime_class(c);
        for (unsigned j = 0; j < 8; ++j) {
            t.step[c * 8 + j] = {k.mask[j], k.carry[j], wheel_gap[j],
                                 static_cast<unsigned char>(c * 8 + (j + 1) % 8)};
        }
    }
    return t;
}
inline constexpr wheel_table wheel_steps = make_wheel_table();

/// bit_value[b]: the number that bit b of a little-endian 64-bit word of the sieve stands for,
/// relative to 30 times the index of the word's first byte.
struct bit_values {
    unsigned char v[64];
};
constexpr bit_values make_bit_values() {
    bit_values t{};
    for (unsigned b = 0; b < 64; ++b) {
        t.v[b] = static_cast<unsigned char>(30 * (b / 8) + wheel_offset[b % 8]);
    }
    return t;
}
inline constexpr bit_values bit_value = make_bit_values();

/// floor(sqrt(n)) for every 64-bit n.
inline std::uint64_t isqrt(std::uint64_t n) noexcept {
    auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
    r = std::min<std::uint64_t>(r, 0xffffffffu);
    while (r * r > n) --r;
    while (r < 0xffffffffu && (r + 1) * (r + 1) <= n) ++r;
    return r;
}

/// ceil(n / p) for p > 0.
inline std::uint64_t ceil_div(std::uint64_t n, std::uint64_t p) noexcept {
    return n / p + (n % p != 0 ? 1 : 0);
}

/// out = a * b; true when that overflows.
inline bool multiply_overflows(std::uint64_t a, std::uint64_t b, std::uint64_t& out) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_mul_overflow(a, b, &out);
#else
    if (b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b) return true;
    out = a * b;
    return false;
#endif
}

inline std::uint64_t load_word(const unsigned char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

inline void store_word(unsigned char* p, std::uint64_t w) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    std::memcpy(p, &w, sizeof(w));
}

inline unsigned count_zeros_right(std::uint64_t w) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_ctzll(w));
#else
    unsigned n = 0;
    while ((w & 1) == 0) { w >>= 1; ++n; }
    return n;
#endif
}

inline unsigned popcount64(std::uint64_t w) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_popcountll(w));
#else
    unsigned n = 0;
    for (; w != 0; w &= w - 1) ++n;
    return n;
#endif
}

}  // namespace detail

/// One sieved segment of [lo, hi): bit k of bytes[i] is set when 30 * (first_byte + i) +
/// wheel_offset(k) is a prime in [lo, hi), wheel_offset(k) being 7, 11, 13, 17, 19, 23, 29, 31.
/// Only numbers from 7 on appear; 2, 3 and 5 are never in a segment. The bytes are zero-padded to
/// whole 64-bit words (`words()`).
struct segment_view {
    const unsigned char* bytes = nullptr;
    std::size_t size = 0;
    std::uint64_t first_byte = 0;

    std::size_t words() const noexcept { return (size + 7) / 8; }

    /// Word k, with byte 8k in its low bits on every platform.
    std::uint64_t word(std::size_t k) const noexcept { return detail::load_word(bytes + 8 * k); }

    /// The primes in the segment.
    std::uint64_t count() const noexcept {
        std::uint64_t n = 0;
        const std::size_t w = words();
        for (std::size_t k = 0; k < w; ++k) n += detail::popcount64(word(k));
        return n;
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

// --- Pre-sieve -----------------------------------------------------------------------------------
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
/// eight patterns keep the pointers in registers).
inline void and_patterns(unsigned char* o, const unsigned char* const* a, std::size_t n) {
#if defined(__AVX2__)
    using v = __m256i;
    const auto ld = [](const unsigned char* p) { return _mm256_loadu_si256(reinterpret_cast<const v*>(p)); };
    std::size_t k = 0;
    for (; k + 32 <= n; k += 32) {
        const v x = _mm256_and_si256(
            _mm256_and_si256(_mm256_and_si256(ld(a[0] + k), ld(a[1] + k)),
                             _mm256_and_si256(ld(a[2] + k), ld(a[3] + k))),
            _mm256_and_si256(_mm256_and_si256(ld(a[4] + k), ld(a[5] + k)),
                             _mm256_and_si256(ld(a[6] + k), ld(a[7] + k))));
        _mm256_storeu_si256(reinterpret_cast<v*>(o + k), x);
    }
    for (std::size_t m = 0; m < k; m += 32) {
        const v x = _mm256_and_si256(
            _mm256_and_si256(_mm256_and_si256(ld(a[8] + m), ld(a[9] + m)),
                             _mm256_and_si256(ld(a[10] + m), ld(a[11] + m))),
            _mm256_and_si256(_mm256_and_si256(ld(a[12] + m), ld(a[13] + m)),
                             _mm256_and_si256(ld(a[14] + m), ld(a[15] + m))));
        _mm256_storeu_si256(reinterpret_cast<v*>(o + m), _mm256_and_si256(x, ld(o + m)));
    }
#elif defined(__SSE2__)
    using v = __m128i;
    const auto ld = [](const unsigned char* p) { return _mm_loadu_si128(reinterpret_cast<const v*>(p)); };
    std::size_t k = 0;
    for (; k + 16 <= n; k += 16) {
        const v x = _mm_and_si128(
            _mm_and_si128(_mm_and_si128(ld(a[0] + k), ld(a[1] + k)),
                          _mm_and_si128(ld(a[2] + k), ld(a[3] + k))),
            _mm_and_si128(_mm_and_si128(ld(a[4] + k), ld(a[5] + k)),
                          _mm_and_si128(ld(a[6] + k), ld(a[7] + k))));
        _mm_storeu_si128(reinterpret_cast<v*>(o + k), x);
    }
    for (std::size_t m = 0; m < k; m += 16) {
        const v x = _mm_and_si128(
            _mm_and_si128(_mm_and_si128(ld(a[8] + m), ld(a[9] + m)),
                          _mm_and_si128(ld(a[10] + m), ld(a[11] + m))),
            _mm_and_si128(_mm_and_si128(ld(a[12] + m), ld(a[13] + m)),
                          _mm_and_si128(ld(a[14] + m), ld(a[15] + m))));
        _mm_storeu_si128(reinterpret_cast<v*>(o + m), _mm_and_si128(x, ld(o + m)));
    }
#else
    std::size_t k = 0;
#endif
    for (; k < n; k += 8) {
        std::uint64_t x = load_word(a[0] + k);
        for (unsigned g = 1; g < 16; ++g) x &= load_word(a[g] + k);
        store_word(o + k, x);
    }
}

/// out[0, len) = the pre-sieve patterns for the bytes from global byte index `first` on. May write
/// up to 7 bytes past len.
inline void presieve(unsigned char* out, std::uint64_t first, std::size_t len) {
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

// --- Crossing off --------------------------------------------------------------------------------
// The code below is generated per class (template parameter C) with the wheel positions unrolled,
// so every mask and carry is an immediate; a switch on the wheel position enters the unrolled
// cycle where the previous segment left it.

/// A sieving prime at most the small limit: sieved per L1 block.
struct small_prime {
    std::uint32_t d;      ///< p / 30
    std::uint32_t index;  ///< byte of the next multiple, relative to the segment
    std::uint32_t j;      ///< wheel position of that multiple's cofactor
};

/// A medium sieving prime; its wheel index is the list it is stored in.
struct medium_prime {
    std::uint32_t d;
    std::uint32_t index;
};

/// A large sieving prime in a bucket: its next multiple is in the bucket's segment.
struct large_prime {
    std::uint32_t d;
    std::uint32_t packed;  ///< index << 6 | wheel index
};

// Every loop below leaves through one exit per wheel position, so the hot path never
// materialises the position (the compiler would otherwise set it before every bounds check).
#define EC2BENCH_SIEVE_STEP(J)                                                  \
    step_##J:                                                                   \
        if (i >= end) goto exit_##J;                                            \
        s[i] &= prime_classes[C].mask[J];                                       \
        i += d * wheel_gap[J] + prime_classes[C].carry[J];

#define EC2BENCH_SIEVE_AT(J) s[i + d * wheel_lead[J] + prime_classes[C].lead[J]] &= prime_classes[C].mask[J]

#define EC2BENCH_SIEVE_SMALL_EXIT(J)                                            \
    exit_##J:                                                                   \
        it->index = static_cast<std::uint32_t>(i);                              \
        it->j = J;                                                              \
        continue;

/// Crosses off the multiples of the small primes of class C in s[0, end).
template <unsigned C>
inline void cross_small(unsigned char* s, std::size_t end, small_prime* it, small_prime* last) {
    constexpr std::size_t lead7 = wheel_lead[7];
    constexpr std::size_t carry7 = prime_classes[C].lead[7];
    constexpr std::size_t turn_carry = prime_classes[C].residue;
    for (; it != last; ++it) {
        const std::size_t d = it->d;
        std::size_t i = it->index;
        switch (it->j) {
            case 0: goto step_0;
            case 1: goto step_1;
            case 2: goto step_2;
            case 3: goto step_3;
            case 4: goto step_4;
            case 5: goto step_5;
            case 6: goto step_6;
            case 7: goto step_7;
            default: EC2BENCH_SIEVE_UNREACHABLE();
        }
        for (;;) {
            EC2BENCH_SIEVE_STEP(0)
            EC2BENCH_SIEVE_STEP(1)
            EC2BENCH_SIEVE_STEP(2)
            EC2BENCH_SIEVE_STEP(3)
            EC2BENCH_SIEVE_STEP(4)
            EC2BENCH_SIEVE_STEP(5)
            EC2BENCH_SIEVE_STEP(6)
            EC2BENCH_SIEVE_STEP(7)
            // At wheel position 0: whole turns while all 8 multiples are in range.
            {
                const std::size_t span = d * lead7 + carry7;
                if (span < end) {
                    const std::size_t limit = end - span;
                    const std::size_t turn = d * 30 + turn_carry;
                    while (i < limit) {
                        EC2BENCH_SIEVE_AT(0);
                        EC2BENCH_SIEVE_AT(1);
                        EC2BENCH_SIEVE_AT(2);
                        EC2BENCH_SIEVE_AT(3);
                        EC2BENCH_SIEVE_AT(4);
                        EC2BENCH_SIEVE_AT(5);
                        EC2BENCH_SIEVE_AT(6);
                        EC2BENCH_SIEVE_AT(7);
                        i += turn;
                    }
                }
            }
        }
        EC2BENCH_SIEVE_SMALL_EXIT(0)
        EC2BENCH_SIEVE_SMALL_EXIT(1)
        EC2BENCH_SIEVE_SMALL_EXIT(2)
        EC2BENCH_SIEVE_SMALL_EXIT(3)
        EC2BENCH_SIEVE_SMALL_EXIT(4)
        EC2BENCH_SIEVE_SMALL_EXIT(5)
        EC2BENCH_SIEVE_SMALL_EXIT(6)
        EC2BENCH_SIEVE_SMALL_EXIT(7)
    }
}

#define EC2BENCH_SIEVE_MEDIUM_EXIT(J)                                           \
    exit_##J:                                                                   \
        next[C * 8 + J].push_back({it->d, static_cast<std::uint32_t>(i - end)}); \
        continue;

/// Crosses off the multiples of the medium primes of class C, all at wheel position j0, in
/// s[0, end); each prime then goes to the list of its next wheel index, relative to `end`.
template <unsigned C>
inline void cross_medium(unsigned char* s, std::size_t end, const medium_prime* it,
                         const medium_prime* last, unsigned j0,
                         std::vector<medium_prime>* next) {
    for (; it != last; ++it) {
        const std::size_t d = it->d;
        std::size_t i = it->index;
        switch (j0) {
            case 0: goto step_0;
            case 1: goto step_1;
            case 2: goto step_2;
            case 3: goto step_3;
            case 4: goto step_4;
            case 5: goto step_5;
            case 6: goto step_6;
            case 7: goto step_7;
            default: EC2BENCH_SIEVE_UNREACHABLE();
        }
        for (;;) {
            EC2BENCH_SIEVE_STEP(0)
            EC2BENCH_SIEVE_STEP(1)
            EC2BENCH_SIEVE_STEP(2)
            EC2BENCH_SIEVE_STEP(3)
            EC2BENCH_SIEVE_STEP(4)
            EC2BENCH_SIEVE_STEP(5)
            EC2BENCH_SIEVE_STEP(6)
            EC2BENCH_SIEVE_STEP(7)
        }
        EC2BENCH_SIEVE_MEDIUM_EXIT(0)
        EC2BENCH_SIEVE_MEDIUM_EXIT(1)
        EC2BENCH_SIEVE_MEDIUM_EXIT(2)
        EC2BENCH_SIEVE_MEDIUM_EXIT(3)
        EC2BENCH_SIEVE_MEDIUM_EXIT(4)
        EC2BENCH_SIEVE_MEDIUM_EXIT(5)
        EC2BENCH_SIEVE_MEDIUM_EXIT(6)
        EC2BENCH_SIEVE_MEDIUM_EXIT(7)
    }
}

#undef EC2BENCH_SIEVE_MEDIUM_EXIT
#undef EC2BENCH_SIEVE_STEP
#undef EC2BENCH_SIEVE_AT
#undef EC2BENCH_SIEVE_SMALL_EXIT

/// The large primes waiting for each segment of a ring, in 8 KiB buckets aligned to their size.
/// A slot holds the write cursor of its newest bucket; a cursor on a bucket boundary is a full
/// bucket (or, when null, none), so a push costs one test and one store.
class bucket_store {
public:
    static constexpr std::size_t bucket_bytes = 8192;
    static constexpr std::size_t capacity = (bucket_bytes - 16) / sizeof(large_prime);

    struct bucket {
        bucket* next;  ///< the older, full bucket of the same slot
        void* unused;  ///< keeps the items 16-byte aligned
        large_prime item[capacity];
    };
    static_assert(sizeof(bucket) == bucket_bytes, "a bucket must fill its aligned block");

    bucket_store() = default;
    bucket_store(const bucket_store&) = delete;
    bucket_store& operator=(const bucket_store&) = delete;
    ~bucket_store() {
        for (void* slab : slabs_) ::operator delete(slab, std::align_val_t{bucket_bytes});
    }

    /// Drops every chain and sizes the ring for `slots` segments (a power of two).
    void reset(std::size_t slots) {
        for (large_prime*& cursor : ring_) {
            for (bucket* b = cursor == nullptr ? nullptr : bucket_of(cursor); b != nullptr;) {
                bucket* older = b->next;
                release(b);
                b = older;
            }
            cursor = nullptr;
        }
        ring_.assign(slots, nullptr);
    }

    std::size_t slots() const noexcept { return ring_.size(); }
    large_prime** ring() noexcept { return ring_.data(); }

    /// The bucket that holds the item before `cursor`.
    static bucket* bucket_of(const large_prime* cursor) noexcept {
        const auto a = reinterpret_cast<std::uintptr_t>(cursor - 1);
        return reinterpret_cast<bucket*>(a & ~std::uintptr_t{bucket_bytes - 1});
    }

    EC2BENCH_SIEVE_INLINE void push(large_prime*& cursor, large_prime p) {
        if ((reinterpret_cast<std::uintptr_t>(cursor) & (bucket_bytes - 1)) == 0) {
            cursor = fresh(cursor);
        }
        *cursor++ = p;
    }

    void release(bucket* b) noexcept {
        b->next = free_;
        free_ = b;
    }

private:
    large_prime* fresh(large_prime* cursor) {
        if (free_ == nullptr) {
            // 64 buckets (512 KiB) at a time.
            void* slab = ::operator new(64 * bucket_bytes, std::align_val_t{bucket_bytes});
            slabs_.push_back(slab);
            for (std::size_t k = 0; k < 64; ++k) release(static_cast<bucket*>(slab) + k);
        }
        bucket* b = std::exchange(free_, free_->next);
        b->next = cursor == nullptr ? nullptr : bucket_of(cursor);
        return b->item;
    }

    std::vector<large_prime*> ring_;
    bucket* free_ = nullptr;
    std::vector<void*> slabs_;
};

// --- The segmented sieve -------------------------------------------------------------------------

/// A segmented sieve over [lo, hi) (lo >= 7), one segment per next_segment() call. `Feed` yields
/// the sieving primes above 163 in ascending order (next() returns 0 past its limit).
template <class Feed>
class segmented_sieve {
public:
    segmented_sieve() = default;
    segmented_sieve(const segmented_sieve&) = delete;
    segmented_sieve& operator=(const segmented_sieve&) = delete;

    void configure(const segment_sizes& z) {
        sizes_ = z;
        log2_segment_ = 0;
        while ((std::size_t{1} << log2_segment_) < z.segment_bytes) ++log2_segment_;
        if (buffer_.size() < z.segment_bytes / 8 + 16) buffer_.assign(z.segment_bytes / 8 + 16, 0);
        feed_.configure(z);
    }

    /// Starts over on [lo, hi), 7 <= lo < hi.
    void start(std::uint64_t lo, std::uint64_t hi) {
        first_byte_ = (lo - 7) / 30;
        end_byte_ = (hi - 1 - 7) / 30 + 1;
        first_mask_ = 0;
        last_mask_ = 0;
        const std::uint64_t first_base = 30 * first_byte_;
        const std::uint64_t last_base = 30 * (end_byte_ - 1);
        for (unsigned k = 0; k < 8; ++k) {
            if (first_base + wheel_offset[k] >= lo) first_mask_ |= 1u << k;
            if (wheel_offset[k] <= hi - 1 - last_base) last_mask_ |= 1u << k;
        }
        max_prime_ = isqrt(hi - 1);
        segment_lo_ = first_byte_;
        segment_ = 0;
        const std::uint64_t s = sizes_.segment_bytes;
        segments_ = (end_byte_ - first_byte_ + s - 1) / s;
        for (auto& v : small_) v.clear();
        for (auto& v : medium_) v.clear();
        // A large prime's next multiple is at most 7p/30 + 1 bytes past the current segment.
        std::size_t slots = 2;
        if (max_prime_ > sizes_.medium_limit) {
            const std::uint64_t ahead = (max_prime_ / 30) * 7 / s + 3;
            while (slots < ahead) slots *= 2;
        }
        buckets_.reset(slots);
        feed_.start(max_prime_);
        pending_ = feed_.next();
        length_ = 0;
    }

    /// Sieves the next segment; false when there is none.
    bool next_segment() {
        if (segment_lo_ >= end_byte_) return false;
        const std::size_t n = static_cast<std::size_t>(
            std::min<std::uint64_t>(sizes_.segment_bytes, end_byte_ - segment_lo_));
        const std::uint64_t segment_end = segment_lo_ + n;
        while (pending_ != 0 && (pending_ * pending_ - 7) / 30 < segment_end) {
            add(pending_);
            pending_ = feed_.next();
        }
        unsigned char* s = data();
        const std::size_t block = sizes_.l1_bytes;
        for (std::size_t b = 0; b < n; b += block) {
            const std::size_t e = std::min(n, b + block);
            presieve(s + b, segment_lo_ + b, e - b);
            cross_small<0>(s, e, small_[0].data(), small_[0].data() + small_[0].size());
            cross_small<1>(s, e, small_[1].data(), small_[1].data() + small_[1].size());
            cross_small<2>(s, e, small_[2].data(), small_[2].data() + small_[2].size());
            cross_small<3>(s, e, small_[3].data(), small_[3].data() + small_[3].size());
            cross_small<4>(s, e, small_[4].data(), small_[4].data() + small_[4].size());
            cross_small<5>(s, e, small_[5].data(), small_[5].data() + small_[5].size());
            cross_small<6>(s, e, small_[6].data(), small_[6].data() + small_[6].size());
            cross_small<7>(s, e, small_[7].data(), small_[7].data() + small_[7].size());
        }
        for (auto& v : small_) {
            for (auto& p : v) p.index -= static_cast<std::uint32_t>(n);
        }
        cross_medium_all(s, n);
        cross_large(s);
        if (segment_lo_ == first_byte_) s[0] = static_cast<unsigned char>(s[0] & first_mask_);
        if (segment_end == end_byte_) s[n - 1] = static_cast<unsigned char>(s[n - 1] & last_mask_);
        for (std::size_t k = n; k % 8 != 0; ++k) s[k] = 0;
        current_lo_ = segment_lo_;
        length_ = n;
        segment_lo_ = segment_end;
        ++segment_;
        return true;
    }

    /// The segment just sieved: bit k of byte i is the number 30 * (first_byte() + i) +
    /// wheel_offset[k]; set bits are the primes. Zero-padded to whole 64-bit words.
    const unsigned char* bytes() const noexcept {
        return reinterpret_cast<const unsigned char*>(buffer_.data());
    }
    std::size_t size() const noexcept { return length_; }
    std::size_t words() const noexcept { return (length_ + 7) / 8; }
    std::uint64_t first_byte() const noexcept { return current_lo_; }

    /// The segment just sieved.
    segment_view view() const noexcept { return {bytes(), length_, current_lo_}; }

private:
    unsigned char* data() noexcept { return reinterpret_cast<unsigned char*>(buffer_.data()); }

    void add(std::uint64_t p) {
        const std::uint64_t start = std::max(p * p, 30 * segment_lo_ + 7);
        std::uint64_t q = ceil_div(start, p);
        q += residues.to_next[q % 30];
        std::uint64_t multiple = 0;
        if (multiply_overflows(p, q, multiple)) return;  // no multiple below 2^64
        const std::uint64_t byte = (multiple - 7) / 30;
        if (byte >= end_byte_) return;
        const std::uint64_t index = byte - segment_lo_;
        const unsigned j = residues.slot[q % 30];
        const unsigned c = residues.slot[p % 30];
        const auto d = static_cast<std::uint32_t>(p / 30);
        if (p <= sizes_.small_limit) {
            small_[c].push_back({d, static_cast<std::uint32_t>(index), j});
        } else if (p <= sizes_.medium_limit) {
            medium_[c * 8 + j].push_back({d, static_cast<std::uint32_t>(index)});
        } else {
            const std::uint64_t ahead = index >> log2_segment_;
            if (segment_ + ahead >= segments_) return;
            const std::uint64_t within = index & (sizes_.segment_bytes - 1);
            const auto slot = static_cast<std::size_t>((segment_ + ahead) & (buckets_.slots() - 1));
            buckets_.push(buckets_.ring()[slot],
                          {d, static_cast<std::uint32_t>(within << 6 | (c * 8 + j))});
        }
    }

    void cross_medium_all(unsigned char* s, std::size_t n) {
        for (auto& v : spare_) v.clear();
        for (unsigned w = 0; w < 64; ++w) {
            const auto& v = medium_[w];
            if (v.empty()) continue;
            const medium_prime* b = v.data();
            const medium_prime* e = b + v.size();
            const unsigned j = w % 8;
            switch (w / 8) {
                case 0: cross_medium<0>(s, n, b, e, j, spare_); break;
                case 1: cross_medium<1>(s, n, b, e, j, spare_); break;
                case 2: cross_medium<2>(s, n, b, e, j, spare_); break;
                case 3: cross_medium<3>(s, n, b, e, j, spare_); break;
                case 4: cross_medium<4>(s, n, b, e, j, spare_); break;
                case 5: cross_medium<5>(s, n, b, e, j, spare_); break;
                case 6: cross_medium<6>(s, n, b, e, j, spare_); break;
                default: cross_medium<7>(s, n, b, e, j, spare_); break;
            }
        }
        std::swap(medium_, spare_);
    }

    void cross_large(unsigned char* s) {
        const std::size_t mask = buckets_.slots() - 1;
        const std::size_t slot = static_cast<std::size_t>(segment_) & mask;
        const std::uint64_t remaining = segments_ - segment_;
        const unsigned shift = log2_segment_;
        const auto size = static_cast<std::uint32_t>(sizes_.segment_bytes);
        large_prime** ring = buckets_.ring();
        large_prime* end = std::exchange(ring[slot], nullptr);
        // Bytes past the end of a short last segment are scratch: crossing them off is harmless.
        while (end != nullptr) {
            bucket_store::bucket* b = bucket_store::bucket_of(end);
            for (const large_prime* it = b->item; it != end; ++it) {
                const std::uint32_t d = it->d;
                std::uint32_t index = it->packed >> 6;
                unsigned w = it->packed & 63;
                do {
                    const wheel_step& step = wheel_steps.step[w];
                    s[index] &= step.mask;
                    index += d * step.gap + step.carry;
                    w = step.next;
                } while (index < size);
                const std::uint32_t ahead = index >> shift;
                if (ahead < remaining) {
                    buckets_.push(ring[(slot + ahead) & mask], {d, (index & (size - 1)) << 6 | w});
                }
            }
            bucket_store::bucket* older = b->next;
            buckets_.release(b);
            end = older == nullptr ? nullptr : older->item + bucket_store::capacity;
        }
    }

    segment_sizes sizes_;
    unsigned log2_segment_ = 0;
    std::vector<std::uint64_t> buffer_;
    std::uint64_t first_byte_ = 0, end_byte_ = 0;
    unsigned first_mask_ = 0, last_mask_ = 0;
    std::uint64_t max_prime_ = 0;
    std::uint64_t segment_lo_ = 0, segment_ = 0, segments_ = 0;
    std::uint64_t current_lo_ = 0;
    std::size_t length_ = 0;
    std::uint64_t pending_ = 0;
    std::vector<small_prime> small_[8];
    std::vector<medium_prime> medium_[64];
    std::vector<medium_prime> spare_[64];
    bucket_store buckets_;
    Feed feed_;
};

/// The primes from 167 to 65535 (enough to sieve up to 2^32), computed once.
inline const std::vector<std::uint32_t>& base_primes() {
    static const std::vector<std::uint32_t> primes = [] {
        std::vector<std::uint32_t> out;
        std::vector<bool> composite(65536, false);
        for (std::uint32_t i = 2; i < 65536; ++i) {
            if (composite[i]) continue;
            if (i > presieve_max_prime) out.push_back(i);
            for (std::uint32_t m = i * i; m < 65536; m += i) composite[m] = true;
        }
        return out;
    }();
    return primes;
}

/// Sieving primes for a sieve below 2^32, from base_primes().
class table_feed {
public:
    void configure(const segment_sizes&) {}
    void start(std::uint64_t max_prime) {
        primes_ = &base_primes();
        next_ = 0;
        max_ = max_prime;
    }
    std::uint64_t next() noexcept {
        if (next_ == primes_->size() || (*primes_)[next_] > max_) return 0;
        return (*primes_)[next_++];
    }

private:
    const std::vector<std::uint32_t>* primes_ = nullptr;
    std::size_t next_ = 0;
    std::uint64_t max_ = 0;
};

/// Sieving primes up to 2^32 - 1, produced a segment at a time by a second sieve and read
/// straight from its bits.
class sieved_feed {
public:
    void configure(const segment_sizes& z) { sieve_.configure(z); }
    void start(std::uint64_t max_prime) {
        bits_ = 0;
        word_ = 0;
        words_ = 0;
        active_ = max_prime > presieve_max_prime;
        if (active_) sieve_.start(presieve_max_prime + 1, max_prime + 1);
    }
    std::uint64_t next() {
        while (bits_ == 0) {
            if (++word_ < words_) {
                base_ += 240;
            } else {
                if (!active_ || !sieve_.next_segment()) {
                    active_ = false;
                    return 0;
                }
                word_ = 0;
                words_ = sieve_.words();
                base_ = 30 * sieve_.first_byte();
            }
            bits_ = load_word(sieve_.bytes() + 8 * word_);
        }
        const std::uint64_t p = base_ + bit_value.v[count_zeros_right(bits_)];
        bits_ &= bits_ - 1;
        return p;
    }

private:
    segmented_sieve<table_feed> sieve_;
    std::uint64_t bits_ = 0, base_ = 0;
    std::size_t word_ = 0, words_ = 0;
    bool active_ = false;
};

using main_sieve = segmented_sieve<sieved_feed>;

/// How [lo, hi) is cut: the wheel's bytes [first_byte, end_byte) in chunks of chunk_bytes.
struct plan {
    std::uint64_t lo = 0, hi = 0;       ///< the numbers >= 7 of the interval (lo == hi: none)
    std::uint64_t first_byte = 0, end_byte = 0;
    std::uint64_t chunk_bytes = 0, chunks = 0;
    std::uint64_t below_seven = 0;      ///< the primes 2, 3, 5 inside [lo, hi)

    /// Numbers of chunk i, clipped to the interval.
    std::pair<std::uint64_t, std::uint64_t> chunk(std::uint64_t i) const noexcept {
        const std::uint64_t b0 = first_byte + i * chunk_bytes;
        const std::uint64_t b1 = std::min(end_byte, b0 + chunk_bytes);
        const std::uint64_t l = i == 0 ? lo : 30 * b0 + 7;
        const std::uint64_t h = b1 == end_byte ? hi : 30 * b1 + 7;
        return {l, h};
    }
};

inline plan make_plan(std::uint64_t lo, std::uint64_t hi, unsigned threads,
                      const segment_sizes& z) {
    if (lo > hi) {
        throw std::invalid_argument("sieve: lo " + std::to_string(lo) + " > hi " +
                                    std::to_string(hi) +
                                    ": the interval [lo, hi) must have lo <= hi");
    }
    plan p;
    for (std::uint64_t small : {2u, 3u, 5u}) p.below_seven += (lo <= small && small < hi) ? 1u : 0u;
    p.lo = std::max<std::uint64_t>(lo, 7);
    p.hi = std::max(hi, p.lo);
    if (p.lo == p.hi) return p;
    p.first_byte = (p.lo - 7) / 30;
    p.end_byte = (p.hi - 1 - 7) / 30 + 1;
    const std::uint64_t total = p.end_byte - p.first_byte;
    if (threads <= 1) {
        p.chunk_bytes = total;
    } else {
        // About 8 chunks per thread for balance, each large enough to repay its start-up:
        // computing the first multiple of every sieving prime up to sqrt(hi).
        const std::uint64_t seg = z.segment_bytes;
        const std::uint64_t floor_bytes = std::max<std::uint64_t>(4 * seg, isqrt(p.hi) * 8);
        std::uint64_t c = std::max(total / (std::uint64_t{threads} * 8), floor_bytes);
        c = (c + seg - 1) / seg * seg;
        p.chunk_bytes = std::min(c, total);
    }
    p.chunks = (total + p.chunk_bytes - 1) / p.chunk_bytes;
    return p;
}

inline std::size_t floor_pow2(std::size_t n) noexcept {
    std::size_t p = 1;
    while (p * 2 <= n) p *= 2;
    return p;
}

/// Validates the overrides of `opt` and fills in the rest from the caches and the limit.
inline segment_sizes choose_sizes(const options& opt, std::size_t l1_cache, std::size_t l2_cache,
                                  std::uint64_t hi) {
    constexpr std::size_t min_segment = 4096, max_segment = std::size_t{32} << 20;
    constexpr std::size_t max_auto_segment = std::size_t{4} << 20;
    if (opt.segment_bytes != 0 &&
        (opt.segment_bytes < min_segment || opt.segment_bytes > max_segment ||
         (opt.segment_bytes & (opt.segment_bytes - 1)) != 0)) {
        throw std::invalid_argument(
            "sieve: segment_bytes " + std::to_string(opt.segment_bytes) +
            ": must be 0 (from the L2 cache) or a power of two from 4096 to 33554432");
    }
    if (opt.l1_bytes != 0 && opt.l1_bytes < 1024) {
        throw std::invalid_argument("sieve: l1_bytes " + std::to_string(opt.l1_bytes) +
                                    ": must be 0 (from the L1d cache) or at least 1024");
    }
    segment_sizes z;
    std::size_t l1 = opt.l1_bytes != 0 ? opt.l1_bytes : (l1_cache != 0 ? l1_cache : 32768);
    if (opt.segment_bytes != 0) {
        z.segment_bytes = opt.segment_bytes;
    } else {
        // Half the L2 leaves room for the pre-sieve patterns and the sieving primes. Past
        // sqrt(hi) = L2 the segment grows towards sqrt(hi) bytes, so that the sieving primes
        // keep several multiples per segment and stay out of the slower bucket sieve, up to
        // 4 MiB: 1024 pages of 4 KiB; at 8 MiB the segment overflowed the L2 TLB of the
        // development machine and halved its throughput. Small limits need no more than a few
        // multiples of sqrt(hi).
        const std::size_t l2 = l2_cache != 0 ? l2_cache : std::size_t{256} << 10;
        std::size_t s = floor_pow2(std::max<std::size_t>(l2 / 2, min_segment));
        const std::uint64_t root = isqrt(hi);
        while (s < max_auto_segment && s * 2 <= root) s *= 2;
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(root * 2, s));
        while (s > min_segment && s / 2 >= want && s / 2 >= l1) s /= 2;
        z.segment_bytes = std::min(s, max_segment);
    }
    l1 = std::min(l1 / 64 * 64, z.segment_bytes);
    z.l1_bytes = l1;
    // Small primes have at least ~40 multiples per L1 block; medium ones up to a few per segment.
    z.small_limit = l1 / 5;
    z.medium_limit = std::uint64_t{z.segment_bytes} * 3;
    return z;
}

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

/// Segment sizes from this machine's caches (sysfs), unless the options override them: the
/// fastest choice on each machine.
struct cache_segments {
    static segment_sizes sizes(const options& opt, std::uint64_t hi) {
        static const ec2bench::detail::cache_sizes caches =
            ec2bench::detail::read_cache_sizes(ec2bench::detail::allowed_cpus());
        return detail::choose_sizes(opt, caches.l1d_bytes, caches.l2_bytes, hi);
    }
};

/// The same segment sizes on every machine (unless the options override them), so that two
/// machines execute the same instructions: compares CPUs rather than cache-size tuning.
///
///     ec2bench::sieve::prime_sieve<ec2bench::sieve::fixed_segments<262144, 32768>> s;
template <std::size_t SegmentBytes, std::size_t L1Bytes = 32768>
struct fixed_segments {
    static_assert(SegmentBytes >= 4096 && SegmentBytes <= (std::size_t{32} << 20) &&
                      (SegmentBytes & (SegmentBytes - 1)) == 0,
                  "SegmentBytes must be a power of two from 4096 to 32 MiB");
    static_assert(L1Bytes >= 1024, "L1Bytes must be at least 1024");
    static segment_sizes sizes(const options& opt, std::uint64_t) {
        options o = opt;
        if (o.segment_bytes == 0) o.segment_bytes = SegmentBytes;
        if (o.l1_bytes == 0) o.l1_bytes = L1Bytes;
        return detail::choose_sizes(o, 0, 0, 0);
    }
};

/// A reusable sieve: keeps its threads (a pinned team) and their buffers between calls, so
/// repeated measurements pay for neither. Not for concurrent use from several threads.
///
///     ec2bench::sieve::prime_sieve<> s(opt);
///     auto r = s.count(0, 10'000'000'000);   // r.count == 455052511
template <class SegmentPolicy = cache_segments>
class prime_sieve {
public:
    explicit prime_sieve(const options& opt = {}) : opt_(opt) {
        SegmentPolicy::sizes(opt_, 0);  // validates the overrides now
        threads_ = opt.threads != 0
                       ? opt.threads
                       : static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
        workers_.resize(threads_);  // members fill in their own slots, concurrently
    }

    /// Threads this sieve uses at most.
    unsigned threads() const noexcept { return threads_; }

    /// Counts the primes in [lo, hi). Throws std::invalid_argument when lo > hi.
    count_result count(std::uint64_t lo, std::uint64_t hi) {
        count_result r;
        const std::uint64_t t0 = ec2bench::detail::now_ns();
        r.count = reduce(lo, hi, detail::prime_tally{}, &r).n;
        r.seconds = ec2bench::detail::seconds_between(t0, ec2bench::detail::now_ns());
        return r;
    }

    /// Folds every segment of [lo, hi) into a user counter, on all threads: each thread runs
    /// `c(segment)` on a value-initialised Counter for each segment_view of its chunks, and the
    /// result is `init += c` over the threads' counters. Counter needs a default constructor,
    /// `void operator()(const segment_view&)` and `operator+=`. 2, 3 and 5 are in no segment.
    ///
    ///     struct tally { std::uint64_t n = 0; void operator()(const segment_view& s) { n += s.count(); }
    ///                    tally& operator+=(const tally& o) { n += o.n; return *this; } };
    ///     auto t = s.reduce(0, 1'000'000, tally{});   // t.n == 78495: without 2, 3, 5
    template <class Counter>
    Counter reduce(std::uint64_t lo, std::uint64_t hi, Counter init) {
        return reduce(lo, hi, std::move(init), nullptr);
    }

    /// Calls f(prime) for every prime in [lo, hi) in ascending order, on the calling thread
    /// (options::threads does not apply). When f returns bool, false stops the walk early.
    template <class F>
    void for_each(std::uint64_t lo, std::uint64_t hi, F&& f) {
        const segment_sizes z = SegmentPolicy::sizes(opt_, hi);
        const detail::plan p = detail::make_plan(lo, hi, 1, z);
        for (std::uint64_t small : {2u, 3u, 5u}) {
            if (lo <= small && small < hi) {
                if constexpr (std::is_same_v<decltype(f(small)), bool>) {
                    if (!f(small)) return;
                } else {
                    f(small);
                }
            }
        }
        if (p.chunks == 0) return;
        detail::main_sieve& s = worker(0);
        s.configure(z);
        s.start(p.lo, p.hi);
        while (s.next_segment()) {
            if (!s.view().for_each(f)) return;
        }
    }

    /// Calls f(thread, prime) for every prime in [lo, hi), from all threads at once: each thread
    /// sees its chunks in ascending order, but chunks interleave across threads. f must be safe
    /// to call concurrently for different `thread` values (0 .. threads() - 1).
    template <class F>
    void for_each_parallel(std::uint64_t lo, std::uint64_t hi, F&& f) {
        const segment_sizes z = SegmentPolicy::sizes(opt_, hi);
        const detail::plan p = detail::make_plan(lo, hi, threads_, z);
        for (std::uint64_t small : {2u, 3u, 5u}) {
            if (lo <= small && small < hi) f(0u, small);
        }
        if (p.chunks == 0) return;
        const auto members = static_cast<unsigned>(std::min<std::uint64_t>(threads_, p.chunks));
        std::atomic<std::uint64_t> next{0};
        auto body = [&](unsigned m) {
            detail::main_sieve& s = worker(m);
            s.configure(z);
            auto visit = [&](std::uint64_t prime) { f(m, prime); };
            for (std::uint64_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < p.chunks;) {
                const auto [l, h] = p.chunk(i);
                s.start(l, h);
                while (s.next_segment()) s.view().for_each(visit);
            }
        };
        if (members == 1) {
            body(0);
        } else {
            team(members).run(body);
        }
    }

private:
    template <class Counter>
    Counter reduce(std::uint64_t lo, std::uint64_t hi, Counter init, count_result* r) {
        const segment_sizes z = SegmentPolicy::sizes(opt_, hi);
        const detail::plan p = detail::make_plan(lo, hi, threads_, z);
        const auto members = static_cast<unsigned>(
            std::min<std::uint64_t>(threads_, std::max<std::uint64_t>(p.chunks, 1)));
        if (r != nullptr) {
            r->sizes = z;
            r->chunks = p.chunks;
            r->threads = members;
        }
        if constexpr (std::is_same_v<Counter, detail::prime_tally>) init.n += p.below_seven;
        if (members == 1) {
            Counter c{};
            fold_chunks(worker(0), p, z, nullptr, c);
            init += c;
        } else {
            std::atomic<std::uint64_t> next{0};
            std::vector<Counter> partial(members);
            team(members).run([&](unsigned m) { fold_chunks(worker(m), p, z, &next, partial[m]); });
            for (const Counter& c : partial) init += c;
        }
        return init;
    }

    /// Sieves the chunks of `p` (all of them when `next` is null, else those claimed from it)
    /// into `c`.
    template <class Counter>
    void fold_chunks(detail::main_sieve& s, const detail::plan& p, const segment_sizes& z,
                     std::atomic<std::uint64_t>* next, Counter& c) {
        if (p.chunks == 0) return;
        s.configure(z);
        for (std::uint64_t i = 0;;) {
            if (next != nullptr) i = next->fetch_add(1, std::memory_order_relaxed);
            if (i >= p.chunks) break;
            const auto [l, h] = p.chunk(i);
            s.start(l, h);
            while (s.next_segment()) c(s.view());
            if (next == nullptr) ++i;
        }
    }

    /// Member m's sieve, created on first use by that member (so its pages are local to it).
    detail::main_sieve& worker(unsigned m) {
        if (!workers_[m]) workers_[m] = std::make_unique<detail::main_sieve>();
        return *workers_[m];
    }

    ec2bench::detail::thread_team& team(unsigned members) {
        if (!team_ || team_->size() != members) {
            team_.reset();
            team_ = std::make_unique<ec2bench::detail::thread_team>(members);
        }
        return *team_;
    }

    options opt_;
    unsigned threads_ = 1;
    std::vector<std::unique_ptr<detail::main_sieve>> workers_;
    std::unique_ptr<ec2bench::detail::thread_team> team_;
};

/// The number of primes in [lo, hi), on every allowed CPU unless opt.threads says otherwise.
///
///     std::uint64_t n = ec2bench::sieve::count_primes(0, 10'000'000'000);   // 455052511
inline std::uint64_t count_primes(std::uint64_t lo, std::uint64_t hi, const options& opt = {}) {
    return prime_sieve<>(opt).count(lo, hi).count;
}

/// count_primes with the time it took and the sizes it used.
///
///     auto r = ec2bench::sieve::count_primes_timed(0, 1e10);   // r.count, r.seconds
inline count_result count_primes_timed(std::uint64_t lo, std::uint64_t hi,
                                       const options& opt = {}) {
    return prime_sieve<>(opt).count(lo, hi);
}

/// Calls f(prime) for every prime in [lo, hi), in ascending order, from the calling thread only.
/// When f returns bool, returning false stops early.
///
///     ec2bench::sieve::for_each_prime(0, 100, [&](std::uint64_t p) { primes.push_back(p); });
template <class F>
void for_each_prime(std::uint64_t lo, std::uint64_t hi, F&& f, const options& opt = {}) {
    options o = opt;
    o.threads = 1;
    prime_sieve<>(o).for_each(lo, hi, std::forward<F>(f));
}

/// Calls f(thread, prime) for every prime in [lo, hi) from opt.threads threads at once; see
/// prime_sieve::for_each_parallel for the order.
///
///     std::vector<std::uint64_t> sum(threads);
///     for_each_prime_parallel(0, 1e9, [&](unsigned t, std::uint64_t p) { sum[t] += p; }, opt);
template <class F>
void for_each_prime_parallel(std::uint64_t lo, std::uint64_t hi, F&& f, const options& opt = {}) {
    prime_sieve<>(opt).for_each_parallel(lo, hi, std::forward<F>(f));
}

/// pi(n - 1), the number of primes below n, where it is published (OEIS A006880 for powers of
/// ten up to 10^19, A007053 for powers of two up to 2^40); -1 otherwise.
///
///     ec2bench::sieve::known_count_below(10'000'000'000);   // 455052511
inline std::int64_t known_count_below(std::uint64_t n) noexcept {
    struct entry {
        std::uint64_t n;
        std::int64_t pi;
    };
    static constexpr entry table[] = {
        {1, 0},
        {10, 4},
        {100, 25},
        {1000, 168},
        {10000, 1229},
        {100000, 9592},
        {1000000, 78498},
        {10000000, 664579},
        {100000000, 5761455},
        {1000000000, 50847534},
        {10000000000u, 455052511},
        {100000000000u, 4118054813},
        {1000000000000u, 37607912018},
        {10000000000000u, 346065536839},
        {100000000000000u, 3204941750802},
        {1000000000000000u, 29844570422669},
        {10000000000000000u, 279238341033925},
        {100000000000000000u, 2623557157654233},
        {1000000000000000000u, 24739954287740860},
        {10000000000000000000u, 234057667276344607},
        {std::uint64_t{1} << 16, 6542},
        {std::uint64_t{1} << 20, 82025},
        {std::uint64_t{1} << 24, 1077871},
        {std::uint64_t{1} << 30, 54400028},
        {std::uint64_t{1} << 32, 203280221},
        {std::uint64_t{1} << 33, 393615806},
        {std::uint64_t{1} << 34, 762939111},
        {std::uint64_t{1} << 35, 1480206279},
        {std::uint64_t{1} << 36, 2874398515},
        {std::uint64_t{1} << 40, 41203088796},
    };
    for (const entry& e : table) {
        if (e.n == n) return e.pi;
    }
    return -1;
}

}  // namespace ec2bench::sieve

#undef EC2BENCH_SIEVE_INLINE
#undef EC2BENCH_SIEVE_UNREACHABLE

#endif  // EC2BENCH_KERNELS_SIEVE_HPP
