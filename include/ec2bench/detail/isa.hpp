// SPDX-License-Identifier: MIT
// Which instruction set the kernels' dispatched code may use, decided once at run time from the
// CPU (cpuid and XCR0 on x86-64, getauxval(AT_HWCAP) on aarch64) and lowered, never raised, by
// the environment variable EC2BENCH_ISA. A binary built for baseline x86-64 then runs its AVX2 or
// AVX-512 functions only where the CPU and the OS support them, and never faults elsewhere.
#ifndef EC2BENCH_DETAIL_ISA_HPP
#define EC2BENCH_DETAIL_ISA_HPP

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define EC2BENCH_ISA_X86 1
#else
#define EC2BENCH_ISA_X86 0
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#define EC2BENCH_ISA_AARCH64 1
#else
#define EC2BENCH_ISA_AARCH64 0
#endif

namespace ec2bench::detail {

/// The levels, lowest first within each architecture. `baseline` is what every CPU of the
/// architecture runs: SSE2 on x86-64, plain C++ elsewhere. On aarch64 NEON (Advanced SIMD) is
/// part of the architecture, so `neon` is aarch64's baseline made explicit.
///  - avx2:   x86-64-v3: AVX2, FMA, BMI1, BMI2, LZCNT, MOVBE, F16C and x86-64-v2's SSE3 to
///            SSE4.2, POPCNT, CMPXCHG16B, LAHF (Haswell, Zen 1 and later).
///  - avx512: x86-64-v4: avx2 plus AVX-512 F, CD, BW, DQ and VL (Skylake-SP, Zen 4 and later).
/// The x86-64 levels are the psABI's microarchitecture levels, x86-64-v3 and -v4, whose
/// features the kernels name in each level's target attribute.
///  - sve:    neon plus the Scalable Vector Extension (Graviton 3 and later).
enum class isa : std::uint8_t { baseline, avx2, avx512, neon, sve };

inline constexpr std::string_view isa_name(isa i) noexcept {
    switch (i) {
        case isa::baseline: return "baseline";
        case isa::avx2: return "avx2";
        case isa::avx512: return "avx512";
        case isa::neon: return "neon";
        case isa::sve: return "sve";
    }
    return "?";
}

inline std::optional<isa> parse_isa(std::string_view s) noexcept {
    for (isa i : {isa::baseline, isa::avx2, isa::avx512, isa::neon, isa::sve}) {
        if (s == isa_name(i)) return i;
    }
    return std::nullopt;
}

/// What the CPU and the OS together allow (an AVX flag in cpuid is not enough: the OS must also
/// save the wider registers, which XCR0 says).
struct cpu_features {
    bool avx2 = false;    ///< the whole avx2 level, see isa
    bool avx512 = false;  ///< the whole avx512 level
    bool neon = false;
    bool sve = false;
};

#if EC2BENCH_ISA_X86
namespace isa_x86 {
// The intrinsic under its own target attribute, so a baseline build may call it; only after
// cpuid's OSXSAVE bit says the instruction exists.
__attribute__((target("xsave"))) inline std::uint64_t xcr0() noexcept {
    return static_cast<std::uint64_t>(_xgetbv(0));
}
}  // namespace isa_x86
#endif

inline cpu_features detect_cpu_features() noexcept {
    cpu_features f;
#if EC2BENCH_ISA_X86
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0) return f;
    const bool osxsave = (c >> 27) & 1u, fma = (c >> 12) & 1u, popcnt = (c >> 23) & 1u,
               avx = (c >> 28) & 1u, sse3 = c & 1u, ssse3 = (c >> 9) & 1u,
               cx16 = (c >> 13) & 1u, sse41 = (c >> 19) & 1u, sse42 = (c >> 20) & 1u,
               movbe = (c >> 22) & 1u, f16c = (c >> 29) & 1u;
    const bool v2 = sse3 && ssse3 && cx16 && sse41 && sse42 && popcnt;
    if (!osxsave || !avx) return f;
    const std::uint64_t xcr0 = isa_x86::xcr0();
    const bool ymm_saved = (xcr0 & 0x6u) == 0x6u;       // SSE and AVX state
    const bool zmm_saved = (xcr0 & 0xe6u) == 0xe6u;     // plus opmask, ZMM_Hi256, Hi16_ZMM
    unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
    if (__get_cpuid_count(7, 0, &a7, &b7, &c7, &d7) == 0) return f;
    unsigned ae = 0, be = 0, ce = 0, de = 0;
    const bool ext = __get_cpuid(0x80000001u, &ae, &be, &ce, &de) != 0;
    const bool lzcnt = ext && ((ce >> 5) & 1u), lahf = ext && (ce & 1u);
    const bool bmi1 = (b7 >> 3) & 1u, avx2 = (b7 >> 5) & 1u, bmi2 = (b7 >> 8) & 1u;
    f.avx2 = ymm_saved && v2 && lahf && avx2 && fma && bmi1 && bmi2 && lzcnt && movbe && f16c;
    const bool avx512f = (b7 >> 16) & 1u, avx512dq = (b7 >> 17) & 1u, avx512cd = (b7 >> 28) & 1u,
               avx512bw = (b7 >> 30) & 1u, avx512vl = (b7 >> 31) & 1u;
    f.avx512 = f.avx2 && zmm_saved && avx512f && avx512dq && avx512cd && avx512bw && avx512vl;
#elif EC2BENCH_ISA_AARCH64
    const unsigned long hw = getauxval(AT_HWCAP);
    f.neon = (hw & (1ul << 1)) != 0;   // HWCAP_ASIMD
    f.sve = (hw & (1ul << 22)) != 0;   // HWCAP_SVE
#endif
    return f;
}

