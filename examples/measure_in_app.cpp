// Measuring your own function inside your own application, two ways: ec2bench::measure for a
// number in the app itself, and the same callable as a Google Benchmark benchmark whose
// counters are its latency percentiles (then in ec2bench's results file, compare and check).
//
//   example-measure                      the percentiles, then Google Benchmark's table
//   example-measure --benchmark_format=json --benchmark_out=run.json
#include <ec2bench/gbench/measure.hpp>
#include <ec2bench/measure.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

// The application's own code: sums the integer fields of a CSV line.
std::uint64_t parse(std::string_view line) {
    std::uint64_t sum = 0;
    std::uint64_t field = 0;
    for (const char c : line) {
        if (c >= '0' && c <= '9') {
            field = field * 10 + static_cast<std::uint64_t>(c - '0');
        } else if (c == ',') {
            sum += field;
            field = 0;
        }
    }
    return sum + field;
}

}  // namespace

int main(int argc, char** argv) {
    std::string doc;
    for (int i = 0; i < 200; ++i)
        doc += std::to_string(i * 7919) + ",";

    // One call, a plain result: the callable's return value is kept from the optimizer.
    const auto r = ec2bench::measure([&] { return parse(doc); });
    std::printf("parse: p50 %.0f ns, p99 %.0f ns over %zu calls%s\n", r.quantile_ns(0.5),
                r.quantile_ns(0.99), static_cast<std::size_t>(r.calls()),
                r.batched() ? " (batched: percentiles of batch means)" : "");
    const auto ci = r.quantile_ci(0.99);
    std::printf("parse: p99 in [%.0f, %.0f] ns (%.0f%% confidence), clock read %.0f ns\n", ci.lower,
                ci.upper, 100 * ci.coverage, r.clock.read_ns);

    // The same function as a Google Benchmark benchmark: measure/parse with p50_us ... p999_us.
    ec2bench::gbench::register_measure("parse", [&] { return parse(doc); });
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
