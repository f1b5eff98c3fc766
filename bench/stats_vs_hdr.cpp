// The record benchmarks of ec2bench-stats beside HdrHistogram_c's hdr_record_value, the peer
// issue 3 names, in one process over the same latencies. Built by bench/stats_vs_hdr.sh
// against a checkout of HdrHistogram_c (not a Debian package, so never by CMake).
#include <ec2bench/detail/do_not_optimize.hpp>
#include <ec2bench/gbench/stats.hpp>
#include <ec2bench/stats/histogram.hpp>

#include <hdr/hdr_histogram.h>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const ec2bench::gbench::stats_bench_options opt;
    ec2bench::gbench::register_stats(opt);
    // The same layout as latency_histogram: 1 ns to 1 hour at 3 significant digits is
    // HdrHistogram's 2048 sub-buckets, our SubBucketBits = 10.
    constexpr auto max_value =
        static_cast<std::int64_t>(ec2bench::stats::latency_histogram::max_value);
    const auto latencies = ec2bench::gbench::detail::lognormal_latencies_ns(opt.latencies, opt.seed,
                                                                            opt.latency_sigma);
    benchmark::RegisterBenchmark("peer/hdr_record_value", [&latencies](benchmark::State& state) {
        hdr_histogram* h = nullptr;
        if (hdr_init(1, max_value, 3, &h) != 0) {
            state.SkipWithError("hdr_init failed");
            return;
        }
        const std::uint64_t* lat = latencies.data();
        const std::size_t n = latencies.size();
        for (auto _ : state) {
            for (std::size_t j = 0; j < n; ++j) {
                std::uint64_t v = lat[j];
                ec2bench::detail::do_not_optimize(v);
                hdr_record_value(h, static_cast<std::int64_t>(v));
            }
        }
        ec2bench::do_not_optimize(h->total_count);
        state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
        hdr_close(h);
    })->Unit(benchmark::kNanosecond);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
