#include <ec2bench/detail/isa.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

using namespace ec2bench::detail;

namespace {
cpu_features x86(bool avx2, bool avx512) {
    cpu_features f;
    f.avx2 = avx2;
    f.avx512 = avx512;
    return f;
}
cpu_features arm(bool sve) {
    cpu_features f;
    f.neon = true;
    f.sve = sve;
    return f;
}

// The kernel's own reading of the CPU: the flags line of /proc/cpuinfo (x86) or its Features
// line (aarch64), an oracle independent of our cpuid decoding.
std::set<std::string> proc_cpuinfo_flags() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    std::set<std::string> flags;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) == 0 || line.rfind("Features", 0) == 0) {
            std::istringstream words(line.substr(line.find(':') + 1));
            for (std::string w; words >> w;) flags.insert(w);
            break;
        }
    }
    return flags;
}
}  // namespace

TEST_CASE("isa names round-trip and unknown names are refused") {
    for (isa i : {isa::baseline, isa::avx2, isa::avx512, isa::neon, isa::sve}) {
        CHECK(parse_isa(isa_name(i)) == i);
    }
    CHECK_FALSE(parse_isa("AVX2").has_value());
    CHECK_FALSE(parse_isa("").has_value());
}

TEST_CASE("resolve_isa: the best level unless EC2BENCH_ISA lowers it") {
    CHECK(resolve_isa(nullptr, x86(true, true)) == best_isa(x86(true, true)));
    CHECK(resolve_isa("", x86(true, false)) == best_isa(x86(true, false)));
    CHECK(resolve_isa("baseline", x86(true, true)) == isa::baseline);
    CHECK(resolve_isa("baseline", cpu_features{}) == isa::baseline);
    CHECK(resolve_isa("avx2", x86(true, true)) == isa::avx2);
#if EC2BENCH_ISA_X86
    CHECK(best_isa(x86(true, true)) == isa::avx512);
    CHECK(best_isa(x86(true, false)) == isa::avx2);
    CHECK(best_isa(cpu_features{}) == isa::baseline);
#endif
#if EC2BENCH_ISA_AARCH64
    CHECK(best_isa(arm(true)) == isa::sve);
    CHECK(best_isa(arm(false)) == isa::neon);
#endif
}

TEST_CASE("resolve_isa: a level the CPU cannot run, or no level at all, is one clear error") {
    CHECK_THROWS_WITH_AS(resolve_isa("avx512", x86(true, false)),
                         "EC2BENCH_ISA 'avx512': this CPU runs only baseline, avx2",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(resolve_isa("sve", arm(false)),
                         "EC2BENCH_ISA 'sve': this CPU runs only baseline, neon",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(resolve_isa("sse4\x1b[2J", x86(false, false)),
                         "EC2BENCH_ISA 'sse4\\x1b[2J': expected one of baseline (the levels this CPU runs)",
                         std::invalid_argument);
}

TEST_CASE("detect_cpu_features agrees with the kernel's /proc/cpuinfo") {
    const auto flags = proc_cpuinfo_flags();
    if (flags.empty()) return;  // no /proc (a container without it): nothing to compare with
    // Under qemu-user (tests/qemu_x86.sh) cpuid is the emulated model's, /proc/cpuinfo the host's.
    if (std::getenv("EC2BENCH_EXPECT_ISA") != nullptr) return;
    const auto has = [&](const char* f) { return flags.count(f) != 0; };
    const cpu_features f = detect_cpu_features();
#if EC2BENCH_ISA_X86
    // /proc/cpuinfo lists a flag only when the kernel enabled the state it needs (XSAVE), as our
    // XCR0 check does; lzcnt is called abm there, SSE3 pni, LAHF in 64-bit mode lahf_lm.
    const bool v2 = has("pni") && has("ssse3") && has("cx16") && has("sse4_1") && has("sse4_2") &&
                    has("popcnt") && has("lahf_lm");
    const bool avx2 = v2 && has("avx2") && has("fma") && has("bmi1") && has("bmi2") &&
                      has("abm") && has("movbe") && has("f16c");
    CHECK(f.avx2 == avx2);
    CHECK(f.avx512 == (avx2 && has("avx512f") && has("avx512dq") && has("avx512cd") &&
                       has("avx512bw") && has("avx512vl")));
    CHECK_FALSE(f.neon);
#elif EC2BENCH_ISA_AARCH64
    CHECK(f.neon == has("asimd"));
    CHECK(f.sve == has("sve"));
#endif
    CHECK(isa_supported(best_isa(f), f));
}

TEST_CASE("active_isa reads EC2BENCH_ISA at each call") {
    const cpu_features f = detect_cpu_features();
    ::setenv("EC2BENCH_ISA", "baseline", 1);
    CHECK(active_isa() == isa::baseline);
    ::setenv("EC2BENCH_ISA", "fastest", 1);
    CHECK_THROWS_AS(active_isa(), std::invalid_argument);
    ::unsetenv("EC2BENCH_ISA");
    CHECK(active_isa() == best_isa(f));
}

TEST_CASE("the level detected is the one the CPU model has (EC2BENCH_EXPECT_ISA)") {
    // tests/qemu_x86.sh runs this under qemu's CPU models with EC2BENCH_ISA unset, naming the
    // level each model must be detected as: baseline for an SSE-only model, avx2 for Haswell.
    // Elsewhere the variable is unset and the kernel's own flags are the oracle (above).
    const char* expected = std::getenv("EC2BENCH_EXPECT_ISA");
    if (expected == nullptr) return;
    CHECK(std::getenv("EC2BENCH_ISA") == nullptr);
    CHECK(isa_name(active_isa()) == std::string(expected));
}
