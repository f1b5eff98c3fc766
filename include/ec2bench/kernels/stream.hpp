// SPDX-License-Identifier: MIT
// STREAM: copy, scale, add and triad, measured and validated the way John McCalpin's STREAM
// does, with the threading and stores that reach the machine's memory-bandwidth ceiling.
//
//     ec2bench::stream::options opt;
//     opt.elements = 80'000'000;
//     opt.threads = 2;
//     auto r = ec2bench::stream::run<double>(opt);
//     std::printf("triad %.1f GB/s\n", r.triad.best_gbps());
#ifndef EC2BENCH_KERNELS_STREAM_HPP
#define EC2BENCH_KERNELS_STREAM_HPP

#include <ec2bench/detail/aligned_buffer.hpp>
#include <ec2bench/detail/bytes_text.hpp>
#include <ec2bench/detail/clock.hpp>
#include <ec2bench/detail/cpu_caches.hpp>
#include <ec2bench/detail/isa.hpp>
#include <ec2bench/detail/meminfo.hpp>
#include <ec2bench/detail/thread_team.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// The intrinsics of every level, whatever this translation unit's -march: each level's code is
// compiled for its own instruction set (see the target regions below).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define EC2BENCH_STREAM_X86 1
#else
#define EC2BENCH_STREAM_X86 0
#endif
#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
#include <arm_neon.h>
#define EC2BENCH_STREAM_AARCH64 1
#else
#define EC2BENCH_STREAM_AARCH64 0
#endif

namespace ec2bench::stream {

/// The four STREAM kernels, in the order STREAM runs them.
enum class kernel { copy, scale, add, triad };
inline constexpr std::array<kernel, 4> all_kernels{kernel::copy, kernel::scale, kernel::add,
                                                   kernel::triad};

inline constexpr std::string_view kernel_name(kernel k) noexcept {
    switch (k) {
        case kernel::copy: return "copy";
        case kernel::scale: return "scale";
        case kernel::add: return "add";
        case kernel::triad: return "triad";
    }
    return "?";
}

/// Non-temporal (streaming) stores: `automatic` uses them when the three arrays are well past the
/// last-level caches, where they remove the write-allocate read of every destination line.
enum class nt_mode { automatic, on, off };

inline constexpr std::string_view nt_mode_name(nt_mode m) noexcept {
    switch (m) {
        case nt_mode::automatic: return "auto";
        case nt_mode::on: return "on";
        case nt_mode::off: return "off";
    }
    return "?";
}

/// Parses "auto", "on" or "off".
inline nt_mode parse_nt_mode(std::string_view s) {
    if (s == "auto") return nt_mode::automatic;
    if (s == "on") return nt_mode::on;
    if (s == "off") return nt_mode::off;
    throw std::invalid_argument("stream: nt mode '" + std::string(s) +
                                "': must be auto, on or off");
}

using huge_pages = ec2bench::detail::huge_pages;
using page_backing = ec2bench::detail::page_backing;

/// What the machine offers STREAM: the CPUs we may run on, and the caches and memory behind them.
/// Read once from sysfs and /proc; tests supply their own.
struct machine {
    std::vector<int> cpus;               ///< allowed CPUs (sched_getaffinity)
    std::size_t llc_total_bytes = 0;     ///< all last-level cache instances of those CPUs
    std::size_t mem_available_bytes = 0; ///< /proc/meminfo MemAvailable; 0 if unknown

    static machine probe() {
        machine m;
        m.cpus = ec2bench::detail::allowed_cpus();
        m.llc_total_bytes = ec2bench::detail::read_cache_sizes(m.cpus).llc_total_bytes;
        m.mem_available_bytes = read_mem_available("/proc/meminfo");
        return m;
    }

