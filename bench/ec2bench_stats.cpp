// ec2bench-stats: what recording a latency and reading its percentiles cost.
#include "cli/cli.hpp"

#include <ec2bench/gbench/stats.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
    const std::string program = "ec2bench-stats";
    namespace cli = ec2bench::cli;
    ec2bench::gbench::stats_bench_options opt;
    // Both arrays hold 8-byte latencies; each may take at most half of MemAvailable, so that a
    // size past memory is refused here (exit 2) and never ends in std::bad_alloc.
    const std::uint64_t most = cli::max_items_in_memory(sizeof(std::uint64_t), 2, std::uint64_t{1} << 40);
    std::uint64_t sample_buffer = opt.sample_buffer, latencies = opt.latencies;
    CLI::App app("the cost of recording latencies (raw store, histogram) and of reading quantiles",
                 program);
    const std::string limit_note = " (at most " + std::to_string(most) + " samples: half of MemAvailable)";
    const std::string why = " (8-byte samples in half of MemAvailable)";
    cli::add_count(app, "--sample-buffer", sample_buffer, 1, most,
                   "raw samples the floor stores before wrapping (default 2^20)" + limit_note, "N", why);
    cli::add_count(app, "--latencies", latencies, 1, most,
                   "latencies recorded per iteration (default 2^16)" + limit_note, "N", why);
    cli::add_value(app, "--latency-sigma", "S",
                   "sigma of the log of the recorded latencies, in (0, 10] (default 1)",
                   [&](const std::string& v) {
                       const auto sigma = cli::detail::real(v);
                       if (!sigma || !(*sigma > 0 && *sigma <= 10)) {
                           throw cli::usage_error("--latency-sigma=" + v +
                                                  ": expected a number in (0, 10], such as 0.5");
                       }
                       opt.latency_sigma = *sigma;
                   });
    cli::add_count(app, "--seed", opt.seed, 0, std::numeric_limits<std::uint64_t>::max(),
                   "seed of the generated samples");
    app.footer(std::string(cli::exit_status_help) + "\n\nGoogle Benchmark's own flags follow.");

    return cli::run_executable(
        app, argc, argv,
        [&] {
            opt.sample_buffer = static_cast<std::size_t>(sample_buffer);
            opt.latencies = static_cast<std::size_t>(latencies);
        },
        [&] { ec2bench::gbench::register_stats(opt); });
}
