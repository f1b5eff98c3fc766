#include <ec2bench/detail/clock.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace ec2bench::detail;

TEST_CASE("now_ns never goes backwards") {
    std::uint64_t prev = now_ns();
    for (int i = 0; i < 100000; ++i) {
        const std::uint64_t t = now_ns();
        REQUIRE(t >= prev);
        prev = t;
    }
}

TEST_CASE("now_ns measures a sleep of known length from below") {
    // A sleep lasts at least what was asked: a clock in the wrong unit (us, ticks) fails this.
    const std::uint64_t t0 = now_ns();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const std::uint64_t elapsed = now_ns() - t0;
    CHECK(elapsed >= 20'000'000u);
    CHECK(seconds_between(t0, t0 + elapsed) == doctest::Approx(static_cast<double>(elapsed) * 1e-9));
}

TEST_CASE("now_ns agrees with std::chrono::steady_clock") {
    // Both read CLOCK_MONOTONIC on Linux; a different clock would drift apart by seconds.
    const auto chrono_ns = [] {
        return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now().time_since_epoch())
                                              .count());
    };
    const std::uint64_t a = chrono_ns();
    const std::uint64_t t = now_ns();
    const std::uint64_t b = chrono_ns();
    CHECK(t >= a);
    CHECK(t <= b);
}

TEST_CASE("clock resolution and observed tick are positive and small") {
    CHECK(clock_resolution_ns() >= 1u);
    CHECK(clock_resolution_ns() <= 1'000'000u);
    const std::uint64_t tick = observed_tick_ns();
    CHECK(tick >= 1u);
    CHECK(tick < 1'000'000u);  // a millisecond tick would make every short kernel meaningless
}
