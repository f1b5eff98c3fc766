// The regression gate, service-level objectives and github-action-benchmark output, on
// synthetic results files built here from known repetition values.
#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/gate.hpp>
#include <ec2bench/results/github_action_benchmark.hpp>
#include <ec2bench/results/slo.hpp>
#include <ec2bench/stats/compare.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace rs = ec2bench::results;
namespace st = ec2bench::stats;
using nlohmann::json;

namespace {

const std::string triad = "stream/triad/double/iterations:10/manual_time";
const std::string fdatasync_run = "fsync/fdatasync/4096/append/iterations:1/manual_time";
const std::string record = "stats/histogram/record";

// n repetitions of a benchmark: counter k of repetition i is center_k * (1 + spread * t_i), with
// t_i evenly spaced over [-1, 1] (all at the center when n is 1).
json reps(const std::string& name, const std::map<std::string, double>& centers, int n, double spread = 0.02) {
    json out = json::array();
    for (int i = 0; i < n; ++i) {
        const double t = n == 1 ? 0.0 : -1.0 + 2.0 * i / (n - 1);
        json r = {{"name", name},         {"run_name", name},     {"run_type", "iteration"},
                  {"repetitions", n},     {"repetition_index", i}, {"threads", 1},
                  {"iterations", 10},     {"real_time", 1.0},      {"cpu_time", 1.0},
                  {"time_unit", "ns"}};
        for (const auto& [k, c] : centers) r[k] = c * (1 + spread * t);
        out.push_back(r);
    }
    return out;
}

json doc(std::initializer_list<json> parts, const std::string& type = "m6i.large",
         const std::string& started = "2026-11-23T10:00:00Z") {
    json benchmarks = json::array();
    for (const auto& p : parts) {
        for (const auto& x : p) benchmarks.push_back(x);
    }
    return {{"context", {{"json_schema_version", 1}}},
            {"benchmarks", benchmarks},
            {"ec2bench",
             {{"schema_version", 1},
              {"started_at", started},
              {"complete", true},
              {"host", {{"architecture", "x86_64"}, {"cpu_model", "Test CPU"}, {"logical_cpus", 2}}},
              {"ec2",
               {{"instance_type", type.empty() ? json(nullptr) : json{{"value", type}, {"source", "dmi"}}}}},
              {"benchmarks", json::object()}}}};
}

// The suite's headline benchmarks, n repetitions each, scaled by the factors given (1 = base).
json suite(int n, double triad_gbps = 40, double iops = 2000, double p99_us = 500, double record_per_s = 5e8,
           const std::string& type = "m6i.large") {
    return doc({reps(triad, {{"best_bytes_per_second", triad_gbps * 1e9}, {"bytes_per_second", triad_gbps * 0.9e9}}, n),
                reps(fdatasync_run, {{"items_per_second", iops}, {"p99_us", p99_us}, {"p50_us", p99_us / 2}}, n),
                reps(record, {{"items_per_second", record_per_s}}, n)},
               type);
}

const rs::gate_row& row_of(const rs::gate_result& g, const std::string& id) {
    for (const auto& r : g.rows) {
        if (r.headline_id == id) return r;
    }
    throw std::runtime_error("no row " + id);
}

std::string last_line(const std::string& s) {
    const auto end = s.find_last_not_of('\n');
    return s.substr(s.rfind('\n', end) + 1, end - s.rfind('\n', end));
}

// C(n, k) in integers, independently of mwu_min_p_value's floating-point product.
std::uint64_t choose(std::uint64_t n, std::uint64_t k) {
    std::uint64_t c = 1;
    for (std::uint64_t i = 1; i <= k; ++i) c = c * (n - k + i) / i;
    return c;
}

}  // namespace

TEST_CASE("the U test's smallest p-value is the exact p of two samples that do not overlap") {
    for (std::size_t n1 = 1; n1 <= 8; ++n1) {
        for (std::size_t n2 = 1; n2 <= 8; ++n2) {
            std::vector<double> a, b;
            for (std::size_t i = 0; i < n1; ++i) a.push_back(100.0 + static_cast<double>(i));
            for (std::size_t i = 0; i < n2; ++i) b.push_back(static_cast<double>(i));
            CAPTURE(n1);
            CAPTURE(n2);
            const double exact = st::mann_whitney_u(a, b, st::mwu_method::exact).p_value;
            CHECK(st::mwu_min_p_value(n1, n2) == doctest::Approx(exact).epsilon(1e-12));
            CHECK(st::mwu_min_p_value(n1, n2) == doctest::Approx(std::min(1.0, 2.0 / static_cast<double>(choose(n1 + n2, n1)))));
        }
    }
    CHECK(st::mwu_min_p_value(3, 3) == doctest::Approx(0.1));
    CHECK(st::mwu_min_p_value(0, 5) == 1.0);
    CHECK(st::mwu_min_p_value(1, 1) == 1.0);  // 2 / C(2, 1) = 1
}

