#include <ec2bench/stats/summary.hpp>

#include <doctest/doctest.h>

#include "oracle.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace ec2bench::stats;

TEST_CASE("summarize reports count, extremes, mean, sample stddev, cv and percentiles") {
    const std::vector<double> x{2, 4, 4, 4, 5, 5, 7, 9};
    const auto s = summarize(x);
    CHECK(s.count == 8);
    CHECK(s.min == 2);
    CHECK(s.max == 9);
    CHECK(s.mean == 5);
    // numpy.std([2,4,4,4,5,5,7,9], ddof=1) = sqrt(32/7)
    CHECK(s.stddev == doctest::Approx(std::sqrt(32.0 / 7.0)).epsilon(1e-15));
    CHECK(s.cv == doctest::Approx(std::sqrt(32.0 / 7.0) / 5).epsilon(1e-15));
    REQUIRE(s.percentiles.size() == 4);
    CHECK(s.at(0.5) == 4);  // nearest rank: ceil(4) = 4th value
    CHECK(s.at(0.9) == 9);
    CHECK(s.at(0.999) == 9);
    const auto t = summarize(std::vector<std::uint64_t>{30, 10, 20}, {0.0, 1.0, 0.5});
    CHECK(t.percentiles[0].value == 10);
    CHECK(t.percentiles[1].value == 30);
    CHECK(t.percentiles[2].value == 20);
    CHECK_THROWS_WITH_AS(s.at(0.75), "summary::at: q 0.75 is not among the summarized percentiles",
                         std::out_of_range);
}

TEST_CASE("the mean and stddev lose no digits on large offsets") {
    // Welford and naive sums of squares lose digits here; the corrected two-pass does not.
    std::vector<double> x;
    for (int i = 0; i < 1000; ++i)
        x.push_back(1e9 + (i % 2 == 0 ? 1.0 : -1.0));
    const auto s = summarize(x);
    CHECK(s.mean == 1e9);
    CHECK(s.stddev == doctest::Approx(std::sqrt(1000.0 / 999.0)).epsilon(1e-12));
    const auto one = summarize(std::vector<double>{3.0});
    CHECK(one.mean == 3.0);
    CHECK(std::isnan(one.stddev));
}

