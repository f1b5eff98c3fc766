// Per-benchmark extras in results files: schema version 2 as written (common facts, each
// repetition's values, aggregates), and versions 1 and 2 as read back through extras_of().
#include <ec2bench/results/document.hpp>
#include <ec2bench/results/extras.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace rs = ec2bench::results;
namespace eg = ec2bench::gbench;

namespace {

const std::string fsync_run = "fsync/fdatasync/4096/append/iterations:1/manual_time";

// The five repetitions of issue 14: sync_p99_us 7747.7, 7665.1, 7506.5, 7568.4, 354.8 (the last
// stopped by its time cap). eintr_retries is known in two repetitions only, short_writes is 0 in
// all, and the last two repetitions warn.
std::vector<eg::run_extras> five_repetitions() {
    const double p99[] = {7747.7, 7665.1, 7506.5, 7568.4, 354.8};
    std::vector<eg::run_extras> reps;
    for (int i = 0; i < 5; ++i) {
        eg::run_extras x;
        x.facts = {{"directory", "/data"}, {"method", "fdatasync"}, {"filesystem", "xfs"},
                   {"stopped_by", i == 4 ? "seconds" : "ops"}};
        x.values = {{"sync_p99_us", p99[i]}, {"block_size", 4096}, {"short_writes", 0}};
        if (i == 1) x.values["eintr_retries"] = 1;
        if (i == 3) x.values["eintr_retries"] = 4;
        if (i == 3) x.warnings = {"the device reports a volatile write cache"};
        if (i == 4) x.warnings = {"the time cap stopped the run", "the device reports a volatile write cache"};
        reps.push_back(x);
    }
    return reps;
}

// What Google Benchmark 1.7 writes for those five repetitions and their aggregates (shortened to
// the members a reader uses).
std::string five_repetitions_gbench_json() {
    std::string runs;
    const double iops[] = {412.5, 405.0, 420.25, 399.5, 2810.0};
    for (int i = 0; i < 5; ++i) {
        runs += R"({"name": ")" + fsync_run + R"(", "family_index": 0, "per_family_instance_index": 0, "run_name": ")" +
                fsync_run + R"(", "run_type": "iteration", "repetitions": 5, "repetition_index": )" +
                std::to_string(i) + R"(, "threads": 1, "iterations": 1, "real_time": 2000.0, "cpu_time": 30.0, "time_unit": "ms", "items_per_second": )" +
                std::to_string(iops[i]) + "},\n";
    }
    const char* aggregates[] = {"mean", "median", "stddev", "cv"};
    for (const char* a : aggregates) {
        runs += R"({"name": ")" + fsync_run + "_" + a + R"(", "family_index": 0, "per_family_instance_index": 0, "run_name": ")" +
                fsync_run + R"(", "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": ")" + a +
                R"(", "aggregate_unit": ")" + (std::string(a) == "cv" ? "percentage" : "time") +
                R"(", "iterations": 5, "real_time": 2000.0, "cpu_time": 30.0, "time_unit": "ms", "items_per_second": 889.45})";
        runs += std::string(a) == "cv" ? "\n" : ",\n";
    }
    return R"({"context": {"date": "2026-11-23T10:00:00+00:00", "executable": "ec2bench", "num_cpus": 2, "mhz_per_cpu": 2900, "cpu_scaling_enabled": false, "caches": [], "load_avg": [0.1, 0.2, 0.3], "library_build_type": "release"}, "benchmarks": [
)" + runs + "]}";
}

nlohmann::json five_repetitions_document() {
    ec2bench::system::host_info host;
    host.architecture = "x86_64";
    host.cpu_model = "Test CPU";
    host.load_average = {0.1, 0.2, 0.3};
    ec2bench::system::ec2_info ec2;
    ec2.imds = "disabled";
    rs::run_metadata meta;
    meta.started_at = "2026-11-23T10:00:00Z";
    meta.finished_at = "2026-11-23T10:01:00Z";
    meta.command = {"ec2bench", "run", "--only=fsync"};
    return rs::make_document(five_repetitions_gbench_json(), host, ec2, {{fsync_run, five_repetitions()}}, meta);
}

void spit(const std::string& path, const std::string& s) { std::ofstream(path, std::ios::binary) << s; }

}  // namespace