    static std::size_t read_mem_available(const std::string& meminfo_path) {
        return static_cast<std::size_t>(ec2bench::detail::mem_available_bytes(meminfo_path));
    }
};

/// How to run STREAM. Every field has a sound default.
struct options {
    /// Elements per array. Unset: four times all last-level caches together (STREAM's rule for
    /// each array), at least 1M; explicitly 0 is an error.
    std::optional<std::size_t> elements;
    /// Threads, each pinned to its own CPU. 0: every CPU this process may run on.
    unsigned threads = 0;
    /// Timed passes of each kernel, the first of which is dropped (STREAM's NTIMES): at least 2.
    unsigned passes = 10;
    nt_mode nt = nt_mode::automatic;
    bool pin = true;
    huge_pages pages = huge_pages::transparent;
    double scalar = 3.0;  ///< STREAM's
};

/// Average relative error STREAM tolerates, by element type.
template <class T>
inline constexpr double validation_epsilon = std::is_same_v<T, double> ? 1e-13 : 1e-6;

/// Bytes one pass of a kernel moves over `n` elements, counted STREAM's way: reads plus writes
/// (copy and scale touch 2 arrays, add and triad 3).
inline constexpr std::uint64_t stream_bytes(kernel k, std::uint64_t n, std::uint64_t elem) {
    return (k == kernel::copy || k == kernel::scale ? 2u : 3u) * n * elem;
}

/// The same pass counted with the write-allocate read that ordinary stores cause (the destination
/// line is read before it is written): what the memory bus carries without streaming stores.
inline constexpr std::uint64_t write_allocate_bytes(kernel k, std::uint64_t n, std::uint64_t elem,
                                                    bool non_temporal) {
    return stream_bytes(k, n, elem) + (non_temporal ? 0u : n * elem);
}

/// One kernel's timings over the kept passes (the first pass is never among them).
struct kernel_result {
    kernel which = kernel::copy;
    std::vector<double> seconds;        ///< per kept pass, in run order
    std::uint64_t bytes = 0;            ///< per pass, STREAM's counting
    std::uint64_t bytes_write_allocate = 0;  ///< per pass, with the write-allocate read

    double best_seconds() const { return *std::min_element(seconds.begin(), seconds.end()); }
    double worst_seconds() const { return *std::max_element(seconds.begin(), seconds.end()); }
    double mean_seconds() const {
        double s = 0;
        for (double x : seconds) s += x;
        return s / static_cast<double>(seconds.size());
    }
    double median_seconds() const { return ec2bench::stats::median(seconds); }
    /// STREAM's headline: bytes over the best time, in 1e9 bytes per second.
    double best_gbps() const { return static_cast<double>(bytes) / best_seconds() / 1e9; }
    double median_gbps() const { return static_cast<double>(bytes) / median_seconds() / 1e9; }
    double worst_gbps() const { return static_cast<double>(bytes) / worst_seconds() / 1e9; }
};

/// STREAM's check of the final arrays against its scalar recurrence.
struct validation {
    bool passed = false;
    std::array<double, 3> avg_rel_error{};    ///< a, b, c: mean |x - expected| / |expected|
    std::array<double, 3> expected{};         ///< a, b, c as the scalar recurrence gives them
    std::array<std::uint64_t, 3> mismatches{};  ///< elements that differ from it at all
    double epsilon = 0;
    std::string message;  ///< empty when passed; else which array failed, and by how much
};

/// A whole STREAM run.
struct result {
    kernel_result copy, scale, add, triad;
    validation check;
    std::size_t elements = 0;
    std::size_t element_bytes = 0;
    unsigned threads = 0;
    unsigned passes = 0;
    bool non_temporal = false;
    /// The instruction-set level whose code ran (detail::isa_name): "baseline" (SSE2 on x86-64,
    /// plain C++ elsewhere), "avx2", "avx512" or "neon" (NEON with STNP streaming stores).
    std::string isa;
    page_backing pages = page_backing::none;
    std::uint64_t tick_ns = 0;  ///< the clock's observed granularity (STREAM's checktick)

