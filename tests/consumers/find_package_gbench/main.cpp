// A Google Benchmark program built against an installed ec2bench::gbench.
#include <ec2bench/gbench.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    std::printf("ec2bench %s with Google Benchmark\n", ec2bench::version_string());
    benchmark::Shutdown();
    return 0;
}