TEST_CASE("schema version 2: one entry per benchmark, aggregates across its repetitions") {
    const nlohmann::json doc = five_repetitions_document();
    CHECK(doc["ec2bench"]["schema_version"] == 2);
    const auto& benchmarks = doc["ec2bench"]["benchmarks"];
    REQUIRE(benchmarks.size() == 1u);  // no entries under the aggregates' names
    const auto& b = benchmarks[fsync_run];

    // Facts equal in every repetition once; the one that differs only per repetition.
    CHECK(b["facts"] == nlohmann::json{{"directory", "/data"}, {"method", "fdatasync"}, {"filesystem", "xfs"}});
    REQUIRE(b["repetitions"].size() == 5u);
    for (std::size_t i = 0; i < 4; ++i) CHECK(b["repetitions"][i]["facts"] == nlohmann::json{{"stopped_by", "ops"}});
    CHECK(b["repetitions"][4]["facts"] == nlohmann::json{{"stopped_by", "seconds"}});
    CHECK(b["warnings"] == nlohmann::json{"the device reports a volatile write cache", "the time cap stopped the run"});

    // Each repetition's own values.
    const double p99[] = {7747.7, 7665.1, 7506.5, 7568.4, 354.8};
    for (std::size_t i = 0; i < 5; ++i) CHECK(b["repetitions"][i]["values"]["sync_p99_us"] == p99[i]);
    CHECK_FALSE(b["repetitions"][0]["values"].contains("eintr_retries"));
    CHECK(b["repetitions"][3]["values"]["eintr_retries"] == 4);

    // The aggregates, computed here by hand.
    // sync_p99_us: sum 30842.5, mean 6168.5; sorted 354.8 7506.5 7568.4 7665.1 7747.7, median
    // 7568.4; deviations from the mean 1579.2 1496.6 1338.0 1399.9 -5813.7, squares summing to
    // 42282755.9, so the sample variance is 42282755.9 / 4.
    const auto& agg = b["aggregates"];
    CHECK(agg["mean"]["sync_p99_us"].get<double>() == doctest::Approx(6168.5).epsilon(1e-12));
    CHECK(agg["median"]["sync_p99_us"].get<double>() == 7568.4);
    const double stddev = std::sqrt(42282755.9 / 4);  // 3251.2596...
    CHECK(agg["stddev"]["sync_p99_us"].get<double>() == doctest::Approx(stddev).epsilon(1e-12));
    CHECK(agg["cv"]["sync_p99_us"].get<double>() == doctest::Approx(stddev / 6168.5).epsilon(1e-12));
    CHECK(agg["cv"]["sync_p99_us"].get<double>() == doctest::Approx(0.5270746).epsilon(1e-6));
    // eintr_retries, in two repetitions: 1 and 4; mean 2.5, median 2.5, sample variance
    // ((1-2.5)^2 + (4-2.5)^2) / 1 = 4.5.
    CHECK(agg["mean"]["eintr_retries"] == 2.5);
    CHECK(agg["median"]["eintr_retries"] == 2.5);
    CHECK(agg["stddev"]["eintr_retries"].get<double>() == doctest::Approx(std::sqrt(4.5)).epsilon(1e-12));
    CHECK(agg["cv"]["eintr_retries"].get<double>() == doctest::Approx(std::sqrt(4.5) / 2.5).epsilon(1e-12));
    // Equal everywhere: no spread; short_writes' mean is 0, so it has no cv.
    CHECK(agg["stddev"]["block_size"] == 0);
    CHECK(agg["cv"]["block_size"] == 0);
    CHECK(agg["mean"]["short_writes"] == 0);
    CHECK(agg["cv"]["short_writes"].is_null());
    CHECK(agg.size() == 4u);
    for (const char* a : {"mean", "median", "stddev", "cv"}) CHECK(agg[a].size() == 4u);

    // Google Benchmark's runs are untouched.
    CHECK(doc["benchmarks"].size() == 9u);

    // The sample for the JSON Schema test (tests/validate_schema.py).
    if (const char* out = std::getenv("EC2BENCH_SAMPLE_REPETITIONS")) rs::write_document(out, doc);
}

TEST_CASE("one repetition: its values are the mean and median, with no spread") {
    eg::run_extras x;
    x.facts = {{"isa", "avx2"}};
    x.values = {{"expected", 42}, {"nan", std::numeric_limits<double>::quiet_NaN()}};
    const nlohmann::json j = rs::to_json(std::vector<eg::run_extras>{x});
    CHECK(j == nlohmann::json::parse(R"({
        "facts": {"isa": "avx2"}, "warnings": [],
        "repetitions": [{"values": {"expected": 42, "nan": null}}],
        "aggregates": {"mean": {"expected": 42}, "median": {"expected": 42},
                       "stddev": {"expected": null}, "cv": {"expected": null}}})"));
}

TEST_CASE("extras_of reads a version 2 file back as written") {
    ec2bench_test::temp_dir d("ec2bench-extras");
    const std::string path = (d.path / "v2.json").string();
    rs::write_document(path, five_repetitions_document());
    const nlohmann::json doc = rs::read_document(path);

    const auto x = rs::extras_of(doc, fsync_run);
    REQUIRE(x);
    CHECK(x->facts == std::map<std::string, std::string>{
                          {"directory", "/data"}, {"method", "fdatasync"}, {"filesystem", "xfs"}});
    REQUIRE(x->repetitions.size() == 5u);
    const auto reps = five_repetitions();
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(x->repetitions[i].facts == reps[i].facts);  // the common facts and its own
        CHECK(x->repetitions[i].values == reps[i].values);
    }
    CHECK(x->warnings == std::vector<std::string>{"the device reports a volatile write cache",
                                                  "the time cap stopped the run"});
    CHECK(x->aggregates.at("sync_p99_us").count == 5u);
    CHECK(x->aggregates.at("sync_p99_us").median == 7568.4);
    CHECK(x->aggregates.at("eintr_retries").count == 2u);
    CHECK_FALSE(x->aggregates.at("short_writes").cv);

    CHECK_FALSE(rs::extras_of(doc, fsync_run + "_mean"));
    CHECK_FALSE(rs::extras_of(doc, "fsync/fdatasync/4096/append"));
    const auto all = rs::all_extras(doc);
    REQUIRE(all.size() == 1u);
    CHECK(all.begin()->first == fsync_run);
}