    const kernel_result& operator[](kernel k) const {
        switch (k) {
            case kernel::copy: return copy;
            case kernel::scale: return scale;
            case kernel::add: return add;
            case kernel::triad: break;
        }
        return triad;
    }
};

namespace detail {

/// [begin, end) of member m of `members` over n elements: contiguous, in member order, with inner
/// boundaries rounded down to `align` elements so every chunk starts on a vector boundary.
inline std::pair<std::size_t, std::size_t> chunk(std::size_t n, unsigned members, unsigned m,
                                                 std::size_t align) {
    const auto bound = [&](unsigned k) -> std::size_t {
        if (k == 0) return 0;
        if (k >= members) return n;
        // floor(k * n / members) without overflow: n = q * members + r.
        const std::size_t q = n / members, r = n % members;
        const std::size_t b = q * k + r * k / members;
        return b / align * align;
    };
    return {bound(m), bound(m + 1)};
}

/// The kernels over [0, n) with ordinary stores, in plain C++: the path for CPUs we have no
/// vector code for (and aarch64 forced to EC2BENCH_ISA=baseline). `__restrict` lets the compiler
/// vectorise them for the translation unit's own flags, as STREAM's loops are.
template <class T>
inline void copy_plain(T* __restrict c, const T* __restrict a, std::size_t n) {
    for (std::size_t j = 0; j < n; ++j) c[j] = a[j];
}
template <class T>
inline void scale_plain(T* __restrict b, const T* __restrict c, T s, std::size_t n) {
    for (std::size_t j = 0; j < n; ++j) b[j] = s * c[j];
}
template <class T>
inline void add_plain(T* __restrict c, const T* __restrict a, const T* __restrict b,
                      std::size_t n) {
    for (std::size_t j = 0; j < n; ++j) c[j] = a[j] + b[j];
}
template <class T>
inline void triad_plain(T* __restrict a, const T* __restrict b, const T* __restrict c, T s,
                        std::size_t n) {
    for (std::size_t j = 0; j < n; ++j) a[j] = b[j] + s * c[j];
}

}  // namespace detail
}  // namespace ec2bench::stream

// Each level's vector operations (`vec<T>`) and, from kernels/stream/vector_loops.hpp, its
// kernels, under the level's own namespace. The x86-64 levels above SSE2 are compiled inside a
// target region listing every feature of the level (detail::isa: x86-64-v3's for avx2, v4's
// for avx512), added to the translation unit's own: translation units built for baseline or
// for x86-64-v3 compile them alike, and one built wider than a level can only add
// instructions the whole program needs anyway. A level runs only where active_isa() says the
// CPU has it. (Not arch=x86-64-v3: GCC cannot inline an intrinsic into a function whose target
// is narrower than the translation unit's.)
#define EC2BENCH_STREAM_VECTOR_LOOPS_BODY 1

