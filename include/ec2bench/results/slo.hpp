// SPDX-License-Identifier: MIT
// Service-level objectives on a results file: "fsync/fdatasync/4096/append:p99_us<2000" holds
// when the median of the benchmark's repetitions meets the limit (or, strictly, when the whole
// distribution-free confidence interval of that median does).
//
//     auto r = rs::check(rs::read_document("new.json"), {rs::parse_objective("stats/histogram/record:items_per_second>1e8")});
//     std::fputs(rs::render(r, rs::output_format::table).c_str(), stdout);
//     return r.exit_code;   // 0 all met, 1 one violated, 2 could not judge
//
// docs/ci.md describes check and its choices.
#ifndef EC2BENCH_RESULTS_SLO_HPP
#define EC2BENCH_RESULTS_SLO_HPP

#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/gate.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/table.hpp>
#include <ec2bench/stats/summary.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace ec2bench::results {

enum class slo_operator { less, less_equal, greater, greater_equal };

constexpr std::string_view slo_operator_symbol(slo_operator op) noexcept {
    switch (op) {
        case slo_operator::less:
            return "<";
        case slo_operator::less_equal:
            return "<=";
        case slo_operator::greater:
            return ">";
        case slo_operator::greater_equal:
            return ">=";
    }
    return "?";
}

/// Whether `value` OP `limit` holds.
constexpr bool satisfies(double value, slo_operator op, double limit) noexcept {
    switch (op) {
        case slo_operator::less:
            return value < limit;
        case slo_operator::less_equal:
            return value <= limit;
        case slo_operator::greater:
            return value > limit;
        case slo_operator::greater_equal:
            return value >= limit;
    }
    return false;
}

/// A service-level objective: BENCHMARK:METRIC OP LIMIT.
struct objective {
    std::string text;       ///< as given
    std::string benchmark;  ///< a run name, or its display_name()
    std::string metric;     ///< a counter of the run, or real_time / cpu_time (in ns)
    slo_operator op = slo_operator::less;
    double limit = 0;  ///< in the counter's own unit: p99_us in microseconds, *_per_second per second
};

