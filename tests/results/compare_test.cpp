#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/report.hpp>
#include <ec2bench/results/table.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace rs = ec2bench::results;
using nlohmann::json;

namespace {

json run(const std::string& name, json counters, double real_time = 1.0, const std::string& unit = "ns",
         int rep = 0, int reps = 1) {
    json r = {{"name", name},
              {"run_name", name},
              {"run_type", "iteration"},
              {"repetitions", reps},
              {"repetition_index", rep},
              {"threads", 1},
              {"iterations", 10},
              {"real_time", real_time},
              {"cpu_time", real_time},
              {"time_unit", unit}};
    for (auto& [k, v] : counters.items()) r[k] = v;
    return r;
}

json aggregate(const std::string& name, const std::string& agg, json counters) {
    json r = run(name + "_" + agg, counters);
    r["run_name"] = name;
    r["run_type"] = "aggregate";
    r["aggregate_name"] = agg;
    return r;
}

json doc(json benchmarks, const std::string& type = "m6i.large") {
    return {{"context", {{"json_schema_version", 1}}},
            {"benchmarks", benchmarks},
            {"ec2bench",
             {{"schema_version", 1},
              {"started_at", "2026-11-23T10:00:00Z"},
              {"complete", true},
              {"host", {{"architecture", "x86_64"}, {"cpu_model", "Test CPU"}, {"logical_cpus", 2}}},
              {"ec2",
               {{"instance_type", type.empty() ? json(nullptr) : json{{"value", type}, {"source", "dmi"}}},
                {"availability_zone", {{"value", "eu-west-1b"}, {"source", "imdsv2"}}}}},
              {"benchmarks", json::object()}}}};
}

// Five repetitions of a metric around `center`, spread +-2%.
json reps(const std::string& name, const std::string& key, double center) {
    json out = json::array();
    const double f[] = {0.98, 0.99, 1.0, 1.01, 1.02};
    for (int i = 0; i < 5; ++i) out.push_back(run(name, {{key, center * f[i]}}, 1.0, "ns", i, 5));
    return out;
}

json concat(std::initializer_list<json> parts) {
    json out = json::array();
    for (const auto& p : parts) {
        for (const auto& x : p) out.push_back(x);
    }
    return out;
}

}  // namespace

TEST_CASE("display names drop Google Benchmark's run suffixes") {
    CHECK(rs::display_name("stream/triad/double/iterations:10/manual_time") == "stream/triad/double");
    CHECK(rs::display_name("fsync/fdatasync/4096/append/iterations:1/manual_time") ==
          "fsync/fdatasync/4096/append");
    CHECK(rs::display_name("sieve/count/1e10/threads:2/real_time") == "sieve/count/1e10/threads:2");
    CHECK(rs::display_name("x/repeats:5/min_time:0.500") == "x");
    CHECK(rs::display_name("stats/histogram/record") == "stats/histogram/record");
}

TEST_CASE("raw values: counters, times in any unit, derived primes per second, failures") {
    const rs::metric t{"real_time", "time", "ns", 1, false, false};
    CHECK(rs::raw_value(run("a", {}, 2.5, "ms"), t).value() == 2.5e6);
    CHECK(rs::raw_value(run("a", {}, 3, "us"), t).value() == 3e3);
    CHECK(rs::raw_value(run("a", {}, 1, "s"), t).value() == 1e9);
    const rs::metric primes{"primes_per_second", "primes/s", "M/s", 1e-6, true, false};
    CHECK(rs::raw_value(run("sieve/count/1e10/threads:1", {{"primes", 455052511}}, 1500, "ms"), primes)
              .value() == doctest::Approx(455052511 / 1.5));
    json failed = run("a", {{"items_per_second", 5}});
    failed["error_occurred"] = true;
    CHECK_FALSE(rs::raw_value(failed, {"items_per_second", "", "", 1, true, false}));
    CHECK_FALSE(rs::raw_value(run("a", {}), {"items_per_second", "", "", 1, true, false}));
    const rs::metric ns{"items_per_second", "ns/item", "ns", 1e9, false, true};
    CHECK(rs::presented(2e9, ns) == doctest::Approx(0.5));  // 2e9 items/s is 0.5 ns each
}

TEST_CASE("medians come from repetitions, else from the median aggregate") {
    const json d = doc(concat({reps("stream/triad/double", "best_bytes_per_second", 40e9),
                               json::array({aggregate("fsync/fdatasync/4096/append", "median",
                                                      {{"items_per_second", 1234}})})}));
    const auto g = rs::group_runs(d);
    REQUIRE(g.size() == 2u);
    CHECK(g[0].iterations.size() == 5u);
    const rs::metric best{"best_bytes_per_second", "", "", 1, true, false};
    CHECK(rs::median_of(g[0], best).value() == doctest::Approx(40e9));
    CHECK(g[1].iterations.empty());
    CHECK(rs::median_of(g[1], {"items_per_second", "", "", 1, true, false}).value() == 1234);
}

