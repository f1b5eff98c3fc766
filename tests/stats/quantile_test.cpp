#include <ec2bench/stats/quantile.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <list>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ec2bench::stats;

namespace {

struct numpy_case {
    std::string sample;
    quantile_method method;
    double q;
    double expected;
};

struct numpy_oracle {
    std::vector<std::pair<std::string, std::vector<double>>> samples;
    std::vector<numpy_case> cases;
};

numpy_oracle read_oracle() {
    std::ifstream in(EC2BENCH_TEST_DATA_DIR "/quantile_numpy.txt");
    REQUIRE(in);
    numpy_oracle o;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string head;
        ls >> head;
        if (head == "sample") {
            std::string name;
            std::size_t n = 0;
            ls >> name >> n;
            std::vector<double> v;
            std::string tok;
            while (ls >> tok)
                v.push_back(std::stod(tok));
            REQUIRE(v.size() == n);
            o.samples.emplace_back(name, v);
        } else {
            std::string q;
            std::string r;
            ls >> q >> r;
            o.cases.push_back(
                {o.samples.back().first, parse_quantile_method(head), std::stod(q), std::stod(r)});
        }
    }
    return o;
}

const std::vector<double>& sample_named(const numpy_oracle& o, const std::string& name) {
    for (const auto& s : o.samples) {
        if (s.first == name) return s.second;
    }
    FAIL("no sample " << name);
    return o.samples.front().second;
}

}  // namespace

TEST_CASE("every method agrees with numpy.quantile on the fixed samples, to the last bit") {
    const auto o = read_oracle();
    REQUIRE(o.samples.size() == 9);
    REQUIRE(o.cases.size() > 5000);
    std::set<quantile_method> seen;
    std::size_t checked = 0;
    for (const auto& c : o.cases) {
        const auto& x = sample_named(o, c.sample);
        CAPTURE(c.sample);
        CAPTURE(quantile_method_name(c.method));
        CAPTURE(c.q);
        // Bit-for-bit: the positions and the interpolation follow numpy's operations in order.
        CHECK(quantile(x, c.q, c.method) == c.expected);
        seen.insert(c.method);
        ++checked;
    }
    CHECK(seen.size() == all_quantile_methods.size());
    CHECK(checked == o.cases.size());
}

TEST_CASE("quantiles() gives numpy's values for many q at once, in the order asked") {
    const auto o = read_oracle();
    for (const auto& named : o.samples) {
        const std::string& name = named.first;
        const std::vector<double>& x = named.second;
        for (quantile_method m : all_quantile_methods) {
            std::vector<double> qs;
            std::vector<double> expected;
            for (const auto& c : o.cases) {
                if (c.sample == name && c.method == m) {
                    qs.push_back(c.q);
                    expected.push_back(c.expected);
                }
            }
            REQUIRE(!qs.empty());
            // Reverse and interleave the order: results must follow qs, not sorted order.
            std::vector<std::size_t> order(qs.size());
            for (std::size_t i = 0; i < order.size(); ++i) {
                order[i] = i % 2 == 0 ? qs.size() - 1 - i / 2 : i / 2;
            }
            std::vector<double> shuffled_q;
            for (auto i : order)
                shuffled_q.push_back(qs[i]);
            auto copy = x;
            const auto got = quantiles(x, shuffled_q, m);
            const auto got_in_place = quantiles_in_place(copy, shuffled_q, m);
            REQUIRE(got.size() == qs.size());
            for (std::size_t i = 0; i < order.size(); ++i) {
                CAPTURE(name);
                CAPTURE(quantile_method_name(m));
                CAPTURE(qs[order[i]]);
                const double e = expected[order[i]];
                CHECK(got[i] == e);
                CHECK(got_in_place[i] == got[i]);
            }
            // In place keeps the same values, permuted.
            auto sorted_copy = copy;
            auto sorted_x = x;
            std::sort(sorted_copy.begin(), sorted_copy.end());
            std::sort(sorted_x.begin(), sorted_x.end());
            CHECK(sorted_copy == sorted_x);
        }
    }
}

