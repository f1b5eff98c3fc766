#include <ec2bench/stats/compare.hpp>

#include <doctest/doctest.h>

#include "oracle.hpp"

#include <cmath>
#include <string>
#include <vector>

using namespace ec2bench::stats;

namespace {
mwu_method method_named(const std::string& s) {
    if (s == "auto") return mwu_method::automatic;
    if (s == "exact") return mwu_method::exact;
    return mwu_method::asymptotic;
}
}  // namespace

TEST_CASE("mann_whitney_u agrees with scipy.stats.mannwhitneyu, every method") {
    const auto cases = oracle::lines_starting("mwu");
    REQUIRE(cases.size() == 27);
    int exact_seen = 0;
    for (const auto& c : cases) {
        const mwu_method m = method_named(c[1]);
        const double u = std::stod(c[2]);
        const double p = std::stod(c[3]);
        std::size_t i = 4;
        const auto n1 = std::stoull(c[i++]);
        std::vector<double> a;
        for (std::size_t k = 0; k < n1; ++k)
            a.push_back(std::stod(c[i++]));
        const auto n2 = std::stoull(c[i++]);
        std::vector<double> b;
        for (std::size_t k = 0; k < n2; ++k)
            b.push_back(std::stod(c[i++]));
        CAPTURE(c[1]);
        CAPTURE(n1);
        CAPTURE(n2);
        CAPTURE(u);
        const auto r = mann_whitney_u(a, b, m);
        CHECK(r.u == u);
        CHECK(r.p_value == doctest::Approx(p).epsilon(1e-12));
        CHECK(r.n1 == n1);
        CHECK(r.n2 == n2);
        CHECK(r.effect_size == doctest::Approx(u / static_cast<double>(n1 * n2)).epsilon(1e-15));
        CHECK(r.method != mwu_method::automatic);
        if (m != mwu_method::automatic) CHECK(r.method == m);
        if (r.method == mwu_method::exact) ++exact_seen;
    }
    CHECK(exact_seen >= 8);
}

TEST_CASE("auto chooses as scipy does: exact for a sample of at most 8 without ties") {
    const std::vector<double> small{1, 2, 3};
    std::vector<double> large;
    for (int i = 0; i < 100; ++i)
        large.push_back(i + 0.5);
    CHECK(mann_whitney_u(small, large).method == mwu_method::exact);
    std::vector<double> nine{1, 2, 3, 4, 5, 6, 7, 8, 9};
    std::vector<double> nine_b{1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5};
    CHECK(mann_whitney_u(nine, nine_b).method == mwu_method::asymptotic);
    nine.pop_back();
    CHECK(mann_whitney_u(nine, nine_b).method == mwu_method::exact);
    CHECK(mann_whitney_u(std::vector<double>{1, 2}, std::vector<double>{2, 3}).method ==
          mwu_method::asymptotic);
}

TEST_CASE("the exact distribution is exact: Mann and Whitney's table, and the long double path") {
    // Mann & Whitney (1947), Table I: m = 3, n = 4, P(U <= 2) = 4/35.
    CHECK(detail::mwu_exact_cdf(3, 4, 2) == doctest::Approx(4.0 / 35.0).epsilon(1e-15));
    CHECK(detail::mwu_exact_cdf(4, 3, 2) == doctest::Approx(4.0 / 35.0).epsilon(1e-15));
    // Every count sums to C(m+n, m): P(U <= mn) = 1.
    CHECK(detail::mwu_exact_cdf(6, 7, 42) == doctest::Approx(1.0).epsilon(1e-15));
    // Past 2^120 paths (C(140, 70)) the long double path takes over; P(U = 0) = 1/C(140, 70).
    const double log_c = std::lgamma(141.0) - 2 * std::lgamma(71.0);
    CHECK(std::log(detail::mwu_exact_cdf(70, 70, 0)) == doctest::Approx(-log_c).epsilon(1e-12));
    CHECK(detail::mwu_exact_cdf(70, 70, 2450) == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("the effect size says how much: the probability of superiority") {
    const std::vector<double> fast{10, 11, 12, 13};
    const std::vector<double> slow{20, 21, 22};
    const auto r = mann_whitney_u(slow, fast);
    CHECK(r.u == 12);
    CHECK(r.effect_size == 1.0);
    CHECK(r.rank_biserial == 1.0);
    const auto back = mann_whitney_u(fast, slow);
    CHECK(back.effect_size == 0.0);
    CHECK(back.rank_biserial == -1.0);
    CHECK(back.p_value == r.p_value);
    const auto tie = mann_whitney_u(std::vector<double>{5}, std::vector<double>{5});
    CHECK(tie.effect_size == 0.5);
    CHECK(tie.p_value == 1.0);
}

TEST_CASE("mann_whitney_u refuses bad input") {
    const std::vector<double> ok{1, 2};
    const std::vector<double> empty;
    CHECK_THROWS_WITH_AS(mann_whitney_u(empty, ok),
                         "mann_whitney_u: sample a is empty: at least one value is needed",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(mann_whitney_u(ok, empty),
                         "mann_whitney_u: sample b is empty: at least one value is needed",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(mann_whitney_u(ok, std::vector<double>{3, std::nan("")}),
                         "mann_whitney_u: b[1] is NaN: every value must be a number",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(mann_whitney_u(ok, std::vector<double>{2, 3}, mwu_method::exact),
                         "mann_whitney_u: the exact p-value needs samples without ties; use "
                         "mwu_method::asymptotic, which corrects for them",
                         std::invalid_argument);
}
