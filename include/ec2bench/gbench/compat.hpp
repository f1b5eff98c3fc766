// SPDX-License-Identifier: MIT
// The few places where Google Benchmark's API differs between the releases ec2bench builds
// against: Debian 12's 1.7.1 and Ubuntu 22.04's 1.6.1, and current releases, where the
// benchmark class moved from benchmark::internal to benchmark (the old name is deprecated) and a
// run's failure became a kind of skip. Everything else uses Google Benchmark directly.
#ifndef EC2BENCH_GBENCH_COMPAT_HPP
#define EC2BENCH_GBENCH_COMPAT_HPP

#include <benchmark/benchmark.h>

#include <string>
#include <utility>

namespace ec2bench::gbench {

/// What benchmark::RegisterBenchmark returns: `benchmark::internal::Benchmark*` before Google
/// Benchmark 1.9.2, `benchmark::Benchmark*` after. Taken from the function's own signature, so
/// that neither name (one missing, the other deprecated) is spelled here.
using benchmark_handle = decltype(::benchmark::RegisterBenchmark(
    std::declval<const char*>(), std::declval<void (*)(::benchmark::State&)>()));

namespace detail {

// Google Benchmark up to 1.7: Run::error_occurred and Run::error_message.
template <class Run>
auto run_failed(const Run& r, int) -> decltype(static_cast<bool>(r.error_occurred)) {
    return r.error_occurred;
}
template <class Run>
auto run_error_message(const Run& r, int) -> decltype(std::string(r.error_message)) {
    return r.error_message;
}
// 1.8 and later: a failure is a skip "with error" (a plain skip is not a failure).
// The enumerator through the member's own type, so that the name is looked up only where it
// exists.
template <class Run, class Skipped = decltype(std::declval<const Run&>().skipped)>
auto run_failed(const Run& r, long) -> decltype(r.skipped == Skipped::SkippedWithError) {
    return r.skipped == Skipped::SkippedWithError;
}
template <class Run>
auto run_error_message(const Run& r, long) -> decltype(std::string(r.skip_message)) {
    return r.skip_message;
}

// Google Benchmark up to 1.7: a pointer, null unless a memory manager measured the run; later:
// a value whose memory_iterations is 0 unless one did.
template <class Run>
auto memory_measured(const Run& r, int) -> decltype(r.memory_result != nullptr) {
    return r.memory_result != nullptr;
}
template <class Run>
auto memory_measured(const Run& r, long) -> decltype(r.memory_result.memory_iterations != 0) {
    return r.memory_result.memory_iterations != 0;
}

}  // namespace detail

/// Whether a memory manager (benchmark::RegisterMemoryManager) measured a reported run.
inline bool memory_measured(const ::benchmark::BenchmarkReporter::Run& r) {
    return detail::memory_measured(r, 0);
}

/// Whether a reported run failed (State::SkipWithError), whatever the Google Benchmark release.
inline bool run_failed(const ::benchmark::BenchmarkReporter::Run& r) {
    return detail::run_failed(r, 0);
}

/// The message a failed run gave State::SkipWithError.
inline std::string run_error_message(const ::benchmark::BenchmarkReporter::Run& r) {
    return detail::run_error_message(r, 0);
}

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_COMPAT_HPP
