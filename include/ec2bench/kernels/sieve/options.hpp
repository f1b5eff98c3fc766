// SPDX-License-Identifier: MIT
// The sieve's public option and result types.
#ifndef EC2BENCH_KERNELS_SIEVE_OPTIONS_HPP
#define EC2BENCH_KERNELS_SIEVE_OPTIONS_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

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
    /// The instruction set of the pre-sieve and the popcount that ran: "baseline" (SSE2 on
    /// x86-64, plain C++ elsewhere), "avx2" (also at the avx512 level: no AVX-512 code helps
    /// here) or "neon" (aarch64). Chosen at each call from the CPU and EC2BENCH_ISA.
    std::string_view isa = "baseline";
};

}  // namespace ec2bench::sieve

#endif  // EC2BENCH_KERNELS_SIEVE_OPTIONS_HPP