namespace detail {

inline std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

inline bool counter_name(std::string_view s) {
    if (s.empty()) return false;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace detail

/// Parses "BENCHMARK:METRIC<LIMIT" with <, <=, > or >= (spaces around the operator allowed).
/// The operator is the last < or > (so a benchmark name may hold <int>), METRIC what follows
/// the last ':' before it (so a name may hold threads:2).
///
///     auto o = ec2bench::results::parse_objective("fsync/fdatasync/4096/append:p99_us<=2000");
///
/// Throws std::invalid_argument naming the text and what is expected.
inline objective parse_objective(std::string_view text) {
    const std::string where = "--slo '" + std::string(text) + "'";
    const auto expected = [&]() {
        return std::invalid_argument(where +
                                     ": expected BENCHMARK:METRIC<LIMIT with one of the operators <, <=, >, >= "
                                     "(such as 'fsync/fdatasync/4096/append:p99_us<2000')");
    };
    const std::size_t at = text.find_last_of("<>");
    if (at == std::string_view::npos) throw expected();
    objective o;
    o.text = std::string(text);
    const bool less = text[at] == '<';
    const bool equal = at + 1 < text.size() && text[at + 1] == '=';
    o.op = less ? (equal ? slo_operator::less_equal : slo_operator::less)
                : (equal ? slo_operator::greater_equal : slo_operator::greater);
    const std::string_view left = detail::trimmed(text.substr(0, at));
    const std::string_view limit = detail::trimmed(text.substr(at + (equal ? 2 : 1)));
    const std::size_t colon = left.rfind(':');
    if (colon == std::string_view::npos) throw expected();
    const std::string_view benchmark = detail::trimmed(left.substr(0, colon));
    const std::string_view metric = detail::trimmed(left.substr(colon + 1));
    if (benchmark.empty() || !detail::counter_name(metric)) throw expected();
    double v = 0;
    const auto r = std::from_chars(limit.data(), limit.data() + limit.size(), v);
    if (limit.empty() || r.ec != std::errc() || r.ptr != limit.data() + limit.size() || !std::isfinite(v)) {
        throw std::invalid_argument(where + ": the limit '" + std::string(limit) +
                                    "' is not a number (write it in the counter's unit, such as 2000 or 4.5e10)");
    }
    o.benchmark = std::string(benchmark);
    o.metric = std::string(metric);
    o.limit = v;
    return o;
}

/// The fewest repetitions with which the order statistics bracket the median at `confidence`:
/// the smallest n with 0.5^n <= (1 - confidence) / 2 (6 for 0.95).
inline std::size_t median_interval_min_count(double confidence) {
    std::size_t n = 1;
    while (std::pow(0.5, static_cast<double>(n)) > (1.0 - confidence) / 2.0) ++n;
    return n;
}

struct check_options {
    /// The whole interval, not only the median, must meet the limit; without enough repetitions
    /// for an interval the objective is inconclusive.
    bool strict = false;
    double confidence = 0.95;  ///< of the median's interval
};

enum class objective_verdict { met, violated, inconclusive, error };

constexpr std::string_view objective_verdict_name(objective_verdict v) noexcept {
    switch (v) {
        case objective_verdict::met:
            return "met";
        case objective_verdict::violated:
            return "violated";
        case objective_verdict::inconclusive:
            return "inconclusive";
        case objective_verdict::error:
            return "error";
    }
    return "unknown";
}

struct objective_result {
    objective o;
    std::string benchmark;  ///< the run name it matched
    std::size_t n = 0;      ///< repetitions with a value
    std::optional<double> median;  ///< of the repetitions (else Google Benchmark's median aggregate)
    std::optional<ec2bench::stats::quantile_interval> interval;  ///< of the median, when n allows
    objective_verdict verdict = objective_verdict::error;
    std::string reason;  ///< why, for violated (when not plain), inconclusive and error
};

struct check_counts {
    std::size_t met = 0, violated = 0, inconclusive = 0, errors = 0;
};

struct check_result {
    check_options options;
    std::string source;       ///< the file named; set by the caller
    std::string description;  ///< describe()
    std::vector<objective_result> rows;
    check_counts counts;
    /// 1 when an objective is violated (a benchmark that failed violates its objectives); else 2
    /// when one could not be judged (inconclusive, or a benchmark or counter not in the file);
    /// else 0.
    int exit_code = 0;
};

namespace detail {

inline objective_result check_one(const std::vector<benchmark_runs>& runs, const objective& o,
                                  const check_options& opt) {
    objective_result r;
    r.o = o;
    const benchmark_runs* b = nullptr;
    for (const auto& x : runs) {
        if (x.name == o.benchmark) b = &x;
    }
    if (b == nullptr) {
        std::vector<const benchmark_runs*> named;
        for (const auto& x : runs) {
            if (display_name(x.name) == o.benchmark) named.push_back(&x);
        }
        if (named.empty()) {
            r.reason = "no benchmark '" + o.benchmark + "' in the file";
            return r;
        }
        if (named.size() > 1) {
            r.reason = "'" + o.benchmark + "' names " + std::to_string(named.size()) +
                       " benchmarks (such as '" + named[0]->name + "' and '" + named[1]->name +
                       "'): give the full run name";
            return r;
        }
        b = named.front();
    }
    r.benchmark = b->name;
    if (!b->error.empty()) {
        r.verdict = objective_verdict::violated;
        r.reason = "the benchmark failed: " + b->error;
        return r;
    }
    const metric m{o.metric, o.metric, "", 1, true, false};
    const auto values = values_of(*b, m);
    r.n = values.size();
    r.median = median_of(*b, m);
    if (!r.median) {
        r.reason = "no counter '" + o.metric + "' in benchmark '" + b->name + "'";
        return r;
    }
    const std::size_t need = median_interval_min_count(opt.confidence);
    if (values.size() >= need) r.interval = ec2bench::stats::quantile_ci(values, 0.5, opt.confidence);
    const bool median_ok = satisfies(*r.median, o.op, o.limit);
    if (!opt.strict) {
        r.verdict = median_ok ? objective_verdict::met : objective_verdict::violated;
        return r;
    }
    if (!r.interval) {
        r.verdict = objective_verdict::inconclusive;
        r.reason = fmt::format("--strict needs a {:g}% interval of the median: at least {} repetitions", 100 * opt.confidence,
                               need);
        return r;
    }
    const bool less = o.op == slo_operator::less || o.op == slo_operator::less_equal;
    const double edge = less ? r.interval->upper : r.interval->lower;  // the end nearer the limit
    if (satisfies(edge, o.op, o.limit)) {
        r.verdict = objective_verdict::met;
    } else {
        r.verdict = objective_verdict::violated;
        if (median_ok) r.reason = fmt::format("the median meets the limit, its {:g}% interval does not", 100 * opt.confidence);
    }
    return r;
}

}  // namespace detail

/// Checks each objective against `doc`: the benchmark is found by its run name, else by its
/// display_name(); the metric's repetitions give the median and, with enough of them, its
/// distribution-free confidence interval (stats::quantile_ci, q = 0.5). Met when the median
/// satisfies OP LIMIT, or under options.strict when the whole interval does.
///
/// Throws std::invalid_argument when `objectives` is empty.
inline check_result check(const nlohmann::json& doc, const std::vector<objective>& objectives,
                          const check_options& opt = {}) {
    if (objectives.empty()) {
        throw std::invalid_argument("check: no objectives: give at least one --slo 'BENCHMARK:METRIC<LIMIT'");
    }
    check_result c;
    c.options = opt;
    c.description = describe(doc);
    const auto runs = group_runs(doc);
    for (const auto& o : objectives) {
        c.rows.push_back(detail::check_one(runs, o, opt));
        switch (c.rows.back().verdict) {
            case objective_verdict::met:
                ++c.counts.met;
                break;
            case objective_verdict::violated:
                ++c.counts.violated;
                break;
            case objective_verdict::inconclusive:
                ++c.counts.inconclusive;
                break;
            case objective_verdict::error:
                ++c.counts.errors;
                break;
        }
    }
    c.exit_code = c.counts.violated != 0 ? 1 : c.counts.inconclusive + c.counts.errors != 0 ? 2 : 0;
    return c;
}

/// "1 violated, 2 met", with ", N inconclusive" and ", N errors" when there are any.
inline std::string summary_line(const check_result& c) {
    std::string s = std::to_string(c.counts.violated) + " violated, " + std::to_string(c.counts.met) + " met";
    if (c.counts.inconclusive != 0) s += ", " + std::to_string(c.counts.inconclusive) + " inconclusive";
    if (c.counts.errors != 0) s += ", " + detail::pluralize(c.counts.errors, "error", "errors");
    return s;
}

namespace detail {

/// Six significant digits: a median of 1999.6 against a limit of 2000 must not read 2000.
inline std::string slo_number(std::optional<double> v) { return v ? fmt::format("{:.6g}", *v) : "-"; }

inline std::string metric_with_unit(const std::string& key) {
    return key == "real_time" || key == "cpu_time" ? key + " (ns)" : key;
}

}  // namespace detail

/// The objectives as a table: benchmark, metric, median, interval, limit, n, verdict.
inline table check_table(const check_result& c) {
    table t;
    t.headers = {"benchmark", "metric", "median", fmt::format("{:g}% interval", 100 * c.options.confidence),
                 "limit", "n", "verdict"};
    t.right = {false, false, true, true, false, true, false};
    for (const auto& r : c.rows) {
        const std::string interval =
            r.interval ? "[" + detail::slo_number(r.interval->lower) + ", " + detail::slo_number(r.interval->upper) + "]"
                       : "-";
        std::string verdict(objective_verdict_name(r.verdict));
        if (!r.reason.empty()) verdict += ": " + r.reason;
        t.rows.push_back({display_name(r.benchmark.empty() ? r.o.benchmark : r.benchmark), detail::metric_with_unit(r.o.metric),
                          detail::slo_number(r.median), interval,
                          std::string(slo_operator_symbol(r.o.op)) + " " + fmt::format("{:.6g}", r.o.limit),
                          std::to_string(r.n), verdict});
    }
    return t;
}

inline nlohmann::json to_json(const check_result& c) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : c.rows) {
        nlohmann::json j = {{"objective", r.o.text},
                            {"benchmark", r.benchmark.empty() ? r.o.benchmark : r.benchmark},
                            {"metric", r.o.metric},
                            {"operator", std::string(slo_operator_symbol(r.o.op))},
                            {"limit", r.o.limit},
                            {"median", r.median ? nlohmann::json(*r.median) : nlohmann::json(nullptr)},
                            {"repetitions", r.n},
                            {"verdict", std::string(objective_verdict_name(r.verdict))},
                            {"reason", r.reason}};
        if (r.interval) {
            j["interval"] = {{"lower", r.interval->lower},
                             {"upper", r.interval->upper},
                             {"coverage", r.interval->coverage},
                             {"lower_rank", r.interval->lower_rank},
                             {"upper_rank", r.interval->upper_rank}};
        } else {
            j["interval"] = nullptr;
        }
        rows.push_back(std::move(j));
    }
    return {{"source", c.source},
            {"description", c.description},
            {"strict", c.options.strict},
            {"confidence", c.options.confidence},
            {"rows", rows},
            {"summary",
             {{"met", c.counts.met},
              {"violated", c.counts.violated},
              {"inconclusive", c.counts.inconclusive},
              {"errors", c.counts.errors}}},
            {"summary_line", summary_line(c)},
            {"exit_code", c.exit_code}};
}

/// The whole result in one format, ending with a newline: table and markdown give the file, the
/// objectives and summary_line() as the last line; csv the rows only; json to_json().
inline std::string render(const check_result& c, output_format f) {
    if (f == output_format::json) return to_json(c).dump(2) + "\n";
    if (f == output_format::csv) return check_table(c).render(table_format::csv);
    const table_format tf = f == output_format::markdown ? table_format::markdown : table_format::text;
    table head;
    head.headers = {"", "checked"};
    head.rows = {{"file", c.source.empty() ? c.description
                          : c.description.empty() ? c.source
                                                  : c.source + ": " + c.description},
                 {"rule", c.options.strict ? fmt::format("the whole {:g}% interval of the median meets the limit", 100 * c.options.confidence)
                                           : std::string("the median meets the limit")}};
    std::string out = f == output_format::markdown ? "### ec2bench check\n\n" : "";
    out += head.render(tf) + "\n" + check_table(c).render(tf) + "\n" + summary_line(c) + "\n";
    return out;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_SLO_HPP
