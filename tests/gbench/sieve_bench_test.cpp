// register_sieve: names, counters and the validity check, run in-process on a small limit.
#include <ec2bench/gbench/sieve.hpp>

#include <benchmark/benchmark.h>
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace ec2bench::gbench;

namespace {

/// Keeps each run's counters by benchmark name.
class capture : public benchmark::BenchmarkReporter {
public:
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            counters[r.benchmark_name()] = r.counters;
            errors[r.benchmark_name()] = run_failed(r) ? run_error_message(r) : "";
        }
    }
    std::map<std::string, benchmark::UserCounters> counters;
    std::map<std::string, std::string> errors;
};

capture run_registered() {
    static bool initialised = false;
    if (!initialised) {
        char arg0[] = "sieve_bench_test";
        char arg1[] = "--benchmark_min_time=0.01";
        char* argv[] = {arg0, arg1, nullptr};
        int argc = 2;
        benchmark::Initialize(&argc, argv);
        initialised = true;
    }
    capture c;
    benchmark::RunSpecifiedBenchmarks(&c);
    benchmark::ClearRegisteredBenchmarks();
    return c;
}

}  // namespace

TEST_CASE("sieve_limit_name") {
    CHECK(sieve_limit_name(10'000'000'000) == "1e10");
    CHECK(sieve_limit_name(1000) == "1e3");
    CHECK(sieve_limit_name(10) == "1e1");
    CHECK(sieve_limit_name(25'000'000) == "25e6");
    CHECK(sieve_limit_name(std::uint64_t{1} << 32) == "2^32");
    CHECK(sieve_limit_name(123457) == "123457");
    CHECK(sieve_limit_name(20) == "20");
    CHECK(sieve_limit_name(0) == "0");
}

TEST_CASE("register_sieve: count and sweep with items_per_second, primes and valid") {
    sieve_bench_options o;
    o.limit = 1'000'000;
    o.threads = 3;
    const auto registered = register_sieve(o);
    CHECK(registered.size() == 4);  // count, and the sweep 1, 2, 3
    const capture c = run_registered();
    const std::vector<std::string> names = {
        "sieve/count/1e6/threads:3/real_time", "sieve/sweep/threads:1/real_time",
        "sieve/sweep/threads:2/real_time", "sieve/sweep/threads:3/real_time"};
    for (const auto& name : names) {
        CAPTURE(name);
        REQUIRE(c.counters.count(name) == 1);
        const auto& k = c.counters.at(name);
        CHECK(k.at("primes").value == 78498);
        CHECK(k.at("valid").value == 1);
        CHECK(k.at("items_per_second").flags == benchmark::Counter::kIsRate);
        CHECK(k.count("speedup") == (name.find("sweep/threads:2") != std::string::npos ||
                                     name.find("sweep/threads:3") != std::string::npos));
    }
    const auto& three = c.counters.at("sieve/sweep/threads:3/real_time");
    CHECK(three.at("efficiency").value * 3 == doctest::Approx(three.at("speedup").value));
}

TEST_CASE("register_sieve: no valid counter where pi(limit) is not published") {
    sieve_bench_options o;
    o.limit = 123457;
    o.threads = 1;
    o.sweep = false;
    CHECK(register_sieve(o).size() == 1);
    const capture c = run_registered();
    REQUIRE(c.counters.count("sieve/count/123457/threads:1/real_time") == 1);
    const auto& k = c.counters.at("sieve/count/123457/threads:1/real_time");
    CHECK(k.at("primes").value == 11601);
    CHECK(k.count("valid") == 0);
}

TEST_CASE("register_sieve: an interval from a start, and a start above the limit") {
    sieve_bench_options o;
    o.start = 999'000'000;
    o.limit = 1'000'000'000;
    o.threads = 2;
    o.sweep = false;
    CHECK(register_sieve(o).size() == 1);
    const capture c = run_registered();
    const std::string name = "sieve/count/999e6-1e9/threads:2/real_time";
    REQUIRE(c.counters.count(name) == 1);
    const auto& k = c.counters.at(name);
    CHECK(k.at("primes").value == 47957);  // pi(10^9) - pi(999 * 10^6 - 1): 50847534 - 50799577
    CHECK(k.count("valid") == 0);

    o.start = 11;
    o.limit = 10;
    CHECK_THROWS_WITH_AS(
        register_sieve(o),
        "register_sieve: start 11 > limit 10: the interval [start, limit) must have start <= limit",
        std::invalid_argument);
}

TEST_CASE("register_sieve: the instruction-set path that ran is recorded as the fact isa") {
    sieve_bench_options o;
    o.limit = 1'000'000;
    o.threads = 1;
    o.sweep = false;
    const std::string name = "sieve/count/1e6/threads:1";
    auto& table = extras_table::instance();
    const char* old = std::getenv("EC2BENCH_ISA");
    const std::string saved = old != nullptr ? old : "";
    auto run_with = [&](const char* isa) {
        if (isa != nullptr) {
            setenv("EC2BENCH_ISA", isa, 1);
        } else {
            unsetenv("EC2BENCH_ISA");
        }
        table.clear();
        register_sieve(o);
        const capture c = run_registered();
        REQUIRE(c.errors.count(name + "/real_time") == 1);
        auto extras = table.take_uniform(name, 1);
        REQUIRE(extras.has_value());
        return std::make_pair(c.errors.at(name + "/real_time"), extras->at(0).facts);
    };

    const auto [forced_error, forced] = run_with("baseline");
    CHECK(forced_error.empty());
    CHECK(forced.at("isa") == "baseline");

    // Unforced: whatever the sieve itself reports for this CPU.
    const auto [best_error, best] = run_with(nullptr);
    CHECK(best_error.empty());
    CHECK(best.at("isa") == std::string(ec2bench::sieve::count_primes_timed(0, 1000).isa));

    // A bad value fails the benchmark, with the variable's own message, and is recorded.
    const auto [bad_error, bad] = run_with("bogus");
    CHECK(bad_error.rfind("EC2BENCH_ISA 'bogus': expected one of baseline", 0) == 0);
    CHECK(bad.at("error") == bad_error);
    CHECK(bad.count("isa") == 0);

    if (old != nullptr) {
        setenv("EC2BENCH_ISA", saved.c_str(), 1);
    } else {
        unsetenv("EC2BENCH_ISA");
    }
}
