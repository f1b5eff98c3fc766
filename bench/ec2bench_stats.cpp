// ec2bench-stats: what recording a latency and reading its percentiles cost.
#include <ec2bench/gbench/flags.hpp>
#include <ec2bench/gbench/stats.hpp>

#include <benchmark/benchmark.h>

int main(int argc, char** argv) {
    ec2bench::gbench::stats_bench_options opt;
    ec2bench::gbench::flag_set flags(
        "ec2bench-stats",
        "the cost of recording latencies (raw store, histogram) and of reading quantiles");
    flags
        .add("sample-buffer", "N", "raw samples the floor stores before wrapping (default 2^20)",
             [&](std::string_view v) {
                 opt.sample_buffer = ec2bench::gbench::parse_count(v, "sample-buffer");
             })
        .add("latencies", "N", "latencies recorded per iteration (default 2^16)",
             [&](std::string_view v) {
                 opt.latencies = ec2bench::gbench::parse_count(v, "latencies");
             })
        .add("seed", "N", "seed of the generated samples",
             [&](std::string_view v) { opt.seed = ec2bench::gbench::parse_count(v, "seed"); });
    if (const int rc = flags.parse(argc, argv); rc >= 0) return rc;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    ec2bench::gbench::register_stats(opt);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