#if EC2BENCH_STREAM_X86
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2,lzcnt,popcnt,movbe,f16c,avx512f,avx512cd,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi,bmi2,lzcnt,popcnt,movbe,f16c,avx512f,avx512cd,avx512bw,avx512dq,avx512vl")
#endif
namespace ec2bench::stream::detail::avx512 {
template <class T>
struct vec;
template <>
struct vec<double> {
    static constexpr std::size_t width = 8;
    using v = __m512d;
    static v load(const double* p) { return _mm512_load_pd(p); }
    static void stream(double* p, v x) { _mm512_stream_pd(p, x); }
    static void store(double* p, v x) { _mm512_store_pd(p, x); }
    static v set1(double s) { return _mm512_set1_pd(s); }
    static v add(v x, v y) { return _mm512_add_pd(x, y); }
    static v mul(v x, v y) { return _mm512_mul_pd(x, y); }
    static void fence() { _mm_sfence(); }
};
template <>
struct vec<float> {
    static constexpr std::size_t width = 16;
    using v = __m512;
    static v load(const float* p) { return _mm512_load_ps(p); }
    static void stream(float* p, v x) { _mm512_stream_ps(p, x); }
    static void store(float* p, v x) { _mm512_store_ps(p, x); }
    static v set1(float s) { return _mm512_set1_ps(s); }
    static v add(v x, v y) { return _mm512_add_ps(x, y); }
    static v mul(v x, v y) { return _mm512_mul_ps(x, y); }
    static void fence() { _mm_sfence(); }
};
#include <ec2bench/kernels/stream/vector_loops.hpp>
}  // namespace ec2bench::stream::detail::avx512
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// AVX2's level: the 256-bit stores are AVX's, but the level is the one active_isa() names.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2,lzcnt,popcnt,movbe,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi,bmi2,lzcnt,popcnt,movbe,f16c")
#endif
namespace ec2bench::stream::detail::avx2 {
template <class T>
struct vec;
template <>
struct vec<double> {
    static constexpr std::size_t width = 4;
    using v = __m256d;
    static v load(const double* p) { return _mm256_load_pd(p); }
    static void stream(double* p, v x) { _mm256_stream_pd(p, x); }
    static void store(double* p, v x) { _mm256_store_pd(p, x); }
    static v set1(double s) { return _mm256_set1_pd(s); }
    static v add(v x, v y) { return _mm256_add_pd(x, y); }
    static v mul(v x, v y) { return _mm256_mul_pd(x, y); }
    static void fence() { _mm_sfence(); }
};
template <>
struct vec<float> {
    static constexpr std::size_t width = 8;
    using v = __m256;
    static v load(const float* p) { return _mm256_load_ps(p); }
    static void stream(float* p, v x) { _mm256_stream_ps(p, x); }
    static void store(float* p, v x) { _mm256_store_ps(p, x); }
    static v set1(float s) { return _mm256_set1_ps(s); }
    static v add(v x, v y) { return _mm256_add_ps(x, y); }
    static v mul(v x, v y) { return _mm256_mul_ps(x, y); }
    static void fence() { _mm_sfence(); }
};
#include <ec2bench/kernels/stream/vector_loops.hpp>
}  // namespace ec2bench::stream::detail::avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// SSE2 is part of x86-64: its level needs no region.
namespace ec2bench::stream::detail::sse2 {
template <class T>
struct vec;
template <>
struct vec<double> {
    static constexpr std::size_t width = 2;
    using v = __m128d;
    static v load(const double* p) { return _mm_load_pd(p); }
    static void stream(double* p, v x) { _mm_stream_pd(p, x); }
    static void store(double* p, v x) { _mm_store_pd(p, x); }
    static v set1(double s) { return _mm_set1_pd(s); }
    static v add(v x, v y) { return _mm_add_pd(x, y); }
    static v mul(v x, v y) { return _mm_mul_pd(x, y); }
    static void fence() { _mm_sfence(); }
};
template <>
struct vec<float> {
    static constexpr std::size_t width = 4;
    using v = __m128;
    static v load(const float* p) { return _mm_load_ps(p); }
    static void stream(float* p, v x) { _mm_stream_ps(p, x); }
    static void store(float* p, v x) { _mm_store_ps(p, x); }
    static v set1(float s) { return _mm_set1_ps(s); }
    static v add(v x, v y) { return _mm_add_ps(x, y); }
    static v mul(v x, v y) { return _mm_mul_ps(x, y); }
    static void fence() { _mm_sfence(); }
};
#include <ec2bench/kernels/stream/vector_loops.hpp>
}  // namespace ec2bench::stream::detail::sse2
#endif  // EC2BENCH_STREAM_X86

