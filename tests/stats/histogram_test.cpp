#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace ec2bench::stats;

namespace {

// HdrHistogram_c's counts_index_for (src/hdr_histogram.c) with unit_magnitude 0, transcribed:
// the layout we claim to share.
std::size_t hdr_counts_index(std::uint64_t value, int significant_digits) {
    const auto largest_single_unit =
        static_cast<std::int64_t>(2 * std::pow(10, significant_digits));
    const auto sub_bucket_count_magnitude =
        static_cast<std::int32_t>(std::ceil(std::log2(static_cast<double>(largest_single_unit))));
    const std::int32_t sub_bucket_half_count_magnitude = sub_bucket_count_magnitude - 1;
    const std::int64_t sub_bucket_count = std::int64_t{1} << sub_bucket_count_magnitude;
    const std::int64_t sub_bucket_half_count = sub_bucket_count / 2;
    const auto sub_bucket_mask = static_cast<std::uint64_t>(sub_bucket_count - 1);
    const std::int32_t pow2ceiling = 64 - __builtin_clzll(value | sub_bucket_mask);
    const std::int32_t bucket_index = pow2ceiling - (sub_bucket_half_count_magnitude + 1);
    const auto sub_bucket_index = static_cast<std::int32_t>(value >> bucket_index);
    const std::int64_t index = (std::int64_t{bucket_index + 1} << sub_bucket_half_count_magnitude) +
                               (sub_bucket_index - sub_bucket_half_count);
    return static_cast<std::size_t>(index);
}

std::vector<double> test_qs() {
    std::vector<double> qs{0.0,  1e-6, 1e-4, 0.001, 0.01,  0.05,  0.1,    0.25,    0.5,
                           0.75, 0.9,  0.95, 0.99,  0.995, 0.999, 0.9999, 0.99999, 1.0};
    for (int i = 1; i < 200; ++i)
        qs.push_back(i / 200.0);
    return qs;
}

// Checks every histogram quantile against the exact nearest-rank one, within the stated bound.
template <class H>
void check_within_bound(const std::vector<std::uint64_t>& values, const char* what) {
    H h;
    for (auto v : values)
        h.record(v);
    const auto qs = test_qs();
    const auto exact = quantiles(values, qs);  // inverted_cdf: the same rank
    const auto up = h.quantiles(qs, bucket_point::upper);
    const auto mid = h.quantiles(qs, bucket_point::midpoint);
    const auto low = h.quantiles(qs, bucket_point::lower);
    const double edge = H::relative_error_bound(bucket_point::upper);
    const double half = H::relative_error_bound(bucket_point::midpoint);
    for (std::size_t i = 0; i < qs.size(); ++i) {
        CAPTURE(what);
        CAPTURE(qs[i]);
        CAPTURE(exact[i]);
        const double x = exact[i];
        if (x == 0) {
            CHECK(up[i] == 0);
            CHECK(mid[i] == 0);
            continue;
        }
        CHECK(up[i] >= x);
        CHECK((up[i] - x) / x < edge);
        CHECK(low[i] <= x);
        CHECK((x - low[i]) / x < edge);
        CHECK(std::abs(mid[i] - x) / x < half);
        CHECK(h.quantile(qs[i]) == up[i]);
    }
}

}  // namespace