TEST_CASE("the fewest repetitions per side that can reach alpha") {
    // Oracle: the smallest n with 2 / C(2n, n) < alpha, in integers: C(2n, n) > 2 / alpha.
    for (const double alpha : {0.2, 0.1, 0.05, 0.01, 0.001}) {
        std::uint64_t n = 1;
        while (!(static_cast<double>(choose(2 * n, n)) * alpha > 2.0)) ++n;
        CAPTURE(alpha);
        CHECK(st::mwu_min_sample_size(alpha) == n);
    }
    CHECK(st::mwu_min_sample_size(0.05) == 4u);
    CHECK(st::mwu_min_sample_size(0.01) == 5u);
    CHECK(st::mwu_min_sample_size(0.001) == 7u);
    // Against a pooled baseline of 9, two repetitions can reach 0.05 (2 / C(11, 2) = 0.036).
    CHECK(st::mwu_min_sample_size(9, 0.05) == 2u);
    CHECK(st::mwu_min_sample_size(1, 0.05) == 40u);  // 2 / 41 < 0.05 <= 2 / 40
    CHECK_THROWS_WITH_AS(st::mwu_min_sample_size(0.0), "mwu_min_sample_size: alpha 0 is outside (0, 1)",
                         std::domain_error);
    CHECK_THROWS_WITH_AS(st::mwu_min_sample_size(0, 0.05),
                         "mwu_min_sample_size: the other sample is empty: no size reaches any alpha",
                         std::invalid_argument);
}

TEST_CASE("thresholds: a percentage or a fraction below 1") {
    CHECK(rs::parse_threshold("5%") == doctest::Approx(0.05));
    CHECK(rs::parse_threshold("2.5%") == doctest::Approx(0.025));
    CHECK(rs::parse_threshold("0.05") == doctest::Approx(0.05));
    CHECK(rs::parse_threshold("0%") == 0.0);
    CHECK(rs::parse_threshold("150%") == doctest::Approx(1.5));
    CHECK_THROWS_WITH_AS(rs::parse_threshold("5"),
                         "--threshold=5: a number without % is a fraction and must be below 1: write 5% for 5 percent",
                         std::invalid_argument);
    for (const char* bad : {"", "%", "five", "-5%", "5 %", " 5%", "5%%", "inf%", "nan", "0x1p-4"}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH_AS(rs::parse_threshold(bad),
                             ("--threshold=" + std::string(bad) +
                              ": expected a percentage such as 5% or a fraction below 1 such as 0.05")
                                 .c_str(),
                             std::invalid_argument);
    }
}

TEST_CASE("the other flags' parsers name the input and what is allowed") {
    CHECK(rs::parse_alpha("0.01") == doctest::Approx(0.01));
    for (const char* bad : {"0", "1", "1.5", "-0.1", "x", ""}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH_AS(rs::parse_alpha(bad),
                             ("--alpha=" + std::string(bad) + ": expected a number between 0 and 1, such as 0.05").c_str(),
                             std::invalid_argument);
    }
    CHECK(rs::parse_metric_selection("headline").what == rs::metric_selection::kind::headline);
    CHECK(rs::parse_metric_selection("all").what == rs::metric_selection::kind::all);
    const auto list = rs::parse_metric_selection("triad_gbps,p99_us,triad_gbps");
    CHECK(list.what == rs::metric_selection::kind::list);
    CHECK(list.names == std::vector<std::string>{"triad_gbps", "p99_us"});
    CHECK_THROWS_WITH_AS(
        rs::parse_metric_selection("triad_gbps,p98_us"),
        "--metrics=triad_gbps,p98_us: 'p98_us' is not a metric: expected headline, all, or a comma-separated list of "
        "triad_gbps, primes_per_second_1t, primes_per_second_all, fdatasync_iops, fdatasync_p99_us, "
        "histogram_record_ns, best_bytes_per_second, bytes_per_second, items_per_second, primes_per_second, p99_us, "
        "p50_us, real_time",
        std::invalid_argument);
    CHECK_THROWS_WITH_AS(rs::parse_metric_selection(""), doctest::Contains("--metrics=: '' is not a metric"),
                         std::invalid_argument);
    CHECK(rs::parse_inconclusive_policy("pass") == rs::inconclusive_policy::pass);
    CHECK(rs::parse_inconclusive_policy("fail") == rs::inconclusive_policy::fail);
    CHECK_THROWS_WITH_AS(rs::parse_inconclusive_policy("ignore"), "--inconclusive=ignore: expected fail or pass",
                         std::invalid_argument);
    CHECK(rs::parse_output_format("md") == rs::output_format::markdown);
    CHECK(rs::parse_output_format("json") == rs::output_format::json);
    CHECK_THROWS_WITH_AS(rs::parse_output_format("html"), "--format=html: expected table, markdown, csv or json",
                         std::invalid_argument);
    CHECK(rs::parse_better_direction("smaller") == rs::better_direction::smaller);
    CHECK_THROWS_WITH_AS(rs::parse_better_direction("higher"),
                         "--better=higher: expected bigger (for the customBiggerIsBetter tool) or smaller "
                         "(customSmallerIsBetter)",
                         std::invalid_argument);
}

TEST_CASE("gate: a 20% slower rate is a regression, exit status 1") {
    const auto g = rs::gate(suite(5), suite(5, 32));
    const auto& r = row_of(g, "triad_gbps");
    CHECK(r.verdict == rs::gate_verdict::regression);
    CHECK(*r.change == doctest::Approx(-0.2));
    CHECK(r.test->p_value == doctest::Approx(2.0 / 252));  // 5 v 5, no overlap
    CHECK(r.n_base == 5u);
    CHECK(r.n_current == 5u);
    CHECK(row_of(g, "fdatasync_iops").verdict == rs::gate_verdict::unchanged);
    CHECK(g.counts.regressions == 1u);
    CHECK(g.counts.unchanged == 3u);
    CHECK(g.exit_code == 1);
    CHECK(rs::summary_line(g) == "1 regression, 0 improvements, 3 unchanged");
}

