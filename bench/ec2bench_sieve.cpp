// ec2bench-sieve: counts the primes below --limit on --threads threads, plus a thread sweep.
#include "cli/cli.hpp"

#include <ec2bench/gbench/sieve.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
    const std::string program = "ec2bench-sieve";
    namespace cli = ec2bench::cli;
    ec2bench::gbench::sieve_bench_options o;
    std::uint64_t threads = 0, segment = 0, l1 = 0;
    CLI::App app("counts the primes below a limit with a segmented mod-30 wheel sieve, on T "
                 "threads and in a thread sweep; items_per_second is numbers sieved per second",
                 program);
    cli::add_count(app, "--limit", o.limit, 2, std::numeric_limits<std::uint64_t>::max(),
                   "count the primes below N (1e10, 2^32 or digits; default 1e10)");
    cli::add_count(app, "--start", o.start, 0, std::numeric_limits<std::uint64_t>::max(),
                   "count the primes in [N, limit) instead (default 0); a high N with a short "
                   "interval exercises the large sieving primes");
    cli::add_count(app, "--threads", threads, 0, 4096,
                   "threads of sieve/count and top of the sweep (default 0: every CPU)", "T");
    cli::add_size(app, "--segment-bytes", segment, 4096, std::uint64_t{32} << 20,
                  "sieve segment, a power of two from 4k to 32M (default: from the L2 cache)");
    cli::add_size(app, "--l1-bytes", l1, 1024, std::uint64_t{32} << 20,
                  "block of the small primes, at least 1k (default: L1d size)");
    app.footer(std::string(cli::exit_status_help) + "\n\nGoogle Benchmark's own flags follow.");

    return cli::run_executable(
        app, argc, argv,
        [&] {
            o.threads = static_cast<unsigned>(threads);
            o.sieve.segment_bytes = static_cast<std::size_t>(segment);
            o.sieve.l1_bytes = static_cast<std::size_t>(l1);
            ec2bench::sieve::prime_sieve<> check(o.sieve);  // refuses bad sizes before any run
            if (o.start > o.limit) {
                throw cli::usage_error("--start=" + std::to_string(o.start) + " is above --limit=" +
                                       std::to_string(o.limit) + ": expected start <= limit");
            }
        },
        [&] { ec2bench::gbench::register_sieve(o); });
}
