// SPDX-License-Identifier: MIT
// Planning a run: the segment and block sizes (from the caches, the limit and the options, or
// fixed), and the cut of [lo, hi) into chunks for the threads.
#ifndef EC2BENCH_KERNELS_SIEVE_PLAN_HPP
#define EC2BENCH_KERNELS_SIEVE_PLAN_HPP

#include <ec2bench/detail/cpu_caches.hpp>
#include <ec2bench/detail/thread_team.hpp>
#include <ec2bench/kernels/sieve/options.hpp>
#include <ec2bench/kernels/sieve/wheel.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace ec2bench::sieve {

namespace detail {

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

}  // namespace ec2bench::sieve

#endif  // EC2BENCH_KERNELS_SIEVE_PLAN_HPP