TEST_CASE("gate: a 20% higher p99 latency is a regression") {
    const auto g = rs::gate(suite(5), suite(5, 40, 2000, 600));
    const auto& r = row_of(g, "fdatasync_p99_us");
    CHECK(r.verdict == rs::gate_verdict::regression);
    CHECK(*r.change == doctest::Approx(0.2));
    CHECK(g.exit_code == 1);
    // The same latency 20% lower is an improvement, and improvements never fail.
    const auto better = rs::gate(suite(5), suite(5, 40, 2000, 400));
    CHECK(row_of(better, "fdatasync_p99_us").verdict == rs::gate_verdict::improvement);
    CHECK(better.exit_code == 0);
}

TEST_CASE("gate: fewer records per second is more ns per record, a regression of a lower-is-better number") {
    const auto g = rs::gate(suite(5), suite(5, 40, 2000, 500, 4e8));
    const auto& r = row_of(g, "histogram_record_ns");
    CHECK(r.verdict == rs::gate_verdict::regression);
    CHECK(*r.base == doctest::Approx(2.0));
    CHECK(*r.current == doctest::Approx(2.5));
    CHECK(*r.change == doctest::Approx(0.25));
}

TEST_CASE("gate: improvements never fail") {
    const auto g = rs::gate(suite(5), suite(5, 48, 2400, 400, 6e8));
    CHECK(g.counts.improvements == 4u);
    CHECK(g.counts.regressions == 0u);
    CHECK(g.exit_code == 0);
    CHECK(rs::summary_line(g) == "0 regressions, 4 improvements, 0 unchanged");
}

TEST_CASE("gate: identical files pass, every metric unchanged") {
    const json d = suite(5);
    const auto g = rs::gate(d, d);
    CHECK(g.exit_code == 0);
    CHECK(g.counts.unchanged == 4u);
    for (const auto& r : g.rows) {
        CHECK(r.verdict == rs::gate_verdict::unchanged);
        CHECK(*r.change == 0.0);
        CHECK(r.test->p_value == doctest::Approx(1.0));
    }
    CHECK(g.notes.empty());
}

TEST_CASE("gate: a significant 2% change is unchanged under a 5% threshold, a regression under 1%") {
    // Spread 0.2%: the two sets do not overlap, so the U test finds the 2% drop significant.
    const json base = doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 5, 0.002)});
    const json current = doc({reps(triad, {{"best_bytes_per_second", 39.2e9}}, 5, 0.002)});
    const auto g = rs::gate(base, current);
    REQUIRE(g.rows.size() == 1u);
    CHECK(g.rows[0].test->p_value < 0.05);
    CHECK(g.rows[0].verdict == rs::gate_verdict::unchanged);
    CHECK(g.rows[0].reason == "within the threshold");
    CHECK(g.exit_code == 0);
    rs::gate_options o;
    o.threshold = rs::parse_threshold("1%");
    CHECK(rs::gate(base, current, o).rows[0].verdict == rs::gate_verdict::regression);
    // A 20% drop that the U test does not find significant (the sets overlap) is unchanged.
    const json wide = doc({reps(triad, {{"best_bytes_per_second", 32e9}}, 5, 0.5)});
    const auto n = rs::gate(base, wide);
    CHECK(n.rows[0].test->p_value >= 0.05);
    CHECK(n.rows[0].verdict == rs::gate_verdict::unchanged);
    CHECK(n.rows[0].reason == "not significant");
}

TEST_CASE("gate: 3 against 3 repetitions is inconclusive, whatever the change, and says how many are needed") {
    const auto g = rs::gate(suite(3), suite(3, 20));
    const auto& r = row_of(g, "triad_gbps");
    CHECK(r.verdict == rs::gate_verdict::inconclusive);
    CHECK(r.reason == "needs at least 4 repetitions per side");
    CHECK(r.needed_per_side == 4u);
    CHECK(r.min_p_value == doctest::Approx(0.1));
    CHECK_FALSE(r.test);
    CHECK(g.counts.inconclusive == 4u);
    CHECK(g.exit_code == 2);
    CHECK(rs::summary_line(g) == "0 regressions, 0 improvements, 0 unchanged, 4 inconclusive");
    const auto text = rs::render(g, rs::output_format::table);
    CHECK(text.find("inconclusive: needs at least 4 repetitions per side") != std::string::npos);
    CHECK(text.find(">= 0.1 (3v3)") != std::string::npos);

    rs::gate_options pass;
    pass.inconclusive = rs::parse_inconclusive_policy("pass");
    CHECK(rs::gate(suite(3), suite(3, 20), pass).exit_code == 0);
    // 4 a side reaches 0.05 but not 0.01, which needs 5.
    rs::gate_options strict;
    strict.alpha = 0.01;
    CHECK(rs::gate(suite(4), suite(4, 20)).exit_code == 1);
    CHECK(row_of(rs::gate(suite(4), suite(4, 20), strict), "triad_gbps").reason ==
          "needs at least 5 repetitions per side");
    // A regression outranks an inconclusive metric: exit 1.
    const json mixed_base = doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 5), reps(record, {{"items_per_second", 5e8}}, 2)});
    const json mixed_new = doc({reps(triad, {{"best_bytes_per_second", 30e9}}, 5), reps(record, {{"items_per_second", 5e8}}, 2)});
    const auto m = rs::gate(mixed_base, mixed_new);
    CHECK(m.counts.regressions == 1u);
    CHECK(m.counts.inconclusive == 1u);
    CHECK(m.exit_code == 1);
}

