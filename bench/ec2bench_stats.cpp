// ec2bench-stats: what recording a latency and reading its percentiles cost.
#include <ec2bench/gbench/flags.hpp>
#include <ec2bench/gbench/stats.hpp>

#include <benchmark/benchmark.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

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
        .add("latency-sigma", "S", "sigma of the log of the recorded latencies (default 1)",
             [&](std::string_view v) {
                 std::size_t used = 0;
                 const std::string text(v);
                 double sigma = 0;
                 try {
                     sigma = std::stod(text, &used);
                 } catch (const std::exception&) {
                     used = 0;
                 }
                 if (used != text.size() || !(sigma > 0 && sigma <= 10)) {
                     throw std::invalid_argument("--latency-sigma=" + text +
                                                 ": expected a number in (0, 10], such as 0.5");
                 }
                 opt.latency_sigma = sigma;
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
