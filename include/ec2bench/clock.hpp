// SPDX-License-Identifier: MIT
// Monotonic time for measurements: nanosecond counts from CLOCK_MONOTONIC, and the clock's
// observed granularity measured the way STREAM's checktick() does. Layer 1: POSIX only.
#ifndef EC2BENCH_CLOCK_HPP
#define EC2BENCH_CLOCK_HPP

#include <time.h>

#include <algorithm>
#include <cstdint>

namespace ec2bench {

/// Nanoseconds on CLOCK_MONOTONIC: never steps backwards, unaffected by NTP slews of the wall
/// clock, read through the vDSO (about 20 ns, no system call) on Linux.
///
///     auto t0 = ec2bench::now_ns();  work();  auto ns = ec2bench::now_ns() - t0;
inline std::uint64_t now_ns() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

/// Seconds between two now_ns() readings.
inline double seconds_between(std::uint64_t start_ns, std::uint64_t end_ns) noexcept {
    return static_cast<double>(end_ns - start_ns) * 1e-9;
}

/// The resolution the kernel reports for CLOCK_MONOTONIC, in nanoseconds (1 on modern Linux).
inline std::uint64_t clock_resolution_ns() noexcept {
    timespec ts{};
    if (::clock_getres(CLOCK_MONOTONIC, &ts) != 0) return 0;
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

/// The smallest non-zero step seen between consecutive readings, in nanoseconds: what a timed
/// region can actually resolve (resolution plus read cost). STREAM calls this checktick() and
/// warns when a kernel runs for fewer than 20 such ticks; we report it for the same reason.
inline std::uint64_t observed_tick_ns(int samples = 20) noexcept {
    std::uint64_t best = UINT64_MAX;
    for (int i = 0; i < samples; ++i) {
        const std::uint64_t t0 = now_ns();
        std::uint64_t t1 = now_ns();
        while (t1 == t0) t1 = now_ns();
        best = std::min(best, t1 - t0);
    }
    return best;
}

}  // namespace ec2bench

#endif  // EC2BENCH_CLOCK_HPP