TEST_CASE("the default is nearest rank (inverted_cdf)") {
    const std::vector<double> x{5, 1, 4, 2, 3};
    CHECK(quantile(x, 0.5) == 3.0);
    CHECK(quantile(x, 0.2) == 1.0);
    CHECK(quantile(x, 0.21) == 2.0);
    CHECK(quantile(x, 0.0) == 1.0);
    CHECK(quantile(x, 1.0) == 5.0);
}

TEST_CASE("quantiles work on any range of arithmetic values") {
    const std::vector<double> d{15, 20, 35, 40, 50, 3, 8, 13, 21, 34};
    const std::vector<std::uint64_t> u{15, 20, 35, 40, 50, 3, 8, 13, 21, 34};
    const std::vector<int> i{15, 20, 35, 40, 50, 3, 8, 13, 21, 34};
    const std::list<float> f{15, 20, 35, 40, 50, 3, 8, 13, 21, 34};
    const std::array<short, 10> s{15, 20, 35, 40, 50, 3, 8, 13, 21, 34};
    const int c[10] = {15, 20, 35, 40, 50, 3, 8, 13, 21, 34};
    for (quantile_method m : all_quantile_methods) {
        CAPTURE(quantile_method_name(m));
        for (double q : {0.0, 0.1, 0.25, 0.5, 0.9, 0.95, 1.0}) {
            CAPTURE(q);
            const double e = quantile(d, q, m);
            CHECK(quantile(u, q, m) == e);
            CHECK(quantile(i, q, m) == e);
            CHECK(quantile(f, q, m) == e);
            CHECK(quantile(s, q, m) == e);
            CHECK(quantile(c, q, m) == e);
        }
    }
    int arr[5] = {9, 7, 5, 3, 1};
    CHECK(quantile_in_place(arr, 0.5) == 5.0);
    CHECK(quantiles_in_place(arr, {1.0, 0.0}) == std::vector<double>{9.0, 1.0});
}

TEST_CASE("multi-quantile selection equals sorting, for many ranks and random data") {
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> logn(3.0, 2.0);
    for (std::size_t n : {1u, 2u, 3u, 17u, 100u, 1000u, 10007u}) {
        std::vector<double> x(n);
        for (auto& v : x)
            v = std::round(logn(rng));  // rounding makes ties
        auto sorted = x;
        std::sort(sorted.begin(), sorted.end());
        std::uniform_real_distribution<double> uq(0.0, 1.0);
        for (std::size_t nq : {1u, 4u, 7u, 30u, 100u}) {  // 100 q: past the planning limit
            std::vector<double> qs{0.0, 1.0};
            while (qs.size() < nq + 1)
                qs.push_back(uq(rng));
            const auto got = quantiles(x, qs);
            for (std::size_t j = 0; j < qs.size(); ++j) {
                const auto k = static_cast<std::size_t>(
                    std::max(0.0, std::ceil(static_cast<double>(n) * qs[j]) - 1.0));
                CHECK(got[j] == sorted[k]);
            }
            const auto lin = quantiles(x, qs, quantile_method::linear);
            for (std::size_t j = 0; j < qs.size(); ++j) {
                const double h = detail::product(static_cast<double>(n - 1), qs[j]);
                const auto lo = static_cast<std::size_t>(std::floor(h));
                const std::size_t hi = std::min(lo + 1, n - 1);
                const double g = h - std::floor(h);
                const double e = g >= 0.5
                                     ? sorted[hi] - detail::product(sorted[hi] - sorted[lo], 1 - g)
                                     : sorted[lo] + detail::product(sorted[hi] - sorted[lo], g);
                CHECK(lin[j] == e);
            }
        }
    }
}

TEST_CASE("method names round-trip through numpy's spelling") {
    for (quantile_method m : all_quantile_methods) {
        CHECK(parse_quantile_method(quantile_method_name(m)) == m);
    }
    CHECK(quantile_method_name(quantile_method::interpolated_inverted_cdf) ==
          "interpolated_inverted_cdf");
    CHECK_THROWS_WITH_AS(
        parse_quantile_method("nearest_rank"),
        "quantile method 'nearest_rank' is not one of inverted_cdf, averaged_inverted_cdf, "
        "closest_observation, interpolated_inverted_cdf, hazen, weibull, linear, "
        "median_unbiased, normal_unbiased, lower, higher, nearest, midpoint",
        std::invalid_argument);
}

