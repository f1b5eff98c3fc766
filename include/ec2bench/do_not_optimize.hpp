// SPDX-License-Identifier: MIT
// Compiler barriers that keep measured work from being optimised away, as Google Benchmark's
// DoNotOptimize/ClobberMemory do, without depending on Google Benchmark.
#ifndef EC2BENCH_DO_NOT_OPTIMIZE_HPP
#define EC2BENCH_DO_NOT_OPTIMIZE_HPP

#include <type_traits>

namespace ec2bench {

/// Makes `value` observable (as if read by the outside world), so the computation that produced
/// it cannot be removed. A non-const lvalue is also treated as possibly modified, so the compiler
/// must reload it afterwards.
///
///     for (auto x : data) sum += x;
///     ec2bench::do_not_optimize(sum);
template <class T>
inline void do_not_optimize(const T& value) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    asm volatile("" : : "r,m"(value) : "memory");
#else
    static_cast<void>(*static_cast<const volatile T*>(&value));
#endif
}

template <class T>
inline void do_not_optimize(T& value) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    // Scalars stay in a register ("+r": no spill in the measured loop); anything else is named
    // by address. Never a multi-alternative in-out constraint such as "+m,r": GCC miscompiles
    // those (GCC bug 105519; our test caught a clobbered int with GCC 12).
    if constexpr ((std::is_arithmetic_v<T> || std::is_pointer_v<T> || std::is_enum_v<T>) &&
                  sizeof(T) <= sizeof(void*)) {
        asm volatile("" : "+r"(value) : : "memory");
    } else {
        asm volatile("" : "+m"(value) : : "memory");
    }
#else
    static_cast<void>(*static_cast<volatile T*>(&value));
#endif
}

/// Forces every pending memory write to be considered visible: stores before it cannot be
/// dropped or sunk past it.
inline void clobber_memory() noexcept {
#if defined(__GNUC__) || defined(__clang__)
    asm volatile("" : : : "memory");
#endif
}

}  // namespace ec2bench

#endif  // EC2BENCH_DO_NOT_OPTIMIZE_HPP
