// SPDX-License-Identifier: MIT
// The sieve's mod-30 wheel: which number each bit stands for, the crossing-off pattern of each
// residue class as compile-time tables, and the word-level helpers every other part uses.
#ifndef EC2BENCH_KERNELS_SIEVE_WHEEL_HPP
#define EC2BENCH_KERNELS_SIEVE_WHEEL_HPP

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace ec2bench::sieve::detail {

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

}  // namespace ec2bench::sieve::detail

#endif  // EC2BENCH_KERNELS_SIEVE_WHEEL_HPP