#if EC2BENCH_STREAM_AARCH64
// NEON is part of AArch64 (baseline, no region). AArch64 has no single-vector streaming store;
// STNP stores a pair of 128-bit registers with a non-temporal hint, so the "vector" here is
// that pair (32 bytes). STNP has no intrinsic: one instruction of inline assembly. The fence is
// C++'s (DMB ISH; GCC 12 has no __dmb for the store-only DMB ISHST, once a pass). SVE is not
// used: SVE's non-temporal store (STNT1) writes one vector, 256 bits on Graviton 3 and 128 on
// Graviton 4, no more than STNP's pair of 128-bit registers, and memory bandwidth rather than
// the store's width bounds STREAM (reasoned, not measured).
namespace ec2bench::stream::detail::neon {
template <class T>
struct vec;
template <>
struct vec<double> {
    static constexpr std::size_t width = 4;
    struct v {
        float64x2_t lo, hi;
    };
    static v load(const double* p) { return {vld1q_f64(p), vld1q_f64(p + 2)}; }
    static void stream(double* p, v x) {
        asm volatile("stnp %q[lo], %q[hi], [%[p]]"
                     :
                     : [lo] "w"(x.lo), [hi] "w"(x.hi), [p] "r"(p)
                     : "memory");
    }
    static void store(double* p, v x) {
        vst1q_f64(p, x.lo);
        vst1q_f64(p + 2, x.hi);
    }
    static v set1(double s) { return {vdupq_n_f64(s), vdupq_n_f64(s)}; }
    static v add(v x, v y) { return {vaddq_f64(x.lo, y.lo), vaddq_f64(x.hi, y.hi)}; }
    static v mul(v x, v y) { return {vmulq_f64(x.lo, y.lo), vmulq_f64(x.hi, y.hi)}; }
    static void fence() { std::atomic_thread_fence(std::memory_order_release); }
};
template <>
struct vec<float> {
    static constexpr std::size_t width = 8;
    struct v {
        float32x4_t lo, hi;
    };
    static v load(const float* p) { return {vld1q_f32(p), vld1q_f32(p + 4)}; }
    static void stream(float* p, v x) {
        asm volatile("stnp %q[lo], %q[hi], [%[p]]"
                     :
                     : [lo] "w"(x.lo), [hi] "w"(x.hi), [p] "r"(p)
                     : "memory");
    }
    static void store(float* p, v x) {
        vst1q_f32(p, x.lo);
        vst1q_f32(p + 4, x.hi);
    }
    static v set1(float s) { return {vdupq_n_f32(s), vdupq_n_f32(s)}; }
    static v add(v x, v y) { return {vaddq_f32(x.lo, y.lo), vaddq_f32(x.hi, y.hi)}; }
    static v mul(v x, v y) { return {vmulq_f32(x.lo, y.lo), vmulq_f32(x.hi, y.hi)}; }
    static void fence() { std::atomic_thread_fence(std::memory_order_release); }
};
#include <ec2bench/kernels/stream/vector_loops.hpp>
}  // namespace ec2bench::stream::detail::neon
#endif  // EC2BENCH_STREAM_AARCH64

#undef EC2BENCH_STREAM_VECTOR_LOOPS_BODY

