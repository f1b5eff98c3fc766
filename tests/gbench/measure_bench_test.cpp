// register_measure: a user's callable as a Google Benchmark benchmark with latency percentiles,
// run in-process.
#include <ec2bench/gbench/measure.hpp>
#include <ec2bench/results/metrics.hpp>

#include <benchmark/benchmark.h>
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

class capture : public benchmark::BenchmarkReporter {
public:
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            counters[r.benchmark_name()] = r.counters;
            labels[r.benchmark_name()] = r.report_label;
            errors[r.benchmark_name()] = ec2bench::gbench::run_failed(r) ? ec2bench::gbench::run_error_message(r) : "";
            real_ns[r.benchmark_name()] = r.GetAdjustedRealTime();
        }
    }
    std::map<std::string, benchmark::UserCounters> counters;
    std::map<std::string, std::string> labels, errors;
    std::map<std::string, double> real_ns;
};

}  // namespace

TEST_CASE("register_measure: percentiles per call as counters, batching in the label") {
    char arg0[] = "measure_bench_test";
    char* argv[] = {arg0, nullptr};
    int argc = 1;
    benchmark::Initialize(&argc, argv);

    ec2bench::measure_options o;
    o.warmup = 1ms;
    o.min_time = 2ms;
    o.repetitions = 2;
    ec2bench::gbench::register_measure(
        "spin_5us",
        [] {
            const auto t0 = ec2bench::now_ns();
            while (ec2bench::now_ns() - t0 < 5'000) {
            }
        },
        o);
    int x = 0;
    ec2bench::gbench::register_measure("increment", [&x] { ++x; }, o);
    ec2bench::gbench::register_measure("throws", [] { throw std::runtime_error("bad input"); }, o);
    capture c;
    benchmark::RunSpecifiedBenchmarks(&c);
    benchmark::ClearRegisteredBenchmarks();

    const std::string spin = "measure/spin_5us/iterations:1/manual_time";
    REQUIRE(c.counters.count(spin) == 1);
    const auto& k = c.counters.at(spin);
    for (const char* name : {"p50_us", "p90_us", "p99_us", "p999_us", "max_us", "mean_us", "calls", "batch",
                             "items_per_second"}) {
        CAPTURE(name);
        CHECK(k.count(name) == 1);
    }
    CHECK(k.at("batch").value == 1);
    CHECK(k.at("p50_us").value >= 4.9);
    CHECK(k.at("p50_us").value <= k.at("p99_us").value);
    CHECK(k.at("items_per_second").flags == benchmark::Counter::kIsRate);
    // Manual time is the mean per call: real_time (ns) agrees with mean_us.
    CHECK(c.real_ns.at(spin) == doctest::Approx(k.at("mean_us").value * 1e3).epsilon(1e-6));
    CHECK(c.labels.at(spin).empty());
    // One repetition, one record (this test reads the table, not through capture_reporter).
    const auto spin_extras = ec2bench::gbench::extras_table::instance().take_uniform("measure/spin_5us", 1);
    REQUIRE(spin_extras.has_value());
    CHECK(spin_extras->at(0).facts.at("timing") == "per call");

    const std::string inc = "measure/increment/iterations:1/manual_time";
    REQUIRE(c.counters.count(inc) == 1);
    CHECK(c.counters.at(inc).at("batch").value > 1);
    CHECK(c.labels.at(inc).find("batched: ") == 0);
    const auto inc_extras = ec2bench::gbench::extras_table::instance().take_uniform("measure/increment", 1);
    REQUIRE(inc_extras.has_value());
    CHECK(inc_extras->at(0).facts.at("timing") == "batched");
    CHECK(inc_extras->at(0).warnings.size() == 1);
    const auto throws_extras = ec2bench::gbench::extras_table::instance().take_uniform("measure/throws", 1);
    REQUIRE(throws_extras.has_value());
    CHECK(throws_extras->at(0).facts.at("error") == "bad input");

    CHECK(c.errors.at("measure/throws/iterations:1/manual_time") == "bad input");
}

TEST_CASE("compare and check judge measure/ benchmarks by their percentiles") {
    const auto m = ec2bench::results::metrics_for("measure/parse");
    REQUIRE(m.size() >= 2);
    CHECK(m[0].key == "p50_us");
    CHECK_FALSE(m[0].higher_is_better);
    CHECK(m[1].key == "p99_us");
}