TEST_CASE("bad input gets a clear error") {
    const std::vector<double> x{1, 2, 3};
    const std::vector<double> empty;
    SUBCASE("q outside [0, 1]") {
        CHECK_THROWS_WITH_AS(quantile(x, 1.5), "quantile: q 1.5 is outside [0, 1]",
                             std::domain_error);
        CHECK_THROWS_WITH_AS(quantile(x, -0.01), "quantile: q -0.01 is outside [0, 1]",
                             std::domain_error);
        CHECK_THROWS_WITH_AS(quantiles(x, {0.5, 99.0}), "quantiles: q 99 is outside [0, 1]",
                             std::domain_error);
    }
    SUBCASE("q NaN") {
        CHECK_THROWS_WITH_AS(quantile(x, std::nan("")), "quantile: q nan is outside [0, 1]",
                             std::domain_error);
    }
    SUBCASE("empty sample") {
        CHECK_THROWS_WITH_AS(quantile(empty, 0.5),
                             "quantile: the sample is empty: at least one value is needed",
                             std::invalid_argument);
        std::vector<double> e2;
        CHECK_THROWS_WITH_AS(
            quantiles_in_place(e2, {0.5}),
            "quantiles_in_place: the sample is empty: at least one value is needed",
            std::invalid_argument);
    }
    SUBCASE("NaN in the sample") {
        const std::vector<double> with_nan{1.0, 2.0, std::nan(""), 4.0};
        CHECK_THROWS_WITH_AS(quantile(with_nan, 0.5),
                             "quantile: sample[2] is NaN: every value must be a number",
                             std::invalid_argument);
        std::vector<float> fnan{std::numeric_limits<float>::quiet_NaN()};
        CHECK_THROWS_WITH_AS(quantile_in_place(fnan, 0.5),
                             "quantile_in_place: sample[0] is NaN: every value must be a number",
                             std::invalid_argument);
    }
}

TEST_CASE("median: the middle value, or the mean of the two middle values") {
    // Oracle: numpy.median of the same values.
    CHECK(median(std::vector<double>{7}) == 7);
    CHECK(median(std::vector<double>{3, 1, 2}) == 2);
    CHECK(median(std::vector<double>{4, 1, 3, 2}) == 2.5);
    CHECK(median(std::vector<std::uint64_t>{10, 40, 20, 30, 50, 60}) == 35);
    CHECK(median(std::vector<int>{-5, 5}) == 0);
    CHECK(median(std::array<double, 5>{{9.5, 1.25, 3, 3, 100}}) == 3);
    // Exactly (a + b) / 2, as Google Benchmark's median aggregate: 0.1 and 0.2 give 0.15000000000000002.
    CHECK(median(std::vector<double>{0.2, 0.1}) == (0.1 + 0.2) / 2);
    SUBCASE("against a sort, on random samples of every small size") {
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> u(-1e6, 1e6);
        for (std::size_t n = 1; n <= 40; ++n) {
            std::vector<double> v(n);
            for (auto& x : v) x = u(rng);
            std::vector<double> s = v;
            std::sort(s.begin(), s.end());
            const double expected = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            CHECK(median(v) == expected);
        }
    }
    SUBCASE("the sample is copied, not reordered") {
        const std::vector<double> v{5, 4, 3, 2, 1};
        CHECK(median(v) == 3);
        CHECK(v == std::vector<double>{5, 4, 3, 2, 1});
    }
    CHECK_THROWS_WITH_AS(median(std::vector<double>{}),
                         "median: the sample is empty: at least one value is needed",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(median(std::vector<double>{1, std::nan(""), 2}),
                         "median: sample[1] is NaN: every value must be a number",
                         std::invalid_argument);
}