TEST_CASE("headlines are found by name and converted to their units") {
    const json d = doc(json::array(
        {run("stream/triad/double/iterations:10/manual_time", {{"best_bytes_per_second", 46.8e9}}),
         run("sieve/count/1e10/threads:1/real_time", {{"primes", 455052511}}, 2000, "ms"),
         run("sieve/count/1e10/threads:4/real_time", {{"primes", 455052511}}, 500, "ms"),
         run("fsync/fdatasync/4096/append/iterations:1/manual_time",
             {{"items_per_second", 2634}, {"p99_us", 717}}),
         run("stats/histogram/record", {{"items_per_second", 5e8}})}));
    const auto h = rs::headlines(d);
    REQUIRE(h.size() == 6u);
    CHECK(h[0].id == "triad_gbps");
    CHECK(h[0].value.value() == doctest::Approx(46.8));
    CHECK(h[1].id == "primes_per_second_1t");
    CHECK(h[1].value.value() == doctest::Approx(455052511 / 2.0 / 1e6));
    CHECK(h[2].id == "primes_per_second_all");
    CHECK(h[2].label == "primes per second, 4 threads");
    CHECK(h[2].value.value() == doctest::Approx(455052511 / 0.5 / 1e6));
    CHECK(h[3].value.value() == 2634);
    CHECK(h[4].id == "fdatasync_p99_us");
    CHECK(h[4].value.value() == 717);
    CHECK(h[5].value.value() == doctest::Approx(2.0));
}

TEST_CASE("a failed benchmark's headline carries its error, not a number") {
    json bad = run("stream/triad/double", {});
    bad["error_occurred"] = true;
    bad["error_message"] = "STREAM validation failed: array a";
    const auto h = rs::headlines(doc(json::array({bad})));
    REQUIRE(h.size() == 1u);
    CHECK_FALSE(h[0].value);
    CHECK(h[0].error == "STREAM validation failed: array a");
}

TEST_CASE("compare: with repetitions, the U test decides better, worse or same") {
    const json base = doc(concat({reps("stream/triad/double", "best_bytes_per_second", 40e9),
                                  reps("stats/histogram/record", "items_per_second", 5e8),
                                  reps("fsync/fdatasync/4096/append", "items_per_second", 1000)}));
    json current = doc(concat({reps("stream/triad/double", "best_bytes_per_second", 48e9),
                               reps("stats/histogram/record", "items_per_second", 4e8),
                               reps("fsync/fdatasync/4096/append", "items_per_second", 1000)}),
                       "m7i.large");
    const rs::comparison c = rs::compare(base, current);
    REQUIRE(c.rows.size() == 3u);
    CHECK(c.rows[0].benchmark == "stream/triad/double");
    CHECK(c.rows[0].verdict == "better");
    CHECK(c.rows[0].test->p_value == doctest::Approx(2.0 / 252));  // exact: fully separated 5 v 5
    CHECK(*c.rows[0].current / *c.rows[0].base == doctest::Approx(1.2));
    // Fewer items per second is more nanoseconds per record: worse, although the number shown
    // (ns) went up.
    CHECK(c.rows[1].verdict == "worse");
    CHECK(*c.rows[1].current > *c.rows[1].base);
    CHECK(c.rows[2].verdict == "same");
    CHECK(c.rows[2].test->p_value == doctest::Approx(1.0));
    CHECK(c.notes == std::vector<std::string>{"the two files come from different instance types"});

    const auto t = rs::comparison_table(c).render();
    const auto line = t.substr(t.find("stream/triad/double"), t.find('\n', t.find("stream/triad/double")) - t.find("stream/triad/double"));
    CHECK(line.find("best GB/s (GB/s)") != std::string::npos);
    CHECK(line.find("40.0") != std::string::npos);
    CHECK(line.find("48.0") != std::string::npos);
    CHECK(line.find("+20.0%") != std::string::npos);
    CHECK(line.find("0.00794 (5v5)") != std::string::npos);
    CHECK(line.find("better") != std::string::npos);
    const json j = rs::to_json(c);
    CHECK(j["rows"][0]["verdict"] == "better");
    CHECK(j["rows"][1]["higher_is_better"] == true);  // items per second, the raw direction
}

