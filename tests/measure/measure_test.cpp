// ec2bench::measure: per-call timing recovers a known duration, batching engages (and says so)
// for calls the clock cannot resolve, quantile intervals cover at their stated rate.
#include <ec2bench/measure.hpp>

#include <ec2bench/detail/clock.hpp>
#include <ec2bench/detail/do_not_optimize.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// A clock that only moves when read (read_cost) or called through (call), reporting whole
/// ticks: deterministic time for the measuring logic.
struct fake_clock {
    std::uint64_t t = 1'000'000'000;
    std::uint64_t read_cost = 20;
    std::uint64_t tick = 1;
    std::uint64_t now() {
        t += read_cost;
        return t / tick * tick;
    }
    std::uint64_t resolution() const { return tick; }
};

}  // namespace

TEST_CASE("the clock and the barrier are public, under their old names too") {
    const std::uint64_t a = ec2bench::now_ns();
    const std::uint64_t b = ec2bench::detail::now_ns();
    CHECK(b >= a);
    int x = 41;
    ec2bench::do_not_optimize(x);
    ec2bench::detail::do_not_optimize(x);
    ec2bench::clobber_memory();
    CHECK(x == 41);
    const auto c = ec2bench::measure_clock();
    CHECK(c.tick_ns > 0);
    CHECK(c.read_ns > 0);
    CHECK(c.granularity_ns() >= c.tick_ns);
}

