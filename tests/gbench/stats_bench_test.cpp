#include <ec2bench/gbench/stats.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

TEST_CASE("register_stats registers the benchmarks the suite and the docs name") {
    ec2bench::gbench::stats_bench_options opt;
    opt.exact_sizes = {1000, 100000};
    const auto benches = ec2bench::gbench::register_stats(opt);
    // Two raw stores, four histogram records, the increments alone and with their index, the
    // histogram quantiles; a selection and a sort per size.
    CHECK(benches.size() == 9 + 2 * opt.exact_sizes.size());
    for (auto* b : benches)
        CHECK(b != nullptr);
}

TEST_CASE("the record benchmarks feed lognormal latencies, not a constant") {
    const auto v = ec2bench::gbench::detail::lognormal_latencies_ns(1 << 16, 1);
    auto sorted = v;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted.front() < 3'000);  // median 20 us, sigma 1: e^-2 ~ 2.7 us
    CHECK(sorted[sorted.size() / 2] > 18'000);
    CHECK(sorted[sorted.size() / 2] < 22'000);
    CHECK(sorted.back() > 200'000);
}
