#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/quantile.hpp>

#include "../support/isa_levels.hpp"

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

// The first bucket of h whose count differs from expected(i), or bucket_count if none does:
// one CHECK for the whole array, which names the bucket when it fails.
template <class H, class Expected>
std::size_t first_bucket_difference(const H& h, Expected expected) {
    for (std::size_t i = 0; i < H::bucket_count; ++i) {
        if (h.bucket(i) != expected(i)) return i;
    }
    return H::bucket_count;
}

// Every exact statistic and every bucket of a equal to b's.
template <class H>
void check_identical(const H& a, const H& b) {
    CHECK(a.count() == b.count());
    CHECK(a.min() == b.min());
    CHECK(a.max() == b.max());
    CHECK(a.sum() == b.sum());
    CHECK(a.clamped() == b.clamped());
    CHECK(first_bucket_difference(a, [&](std::size_t i) { return b.bucket(i); }) ==
          H::bucket_count);
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

// record() against HdrHistogram's own index formula, value by value: after the first value
// nearly every record takes the fast path.
template <class H>
void check_record_against_hdr(const std::vector<std::uint64_t>& v) {
    H h;
    std::vector<std::uint64_t> expected(H::bucket_count, 0);
    uint128 sum = 0;
    for (const auto x : v) {
        h.record(x);
        ++expected[hdr_counts_index(std::min(x, H::max_value), 3)];
        sum += x;
    }
    CHECK(h.count() == v.size());
    CHECK(h.sum() == sum);
    CHECK(h.min() == *std::min_element(v.begin(), v.end()));
    CHECK(h.max() == *std::max_element(v.begin(), v.end()));
    CHECK(first_bucket_difference(h, [&](std::size_t i) { return expected[i]; }) ==
          H::bucket_count);
}

TEST_CASE("record() counts every value in the bucket HdrHistogram's formula gives it") {
    std::mt19937_64 rng(3);
    std::vector<std::uint64_t> v;
    // Wide first, so that what follows is inside the fast range: every octave's edges and
    // random values in each, then the clamped.
    v.push_back(0);
    v.push_back(latency_histogram::max_value);
    for (int e = 0; e < 42; ++e) {
        const std::uint64_t lo = std::uint64_t{1} << e;
        for (const std::uint64_t x : {lo, lo + 1, 2 * lo - 1, lo + (rng() & (lo - 1))})
            v.push_back(x);
    }
    std::lognormal_distribution<double> d(std::log(20'000.0), 2.0);
    for (int i = 0; i < 20'000; ++i)
        v.push_back(static_cast<std::uint64_t>(d(rng)));
    v.push_back(latency_histogram::max_value + 1);
    v.push_back(std::numeric_limits<std::uint64_t>::max());
    check_record_against_hdr<latency_histogram>(v);
    check_record_against_hdr<log_linear_histogram<10, 3'600'000'000'000, std::uint32_t>>(v);
}

TEST_CASE("the fast path's 128-bit sum carries exactly") {
    // One bucket wide open from the first record on: 2^62 five times is 5 * 2^62 > 2^64.
    log_linear_histogram<10, std::numeric_limits<std::uint64_t>::max() / 2> h;
    const std::uint64_t x = std::uint64_t{1} << 62;
    {
        decltype(h)::recorder rec(h);
        for (int i = 0; i < 5; ++i)
            rec.record(x);
    }
    for (int i = 0; i < 5; ++i)
        h.record(x);
    CHECK(h.sum() == static_cast<uint128>(x) * 10);
    CHECK(h.bucket(decltype(h)::bucket_index(x)) == 10);
    CHECK(h.count() == 10);
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
    check_identical(merged, both);
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
    CHECK(plain.clamped() == 1);
    check_identical(batched, plain);
    check_identical(via_recorder, plain);
}

namespace {

// record_batch against record(), value by value, for each prefix length in `lengths`, after an
// earlier value and before later ones (a new min, a new max, a clamped value), so that the tally
// the batch leaves behind, its fast range included, is tested too.
template <class H>
void check_batch_equals_record(const std::vector<std::uint64_t>& v,
                               const std::vector<std::size_t>& lengths) {
    const std::uint64_t after[] = {0, H::max_value - 1, H::max_value + 1, 17};
    // The batch on every level this CPU runs (AVX-512's eight at a time where it has it),
    // against record() value by value.
    for (const ec2bench::detail::isa level : ec2bench_test::runnable_levels()) {
        for (const std::size_t n : lengths) {
            REQUIRE(n <= v.size());
            CAPTURE(ec2bench::detail::isa_name(level));
            CAPTURE(n);
            H plain;
            const ec2bench_test::scoped_isa forced(level);
            H batched;
            CHECK(batched.simd_batch() ==
                  (level == ec2bench::detail::isa::avx512 &&
                   H::max_value <= std::numeric_limits<std::uint64_t>::max() / 64));
            plain.record(3);
            batched.record(3);
            for (std::size_t i = 0; i < n; ++i)
                plain.record(v[i]);
            batched.record_batch(v.data(), n);
            check_identical(batched, plain);
            for (const std::uint64_t x : after) {
                plain.record(x);
                batched.record(x);
            }
            check_identical(batched, plain);
        }
    }
}

std::vector<std::size_t> every_length_to(std::size_t n) {
    std::vector<std::size_t> out(n + 1);
    for (std::size_t i = 0; i <= n; ++i)
        out[i] = i;
    return out;
}

// Values from every octave of 64 bits, so that every shift and both sides of MaxValue occur.
std::vector<std::uint64_t> every_octave(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint64_t> v(n);
    for (auto& x : v) {
        const unsigned e = static_cast<unsigned>(rng() % 64);
        x = (std::uint64_t{1} << e) | (rng() & ((std::uint64_t{1} << e) - 1));
    }
    return v;
}

}  // namespace

TEST_CASE("record_batch equals record() at every length, with clamping in any lane") {
    constexpr std::uint64_t widest_simd = std::numeric_limits<std::uint64_t>::max() / 64;
    using narrow = log_linear_histogram<1, widest_simd>;
    using wide = log_linear_histogram<12, widest_simd>;
    using too_wide = log_linear_histogram<4, widest_simd + 1>;
    // Eight at a time exactly where the CPU (and EC2BENCH_ISA) allows AVX-512.
    const auto levels = ec2bench_test::runnable_levels();
#if defined(__x86_64__)
    CHECK(latency_histogram().simd_batch() ==
          (ec2bench::detail::active_isa() == ec2bench::detail::isa::avx512));
#else
    CHECK_FALSE(latency_histogram().simd_batch());
#endif
    if (std::find(levels.begin(), levels.end(), ec2bench::detail::isa::avx512) != levels.end()) {
        const ec2bench_test::scoped_isa forced(ec2bench::detail::isa::avx512);
        CHECK(narrow().simd_batch());
        CHECK(wide().simd_batch());
        // A block of 64 values of MaxValue would wrap a 64-bit sum: value by value.
        CHECK_FALSE(too_wide().simd_batch());
    }
    {
        const ec2bench_test::scoped_isa forced(ec2bench::detail::isa::baseline);
        CHECK_FALSE(latency_histogram().simd_batch());
    }

    std::mt19937_64 rng(11);
    const std::uint64_t top = latency_histogram::max_value;
    const auto lengths = every_length_to(200);
    SUBCASE("edges of the layout") {
        const std::uint64_t edges[] = {
            0,        1,       2047, 2048,    2049,
            1u << 20, top - 1, top,  top + 1, std::numeric_limits<std::uint64_t>::max()};
        std::vector<std::uint64_t> v(200);
        for (auto& x : v)
            x = edges[rng() % std::size(edges)];
        check_batch_equals_record<latency_histogram>(v, lengths);
        check_batch_equals_record<log_linear_histogram<10, 3'600'000'000'000, std::uint32_t>>(
            v, lengths);
    }
    SUBCASE("one clamped value in each lane of a group, then every value clamped") {
        std::vector<std::uint64_t> v(200);
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = i % 9 == 0 ? top + 1 + i : 1'000 + i * 977;
        check_batch_equals_record<latency_histogram>(v, lengths);
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = top + 1 + (i % 3) * std::numeric_limits<std::uint64_t>::max() / 4;
        check_batch_equals_record<latency_histogram>(v, lengths);
    }
    SUBCASE("every octave of 64 bits, into layouts from 1 to 12 sub-bucket bits") {
        const auto v = every_octave(rng, 200);
        check_batch_equals_record<latency_histogram>(v, lengths);
        check_batch_equals_record<narrow>(v, lengths);
        check_batch_equals_record<wide>(v, {0, 7, 8, 63, 64, 65, 136, 200});
        check_batch_equals_record<too_wide>(v, {0, 8, 64, 65, 200});
    }
    SUBCASE("MaxValue itself, 64 at a time, at the widest layout the vector sum allows") {
        const std::vector<std::uint64_t> v(200, widest_simd);
        check_batch_equals_record<narrow>(v, {64, 128, 200});
        wide h;
        h.record_batch(v.data(), v.size());
        CHECK(h.sum() == uint128{widest_simd} * 200);
    }
}

TEST_CASE("record_batch counts the same on every instruction-set level as on baseline") {
    // Lognormal latencies around 20 us with a tail past MaxValue, and every octave: forced
    // to each level this CPU runs, the batch must give the baseline's buckets and tally exactly.
    std::mt19937_64 rng(29);
    std::lognormal_distribution<double> latency(10.0, 2.0);
    std::vector<std::uint64_t> v(100'003);
    for (auto& x : v)
        x = static_cast<std::uint64_t>(std::min(latency(rng), 1e19));
    const auto octaves = every_octave(rng, 1'000);
    v.insert(v.end(), octaves.begin(), octaves.end());
    latency_histogram baseline_h;
    {
        const ec2bench_test::scoped_isa forced(ec2bench::detail::isa::baseline);
        latency_histogram h;
        h.record_batch(v);
        baseline_h = h;
    }
    REQUIRE(baseline_h.count() == v.size());
    REQUIRE(baseline_h.clamped() > 0);
    for (const ec2bench::detail::isa level : ec2bench_test::runnable_levels()) {
        CAPTURE(ec2bench::detail::isa_name(level));
        const ec2bench_test::scoped_isa forced(level);
        latency_histogram h;
        h.record_batch(v);
        check_identical(h, baseline_h);
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
