#include <ec2bench/detail/thread_team.hpp>

#include <doctest/doctest.h>

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace ec2bench::detail;

TEST_CASE("allowed_cpus matches the process affinity mask") {
    const std::vector<int> cpus = allowed_cpus();
    REQUIRE_FALSE(cpus.empty());
    CHECK(std::is_sorted(cpus.begin(), cpus.end()));
    cpu_set_t set;
    CPU_ZERO(&set);
    REQUIRE(::sched_getaffinity(0, sizeof(set), &set) == 0);
    CHECK(static_cast<int>(cpus.size()) == CPU_COUNT(&set));
    for (int c : cpus) CHECK(CPU_ISSET(static_cast<std::size_t>(c), &set));
}

TEST_CASE("barrier refuses a count of zero") {
    CHECK_THROWS_WITH_AS(ec2bench::detail::barrier(0), "barrier: count 0: must be at least 1",
                         std::invalid_argument);
}

TEST_CASE("barrier separates phases across raw threads") {
    constexpr unsigned n = 4;
    constexpr int phases = 200;
    ec2bench::detail::barrier b(n);
    std::vector<int> slot(n, 0);  // plain ints: the barrier must provide the ordering
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < n; ++t) {
        threads.emplace_back([&, t] {
            for (int p = 1; p <= phases; ++p) {
                slot[t] = p;
                b.arrive_and_wait();
                for (unsigned u = 0; u < n; ++u) {
                    if (slot[u] != p) errors.fetch_add(1);
                }
                b.arrive_and_wait();
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(errors.load() == 0);
}

TEST_CASE("thread_team runs every member exactly once per run") {
    for (unsigned size : {1u, 2u, 3u, 7u}) {
        CAPTURE(size);
        thread_team team(size, false);
        CHECK(team.size() == size);
        for (int run = 0; run < 50; ++run) {
            std::vector<std::atomic<int>> hits(size);
            team.run([&](unsigned m) { hits[m].fetch_add(1); });
            for (auto& h : hits) CHECK(h.load() == 1);
        }
    }
}

TEST_CASE("thread_team size 0 means one member per allowed CPU") {
    thread_team team;
    CHECK(team.size() == allowed_cpus().size());
}

TEST_CASE("a pinned team runs each member on its own CPU and restores the caller") {
    const std::vector<int> cpus = allowed_cpus();
    cpu_set_t before;
    REQUIRE(::pthread_getaffinity_np(::pthread_self(), sizeof(before), &before) == 0);

    thread_team team(static_cast<unsigned>(cpus.size()), true);
    std::vector<int> seen(team.size(), -1);
    team.run([&](unsigned m) { seen[m] = ::sched_getcpu(); });
    for (unsigned m = 0; m < team.size(); ++m) {
        CAPTURE(m);
        CHECK(team.cpu_of(m) == cpus[m]);
        CHECK(seen[m] == cpus[m]);
    }
    cpu_set_t after;
    REQUIRE(::pthread_getaffinity_np(::pthread_self(), sizeof(after), &after) == 0);
    CHECK(CPU_EQUAL(&before, &after));
}

TEST_CASE("more members than CPUs share CPUs round-robin and still complete") {
    const auto ncpu = static_cast<unsigned>(allowed_cpus().size());
    thread_team team(ncpu * 2 + 1, true);
    CHECK(team.cpu_of(ncpu) == team.cpu_of(0));
    std::atomic<unsigned> sum{0};
    team.run([&](unsigned m) {
        team.barrier();
        sum.fetch_add(m);
    });
    const unsigned n = team.size();
    CHECK(sum.load() == n * (n - 1) / 2);
}

TEST_CASE("the team barrier orders writes between phases") {
    thread_team team(4, false);
    std::vector<long> partial(team.size(), 0);
    long total = 0;
    team.run([&](unsigned m) {
        for (int p = 0; p < 100; ++p) {
            partial[m] += static_cast<long>(m) + 1;
            team.barrier();
            if (m == 0) {
                long s = 0;
                for (long v : partial) s += v;
                total = s;
            }
            team.barrier();
        }
    });
    CHECK(total == 100 * (1 + 2 + 3 + 4));
}

TEST_CASE("an exception in a member reaches the caller after all members finish") {
    thread_team team(3, false);
    std::atomic<int> finished{0};
    CHECK_THROWS_WITH_AS(team.run([&](unsigned m) {
        finished.fetch_add(1);
        if (m == 2) throw std::runtime_error("member 2 failed");
    }),
                         "member 2 failed", std::runtime_error);
    CHECK(finished.load() == 3);
    // The team stays usable.
    std::atomic<int> again{0};
    team.run([&](unsigned) { again.fetch_add(1); });
    CHECK(again.load() == 3);
}

TEST_CASE("an idle team sleeps and wakes for the next run") {
    thread_team team(2, false);
    std::atomic<int> n{0};
    team.run([&](unsigned) { n.fetch_add(1); });
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // past the spin: workers sleep
    team.run([&](unsigned) { n.fetch_add(1); });
    CHECK(n.load() == 4);
}

TEST_CASE("thousands of short runs neither deadlock nor lose a member") {
    thread_team team(3, false);
    std::atomic<long> n{0};
    for (int i = 0; i < 5000; ++i) team.run([&](unsigned) { n.fetch_add(1); });
    CHECK(n.load() == 15000);
}
