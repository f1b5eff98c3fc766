#include <ec2bench/stats/latency_series.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

using ec2bench::stats::latency_histogram;
using ec2bench::stats::latency_series;

namespace {

std::vector<std::uint64_t> random_latencies(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> d(10, 1.5);  // about 22 us, with a long tail
    std::vector<std::uint64_t> v(n);
    for (auto& x : v) x = static_cast<std::uint64_t>(d(rng)) + 1;
    return v;
}

}  // namespace

TEST_CASE("latency_series: exact quantiles of the raw values while they fit the cap") {
    const auto v = random_latencies(1000, 1);
    latency_series s(1000);
    s.reserve(v.size());
    for (const auto x : v) s.record(x);
    CHECK(s.exact());
    CHECK(s.count() == 1000u);
    CHECK(s.samples() == v);  // in record order, before quantiles()
    const auto expected = ec2bench::stats::quantiles(v, {0.5, 0.99, 0.999});
    CHECK(s.quantiles({0.5, 0.99, 0.999}) == expected);
    CHECK(s.histogram().count() == 1000u);
}

TEST_CASE("latency_series: past the cap, the histogram's quantiles of every value") {
    const auto v = random_latencies(1000, 2);
    latency_series s(999);
    for (const auto x : v) s.record(x);
    CHECK_FALSE(s.exact());
    CHECK(s.samples().size() == 999u);
    latency_histogram oracle;
    for (const auto x : v) oracle.record(x);
    CHECK(s.quantiles({0.5, 0.95, 0.999}) == oracle.quantiles({0.5, 0.95, 0.999}));
    CHECK(s.histogram().min() == oracle.min());
    CHECK(s.histogram().max() == oracle.max());
    const latency_histogram taken = s.take_histogram();
    CHECK(taken.count() == 1000u);
    CHECK(taken.quantile(0.9) == oracle.quantile(0.9));
}

TEST_CASE("latency_series: a cap of 0 keeps nothing raw; an empty series has no quantiles") {
    latency_series none(0);
    none.record(5);
    CHECK_FALSE(none.exact());
    CHECK(none.samples().empty());
    CHECK(none.quantiles({0.5}) == std::vector<double>{5});
    latency_series empty(10);
    CHECK(empty.exact());
    CHECK_THROWS_WITH_AS(empty.quantiles({0.5}),
                         "quantiles_in_place: the sample is empty: at least one value is needed",
                         std::invalid_argument);
}
