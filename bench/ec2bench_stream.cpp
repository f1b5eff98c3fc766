// ec2bench-stream: STREAM copy/scale/add/triad as Google Benchmark benchmarks.
#include "cli/cli.hpp"

#include <ec2bench/gbench/stream.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
    const std::string program = "ec2bench-stream";
    namespace cli = ec2bench::cli;
    namespace st = ec2bench::stream;
    ec2bench::gbench::stream_bench_options o;
    std::uint64_t elements = 0, threads = 0, passes = 0;
    std::string nt = "auto", pages = "thp", sweep = "on", elements_text;
    std::vector<std::string> types = {"double", "float"};
    CLI::App app("STREAM memory bandwidth (copy, scale, add, triad), validated as STREAM "
                 "validates, with a triad thread sweep",
                 program);
    cli::add_count(app, "--elements", elements, 1, std::numeric_limits<std::uint64_t>::max(),
                   "elements per array (default: 4x all last-level caches together, at least "
                   "1M); 1e8 and 2^27 notation accepted; at most what 3 arrays fit in "
                   "MemAvailable",
                   "N", "", &elements_text);
    cli::add_count(app, "--threads", threads, 1, 4096,
                   "threads, one pinned per CPU (default: every CPU we may run on)", "T");
    cli::add_choice(app, "--nt", nt, {"auto", "on", "off"},
                    "streaming (non-temporal) stores; auto uses them when the arrays are well "
                    "past the last-level caches");
    cli::add_choice(app, "--pages", pages, {"thp", "4k", "hugetlb"},
                    "page size policy: transparent huge pages (default), ordinary 4 KiB pages, "
                    "or the reserved hugetlb pool (falls back to THP)");
    cli::add_list(app, "--types", types, {"double", "float"},
                  "element types to run (default: double,float)", "double,float");
    cli::add_choice(app, "--sweep", sweep, {"on", "off"},
                    "also run triad at 1, 2, 4, ... T threads (default: on)");
    cli::add_count(app, "--passes", passes, 1, 1'000'000,
                   "timed passes per benchmark, after one dropped warm-up pass (default: Google "
                   "Benchmark decides from --benchmark_min_time)");
    app.footer(std::string(cli::exit_status_help) + "\n\nGoogle Benchmark's own flags follow.");

    return cli::run_executable(
        app, argc, argv,
        [&] {
            o.doubles = std::find(types.begin(), types.end(), "double") != types.end();
            o.floats = std::find(types.begin(), types.end(), "float") != types.end();
            o.stream.nt = st::parse_nt_mode(nt);
            o.stream.pages = pages == "thp"  ? st::huge_pages::transparent
                             : pages == "4k" ? st::huge_pages::none
                                             : st::huge_pages::explicit_;
            o.sweep = sweep == "on";
            if (passes != 0) o.passes = passes;
            const auto cpus = ec2bench::detail::allowed_cpus().size();
            if (threads > cpus) {
                throw cli::usage_error("--threads=" + std::to_string(threads) + ": this process may run on " +
                                       std::to_string(cpus) +
                                       " CPUs, and each STREAM thread needs its own: expected " +
                                       cli::range_text(1, cpus));
            }
            o.stream.threads = static_cast<unsigned>(threads);
            if (elements != 0) {
                // Checked here, before Google Benchmark starts, so that a size past memory is a
                // refused flag (exit 2) and not a failed benchmark.
                const std::uint64_t size = o.doubles ? sizeof(double) : sizeof(float);
                const std::uint64_t avail = cli::mem_available_bytes();
                const std::uint64_t most = cli::max_items_in_memory(size, 3, elements);
                if (elements > most) {
                    throw cli::usage_error(
                        "--elements=" + elements_text + ": 3 arrays of " +
                        (o.doubles ? "doubles" : "floats") + " need " +
                        cli::bytes_text(3.0 * static_cast<double>(size) * static_cast<double>(elements)) +
                        " but " + cli::bytes_text(static_cast<double>(avail)) +
                        " is available (MemAvailable): expected at most " + std::to_string(most));
                }
                o.stream.elements = static_cast<std::size_t>(elements);
            }
        },
        [&] { ec2bench::gbench::register_stream(o); });
}