TEST_CASE("extras_of reads version 1 files: one repetition, from the plain or the aggregate entry") {
    ec2bench_test::temp_dir d("ec2bench-extras");
    const std::string path = (d.path / "v1.json").string();
    // As ec2bench 0.x wrote it: the last repetition's extras under the run's name and under each
    // aggregate's.
    const std::string entry =
        R"({"facts": {"directory": "/data", "filesystem": "xfs"}, "values": {"sync_p99_us": 354.8, "syncs": 2000}, "warnings": ["w"]})";
    std::string benchmarks = "\"" + fsync_run + "\": " + entry;
    for (const char* a : {"_cv", "_mean", "_median", "_stddev"}) benchmarks += ",\n\"" + fsync_run + a + "\": " + entry;
    benchmarks += ",\n\"sieve/count/1e6/repeats:3\": {\"facts\": {\"isa\": \"avx2\"}, \"values\": {}, \"warnings\": []}";
    benchmarks += ",\n\"stats/only_aggregates_mean\": {\"facts\": {\"kind\": \"m\"}, \"values\": {\"x\": 1}, \"warnings\": []}";
    benchmarks += ",\n\"stats/only_aggregates_median\": {\"facts\": {\"kind\": \"m\"}, \"values\": {\"x\": 1}, \"warnings\": []}";
    spit(path, R"({"context": {}, "benchmarks": [{"name": ")" + fsync_run + R"("}],
        "ec2bench": {"schema_version": 1, "host": {}, "ec2": {}, "benchmarks": {)" + benchmarks + "}}}");
    const nlohmann::json doc = rs::read_document(path);

    const auto x = rs::extras_of(doc, fsync_run);
    REQUIRE(x);
    CHECK(x->facts == std::map<std::string, std::string>{{"directory", "/data"}, {"filesystem", "xfs"}});
    CHECK(x->warnings == std::vector<std::string>{"w"});
    REQUIRE(x->repetitions.size() == 1u);
    CHECK(x->repetitions[0].values == std::map<std::string, double>{{"sync_p99_us", 354.8}, {"syncs", 2000}});
    CHECK(x->aggregates.at("sync_p99_us").mean == 354.8);
    CHECK_FALSE(x->aggregates.at("sync_p99_us").stddev);

    // Registered with Repetitions(3), found by the name without it too.
    REQUIRE(rs::extras_of(doc, "sieve/count/1e6/repeats:3"));
    REQUIRE(rs::extras_of(doc, "sieve/count/1e6"));
    CHECK(rs::extras_of(doc, "sieve/count/1e6")->facts.at("isa") == "avx2");
    // Written with --benchmark_report_aggregates_only: only the aggregates' entries.
    REQUIRE(rs::extras_of(doc, "stats/only_aggregates"));
    CHECK(rs::extras_of(doc, "stats/only_aggregates")->repetitions.at(0).values.at("x") == 1);
    CHECK_FALSE(rs::extras_of(doc, "stats/other"));

    // Every benchmark once, by run name.
    std::vector<std::string> names;
    for (const auto& [name, e] : rs::all_extras(doc)) names.push_back(name);
    CHECK(names == std::vector<std::string>{fsync_run, "sieve/count/1e6/repeats:3", "stats/only_aggregates"});
}

TEST_CASE("extras_of finds nothing in documents it cannot read") {
    CHECK_FALSE(rs::extras_of(nlohmann::json::parse(R"({"ec2bench": {"schema_version": 3, "benchmarks": {"a": {}}}})"), "a"));
    CHECK_FALSE(rs::extras_of(nlohmann::json::parse(R"({"ec2bench": {"schema_version": 2}})"), "a"));
    CHECK_FALSE(rs::extras_of(nlohmann::json::parse(R"([1, 2])"), "a"));
    // Members of the wrong type are left out rather than thrown on.
    const auto x = rs::extras_of(nlohmann::json::parse(R"({"ec2bench": {"schema_version": 2, "benchmarks": {"a":
        {"facts": {"f": 1, "g": "s"}, "warnings": "w", "repetitions": [{"values": {"v": "1", "w": 2}}, 7]}}}})"), "a");
    REQUIRE(x);
    CHECK(x->facts == std::map<std::string, std::string>{{"g", "s"}});
    CHECK(x->warnings.empty());
    REQUIRE(x->repetitions.size() == 2u);
    CHECK(x->repetitions[0].values == std::map<std::string, double>{{"w", 2}});
    CHECK(x->repetitions[1].values.empty());
}
