// A Google Benchmark program built against an installed ec2bench::gbench, which also brings
// zlib for HdrHistogram's encoding (results/hdr.hpp).
#include <ec2bench/gbench.hpp>
#include <ec2bench/results/hdr.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    ec2bench::stats::latency_histogram h;
    h.record(1000);
    const auto back = ec2bench::results::hdr::decode(ec2bench::results::hdr::encode(h));
    if (back.total_count() != 1) return 1;
    std::printf("ec2bench %s with Google Benchmark\n", ec2bench::version_string());
    benchmark::Shutdown();
    return 0;
}
