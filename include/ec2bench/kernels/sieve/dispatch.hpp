// SPDX-License-Identifier: MIT
// Which pre-sieve and popcount a run uses: one table per instruction-set path, chosen at each
// call from detail::active_isa() (the CPU, lowered by EC2BENCH_ISA), never from the flags the
// including translation unit was compiled with.
//
// x86-64 has two paths: baseline (SSE2) and avx2. The avx512 level runs the avx2 path: the
// pre-sieve, a few percent of a sieve, is bound by its 16 loads per vector, not by the ANDs that
// AVX-512's VPTERNLOG would merge, and the one instruction that would speed up counting, VPOPCNTQ,
// needs AVX512_VPOPCNTDQ, which the avx512 level does not promise (and counting is under 1% of a
// sieve). aarch64 has baseline (plain C++) and neon, which the neon and sve levels run.
#ifndef EC2BENCH_KERNELS_SIEVE_DISPATCH_HPP
#define EC2BENCH_KERNELS_SIEVE_DISPATCH_HPP

#include <ec2bench/detail/isa.hpp>
#include <ec2bench/kernels/sieve/count.hpp>
#include <ec2bench/kernels/sieve/presieve.hpp>

#include <string_view>

namespace ec2bench::sieve::detail {

/// The instruction-set-specific functions of one path.
struct kernels {
    std::string_view isa;  ///< the path's name, as count_result::isa reports it
    and_patterns_fn and_patterns;
    count_words_fn count_words;
};

inline constexpr kernels baseline_kernels{"baseline", baseline::and_patterns,
                                          baseline::count_words};
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
inline constexpr kernels avx2_kernels{"avx2", avx2::and_patterns, avx2::count_words};
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
inline constexpr kernels neon_kernels{"neon", neon::and_patterns, neon::count_words};
#endif

/// The path that runs at instruction-set level `level`: the fastest one it allows.
inline const kernels& kernels_for(ec2bench::detail::isa level) noexcept {
    using ec2bench::detail::isa;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (level == isa::avx2 || level == isa::avx512) return avx2_kernels;
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
    if (level == isa::neon || level == isa::sve) return neon_kernels;
#endif
    (void)level;
    return baseline_kernels;
}

/// The path for this call: the CPU's features, lowered by EC2BENCH_ISA. Throws
/// std::invalid_argument for a value of EC2BENCH_ISA that is not a level this CPU runs.
inline const kernels& active_kernels() { return kernels_for(ec2bench::detail::active_isa()); }

}  // namespace ec2bench::sieve::detail

#endif  // EC2BENCH_KERNELS_SIEVE_DISPATCH_HPP
