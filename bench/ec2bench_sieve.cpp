// ec2bench-sieve: counts the primes below --limit on --threads threads, plus a thread sweep.
#include <ec2bench/gbench/flags.hpp>
#include <ec2bench/gbench/sieve.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <stdexcept>

#include <string>
#include <string_view>

int main(int argc, char** argv) {
    ec2bench::gbench::sieve_bench_options o;
    ec2bench::gbench::flag_set flags(
        "ec2bench-sieve",
        "counts the primes below a limit with a segmented mod-30 wheel sieve, on T threads and "
        "in a thread sweep; items_per_second is numbers sieved per second");
    flags.add("limit", "N", "count the primes below N (1e10, 2^32 or digits; default 1e10)",
              [&](std::string_view v) { o.limit = ec2bench::gbench::parse_count(v, "limit"); });
    flags.add("start", "N",
              "count the primes in [N, limit) instead (default 0); a high N with a short "
              "interval exercises the large sieving primes",
              [&](std::string_view v) { o.start = ec2bench::gbench::parse_count(v, "start"); });
    flags.add("threads", "T", "threads of sieve/count and top of the sweep (default: every CPU)",
              [&](std::string_view v) {
                  const auto t = ec2bench::gbench::parse_count(v, "threads");
                  if (t > 4096) {
                      throw std::out_of_range(std::string("--threads=") + std::string(v) +
                                              ": at most 4096");
                  }
                  o.threads = static_cast<unsigned>(t);
              });
    flags.add("segment-bytes", "SIZE",
              "sieve segment, a power of two from 4k to 32M (default: from the L2 cache)",
              [&](std::string_view v) {
                  o.sieve.segment_bytes = ec2bench::gbench::parse_size(v, "segment-bytes");
              });
    flags.add("l1-bytes", "SIZE", "block of the small primes, at least 1k (default: L1d size)",
              [&](std::string_view v) {
                  o.sieve.l1_bytes = ec2bench::gbench::parse_size(v, "l1-bytes");
              });
    if (const int rc = flags.parse(argc, argv); rc >= 0) return rc;
    try {
        ec2bench::sieve::prime_sieve<> check(o.sieve);  // refuses bad sizes before any run
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ec2bench-sieve: %s\n", e.what());
        return 2;
    }

    if (o.start > o.limit) {
        std::fprintf(stderr, "ec2bench-sieve: --start=%llu is above --limit=%llu\n",
                     static_cast<unsigned long long>(o.start),
                     static_cast<unsigned long long>(o.limit));
        return 2;
    }

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    ec2bench::gbench::register_sieve(o);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