TEST_CASE("compare: one run a side gives a direction but no verdict, and says why") {
    const json base = doc(json::array({run("sieve/count/1e10/threads:1", {{"items_per_second", 6e9}, {"primes", 1}})}));
    const json current = doc(json::array({run("sieve/count/1e10/threads:1", {{"items_per_second", 7e9}, {"primes", 1}}),
                                          run("sieve/sweep/threads:2", {{"items_per_second", 1}})}));
    const auto c = rs::compare(base, current);
    REQUIRE_FALSE(c.rows.empty());
    CHECK(c.rows[0].verdict == "?");
    CHECK_FALSE(c.rows[0].test);
    CHECK(c.only_in_current == std::vector<std::string>{"sieve/sweep/threads:2"});
    REQUIRE(c.notes.size() == 1u);
    CHECK(c.notes[0].find("--benchmark_repetitions=5") != std::string::npos);
}

TEST_CASE("compare: an error on either side is shown as the error") {
    json bad = run("fsync/fdatasync/4096/append", {});
    bad["error_occurred"] = true;
    bad["error_message"] = "fsync_io: no space left";
    const auto c = rs::compare(doc(json::array({run("fsync/fdatasync/4096/append", {{"items_per_second", 9}})})),
                               doc(json::array({bad})));
    REQUIRE(c.rows.size() == 1u);
    CHECK(c.rows[0].verdict == "error");
    CHECK(c.rows[0].error == "current: fsync_io: no space left");
}

TEST_CASE("tables: text, Markdown and CSV") {
    rs::table t;
    t.headers = {"name", "value"};
    t.right = {false, true};
    t.rows = {{"a", "1.5"}, {"long name", "100"}};
    CHECK(t.render() == "name       value\n----------------\na            1.5\nlong name    100\n");
    CHECK(t.render(rs::table_format::markdown) ==
          "| name      | value |\n|-----------|------:|\n| a         |   1.5 |\n| long name |   100 |\n");
    rs::table c;
    c.headers = {"x", "y"};
    c.rows = {{"a,b", "say \"hi\""}};
    CHECK(c.render(rs::table_format::csv) == "x,y\n\"a,b\",\"say \"\"hi\"\"\"\n");
    CHECK(rs::number(46.789) == "46.8");
    CHECK(rs::number(2634.4) == "2634");
    CHECK(rs::number(1.5512) == "1.55");
    CHECK(rs::number(0.000379) == "0.000379");
    CHECK(rs::number(std::nullopt) == "-");
    CHECK_THROWS_WITH_AS(rs::parse_table_format("xml"), "--format=xml: expected table, markdown or csv",
                         std::invalid_argument);
}

TEST_CASE("report: one row per file, sorted by a column, best first") {
    const json a = doc(json::array({run("stream/triad/double", {{"best_bytes_per_second", 40e9}}),
                                    run("fsync/fdatasync/4096/append", {{"items_per_second", 3000}, {"p99_us", 500}})}),
                       "m6i.large");
    const json b = doc(json::array({run("stream/triad/double", {{"best_bytes_per_second", 60e9}}),
                                    run("fsync/fdatasync/4096/append", {{"items_per_second", 2000}, {"p99_us", 900}})}),
                       "c7g.large");
    std::vector<rs::report_row> rows = {rs::report_row_of("results/a.json", a),
                                        rs::report_row_of("results/b.json", b)};
    CHECK(rows[0].instance_type == "m6i.large");
    CHECK(rows[0].zone == "eu-west-1b");
    const auto by_type = rs::report_table(rows).rows;
    CHECK(by_type[0][1] == "c7g.large");
    const auto by_triad = rs::report_table(rows, "triad_gbps").rows;
    CHECK(by_triad[0][1] == "c7g.large");  // 60 GB/s first
    CHECK(by_triad[0][6] == "60.0");
    const auto by_p99 = rs::report_table(rows, "fdatasync_p99_us").rows;
    CHECK(by_p99[0][1] == "m6i.large");  // lower latency first
    CHECK(rs::valid_sort_column("triad_gbps"));
    CHECK_FALSE(rs::valid_sort_column("colour"));
    CHECK(by_type[0][7] == "-");  // no sieve in these files
}

TEST_CASE("report inputs: files and directories of *.json") {
    namespace fs = std::filesystem;
    char tmpl[] = "/tmp/ec2bench-report-XXXXXX";
    const fs::path d = ::mkdtemp(tmpl);
    std::ofstream(d / "b.json") << "{}";
    std::ofstream(d / "a.json") << "{}";
    std::ofstream(d / "notes.txt") << "x";
    const auto files = rs::expand_inputs({d.string(), "/some/file.json"});
    REQUIRE(files.size() == 3u);
    CHECK(fs::path(files[0]).filename() == "a.json");
    CHECK(fs::path(files[1]).filename() == "b.json");
    CHECK(files[2] == "/some/file.json");
    fs::remove_all(d);
}