namespace ec2bench::stream {
namespace detail {

using ec2bench::detail::isa;

/// The level whose STREAM code runs when the process's level (active_isa()) is `active`:
/// x86-64 has code for each of its levels (baseline is SSE2); aarch64 runs NEON for neon and sve
/// and the plain loops for a forced baseline; elsewhere the plain loops.
inline constexpr isa code_level(isa active) noexcept {
#if EC2BENCH_STREAM_X86
    return active == isa::avx512 || active == isa::avx2 ? active : isa::baseline;
#elif EC2BENCH_STREAM_AARCH64
    return active == isa::neon || active == isa::sve ? isa::neon : isa::baseline;
#else
    static_cast<void>(active);
    return isa::baseline;
#endif
}

/// Whether the code of `level` (a code_level()) has streaming stores: all but the plain loops.
inline constexpr bool has_streaming_stores(isa level) noexcept {
#if EC2BENCH_STREAM_X86
    static_cast<void>(level);
    return true;
#elif EC2BENCH_STREAM_AARCH64
    return level == isa::neon;
#else
    static_cast<void>(level);
    return false;
#endif
}

/// One kernel over [0, n) with the code of `level` (a code_level()): streaming stores or
/// ordinary ones. The plain loops have no streaming stores and ignore `non_temporal`.
template <class T>
inline void run_kernel(kernel k, T* a, T* b, T* c, T s, std::size_t n, bool non_temporal,
                       isa level) {
    switch (level) {
#if EC2BENCH_STREAM_X86
        case isa::avx512: avx512::run(k, a, b, c, s, n, non_temporal); return;
        case isa::avx2: avx2::run(k, a, b, c, s, n, non_temporal); return;
        case isa::baseline: sse2::run(k, a, b, c, s, n, non_temporal); return;
#elif EC2BENCH_STREAM_AARCH64
        case isa::neon: neon::run(k, a, b, c, s, n, non_temporal); return;
#endif
        default: break;
    }
    switch (k) {
        case kernel::copy: copy_plain(c, a, n); break;
        case kernel::scale: scale_plain(b, c, s, n); break;
        case kernel::add: add_plain(c, a, b, n); break;
        case kernel::triad: triad_plain(a, b, c, s, n); break;
    }
}

inline std::string bytes_text(long double bytes) {
    return ec2bench::detail::bytes_text(static_cast<double>(bytes));
}

}  // namespace detail

/// The arrays, the pinned team and the scalar model of one STREAM configuration, kept between
/// passes so a harness (Google Benchmark, your own loop) can time one kernel pass at a time.
/// Construction allocates and first-touches the arrays in parallel with the same threads and the
/// same static split the kernels use; it throws std::invalid_argument for a bad option, naming
/// it and what is allowed.
///
///     ec2bench::stream::session<double> s(opt);
///     double seconds = s.run_pass(ec2bench::stream::kernel::triad);
template <class T>
class session {
    static_assert(std::is_same_v<T, double> || std::is_same_v<T, float>,
                  "STREAM is defined for float and double");

public:
    explicit session(const options& opt, const machine& m = machine::probe())
        : opt_(opt), scalar_(static_cast<T>(opt.scalar)) {
        const auto ncpu = static_cast<unsigned>(m.cpus.size());
        threads_ = opt.threads == 0 ? ncpu : opt.threads;
        if (opt.pin && ncpu != 0 && threads_ > ncpu) {
            throw std::invalid_argument(
                "stream: threads " + std::to_string(opt.threads) + " > " + std::to_string(ncpu) +
                " CPUs this process may run on: each STREAM thread needs its own CPU (or set "
                "pin = false to oversubscribe)");
        }
        n_ = opt.elements ? *opt.elements : default_elements(m.llc_total_bytes);
        if (n_ == 0) {
            throw std::invalid_argument("stream: elements 0: each array needs at least 1 element");
        }
        constexpr std::size_t max_n = std::numeric_limits<std::size_t>::max() / (3 * sizeof(T));
        if (n_ > max_n) {
            throw std::invalid_argument("stream: elements " + std::to_string(n_) + ": 3 arrays of " +
                                        std::to_string(sizeof(T)) +
                                        "-byte elements overflow the address space (at most " +
                                        std::to_string(max_n) + ")");
        }
        const std::size_t total = 3 * n_ * sizeof(T);
        if (m.mem_available_bytes != 0 && total > m.mem_available_bytes) {
            throw std::invalid_argument(
                "stream: elements " + std::to_string(n_) + ": 3 arrays need " +
                detail::bytes_text(static_cast<long double>(total)) + " but only " +
                detail::bytes_text(static_cast<long double>(m.mem_available_bytes)) +
                " is available (MemAvailable); use fewer elements");
        }
        if (opt.passes < 2) {
            throw std::invalid_argument("stream: passes " + std::to_string(opt.passes) +
                                        ": at least 2 (the first pass is dropped)");
        }
        if (!std::isfinite(opt.scalar) || opt.scalar == 0) {
            throw std::invalid_argument("stream: scalar must be finite and non-zero");
        }
        // Chosen once per session: every pass runs the same code.
        level_ = detail::code_level(ec2bench::detail::active_isa());
        const bool streaming = detail::has_streaming_stores(level_);
        switch (opt.nt) {
            case nt_mode::on: non_temporal_ = streaming; break;
            case nt_mode::off: non_temporal_ = false; break;
            case nt_mode::automatic:
                // "Well past": the arrays together exceed twice the caches, so nothing they
                // write would be read back from cache anyway.
                non_temporal_ = streaming && m.llc_total_bytes != 0 &&
                                total > 2 * m.llc_total_bytes;
                break;
        }

        a_ = ec2bench::detail::aligned_buffer<T>(n_, ec2bench::detail::huge_page_size, opt.pages);
        b_ = ec2bench::detail::aligned_buffer<T>(n_, ec2bench::detail::huge_page_size, opt.pages);
        c_ = ec2bench::detail::aligned_buffer<T>(n_, ec2bench::detail::huge_page_size, opt.pages);
        team_.emplace(threads_, opt.pin);

        // First touch by the thread that will work on each chunk, so its pages land on that
        // thread's NUMA node; then a = 2a as STREAM does while it checks the clock.
        T* a = a_.data();
        T* b = b_.data();
        T* c = c_.data();
        team_->run([&](unsigned member) {
            const auto [lo, hi] = detail::chunk(n_, threads_, member, chunk_align);
            for (std::size_t j = lo; j < hi; ++j) {
                a[j] = T(1);
                b[j] = T(2);
                c[j] = T(0);
            }
            for (std::size_t j = lo; j < hi; ++j) a[j] = T(2) * a[j];
        });
        tick_ns_ = ec2bench::detail::observed_tick_ns();
    }

