// Long property tests (label slow): ten million values.
#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace ec2bench::stats;

TEST_CASE("ten million lognormal latencies: histogram within bound, selection equal to sorting") {
    std::mt19937_64 rng(99);
    std::lognormal_distribution<double> d(std::log(30'000.0), 1.3);
    std::vector<std::uint64_t> v(10'000'000);
    for (auto& x : v)
        x = static_cast<std::uint64_t>(d(rng));
    std::vector<double> qs{0.0,  0.001, 0.01,  0.1,    0.25,   0.5,     0.75,     0.9, 0.95,
                           0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999, 0.999999, 1.0};
    auto sorted = v;
    std::sort(sorted.begin(), sorted.end());
    const auto exact = quantiles(v, qs);
    for (std::size_t i = 0; i < qs.size(); ++i) {
        const auto k =
            static_cast<std::size_t>(std::max(0.0, std::ceil(detail::product(1e7, qs[i])) - 1.0));
        CHECK(exact[i] == static_cast<double>(sorted[k]));
    }
    // Eight histograms of a slice each, merged: as if one had recorded everything.
    latency_histogram merged;
    log_linear_histogram<10, 3'600'000'000'000, std::uint32_t> narrow;
    for (int part = 0; part < 8; ++part) {
        latency_histogram h;
        const std::size_t lo = v.size() * static_cast<std::size_t>(part) / 8;
        const std::size_t hi = v.size() * static_cast<std::size_t>(part + 1) / 8;
        h.record_batch(v.data() + lo, hi - lo);
        narrow.record_batch(v.data() + lo, hi - lo);
        merged.merge(h);
    }
    CHECK(merged.count() == v.size());
    CHECK(merged.min() == sorted.front());
    CHECK(merged.max() == sorted.back());
    const auto up = merged.quantiles(qs);
    const auto mid = merged.quantiles(qs, bucket_point::midpoint);
    CHECK(narrow.quantiles(qs) == up);
    for (std::size_t i = 0; i < qs.size(); ++i) {
        CAPTURE(qs[i]);
        const double x = exact[i];
        CHECK(up[i] >= x);
        CHECK((up[i] - x) / x < latency_histogram::relative_error_bound());
        CHECK(std::abs(mid[i] - x) / x <
              latency_histogram::relative_error_bound(bucket_point::midpoint));
    }
}