TEST_CASE("summaries refuse bad input") {
    const std::vector<double> empty;
    CHECK_THROWS_WITH_AS(summarize(empty),
                         "summarize: the sample is empty: at least one value is needed",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(summarize(std::vector<double>{1, std::nan("")}),
                         "summarize: sample[1] is NaN: every value must be a number",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(summarize(std::vector<double>{1}, {0.5, 2.0}),
                         "summarize: q 2 is outside [0, 1]", std::domain_error);
}

TEST_CASE("Student's t quantile agrees with scipy: the root of its CDF, and its t.ppf") {
    const auto cases = oracle::lines_starting("t");
    REQUIRE(cases.size() == 144);
    for (const auto& c : cases) {
        const double dof = std::stod(c[1]);
        const double p = std::stod(c[2]);
        const double ppf = std::stod(c[3]);
        const double root = std::stod(c[4]);
        CAPTURE(dof);
        CAPTURE(p);
        const double t = detail::student_t_quantile(p, dof);
        // 1e-13 relative up to 100 degrees of freedom; beyond, a log x + b log y cancels
        // against log B(a, b) in the incomplete beta, leaving about 1e-11 at 1e5.
        CHECK(t == doctest::Approx(root).epsilon(dof <= 100 ? 1e-13 : 1e-11));
        // scipy's own t.ppf (cephes stdtrit) is good to about 1e-9 only.
        CHECK(t == doctest::Approx(ppf).epsilon(1e-8));
    }
}

TEST_CASE("the normal quantile is exact to double precision") {
    // scipy.stats.norm.ppf
    CHECK(detail::normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-15));
    CHECK(detail::normal_quantile(0.5) == 0.0);
    CHECK(detail::normal_quantile(1e-10) == doctest::Approx(-6.361340902404056).epsilon(1e-14));
    CHECK(detail::normal_quantile(0.9) == doctest::Approx(1.2815515655446004).epsilon(1e-15));
}

TEST_CASE("quantile_ci picks scipy's binomial ranks and reports the coverage they achieve") {
    const auto cases = oracle::lines_starting("binom_ci");
    REQUIRE(cases.size() == 10);
    for (const auto& c : cases) {
        const auto n = static_cast<std::size_t>(std::stoull(c[1]));
        const double q = std::stod(c[2]);
        const double conf = std::stod(c[3]);
        CAPTURE(n);
        CAPTURE(q);
        // The sample 1..n: the order statistic of rank r is r itself.
        std::vector<double> x(n);
        std::iota(x.begin(), x.end(), 1.0);
        std::shuffle(x.begin(), x.end(), std::mt19937_64(n));
        const auto ci = quantile_ci(x, q, conf);
        CHECK(ci.lower_rank == std::stoull(c[4]));
        CHECK(ci.upper_rank == std::stoull(c[5]));
        CHECK(ci.lower == static_cast<double>(ci.lower_rank));
        CHECK(ci.upper == static_cast<double>(ci.upper_rank));
        CHECK(ci.coverage == doctest::Approx(std::stod(c[6])).epsilon(n > 100000 ? 1e-7 : 1e-11));
        CHECK(ci.coverage >= conf);
        CHECK(ci.estimate == quantile(x, q));
        CHECK(ci.count == n);
    }
}

TEST_CASE("quantile_ci's textbook case: the median of 100, ranks 40 and 61 at 96.5%") {
    std::vector<int> x(100);
    std::iota(x.begin(), x.end(), 1);
    const auto ci = quantile_ci(x, 0.5);
    CHECK(ci.lower_rank == 40);
    CHECK(ci.upper_rank == 61);
    CHECK(ci.coverage == doctest::Approx(0.9648).epsilon(1e-4));
}

TEST_CASE("quantile_ci refuses a sample too small for the confidence, saying how many are needed") {
    std::vector<double> x(367, 1.0);
    CHECK_THROWS_WITH_AS(quantile_ci(x, 0.99),
                         "quantile_ci: 367 values are too few for confidence 0.95 in the 0.99 "
                         "quantile: at least 368 are needed",
                         std::invalid_argument);
    x.push_back(2.0);
    CHECK_NOTHROW(quantile_ci(x, 0.99));
    CHECK_THROWS_WITH_AS(quantile_ci(std::vector<double>(5, 1.0), 0.5),
                         "quantile_ci: 5 values are too few for confidence 0.95 in the 0.5 "
                         "quantile: at least 6 are needed",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(quantile_ci(x, 0.5, 1.0), "quantile_ci: confidence 1 is outside (0, 1)",
                         std::domain_error);
    CHECK_THROWS_WITH_AS(quantile_ci(x, 0.5, std::nan("")),
                         "quantile_ci: confidence nan is outside (0, 1)", std::domain_error);
    CHECK_THROWS_WITH_AS(
        quantile_ci(x, 1.0),
        "quantile_ci: q 1 is outside (0, 1): an extreme has no distribution-free interval",
        std::domain_error);
    CHECK_THROWS_WITH_AS(quantile_ci(std::vector<double>{}, 0.5),
                         "quantile_ci: the sample is empty: at least one value is needed",
                         std::invalid_argument);
}

TEST_CASE("mean_ci is mean ± t s / sqrt(n) with scipy's t") {
    // scipy.stats.t.interval(0.95, 7, loc=5, scale=sqrt(32/7)/sqrt(8))
    // (its t.ppf is good to 1e-9; the t here is the root of t.sf, 2.364624251592785)
    const std::vector<double> x{2, 4, 4, 4, 5, 5, 7, 9};
    const auto ci = mean_ci(x);
    CHECK(ci.mean == 5);
    CHECK(ci.t == doctest::Approx(2.364624251592785).epsilon(1e-14));
    CHECK(ci.standard_error ==
          doctest::Approx(std::sqrt(32.0 / 7.0) / std::sqrt(8.0)).epsilon(1e-14));
    CHECK(ci.lower == doctest::Approx(3.2125120822041073).epsilon(1e-9));
    CHECK(ci.upper == doctest::Approx(6.7874879177958927).epsilon(1e-9));
    CHECK(ci.half_width == doctest::Approx(ci.t * ci.standard_error).epsilon(1e-15));
    const auto ci99 = mean_ci(x, 0.99);
    CHECK(ci99.t == doctest::Approx(3.4994832973505026).epsilon(1e-8));
    CHECK_THROWS_WITH_AS(mean_ci(std::vector<double>{1.0}),
                         "mean_ci: 1 value has no spread: at least 2 are needed",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(mean_ci(std::vector<double>{}),
                         "mean_ci: 0 values have no spread: at least 2 are needed",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(mean_ci(x, 0.0), "mean_ci: confidence 0 is outside (0, 1)",
                         std::domain_error);
    CHECK_THROWS_WITH_AS(mean_ci(std::vector<double>{1, 2, std::nan("")}),
                         "mean_ci: sample[2] is NaN: every value must be a number",
                         std::invalid_argument);
}