    /// Times one pass of kernel `k` on every thread: from a barrier that all threads have reached
    /// to a barrier after all have finished (STREAM times its parallel loop the same way).
    /// Returns seconds.
    double run_pass(kernel k) {
        T* a = a_.data();
        T* b = b_.data();
        T* c = c_.data();
        const T s = scalar_;
        const bool nt = non_temporal_;
        const ec2bench::detail::isa level = level_;
        std::uint64_t t0 = 0, t1 = 0;
        team_->run([&](unsigned member) {
            const auto [lo, hi] = detail::chunk(n_, threads_, member, chunk_align);
            team_->barrier();
            if (member == 0) t0 = ec2bench::detail::now_ns();
            detail::run_kernel(k, a + lo, b + lo, c + lo, s, hi - lo, nt, level);
            team_->barrier();
            if (member == 0) t1 = ec2bench::detail::now_ns();
        });
        model(k);
        return ec2bench::detail::seconds_between(t0, t1);
    }

    /// STREAM's validation of the arrays against the scalar recurrence of every pass run so far:
    /// the average absolute error of each array, relative to its expected value, must stay below
    /// validation_epsilon<T>. Also counts elements that differ at all.
    validation validate() {
        validation v;
        v.epsilon = validation_epsilon<T>;
        v.expected = {static_cast<double>(aj_), static_cast<double>(bj_), static_cast<double>(cj_)};
        std::vector<std::array<double, 3>> sum_err(threads_);
        std::vector<std::array<std::uint64_t, 3>> diff(threads_);
        const T* arrays[3] = {a_.data(), b_.data(), c_.data()};
        const T expect[3] = {aj_, bj_, cj_};
        team_->run([&](unsigned member) {
            const auto [lo, hi] = detail::chunk(n_, threads_, member, chunk_align);
            std::array<double, 3> e{};
            std::array<std::uint64_t, 3> d{};
            for (int x = 0; x < 3; ++x) {
                for (std::size_t j = lo; j < hi; ++j) {
                    const T val = arrays[x][j];
                    e[static_cast<std::size_t>(x)] +=
                        std::fabs(static_cast<double>(val) - static_cast<double>(expect[x]));
                    d[static_cast<std::size_t>(x)] += val != expect[x] ? 1u : 0u;
                }
            }
            sum_err[member] = e;
            diff[member] = d;
        });
        v.passed = true;
        static constexpr const char* names[3] = {"a", "b", "c"};
        for (std::size_t x = 0; x < 3; ++x) {
            double total = 0;
            for (unsigned m = 0; m < threads_; ++m) {
                total += sum_err[m][x];
                v.mismatches[x] += diff[m][x];
            }
            const double avg = total / static_cast<double>(n_);
            v.avg_rel_error[x] = v.expected[x] != 0 ? std::fabs(avg / v.expected[x]) : avg;
            if (!(v.avg_rel_error[x] <= v.epsilon)) {  // NaN fails too
                v.passed = false;
                std::ostringstream os;
                os.precision(6);
                os << (v.message.empty() ? "" : "; ") << "array " << names[x]
                   << ": average relative error " << v.avg_rel_error[x] << " > epsilon "
                   << v.epsilon << " (expected " << v.expected[x] << ", " << v.mismatches[x]
                   << " of " << n_ << " elements differ)";
                v.message += os.str();
            }
        }
        return v;
    }

    std::size_t elements() const noexcept { return n_; }
    unsigned threads() const noexcept { return threads_; }
    bool non_temporal() const noexcept { return non_temporal_; }
    /// The instruction-set level whose code the passes run (see result::isa).
    ec2bench::detail::isa isa() const noexcept { return level_; }
    page_backing pages() const noexcept { return a_.backing(); }
    std::uint64_t tick_ns() const noexcept { return tick_ns_; }
    const options& opts() const noexcept { return opt_; }

