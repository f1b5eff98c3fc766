// Two translation units built with different -march (isa_a.cpp: x86-64, isa_b.cpp: x86-64-v3)
// that both include stream.hpp and histogram.hpp, linked into one program: both run, both chose
// the same level at run time, and both give the same STREAM arrays and histogram buckets.
#include "isa_tu.hpp"

#include <ec2bench/detail/isa.hpp>

#include <cstdio>
#include <string>

isa_tu_result isa_tu_a();
isa_tu_result isa_tu_b();

int main() {
    // isa_b.cpp is built for x86-64-v3: a CPU without AVX2 cannot run it at all (ctest: skipped).
    if (!ec2bench::detail::detect_cpu_features().avx2) {
        std::puts("odr.isa: skipped, this CPU has no AVX2 for the x86-64-v3 translation unit");
        return 77;
    }
    const isa_tu_result a = isa_tu_a();
    const isa_tu_result b = isa_tu_b();
    int failures = 0;
    const auto expect = [&](bool ok, const char* what) {
        if (!ok) {
            std::fprintf(stderr, "odr.isa: %s\n", what);
            ++failures;
        }
    };
    expect(a.stream_valid && b.stream_valid, "STREAM validation failed in a translation unit");
    expect(a.stream_isa == b.stream_isa, "the two translation units ran different STREAM levels");
    const auto active = ec2bench::stream::detail::code_level(ec2bench::detail::active_isa());
    expect(a.stream_isa == std::string(ec2bench::detail::isa_name(active)),
           "STREAM did not run the level active_isa() names");
    expect(a.stream_a == b.stream_a, "the STREAM arrays differ between the translation units");
    expect(a.simd_batch == b.simd_batch, "record_batch took different paths");
    expect(a.count == 10'000 && a.count == b.count, "the histogram counts differ");
    expect(a.buckets == b.buckets, "the histogram buckets differ");
    std::printf("odr.isa: both translation units ran STREAM at %s, record_batch %s\n",
                a.stream_isa.c_str(), a.simd_batch ? "eight at a time" : "value by value");
    return failures == 0 ? 0 : 1;
}