TEST_CASE("gate: only aggregates (no repetitions) is inconclusive too") {
    json base = doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 1)});
    base["benchmarks"][0]["run_type"] = "aggregate";
    base["benchmarks"][0]["aggregate_name"] = "median";
    const auto g = rs::gate(base, doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 5)}));
    REQUIRE(g.rows.size() == 1u);
    CHECK(g.rows[0].n_base == 0u);
    CHECK(g.rows[0].verdict == rs::gate_verdict::inconclusive);
    CHECK(g.exit_code == 2);
}

TEST_CASE("gate: --metrics widens or narrows what is judged") {
    const json base = suite(5);
    const json current = suite(5, 40, 2000, 500, 5e8);
    rs::gate_options all;
    all.metrics = rs::parse_metric_selection("all");
    const auto g = rs::gate(base, current, all);
    // stream: best and mean GB/s; fsync: IOPS, p99, p50; stats: ns/item.
    CHECK(g.rows.size() == 6u);
    CHECK(rs::summary_line(g) == "0 regressions, 0 improvements, 6 unchanged");
    rs::gate_options list;
    list.metrics = rs::parse_metric_selection("p50_us,triad_gbps");
    const auto l = rs::gate(base, suite(5, 40, 2000, 700), list);
    REQUIRE(l.rows.size() == 2u);
    CHECK(l.rows[0].headline_id == "triad_gbps");
    CHECK(l.rows[1].m.key == "p50_us");
    CHECK(l.rows[1].verdict == rs::gate_verdict::regression);  // p50 follows p99 up by 40%
    CHECK(l.exit_code == 1);
    // The p99 rise itself is not judged: not in the list.
    CHECK(l.counts.regressions == 1u);
}

TEST_CASE("gate: failed benchmarks and one-sided metrics") {
    json failed = suite(5);
    for (auto& r : failed["benchmarks"]) {
        if (r["name"] == fdatasync_run) {
            r["error_occurred"] = true;
            r["error_message"] = "fsync_io: no space left";
        }
    }
    const auto now_failing = rs::gate(suite(5), failed);
    CHECK(row_of(now_failing, "fdatasync_iops").verdict == rs::gate_verdict::error);
    CHECK(row_of(now_failing, "fdatasync_iops").reason == "current run failed: fsync_io: no space left");
    CHECK(now_failing.exit_code == 1);
    CHECK(rs::summary_line(now_failing) == "0 regressions, 0 improvements, 2 unchanged, 2 errors");
    const auto was_failing = rs::gate(failed, suite(5));
    CHECK(row_of(was_failing, "fdatasync_p99_us").reason == "baseline failed: fsync_io: no space left");
    CHECK(was_failing.exit_code == 2);

    // A headline only one side ran is listed, not judged.
    const json stream_only = doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 5)});
    const auto g = rs::gate(suite(5), stream_only);
    CHECK(g.rows.size() == 1u);
    CHECK(g.only_in_base == std::vector<std::string>{"fdatasync_iops (fsync/fdatasync/4096/append)",
                                                     "fdatasync_p99_us (fsync/fdatasync/4096/append)",
                                                     "histogram_record_ns (stats/histogram/record)"});
    CHECK(g.exit_code == 0);
    // Nothing in common: nothing judged, which is not a pass.
    const auto none = rs::gate(stream_only, doc({reps(record, {{"items_per_second", 5e8}}, 5)}));
    CHECK(none.rows.empty());
    CHECK(none.exit_code == 2);
    CHECK(none.notes.front() == "no gated metric is in both files: nothing was judged");
}