TEST_CASE("the layout is HdrHistogram's: exact below 2^(bits+1), then 2^bits buckets an octave") {
    using H = log_linear_histogram<10, std::uint64_t{1} << 40>;
    // 3 significant digits is HdrHistogram's sub_bucket_count 2048: our 10 sub-bucket bits.
    std::mt19937_64 rng(1);
    for (int e = 0; e < 40; ++e) {
        for (int k = 0; k < 200; ++k) {
            const std::uint64_t v =
                (std::uint64_t{1} << e) + (rng() & ((std::uint64_t{1} << e) - 1));
            CAPTURE(v);
            CHECK(H::bucket_index(v) == hdr_counts_index(v, 3));
        }
    }
    for (std::uint64_t v = 0; v < 2048; ++v)
        CHECK(H::bucket_index(v) == v);
    // Contiguous buckets, each [lower, upper] mapping to itself.
    for (std::size_t i = 0; i + 1 < H::bucket_count; ++i) {
        REQUIRE(H::bucket_index(H::bucket_lower(i)) == i);
        REQUIRE(H::bucket_index(H::bucket_upper(i)) == i);
        REQUIRE(H::bucket_upper(i) + 1 == H::bucket_lower(i + 1));
    }
    CHECK(H::bucket_upper(2047) == 2047);
    CHECK(H::bucket_lower(2048) == 2048);
    CHECK(H::bucket_upper(2048) == 2049);  // width 2 from 2048 on
    CHECK(H::bucket_count == H::bucket_index(std::uint64_t{1} << 40) + 1);
    CHECK(latency_histogram::bucket_count == 33'421);
    CHECK(log_linear_histogram<10, 10'000'000'000>::bucket_count == 24'745);
}

TEST_CASE("the error bound is 2^-bits at an edge and 2^-(bits+1) at the midpoint, and tight") {
    CHECK(latency_histogram::relative_error_bound() == 1.0 / 1024);
    CHECK(latency_histogram::relative_error_bound(bucket_point::midpoint) == 1.0 / 2048);
    CHECK(log_linear_histogram<7, 1000000>::relative_error_bound() == 1.0 / 128);
    // Over every bucket the worst case approaches the bound from below.
    using H = log_linear_histogram<7, std::uint64_t{1} << 50>;
    double worst_edge = 0;
    double worst_mid = 0;
    for (std::size_t i = 0; i < H::bucket_count; ++i) {
        const auto lo = static_cast<double>(H::bucket_lower(i));
        const auto hi = static_cast<double>(H::bucket_upper(i));
        if (lo == 0) continue;
        worst_edge = std::max(worst_edge, (hi - lo) / lo);
        worst_mid = std::max(worst_mid, ((hi - lo) / 2) / lo);
    }
    CHECK(worst_edge < H::relative_error_bound(bucket_point::upper));
    CHECK(worst_edge > 0.99 * H::relative_error_bound(bucket_point::upper));
    CHECK(worst_mid < H::relative_error_bound(bucket_point::midpoint));
    CHECK(worst_mid > 0.99 * H::relative_error_bound(bucket_point::midpoint));
}

TEST_CASE("count, min, max, sum and mean are exact") {
    latency_histogram h;
    CHECK(h.empty());
    CHECK(std::isnan(h.mean()));
    const std::vector<std::uint64_t> v{1'000'003, 7, 123'456'789, 42, 42, 3'599'999'999'999};
    uint128 sum = 0;
    for (auto x : v) {
        h.record(x);
        sum += x;
    }
    CHECK(h.count() == 6);
    CHECK(h.min() == 7);
    CHECK(h.max() == 3'599'999'999'999);
    CHECK(h.sum() == sum);
    CHECK(h.mean() == doctest::Approx(static_cast<double>(sum) / 6).epsilon(1e-15));
    CHECK(h.clamped() == 0);
    h.record(5, 3);
    CHECK(h.count() == 9);
    CHECK(h.min() == 5);
    CHECK(h.sum() == sum + 15);
    CHECK(h.bucket(5) == 3);
    h.record(9, 0);
    CHECK(h.count() == 9);
}

TEST_CASE("the sum cannot overflow: 128 bits hold 2^64 values of 2^64 - 1") {
    log_linear_histogram<4, std::numeric_limits<std::uint64_t>::max()> h;
    const std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
    h.record(big);
    h.record(big);
    h.record(big, std::uint64_t{1} << 40);
    CHECK(h.sum() == static_cast<uint128>(big) * ((std::uint64_t{1} << 40) + 2));
    CHECK(h.max() == big);
    CHECK(h.quantile(0.5) == static_cast<double>(big));
    CHECK(h.clamped() == 0);
}

TEST_CASE("values above MaxValue are clamped into the top bucket and counted, never lost") {
    using H = log_linear_histogram<3, 1000>;
    H h;
    h.record(10);
    h.record(999);
    h.record(5000);
    h.record(1'000'000, 2);
    CHECK(h.count() == 5);
    CHECK(h.clamped() == 3);
    CHECK(h.max() == 1'000'000);
    CHECK(h.sum() == 10 + 999 + 5000 + 2'000'000);
    CHECK(h.bucket(H::bucket_index(1000)) == 4);  // 999 shares the top bucket with the clamped
    std::uint64_t total = 0;
    h.for_each_bucket([&](const H::bucket_info& b) { total += b.count; });
    CHECK(total == 5);
    CHECK(h.quantile(0.0) == 10);         // rank 1: min, exact
    CHECK(h.quantile(1.0) == 1'000'000);  // rank n: max, exact
    CHECK(h.quantile(0.5) == H::bucket_upper(H::bucket_index(1000)));
}

TEST_CASE("every histogram quantile is within its bound of the exact one") {
    std::mt19937_64 rng(20240611);
    SUBCASE("lognormal nanosecond latencies") {
        std::lognormal_distribution<double> d(std::log(50'000.0), 1.0);
        std::vector<std::uint64_t> v(200'000);
        for (auto& x : v)
            x = static_cast<std::uint64_t>(d(rng));
        check_within_bound<latency_histogram>(v, "lognormal");
        check_within_bound<log_linear_histogram<10, 3'600'000'000'000, std::uint32_t>>(
            v, "lognormal, 32-bit counts");
    }
    SUBCASE("uniform over six decades") {
        std::uniform_int_distribution<std::uint64_t> d(0, 1'000'000'000);
        std::vector<std::uint64_t> v(100'000);
        for (auto& x : v)
            x = d(rng);
        check_within_bound<latency_histogram>(v, "uniform");
        check_within_bound<log_linear_histogram<5, 1'000'000'000>>(v, "uniform, 5 bits");
    }
    SUBCASE("heavy-tailed (Pareto, alpha 1.1)") {
        std::uniform_real_distribution<double> u(0.0, 1.0);
        std::vector<std::uint64_t> v(100'000);
        for (auto& x : v)
            x = static_cast<std::uint64_t>(1000.0 * std::pow(1.0 - u(rng), -1.0 / 1.1));
        std::replace_if(
            v.begin(), v.end(), [](std::uint64_t x) { return x > 3'000'000'000'000; },
            std::uint64_t{3'000'000'000'000});
        check_within_bound<latency_histogram>(v, "pareto");
        check_within_bound<log_linear_histogram<2, 3'600'000'000'000>>(v, "pareto, 2 bits");
    }
    SUBCASE("small values are exact") {
        std::vector<std::uint64_t> v;
        for (int i = 0; i < 5000; ++i)
            v.push_back(rng() % 2048);
        latency_histogram h;
        for (auto x : v)
            h.record(x);
        const auto qs = test_qs();
        CHECK(h.quantiles(qs) == quantiles(v, qs));
        CHECK(h.quantiles(qs, bucket_point::midpoint) == quantiles(v, qs));
    }
}

TEST_CASE("merge equals recording the union") {
    std::mt19937_64 rng(3);
    std::lognormal_distribution<double> d1(std::log(20'000.0), 0.5);
    std::lognormal_distribution<double> d2(std::log(9'000'000.0), 2.0);
    latency_histogram a;
    latency_histogram b;
    latency_histogram both;
    for (int i = 0; i < 50'000; ++i) {
        const auto x = static_cast<std::uint64_t>(d1(rng));
        const auto y = static_cast<std::uint64_t>(d2(rng));
        a.record(x);
        b.record(y);
        both.record(x);
        both.record(y);
    }
    b.record(4'000'000'000'000);  // one clamped value travels too
    both.record(4'000'000'000'000);
    latency_histogram merged = a;
    merged.merge(b);
    CHECK(merged.count() == both.count());
    CHECK(merged.min() == both.min());
    CHECK(merged.max() == both.max());
    CHECK(merged.sum() == both.sum());
    CHECK(merged.clamped() == both.clamped());
    for (std::size_t i = 0; i < latency_histogram::bucket_count; ++i) {
        REQUIRE(merged.bucket(i) == both.bucket(i));
    }
    const auto qs = test_qs();
    CHECK(merged.quantiles(qs) == both.quantiles(qs));
    latency_histogram empty;
    merged.merge(empty);
    CHECK(merged.count() == both.count());
    empty.merge(a);
    CHECK(empty.quantiles(qs) == a.quantiles(qs));
}

TEST_CASE("recorder and record_batch give exactly what record() gives") {
    std::mt19937_64 rng(5);
    std::lognormal_distribution<double> d(std::log(80'000.0), 1.5);
    std::vector<std::uint64_t> v(30'000);
    for (auto& x : v)
        x = static_cast<std::uint64_t>(d(rng));
    v.push_back(5'000'000'000'000);  // clamped
    latency_histogram plain;
    for (auto x : v)
        plain.record(x);
    latency_histogram batched;
    batched.record_batch(v);
    latency_histogram via_recorder;
    {
        latency_histogram::recorder rec(via_recorder);
        for (std::size_t i = 0; i < v.size() / 2; ++i)
            rec.record(v[i]);
        CHECK(via_recorder.count() == 0);  // not yet published
        rec.flush();
        CHECK(via_recorder.count() == v.size() / 2);
        for (std::size_t i = v.size() / 2; i < v.size(); ++i)
            rec.record(v[i]);
    }
    for (const latency_histogram* h : {&batched, &via_recorder}) {
        CHECK(h->count() == plain.count());
        CHECK(h->min() == plain.min());
        CHECK(h->max() == plain.max());
        CHECK(h->sum() == plain.sum());
        CHECK(h->clamped() == 1);
        for (std::size_t i = 0; i < latency_histogram::bucket_count; ++i) {
            REQUIRE(h->bucket(i) == plain.bucket(i));
        }
    }
}

TEST_CASE("for_each_bucket walks the non-empty buckets in order; reset forgets everything") {
    latency_histogram h;
    for (std::uint64_t v : {5u, 5u, 3000u, 3001u, 1'000'000u})
        h.record(v);
    std::vector<latency_histogram::bucket_info> seen;
    h.for_each_bucket([&](const latency_histogram::bucket_info& b) { seen.push_back(b); });
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].lower == 5);
    CHECK(seen[0].upper == 5);
    CHECK(seen[0].count == 2);
    CHECK(seen[1].lower == 3000);
    CHECK(seen[1].upper == 3001);
    CHECK(seen[1].count == 2);
    CHECK(seen[2].lower <= 1'000'000);
    CHECK(seen[2].upper >= 1'000'000);
    CHECK(seen[2].upper - seen[2].lower + 1 == 512);
    h.reset();
    CHECK(h.count() == 0);
    CHECK(h.sum() == 0);
    for (std::size_t i = 0; i < latency_histogram::bucket_count; ++i)
        REQUIRE(h.bucket(i) == 0);
    h.record(77);
    CHECK(h.quantile(0.5) == 77);
}

TEST_CASE("histogram quantiles refuse bad input with a clear error") {
    latency_histogram h;
    CHECK_THROWS_WITH_AS(h.quantile(0.5),
                         "log_linear_histogram::quantile: the histogram is empty: record at least "
                         "one value",
                         std::invalid_argument);
    h.record(10);
    CHECK_THROWS_WITH_AS(h.quantile(1.01),
                         "log_linear_histogram::quantile: q 1.01 is outside [0, 1]",
                         std::domain_error);
    CHECK_THROWS_WITH_AS(h.quantiles({0.5, std::nan("")}),
                         "log_linear_histogram::quantiles: q nan is outside [0, 1]",
                         std::domain_error);
}

TEST_CASE("a wrapped 32-bit bucket is detected, never reported as a quantile") {
    log_linear_histogram<10, 3'600'000'000'000, std::uint32_t> h;
    h.record(100);
    h.record(200, (std::uint64_t{1} << 32) + 4);
    CHECK(h.count() == (std::uint64_t{1} << 32) + 5);
    CHECK_THROWS_WITH_AS(h.quantile(0.5),
                         "log_linear_histogram::quantile: a bucket's 32-bit count overflowed "
                         "(4294967301 values recorded, 5 counted): use Count = std::uint64_t",
                         std::overflow_error);
}