    /// The arrays, for tests and for users who want to look: a, b, c as STREAM names them.
    T* a() noexcept { return a_.data(); }
    T* b() noexcept { return b_.data(); }
    T* c() noexcept { return c_.data(); }

    /// Four times all last-level caches together, in elements (STREAM's rule), at least 1M.
    static std::size_t default_elements(std::size_t llc_total_bytes) {
        const std::size_t by_cache = 4 * llc_total_bytes / sizeof(T);
        return std::max<std::size_t>(by_cache, std::size_t{1} << 20);
    }

private:
    // Inner chunk boundaries fall on 64 elements: a whole number of 64-byte lines and of vectors
    // for every ISA we use, so threads never share a cache line.
    static constexpr std::size_t chunk_align = 64;

    // The scalar recurrence STREAM checks against, advanced in step with the arrays.
    void model(kernel k) {
        switch (k) {
            case kernel::copy: cj_ = aj_; break;
            case kernel::scale: bj_ = scalar_ * cj_; break;
            case kernel::add: cj_ = aj_ + bj_; break;
            case kernel::triad: aj_ = bj_ + scalar_ * cj_; break;
        }
    }

    options opt_;
    T scalar_;
    unsigned threads_ = 0;
    std::size_t n_ = 0;
    bool non_temporal_ = false;
    ec2bench::detail::isa level_ = ec2bench::detail::isa::baseline;
    std::uint64_t tick_ns_ = 0;
    ec2bench::detail::aligned_buffer<T> a_, b_, c_;
    std::optional<ec2bench::detail::thread_team> team_;
    T aj_ = T(2), bj_ = T(2), cj_ = T(0);
};

/// Runs STREAM: `passes` rounds of copy, scale, add, triad in that order, each kernel timed on
/// its own; the first round is dropped from the timings; the arrays are validated at the end.
/// A run that fails validation has check.passed false and must not be reported as a rate.
template <class T>
inline result run(const options& opt, const machine& m = machine::probe()) {
    session<T> s(opt, m);
    result r;
    r.elements = s.elements();
    r.element_bytes = sizeof(T);
    r.threads = s.threads();
    r.passes = opt.passes;
    r.non_temporal = s.non_temporal();
    r.isa = std::string(ec2bench::detail::isa_name(s.isa()));
    r.pages = s.pages();
    r.tick_ns = s.tick_ns();
    kernel_result* slots[4] = {&r.copy, &r.scale, &r.add, &r.triad};
    for (std::size_t i = 0; i < 4; ++i) {
        const kernel k = all_kernels[i];
        slots[i]->which = k;
        slots[i]->bytes = stream_bytes(k, r.elements, sizeof(T));
        slots[i]->bytes_write_allocate =
            write_allocate_bytes(k, r.elements, sizeof(T), r.non_temporal);
        slots[i]->seconds.reserve(opt.passes - 1);
    }
    for (unsigned pass = 0; pass < opt.passes; ++pass) {
        for (std::size_t i = 0; i < 4; ++i) {
            const double sec = s.run_pass(all_kernels[i]);
            if (pass > 0) slots[i]->seconds.push_back(sec);
        }
    }
    r.check = s.validate();
    return r;
}

/// Triad (or another kernel) at 1, 2, ... `max_threads` threads: how bandwidth scales with
/// cores, for choosing an instance size. Each point is a full STREAM run, validated.
template <class T>
inline std::vector<result> thread_sweep(options opt, unsigned max_threads = 0,
                                        const machine& m = machine::probe()) {
    const auto ncpu = static_cast<unsigned>(m.cpus.size());
    if (max_threads == 0) max_threads = ncpu;
    std::vector<result> out;
    for (unsigned t = 1; t <= max_threads; ++t) {
        opt.threads = t;
        out.push_back(run<T>(opt, m));
    }
    return out;
}

}  // namespace ec2bench::stream

#undef EC2BENCH_STREAM_X86
#undef EC2BENCH_STREAM_AARCH64

#endif  // EC2BENCH_KERNELS_STREAM_HPP