TEST_CASE("baselines pool: repetitions concatenated per benchmark, newest last") {
    const json a = doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 3)}, "m6i.large", "2026-11-20T10:00:00Z");
    const json b = doc({reps(triad, {{"best_bytes_per_second", 41e9}}, 2), reps(record, {{"items_per_second", 5e8}}, 2)},
                       "m6i.large", "2026-11-22T10:00:00Z");
    json c = doc({reps(triad, {{"best_bytes_per_second", 42e9}}, 4)}, "m6i.large", "2026-11-21T10:00:00Z");
    c["benchmarks"].push_back({{"name", triad + "_median"}, {"run_name", triad}, {"run_type", "aggregate"},
                               {"aggregate_name", "median"}, {"best_bytes_per_second", 1.0}});
    const json pool = rs::pool_documents({{"b.json", b}, {"a.json", a}, {"c.json", c}});
    const auto groups = rs::group_runs(pool);
    REQUIRE(groups.size() == 2u);
    CHECK(groups[0].name == triad);
    CHECK(groups[0].iterations.size() == 9u);
    CHECK(groups[0].aggregates.empty());  // one file's median is not the pool's
    const rs::metric best{"best_bytes_per_second", "", "", 1, true, false};
    const auto values = rs::values_of(groups[0], best);
    // Oldest first: a (40e9), c (42e9), b (41e9).
    CHECK(values.front() == doctest::Approx(40e9 * 0.98));
    CHECK(values[3] == doctest::Approx(42e9 * 0.98));
    CHECK(values.back() == doctest::Approx(41e9 * 1.02));
    CHECK(groups[1].iterations.size() == 2u);
    const auto& from = pool["ec2bench"]["pooled_from"];
    REQUIRE(from.size() == 3u);
    CHECK(from[0]["file"] == "a.json");
    CHECK(from[2]["file"] == "b.json");
    CHECK(from[1]["repetitions"] == 4);
    CHECK(pool["ec2bench"]["started_at"] == "2026-11-22T10:00:00Z");
    CHECK(rs::describe(pool).find("pooled from 3 files (2026-11-20T10:00:00Z to 2026-11-22T10:00:00Z)") !=
          std::string::npos);

    // The last 2: c and b.
    const json last = rs::pool_documents({{"b.json", b}, {"a.json", a}, {"c.json", c}}, 2);
    CHECK(rs::group_runs(last)[0].iterations.size() == 6u);
    CHECK(last["ec2bench"]["pooled_from"][0]["file"] == "c.json");
    // One file is itself, aggregates and all.
    CHECK(rs::pool_documents({{"c.json", c}}) == c);

    // 9 pooled against 1: inconclusive, but 2 current repetitions would do.
    const auto g = rs::gate(pool, doc({reps(triad, {{"best_bytes_per_second", 30e9}}, 1)}));
    REQUIRE(g.rows.size() == 1u);
    CHECK(g.rows[0].n_base == 9u);
    CHECK(g.rows[0].reason ==
          "needs at least 4 repetitions per side (or 2 in the current run against the baseline's 9)");
    const auto g2 = rs::gate(pool, doc({reps(triad, {{"best_bytes_per_second", 30e9}}, 2)}));
    CHECK(g2.rows[0].verdict == rs::gate_verdict::regression);
    CHECK(g2.rows[0].test->p_value == doctest::Approx(2.0 / 55));
}

TEST_CASE("baselines of different instance types are refused, naming the files") {
    const json a = doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 3)}, "m6i.large", "2026-11-20T10:00:00Z");
    const json b = doc({reps(triad, {{"best_bytes_per_second", 60e9}}, 3)}, "c7g.large", "2026-11-21T10:00:00Z");
    const json none = doc({reps(triad, {{"best_bytes_per_second", 60e9}}, 3)}, "", "2026-11-22T10:00:00Z");
    CHECK_THROWS_WITH_AS(rs::pool_documents({{"a.json", a}, {"b.json", b}}),
                         "baseline: 'a.json' ran on m6i.large but 'b.json' on c7g.large: pool the runs of one "
                         "instance type (compare the others separately)",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(rs::pool_documents({{"a.json", a}, {"n.json", none}}),
                         "baseline: 'a.json' ran on m6i.large but 'n.json' on no instance type: pool the runs of one "
                         "instance type (compare the others separately)",
                         std::invalid_argument);
    // Only the files kept count: the newest one alone is fine.
    CHECK_NOTHROW(rs::pool_documents({{"a.json", a}, {"b.json", b}}, 1));
    CHECK_THROWS_WITH_AS(rs::pool_documents({}), "baseline: no results files to pool", std::invalid_argument);
}

TEST_CASE("read_baseline: a directory of results files is pooled") {
    ec2bench_test::temp_dir d("ec2bench-gate");
    d.write("base/1.json", doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 3)}, "m6i.large", "2026-11-20T10:00:00Z").dump());
    d.write("base/2.json", doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 3)}, "m6i.large", "2026-11-21T10:00:00Z").dump());
    d.write("base/notes.txt", "not results");
    d.write("new.json", doc({reps(triad, {{"best_bytes_per_second", 40e9}}, 5)}).dump());
    const json base = rs::read_baseline({(d.path / "base").string()});
    CHECK(rs::group_runs(base)[0].iterations.size() == 6u);
    auto g = rs::gate(base, rs::read_document((d.path / "new.json").string()));
    CHECK(g.rows[0].n_base == 6u);
    CHECK(g.exit_code == 0);
    // A directory and a file together.
    CHECK(rs::group_runs(rs::read_baseline({(d.path / "base").string(), (d.path / "new.json").string()}))[0]
              .iterations.size() == 11u);
    d.write("empty/.keep", "");
    CHECK_THROWS_WITH_AS(rs::read_baseline({(d.path / "empty").string()}),
                         ("baseline: no results files in '" + (d.path / "empty").string() +
                          "' (name files, or directories of *.json)")
                             .c_str(),
                         std::invalid_argument);
    d.write("bad/x.json", "{}");
    CHECK_THROWS_AS(rs::read_baseline({(d.path / "bad").string()}), std::runtime_error);
}

