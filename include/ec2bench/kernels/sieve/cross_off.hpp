// SPDX-License-Identifier: MIT
// Crossing off the multiples of the sieving primes above the pre-sieve's 163: small primes per
// L1 block, medium primes per segment, large primes from the bucket store. Scalar code, the same
// on every instruction set: its cost is in stores to scattered bytes, not in instructions a
// vector unit could merge.
#ifndef EC2BENCH_KERNELS_SIEVE_CROSS_OFF_HPP
#define EC2BENCH_KERNELS_SIEVE_CROSS_OFF_HPP

#include <ec2bench/kernels/sieve/buckets.hpp>
#include <ec2bench/kernels/sieve/wheel.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#if defined(__GNUC__) || defined(__clang__)
#define EC2BENCH_SIEVE_UNREACHABLE() __builtin_unreachable()
#else
#define EC2BENCH_SIEVE_UNREACHABLE() ((void)0)
#endif

namespace ec2bench::sieve::detail {

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

/// Crosses off the multiples of the large primes waiting for segment `segment` (of `segments`,
/// each segment_bytes = 2^log2_segment bytes) in s, and files each prime under the segment of its
/// next multiple.
inline void cross_large(unsigned char* s, bucket_store& buckets, std::uint64_t segment,
                        std::uint64_t segments, unsigned log2_segment, std::size_t segment_bytes) {
    const std::size_t mask = buckets.slots() - 1;
    const std::size_t slot = static_cast<std::size_t>(segment) & mask;
    const std::uint64_t remaining = segments - segment;
    const unsigned shift = log2_segment;
    const auto size = static_cast<std::uint32_t>(segment_bytes);
    large_prime** ring = buckets.ring();
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
                buckets.push(ring[(slot + ahead) & mask], {d, (index & (size - 1)) << 6 | w});
            }
        }
        bucket_store::bucket* older = b->next;
        buckets.release(b);
        end = older == nullptr ? nullptr : older->item + bucket_store::capacity;
    }
}

}  // namespace ec2bench::sieve::detail

#undef EC2BENCH_SIEVE_UNREACHABLE

#endif  // EC2BENCH_KERNELS_SIEVE_CROSS_OFF_HPP