TEST_CASE("a call the clock resolves is timed alone, the clock's overhead subtracted") {
    fake_clock clock;
    auto f = [&] { clock.t += 20'000; };
    ec2bench::measure_options o;
    o.min_time = 1ms;
    o.repetitions = 3;
    const auto r = ec2bench::detail::measure_with(clock, f, o);
    CHECK(r.clock.empty_region_ns == 20);
    CHECK(r.clock.tick_ns == 20);
    CHECK(r.clock.read_ns == 20.0);
    CHECK_FALSE(r.batched());
    CHECK(r.batch_size == 1);
    CHECK(r.estimated_call_ns == 20'020.0);
    CHECK(r.quantile_ns(0.5) == 20'000.0);
    CHECK(r.quantile_ns(0.99) == 20'000.0);
    CHECK(r.min_ns() == 20'000.0);
    CHECK(r.max_ns() == 20'000.0);
    CHECK(r.mean_ns() == 20'000.0);
    REQUIRE(r.repetitions.size() == 3);
    std::uint64_t calls = 0;
    for (const auto& rep : r.repetitions) {
        CHECK(rep.p50_ns == 20'000.0);
        CHECK(rep.samples == rep.calls);
        // 1 ms of fake time at 20,060 ns a call (two reads and the recording's clock read).
        CHECK(rep.calls == 50);
        calls += rep.calls;
    }
    CHECK(r.calls() == calls);
    CHECK(r.samples() == calls);
}

TEST_CASE("calls shorter than the clock resolves are batched, and reported so") {
    fake_clock clock;
    clock.tick = 1'000;  // a microsecond clock
    auto f = [&] { clock.t += 30; };
    ec2bench::measure_options o;
    o.repetitions = 2;
    const auto r = ec2bench::detail::measure_with(clock, f, o);
    CHECK(r.clock.tick_ns == 1'000);
    CHECK(r.clock.empty_region_ns == 0);
    CHECK(r.batched());
    // Enough calls for 1000 ticks: about 1 ms at 30 ns.
    CHECK(r.batch_size >= 30'000);
    CHECK(r.batch_size <= 40'000);
    CHECK(r.calls() == r.samples() * r.batch_size);
    CHECK(r.quantile_ns(0.5) == doctest::Approx(30.0).epsilon(0.01));
    CHECK(r.mean_ns() == doctest::Approx(30.0).epsilon(0.01));

    SUBCASE("a batch size given is used") {
        o.batch = 7;
        const auto r7 = ec2bench::detail::measure_with(clock, f, o);
        CHECK(r7.batch_size == 7);
        CHECK(r7.batched());
    }
}

TEST_CASE("a spin of known length is recovered within the clock's granularity") {
    // Busy-waits 20 us on the real clock. Only the median is asserted (the machine is shared:
    // preemption lengthens some calls, never shortens one).
    constexpr std::uint64_t spin = 20'000;
    auto f = [] {
        const std::uint64_t t0 = ec2bench::now_ns();
        while (ec2bench::now_ns() - t0 < spin) {
        }
    };
    ec2bench::measure_options o;
    o.warmup = 1ms;
    o.min_time = 2ms;
    o.repetitions = 3;
    const auto r = ec2bench::measure(f, o);
    CHECK_FALSE(r.batched());
    const double g = static_cast<double>(r.clock.granularity_ns());
    const double p50 = r.quantile_ns(0.5);
    CHECK(p50 >= static_cast<double>(spin) - g);
    CHECK(p50 <= static_cast<double>(spin) + g + 10'000.0);
    CHECK(r.calls() >= 3);
}

TEST_CASE("a trivial call is batched with the default options") {
    std::uint64_t x = 0;
    const auto r = ec2bench::measure([&] { ++x; });
    CHECK(r.batched());
    CHECK(r.batch_size > 1);
    CHECK(r.repetitions.size() == 5);
    CHECK(x >= r.calls());
    // Below what the clock resolves, yet not zero: the calls of a batch are not merged.
    CHECK(r.quantile_ns(0.5) < static_cast<double>(r.clock.granularity_ns()));
    CHECK(r.quantile_ns(0.5) > 0.0);
    // The documented one-liner compiles and works as written.
    const auto r2 = ec2bench::measure([&] { return x * 3; });
    CHECK(r2.calls() > 0);
}

TEST_CASE("quantile intervals from a histogram cover the true quantile at the stated rate") {
    // No timing: exponential samples (mean 100 us) straight into the histogram.
    std::mt19937_64 rng(20241206);
    std::exponential_distribution<double> d(1.0 / 100'000.0);
    for (const double q : {0.5, 0.99}) {
        CAPTURE(q);
        const double truth = -std::log1p(-q) * 100'000.0;
        constexpr int trials = 1000;
        int covered = 0;
        double coverage = 0;
        for (int t = 0; t < trials; ++t) {
            ec2bench::stats::latency_histogram h;
            for (int i = 0; i < 2000; ++i)
                h.record(static_cast<std::uint64_t>(d(rng)));
            const auto ci = ec2bench::histogram_quantile_ci(h, q, 0.95);
            coverage = ci.coverage;
            REQUIRE(ci.lower <= ci.estimate);
            REQUIRE(ci.estimate <= ci.upper);
            covered += ci.lower <= truth && truth <= ci.upper;
        }
        CHECK(coverage >= 0.95);
        // At least the stated rate (three standard errors of 1000 trials), and not so wide that
        // it always covers.
        CHECK(covered >= 930);
        CHECK(covered <= 990);
    }
}

TEST_CASE("measure's results per call and their errors") {
    fake_clock clock;
    auto f = [&] { clock.t += 5'000; };
    ec2bench::measure_options o;
    o.min_time = 0ms;
    o.min_calls = 100;
    o.repetitions = 1;
    const auto r = ec2bench::detail::measure_with(clock, f, o);
    CHECK(r.calls() == 100);
    const auto ci = r.quantile_ci(0.5);
    CHECK(ci.lower == 5'000.0);
    CHECK(ci.upper == 5'000.0);
    CHECK_THROWS_WITH_AS(r.quantile_ci(0.999), "quantile_ci: 100 values are too few for confidence 0.95 in the 0.999 quantile: at least 3688 are needed",
                         std::invalid_argument);
    ec2bench::measure_result empty;
    CHECK_THROWS_WITH_AS(empty.quantile_ns(0.5), "measure_result: nothing was measured", std::logic_error);
    o.repetitions = 0;
    CHECK_THROWS_WITH_AS(ec2bench::detail::measure_with(clock, f, o),
                         "measure: repetitions 0: at least 1 is needed", std::invalid_argument);
    auto thrower = [] { throw std::runtime_error("parse failed"); };
    CHECK_THROWS_WITH_AS(ec2bench::measure(thrower), "parse failed", std::runtime_error);
}

TEST_CASE("quantile_ranks are quantile_ci's ranks, for samples in any form") {
    const auto r = ec2bench::stats::quantile_ranks(10'000, 0.99);
    CHECK(r.lower_rank == 9'880);
    CHECK(r.upper_rank == 9'920);
    CHECK(r.coverage >= 0.95);
    std::vector<double> x(10'000);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<double>(x.size() - i);  // ranks are values: 1 ... 10000
    const auto ci = ec2bench::stats::quantile_ci(x, 0.99);
    CHECK(ci.lower == 9'880.0);
    CHECK(ci.upper == 9'920.0);
    CHECK(ci.coverage == r.coverage);
}