/// The highest level the features allow.
inline constexpr isa best_isa(const cpu_features& f) noexcept {
#if EC2BENCH_ISA_AARCH64
    return f.sve ? isa::sve : f.neon ? isa::neon : isa::baseline;
#else
    return f.avx512 ? isa::avx512 : f.avx2 ? isa::avx2 : isa::baseline;
#endif
}

/// Whether a CPU with these features may run code of level `i`.
inline constexpr bool isa_supported(isa i, const cpu_features& f) noexcept {
    switch (i) {
        case isa::baseline: return true;
        case isa::avx2: return f.avx2;
        case isa::avx512: return f.avx512;
        case isa::neon: return f.neon;
        case isa::sve: return f.sve;
    }
    return false;
}

/// The level to use given the value of EC2BENCH_ISA (null or empty: the best the CPU allows).
/// Throws std::invalid_argument, naming the variable and what is allowed, for a name that is not
/// a level or a level this CPU cannot run: a forced level is for testing the lower paths, and
/// raising it past the CPU would fault.
inline isa resolve_isa(const char* requested, const cpu_features& f) {
    const isa best = best_isa(f);
    if (requested == nullptr || *requested == '\0') return best;
    std::string allowed;
    for (isa i : {isa::baseline, isa::avx2, isa::avx512, isa::neon, isa::sve}) {
        if (!isa_supported(i, f)) continue;
        if (!allowed.empty()) allowed += ", ";
        allowed += isa_name(i);
    }
    const std::string_view r(requested);
    const auto parsed = parse_isa(r);
    std::string shown;
    for (char ch : r.substr(0, 40)) {
        const auto u = static_cast<unsigned char>(ch);
        if (u < 0x20 || u >= 0x7f) {
            static const char hex[] = "0123456789abcdef";
            shown += "\\x";
            shown += hex[u >> 4];
            shown += hex[u & 15];
        } else {
            shown += ch;
        }
    }
    if (!parsed) {
        throw std::invalid_argument("EC2BENCH_ISA '" + shown + "': expected one of " + allowed +
                                    " (the levels this CPU runs)");
    }
    if (!isa_supported(*parsed, f)) {
        throw std::invalid_argument("EC2BENCH_ISA '" + shown + "': this CPU runs only " + allowed);
    }
    return *parsed;
}

/// The level chosen for this process: the CPU's features read once, EC2BENCH_ISA applied.
/// Throws as resolve_isa() does for a bad EC2BENCH_ISA (each call, so every caller sees it).
inline isa active_isa() {
    static const cpu_features features = detect_cpu_features();
    return resolve_isa(std::getenv("EC2BENCH_ISA"), features);
}

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_ISA_HPP