TEST_CASE("gate output: table, markdown for a pull request, csv and json; the last line sums up") {
    rs::gate_options all;
    all.metrics = rs::parse_metric_selection("all");
    auto g = rs::gate(suite(5), suite(5, 32, 2000, 400), all);
    g.base_source = "baselines/";
    g.current_source = "new.json";
    const auto text = rs::render(g, rs::output_format::table);
    CHECK(last_line(text) == "2 regressions, 2 improvements, 2 unchanged");
    CHECK(text.find("base     baselines/: m6i.large, Test CPU, 2 CPUs, 2026-11-23T10:00:00Z") != std::string::npos);
    CHECK(text.find("threshold 5%, alpha 0.05, all metrics") != std::string::npos);
    const auto line = text.substr(text.find("\nstream/triad/double") + 1);  // best GB/s, the first
    CHECK(line.find("best GB/s (GB/s)") < line.find('\n'));
    CHECK(line.substr(0, line.find('\n')).find("-20.0%") != std::string::npos);
    CHECK(line.substr(0, line.find('\n')).find("0.00794 (5v5)") != std::string::npos);
    CHECK(line.substr(0, line.find('\n')).find("regression") != std::string::npos);

    const auto md = rs::render(g, rs::output_format::markdown);
    CHECK(md.rfind("### ec2bench compare\n", 0) == 0);
    CHECK(last_line(md) == "2 regressions, 2 improvements, 2 unchanged");
    // The changed rows are in the open, the unchanged folded away.
    const auto fold = md.find("<details><summary>2 unchanged</summary>");
    REQUIRE(fold != std::string::npos);
    CHECK(md.find("| regression") < fold);
    CHECK(md.find("| unchanged") > fold);

    const auto csv = rs::render(g, rs::output_format::csv);
    CHECK(csv.rfind("benchmark,metric,base,current,change,p-value,verdict\n", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);

    const json j = json::parse(rs::render(g, rs::output_format::json));
    CHECK(j["exit_code"] == 1);
    CHECK(j["summary"]["regressions"] == 2);
    CHECK(j["summary_line"] == "2 regressions, 2 improvements, 2 unchanged");
    CHECK(j["metrics"] == "all");
    CHECK(j["rows"][0]["verdict"] == "regression");
    CHECK(j["rows"][0]["better"] == "higher");
    CHECK(j["rows"][0]["change"].get<double>() == doctest::Approx(-0.2));
    CHECK(j["rows"][0]["repetitions"] == json::array({5, 5}));
    CHECK(j["base"]["source"] == "baselines/");
}

TEST_CASE("gate markdown stays inside a pull-request comment") {
    // 600 unchanged benchmarks: far past 65,536 characters as one table.
    json parts = json::array();
    for (int i = 0; i < 600; ++i) {
        for (const auto& r : reps("other/benchmark_with_a_long_name_" + std::to_string(i), {{"items_per_second", 1e6}}, 5)) {
            parts.push_back(r);
        }
    }
    const json d = doc({parts});
    rs::gate_options all;
    all.metrics = rs::parse_metric_selection("all");
    const auto g = rs::gate(d, d, all);
    CHECK(g.counts.unchanged == 1200u);  // items/s and time each
    const auto md = rs::render(g, rs::output_format::markdown);
    CHECK(md.size() < 65536u);
    CHECK(md.find("more unchanged rows left out (the JSON output has all)") != std::string::npos);
    CHECK(last_line(md) == "0 regressions, 0 improvements, 1200 unchanged");
}

TEST_CASE("compare keeps its API and now carries the change") {
    const auto c = rs::compare(suite(5), suite(5, 32));
    REQUIRE_FALSE(c.rows.empty());
    CHECK(c.rows[0].verdict == "worse");
    CHECK(*c.rows[0].change == doctest::Approx(-0.2));
    CHECK(rs::to_json(c)["rows"][0]["change"].get<double>() == doctest::Approx(-0.2));
    CHECK(rs::relative_change(0, 5) == std::nullopt);
    CHECK(rs::instance_type_of(suite(1)) == "m6i.large");
    CHECK(rs::instance_type_of(doc({}, "")) == "");
}

TEST_CASE("objectives: every operator, names holding ':' or '<', spaces around the operator") {
    const auto o = rs::parse_objective("fsync/fdatasync/4096/append:p99_us<2000");
    CHECK(o.benchmark == "fsync/fdatasync/4096/append");
    CHECK(o.metric == "p99_us");
    CHECK(o.op == rs::slo_operator::less);
    CHECK(o.limit == 2000);
    CHECK(rs::parse_objective("a:m<=1").op == rs::slo_operator::less_equal);
    CHECK(rs::parse_objective("a:m>1").op == rs::slo_operator::greater);
    CHECK(rs::parse_objective("a:m>=4.5e10").op == rs::slo_operator::greater_equal);
    CHECK(rs::parse_objective("a:m>=4.5e10").limit == 4.5e10);
    const auto colon = rs::parse_objective("sieve/count/1e10/threads:2/real_time:items_per_second >= -1.5");
    CHECK(colon.benchmark == "sieve/count/1e10/threads:2/real_time");
    CHECK(colon.metric == "items_per_second");
    CHECK(colon.limit == -1.5);
    const auto angle = rs::parse_objective("BM_sort<int>/8:real_time<5");
    CHECK(angle.benchmark == "BM_sort<int>/8");
    CHECK(angle.metric == "real_time");
    const std::string expected =
        ": expected BENCHMARK:METRIC<LIMIT with one of the operators <, <=, >, >= (such as "
        "'fsync/fdatasync/4096/append:p99_us<2000')";
    for (const char* bad : {"a:p99_us=5", "p99_us<5", ":p99_us<5", "a:<5", "a:p99 us<5", "a:m=<5", ""}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH_AS(rs::parse_objective(bad), ("--slo '" + std::string(bad) + "'" + expected).c_str(),
                             std::invalid_argument);
    }
    CHECK_THROWS_WITH_AS(rs::parse_objective("a:m<fast"),
                         "--slo 'a:m<fast': the limit 'fast' is not a number (write it in the counter's unit, such "
                         "as 2000 or 4.5e10)",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(rs::parse_objective("a:m<"), doctest::Contains("the limit '' is not a number"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(rs::parse_objective("a:m<5us"), doctest::Contains("the limit '5us' is not a number"),
                         std::invalid_argument);
}

TEST_CASE("check: every operator on both sides of its limit") {
    // Medians: p99 500 us (490..510), IOPS 2000.
    const json d = suite(9);
    struct c {
        const char* slo;
        rs::objective_verdict verdict;
    };
    const c cases[] = {{"fsync/fdatasync/4096/append:p99_us<501", rs::objective_verdict::met},
                       {"fsync/fdatasync/4096/append:p99_us<500", rs::objective_verdict::violated},
                       {"fsync/fdatasync/4096/append:p99_us<=500", rs::objective_verdict::met},
                       {"fsync/fdatasync/4096/append:p99_us<=499", rs::objective_verdict::violated},
                       {"fsync/fdatasync/4096/append:items_per_second>1999", rs::objective_verdict::met},
                       {"fsync/fdatasync/4096/append:items_per_second>2000", rs::objective_verdict::violated},
                       {"fsync/fdatasync/4096/append:items_per_second>=2000", rs::objective_verdict::met},
                       {"fsync/fdatasync/4096/append:items_per_second>=2001", rs::objective_verdict::violated}};
    for (const auto& x : cases) {
        CAPTURE(x.slo);
        const auto r = rs::check(d, {rs::parse_objective(x.slo)});
        REQUIRE(r.rows.size() == 1u);
        CHECK(r.rows[0].verdict == x.verdict);
        CHECK(r.exit_code == (x.verdict == rs::objective_verdict::met ? 0 : 1));
        CHECK(*r.rows[0].median == doctest::Approx(x.slo[28] == 'p' ? 500 : 2000));
    }
    const auto both = rs::check(d, {rs::parse_objective("stream/triad/double:best_bytes_per_second>=39e9"),
                                    rs::parse_objective("fsync/fdatasync/4096/append:p99_us<400")});
    CHECK(both.rows[0].benchmark == triad);  // found by its display name
    CHECK(both.counts.met == 1u);
    CHECK(both.counts.violated == 1u);
    CHECK(rs::summary_line(both) == "1 violated, 1 met");
    const auto text = rs::render(both, rs::output_format::table);
    CHECK(last_line(text) == "1 violated, 1 met");
    // The row prints the median, its interval and the limit. 9 repetitions: ranks 2 and 8.
    const auto line = text.substr(text.find("\nfsync/fdatasync/4096/append") + 1);
    const auto row = line.substr(0, line.find('\n'));
    CHECK(row.find("p99_us") != std::string::npos);
    CHECK(row.find(" 500 ") != std::string::npos);
    CHECK(row.find("[492.5, 507.5]") != std::string::npos);
    CHECK(row.find("< 400") != std::string::npos);
    CHECK(row.find(" 9 ") != std::string::npos);
    CHECK(row.find("violated") != std::string::npos);
    const json j = json::parse(rs::render(both, rs::output_format::json));
    CHECK(j["rows"][1]["interval"]["lower_rank"] == 2);
    CHECK(j["rows"][1]["interval"]["upper_rank"] == 8);
    CHECK(j["exit_code"] == 1);
}

TEST_CASE("check --strict: the whole interval must meet the limit") {
    const json d = suite(9);  // p99: median 500, 95% interval [492.5, 507.5]
    rs::check_options strict;
    strict.strict = true;
    const auto inside = rs::parse_objective("fsync/fdatasync/4096/append:p99_us<505");
    CHECK(rs::check(d, {inside}).rows[0].verdict == rs::objective_verdict::met);
    const auto s = rs::check(d, {inside}, strict);
    CHECK(s.rows[0].verdict == rs::objective_verdict::violated);
    CHECK(s.rows[0].reason == "the median meets the limit, its 95% interval does not");
    CHECK(s.exit_code == 1);
    CHECK(rs::check(d, {rs::parse_objective("fsync/fdatasync/4096/append:p99_us<508")}, strict).rows[0].verdict ==
          rs::objective_verdict::met);
    CHECK(rs::check(d, {rs::parse_objective("fsync/fdatasync/4096/append:p99_us<=507.5")}, strict).rows[0].verdict ==
          rs::objective_verdict::met);
    CHECK(rs::check(d, {rs::parse_objective("fsync/fdatasync/4096/append:p99_us>492")}, strict).rows[0].verdict ==
          rs::objective_verdict::met);
    CHECK(rs::check(d, {rs::parse_objective("fsync/fdatasync/4096/append:p99_us>493")}, strict).rows[0].verdict ==
          rs::objective_verdict::violated);
    CHECK(rs::check(d, {rs::parse_objective("fsync/fdatasync/4096/append:p99_us>=492.5")}, strict).rows[0].verdict ==
          rs::objective_verdict::met);
    // Five repetitions are too few for a 95% interval of the median: strict cannot judge.
    const auto few = rs::check(suite(5), {inside}, strict);
    CHECK(few.rows[0].verdict == rs::objective_verdict::inconclusive);
    CHECK(few.rows[0].reason == "--strict needs a 95% interval of the median: at least 6 repetitions");
    CHECK(few.exit_code == 2);
    CHECK(rs::median_interval_min_count(0.95) == 6u);
    CHECK(rs::median_interval_min_count(0.99) == 8u);
}

TEST_CASE("check: what cannot be judged, and failed benchmarks") {
    const json d = suite(9);
    const auto missing = rs::check(d, {rs::parse_objective("stream/copy/double:best_bytes_per_second>1")});
    CHECK(missing.rows[0].verdict == rs::objective_verdict::error);
    CHECK(missing.rows[0].reason == "no benchmark 'stream/copy/double' in the file");
    CHECK(missing.exit_code == 2);
    const auto counter = rs::check(d, {rs::parse_objective("stats/histogram/record:p99_us<1")});
    CHECK(counter.rows[0].reason == "no counter 'p99_us' in benchmark 'stats/histogram/record'");
    CHECK(counter.exit_code == 2);
    json failed = d;
    for (auto& r : failed["benchmarks"]) {
        if (r["name"] == fdatasync_run) {
            r["error_occurred"] = true;
            r["error_message"] = "fsync_io: no space left";
        }
    }
    const auto f = rs::check(failed, {rs::parse_objective("fsync/fdatasync/4096/append:p99_us<1000")});
    CHECK(f.rows[0].verdict == rs::objective_verdict::violated);
    CHECK(f.rows[0].reason == "the benchmark failed: fsync_io: no space left");
    CHECK(f.exit_code == 1);
    // Two runs with one display name: the full name is needed.
    const json twice = doc({reps("x/a/real_time", {{"items_per_second", 1}}, 1), reps("x/a/manual_time", {{"items_per_second", 1}}, 1)});
    const auto amb = rs::check(twice, {rs::parse_objective("x/a:items_per_second>0")});
    CHECK(amb.rows[0].reason == "'x/a' names 2 benchmarks (such as 'x/a/real_time' and 'x/a/manual_time'): give the full run name");
    CHECK(rs::check(twice, {rs::parse_objective("x/a/manual_time:items_per_second>0")}).exit_code == 0);
    // real_time in ns, whatever the file's unit.
    const auto t = rs::check(d, {rs::parse_objective("stats/histogram/record:real_time<=1")});
    CHECK(*t.rows[0].median == 1.0);
    CHECK_THROWS_WITH_AS(rs::check(d, {}), "check: no objectives: give at least one --slo 'BENCHMARK:METRIC<LIMIT'",
                         std::invalid_argument);
}

TEST_CASE("github-action-benchmark: the custom format's fields, one direction at a time") {
    const json d = suite(9);
    for (const auto better : {rs::better_direction::bigger, rs::better_direction::smaller}) {
        const json out = rs::github_action_benchmark(d, better);
        REQUIRE(out.is_array());
        REQUIRE_FALSE(out.empty());
        std::set<std::string> names;
        // The README's fields: name, unit, value required; range and extra optional strings.
        // (Its parser coerces; we give the types it documents, and a range its
        // extractRangeInfo reads: "±" or "+-", then a number.)
        const std::regex range("^(\\+-|±)\\s*\\d.*$");
        for (const auto& e : out) {
            REQUIRE(e.is_object());
            for (const auto& item : e.items()) {
                const std::string k = item.key();  // not a structured binding: clang 14 cannot capture it
                CAPTURE(k);
                CHECK((k == "name" || k == "unit" || k == "value" || k == "range" || k == "extra"));
            }
            REQUIRE(e.contains("name"));
            CHECK(e["name"].is_string());
            CHECK(e["unit"].is_string());
            CHECK(e["value"].is_number());
            CHECK(e["range"].is_string());
            CHECK(std::regex_match(e["range"].get<std::string>(), range));
            CHECK(e["extra"].is_string());
            CHECK(names.insert(e["name"].get<std::string>()).second);  // one chart per name
        }
    }
    const json bigger = rs::github_action_benchmark(d, rs::better_direction::bigger);
    const json smaller = rs::github_action_benchmark(d, rs::better_direction::smaller);
    // bigger: best and mean GB/s, IOPS; smaller: p99, p50, ns per record.
    REQUIRE(bigger.size() == 3u);
    REQUIRE(smaller.size() == 3u);
    CHECK(bigger[0]["name"] == "stream/triad/double (best GB/s)");
    CHECK(bigger[0]["unit"] == "GB/s");
    CHECK(bigger[0]["value"].get<double>() == doctest::Approx(40));
    // 9 repetitions spaced 0.5% apart; the 95% interval is ranks 2 to 8: 40 * (1 +- 0.015).
    CHECK(bigger[0]["range"] == "± 0.6");
    CHECK(bigger[0]["extra"] ==
          "instance type: m6i.large\nrepetitions: 9\n95% interval of the median: [39.4, 40.6] GB/s");
    CHECK(smaller[0]["name"] == "fsync/fdatasync/4096/append (p99)");
    CHECK(smaller[0]["unit"] == "us");
    CHECK(smaller[2]["name"] == "stats/histogram/record (ns/item)");
    CHECK(smaller[2]["value"].get<double>() == doctest::Approx(2.0));
    // Too few repetitions for an interval: no range; the rest stays.
    const json few = rs::github_action_benchmark(suite(3), rs::better_direction::bigger);
    CHECK_FALSE(few[0].contains("range"));
    CHECK(few[0]["extra"] == "instance type: m6i.large\nrepetitions: 3");
    CHECK(rs::github_action_benchmark(doc({}, ""), rs::better_direction::bigger) == json::array());
}
