// SPDX-License-Identifier: MIT
// The regression gate: a verdict per metric (regression, improvement, unchanged, inconclusive,
// error) from the change between two results files' medians, a threshold and the Mann-Whitney
// U test, an exit status for CI, and the parsers and renderers a command line needs.
//
//     rs::gate_options o;
//     o.threshold = rs::parse_threshold("5%");
//     auto g = rs::gate(rs::read_baseline({"baselines/"}), rs::read_document("new.json"), o);
//     std::fputs(rs::render(g, rs::output_format::markdown).c_str(), stdout);
//     return g.exit_code;   // 0 no regression, 1 a regression, 2 could not judge
//
// docs/ci.md describes the gate, its choices and a CI workflow around it.
#ifndef EC2BENCH_RESULTS_GATE_HPP
#define EC2BENCH_RESULTS_GATE_HPP

#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/table.hpp>
#include <ec2bench/stats/compare.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace ec2bench::results {

/// How compare and check print their result.
enum class output_format { table, markdown, csv, json };

/// Parses "table" (or "text"), "markdown" (or "md"), "csv" or "json".
inline output_format parse_output_format(std::string_view s) {
    if (s == "table" || s == "text") return output_format::table;
    if (s == "markdown" || s == "md") return output_format::markdown;
    if (s == "csv") return output_format::csv;
    if (s == "json") return output_format::json;
    throw std::invalid_argument("--format=" + std::string(s) + ": expected table, markdown, csv or json");
}

namespace detail {

/// A finite decimal number taking all of `s` (no sign, no spaces), or nothing.
inline std::optional<double> unsigned_number(std::string_view s) {
    if (s.empty() || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.')) return std::nullopt;
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// "5%" for 0.05, "12.5%" for 0.125.
inline std::string percent(double fraction) { return fmt::format("{:g}%", fraction * 100); }

}  // namespace detail

/// Parses a threshold: a percentage ("5%", "2.5%") or a fraction below 1 ("0.05"); both mean
/// the same. A bare number of 1 or more is refused rather than guessed at ("5": 5% or 500%?).
///
///     ec2bench::results::parse_threshold("5%");   // 0.05
inline double parse_threshold(std::string_view s) {
    const std::string flag = "--threshold=" + std::string(s);
    if (!s.empty() && s.back() == '%') {
        if (const auto v = detail::unsigned_number(s.substr(0, s.size() - 1))) return *v / 100;
    } else if (const auto v = detail::unsigned_number(s)) {
        if (*v < 1) return *v;
        throw std::invalid_argument(flag + ": a number without % is a fraction and must be below 1: write " +
                                    std::string(s) + "% for " + std::string(s) + " percent");
    }
    throw std::invalid_argument(flag + ": expected a percentage such as 5% or a fraction below 1 such as 0.05");
}

/// Parses a significance level in (0, 1), such as 0.05.
inline double parse_alpha(std::string_view s) {
    const auto v = detail::unsigned_number(s);
    if (!v || !(*v > 0 && *v < 1)) {
        throw std::invalid_argument("--alpha=" + std::string(s) + ": expected a number between 0 and 1, such as 0.05");
    }
    return *v;
}

/// Which metrics a gate judges.
struct metric_selection {
    enum class kind { headline, all, list };
    kind what = kind::headline;
    /// for a list: headline ids (triad_gbps, ...) and metric keys (p99_us, ...), in order
    std::vector<std::string> names;
};

/// The headline ids a selection may name (those of headlines()), in order.
inline const std::vector<std::string>& headline_ids() {
    static const std::vector<std::string> ids = {"triad_gbps",     "primes_per_second_1t", "primes_per_second_all",
                                                 "fdatasync_iops", "fdatasync_p99_us",     "histogram_record_ns"};
    return ids;
}

/// The metric keys a selection may name: every metric of every family (metrics_for()).
inline std::vector<std::string> gated_metric_keys() {
    std::vector<std::string> keys;
    for (const char* family : {"stream/", "sieve/", "fsync/", "stats/", "other/"}) {
        for (const auto& m : metrics_for(family)) {
            if (std::find(keys.begin(), keys.end(), m.key) == keys.end()) keys.push_back(m.key);
        }
    }
    return keys;
}

/// Parses "headline" (the suite's headline numbers, the default), "all" (every metric of every
/// benchmark in both files) or a comma-separated list of headline ids and metric keys, such as
/// "triad_gbps,p99_us" (a key selects that metric on every benchmark that has it).
inline metric_selection parse_metric_selection(std::string_view s) {
    metric_selection sel;
    if (s == "headline") return sel;
    if (s == "all") {
        sel.what = metric_selection::kind::all;
        return sel;
    }
    const auto keys = gated_metric_keys();
    const auto& ids = headline_ids();
    std::string allowed;
    for (const auto& i : ids) allowed += (allowed.empty() ? "" : ", ") + i;
    for (const auto& k : keys) allowed += ", " + k;
    sel.what = metric_selection::kind::list;
    std::size_t at = 0;
    while (true) {
        const std::size_t comma = s.find(',', at);
        const std::string name(s.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
        if (std::find(ids.begin(), ids.end(), name) == ids.end() &&
            std::find(keys.begin(), keys.end(), name) == keys.end()) {
            throw std::invalid_argument("--metrics=" + std::string(s) + ": '" + name +
                                        "' is not a metric: expected headline, all, or a comma-separated list of " +
                                        allowed);
        }
        if (std::find(sel.names.begin(), sel.names.end(), name) == sel.names.end()) sel.names.push_back(name);
        if (comma == std::string_view::npos) break;
        at = comma + 1;
    }
    return sel;
}

/// What an inconclusive metric (too few repetitions to ever reach alpha) does to the exit status.
enum class inconclusive_policy { fail, pass };

/// Parses "fail" (exit status 2, the default) or "pass".
inline inconclusive_policy parse_inconclusive_policy(std::string_view s) {
    if (s == "fail") return inconclusive_policy::fail;
    if (s == "pass") return inconclusive_policy::pass;
    throw std::invalid_argument("--inconclusive=" + std::string(s) + ": expected fail or pass");
}

struct gate_options {
    double threshold = 0.05;  ///< the least change that counts, as a fraction (0.05 is 5%)
    double alpha = 0.05;      ///< the U test's p-value must be below this
    metric_selection metrics;
    inconclusive_policy inconclusive = inconclusive_policy::fail;
};

enum class gate_verdict { regression, improvement, unchanged, inconclusive, error };

constexpr std::string_view gate_verdict_name(gate_verdict v) noexcept {
    switch (v) {
        case gate_verdict::regression:
            return "regression";
        case gate_verdict::improvement:
            return "improvement";
        case gate_verdict::unchanged:
            return "unchanged";
        case gate_verdict::inconclusive:
            return "inconclusive";
        case gate_verdict::error:
            return "error";
    }
    return "unknown";
}

/// One gated metric of one benchmark.
struct gate_row {
    std::string benchmark;    ///< the run name, as in the files
    std::string headline_id;  ///< "triad_gbps" when the row is a headline number, else empty
    metric m;
    std::optional<double> base, current;  ///< medians, presented (m.unit)
    std::optional<double> change;         ///< current / base - 1 of the presented medians
    std::size_t n_base = 0, n_current = 0;  ///< repetitions with a value
    std::optional<ec2bench::stats::mann_whitney_result> test;
    double min_p_value = 1;  ///< the smallest p-value n_base against n_current can give
    gate_verdict verdict = gate_verdict::error;
    /// why: "within the threshold", "not significant", "needs at least 4 repetitions per side",
    /// "current run failed: ..."
    std::string reason;
    std::size_t needed_per_side = 0;  ///< inconclusive: the fewest repetitions per side that can reach alpha
    bool failed_in_current = false;   ///< the benchmark failed in the current run (exit status 1)
};

struct gate_counts {
    std::size_t regressions = 0, improvements = 0, unchanged = 0, inconclusive = 0, errors = 0;
};

struct gate_result {
    gate_options options;
    std::string base_source, current_source;  ///< what the user named (files, directories); set by the caller
    std::string base_description, current_description;  ///< describe()
    std::vector<gate_row> rows;
    std::vector<std::string> only_in_base, only_in_current;  ///< gated metrics found on one side only
    std::vector<std::string> notes;
    gate_counts counts;
    /// 1 when a metric regressed (or a benchmark failed in the current run); else 2 when the
    /// gate could not judge (an inconclusive metric under inconclusive_policy::fail, an error in
    /// the baseline, or nothing gated in both files); else 0. Improvements never fail.
    int exit_code = 0;
};

namespace detail {

inline std::string pluralize(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// The verdict of one metric of one benchmark found in both files.
inline gate_row gate_one(const benchmark_runs& a, const benchmark_runs& b, const metric& m,
                         const std::string& headline_id, const gate_options& o) {
    gate_row row;
    row.benchmark = b.name;
    row.headline_id = headline_id;
    row.m = m;
    if (!b.error.empty()) {
        row.reason = "current run failed: " + b.error;
        row.failed_in_current = true;
        return row;
    }
    if (!a.error.empty()) {
        row.reason = "baseline failed: " + a.error;
        return row;
    }
    const auto va = values_of(a, m);
    const auto vb = values_of(b, m);
    row.n_base = va.size();
    row.n_current = vb.size();
    const auto ma = median_of(a, m);
    const auto mb = median_of(b, m);
    if (!ma || !mb) {
        row.reason = std::string("no ") + m.key + " in the " + (!ma ? "baseline" : "current run");
        return row;
    }
    row.base = presented(*ma, m);
    row.current = presented(*mb, m);
    row.change = relative_change(*row.base, *row.current);
    if (!row.change) {
        row.reason = "the baseline's median is " + fmt::format("{}", *row.base) + ": no relative change";
        return row;
    }
    row.min_p_value = ec2bench::stats::mwu_min_p_value(row.n_base, row.n_current);
    if (row.min_p_value >= o.alpha) {
        const std::size_t k = ec2bench::stats::mwu_min_sample_size(o.alpha);
        row.verdict = gate_verdict::inconclusive;
        row.needed_per_side = k;
        row.reason = "needs at least " + std::to_string(k) + " repetitions per side";
        // With unequal sides (a pooled baseline), the short side may need fewer than k.
        if (row.n_base > row.n_current && row.n_base > k) {
            const auto need = ec2bench::stats::mwu_min_sample_size(row.n_base, o.alpha);
            if (need < k) {
                row.reason += fmt::format(" (or {} in the current run against the baseline's {})", need, row.n_base);
            }
        } else if (row.n_current > row.n_base && row.n_current > k) {
            const auto need = ec2bench::stats::mwu_min_sample_size(row.n_current, o.alpha);
            if (need < k) {
                row.reason += fmt::format(" (or {} in the baseline against the current run's {})", need, row.n_current);
            }
        }
        return row;
    }
    row.test = ec2bench::stats::mann_whitney_u(vb, va);
    const double c = *row.change;
    const bool worse = m.higher_is_better ? c < -o.threshold : c > o.threshold;
    const bool better = m.higher_is_better ? c > o.threshold : c < -o.threshold;
    if (!worse && !better) {
        row.verdict = gate_verdict::unchanged;
        row.reason = "within the threshold";
    } else if (!(row.test->p_value < o.alpha)) {
        row.verdict = gate_verdict::unchanged;
        row.reason = "not significant";
    } else {
        row.verdict = worse ? gate_verdict::regression : gate_verdict::improvement;
    }
    return row;
}

/// A gated metric: which benchmark, which metric, and its headline id if it is one.
struct gate_target {
    std::string benchmark;
    metric m;
    std::string headline_id;
};

inline std::vector<gate_target> headline_targets(const nlohmann::json& doc, const std::vector<std::string>& ids) {
    std::vector<gate_target> out;
    for (const auto& h : headlines(doc)) {
        if (std::find(ids.begin(), ids.end(), h.id) != ids.end()) out.push_back({h.benchmark, h.m, h.id});
    }
    return out;
}

}  // namespace detail

/// The line that ends the gate's output: "2 regressions, 1 improvement, 25 unchanged", with
/// ", N inconclusive" and ", N errors" when there are any.
inline std::string summary_line(const gate_result& g) {
    std::string s = detail::pluralize(g.counts.regressions, "regression", "regressions") + ", " +
                    detail::pluralize(g.counts.improvements, "improvement", "improvements") + ", " +
                    std::to_string(g.counts.unchanged) + " unchanged";
    if (g.counts.inconclusive != 0) s += ", " + std::to_string(g.counts.inconclusive) + " inconclusive";
    if (g.counts.errors != 0) s += ", " + detail::pluralize(g.counts.errors, "error", "errors");
    return s;
}

/// Judges `current` against `base` (a document, or several pooled by pool_documents()) on the
/// metrics `o.metrics` selects. Per metric: a regression when the median moved the worse way
/// (a rate down, a latency or time up) by more than o.threshold and the U test's p-value is
/// below o.alpha; an improvement likewise the other way; otherwise unchanged; inconclusive when
/// the repetitions cannot reach p < alpha whatever they hold (2 / C(n1 + n2, n1) >= alpha; 3
/// against 3 gives at best 0.1); an error when a side failed or lacks the metric.
inline gate_result gate(const nlohmann::json& base, const nlohmann::json& current, const gate_options& o = {}) {
    gate_result g;
    g.options = o;
    g.base_description = describe(base);
    g.current_description = describe(current);
    const auto a = group_runs(base);
    const auto b = group_runs(current);
    std::map<std::string, const benchmark_runs*> in_base, in_current;
    for (const auto& x : a) in_base[x.name] = &x;
    for (const auto& x : b) in_current[x.name] = &x;

    // The targets, in order: headline numbers first (in headline order), then by benchmark in
    // the baseline's order and metric in the family's order.
    std::vector<detail::gate_target> targets;
    std::set<std::pair<std::string, std::string>> seen;  // benchmark, metric key
    const auto add = [&](detail::gate_target t) {
        if (seen.insert({t.benchmark, t.m.key}).second) targets.push_back(std::move(t));
    };
    std::vector<std::string> ids;
    std::vector<std::string> keys;
    if (o.metrics.what == metric_selection::kind::headline) {
        ids = headline_ids();
    } else if (o.metrics.what == metric_selection::kind::list) {
        for (const auto& n : o.metrics.names) {
            const auto& h = headline_ids();
            (std::find(h.begin(), h.end(), n) != h.end() ? ids : keys).push_back(n);
        }
    }
    if (!ids.empty()) {
        // A headline counts where both files have it on the same benchmark; one that picks a
        // different benchmark on each side (all threads: 4 here, 8 there) is two one-sided ones.
        const auto hb = detail::headline_targets(base, ids);
        const auto hc = detail::headline_targets(current, ids);
        const auto label = [](const detail::gate_target& t) {
            return t.headline_id + " (" + display_name(t.benchmark) + ")";
        };
        for (const auto& t : hc) {
            const bool both = std::any_of(hb.begin(), hb.end(), [&](const detail::gate_target& x) {
                return x.benchmark == t.benchmark && x.m.key == t.m.key;
            });
            if (both) {
                add(t);
            } else {
                g.only_in_current.push_back(label(t));
            }
        }
        for (const auto& t : hb) {
            const bool both = std::any_of(hc.begin(), hc.end(), [&](const detail::gate_target& x) {
                return x.benchmark == t.benchmark && x.m.key == t.m.key;
            });
            if (!both) g.only_in_base.push_back(label(t));
        }
    }
    if (o.metrics.what != metric_selection::kind::headline) {
        const bool every = o.metrics.what == metric_selection::kind::all;
        for (const auto& ga : a) {
            const auto it = in_current.find(ga.name);
            for (const auto& m : metrics_for(ga.name)) {
                if (!every && std::find(keys.begin(), keys.end(), m.key) == keys.end()) continue;
                if (it == in_current.end()) {
                    if (median_of(ga, m) || !ga.error.empty()) g.only_in_base.push_back(display_name(ga.name) + " " + m.key);
                    continue;
                }
                const benchmark_runs& gb = *it->second;
                if (!ga.error.empty() || !gb.error.empty()) {
                    // A failed benchmark has no values: under "all", one error row (on the
                    // family's first metric) says so; a list gets one per metric it names.
                    if (every && m.key != metrics_for(ga.name).front().key) continue;
                } else if (!median_of(ga, m) && !median_of(gb, m)) {
                    continue;  // not this benchmark's metric (sieve/sweep counts no primes)
                }
                add({ga.name, m, ""});
            }
        }
        for (const auto& gb : b) {
            if (in_base.count(gb.name) != 0) continue;
            for (const auto& m : metrics_for(gb.name)) {
                if (!every && std::find(keys.begin(), keys.end(), m.key) == keys.end()) continue;
                if (median_of(gb, m) || !gb.error.empty()) g.only_in_current.push_back(display_name(gb.name) + " " + m.key);
            }
        }
    }

    for (const auto& t : targets) {
        g.rows.push_back(detail::gate_one(*in_base.at(t.benchmark), *in_current.at(t.benchmark), t.m, t.headline_id, o));
    }

    bool regressed = false;
    bool undecided = false;
    for (const auto& r : g.rows) {
        switch (r.verdict) {
            case gate_verdict::regression:
                ++g.counts.regressions;
                regressed = true;
                break;
            case gate_verdict::improvement:
                ++g.counts.improvements;
                break;
            case gate_verdict::unchanged:
                ++g.counts.unchanged;
                break;
            case gate_verdict::inconclusive:
                ++g.counts.inconclusive;
                undecided = undecided || o.inconclusive == inconclusive_policy::fail;
                break;
            case gate_verdict::error:
                ++g.counts.errors;
                regressed = regressed || r.failed_in_current;
                undecided = undecided || !r.failed_in_current;
                break;
        }
    }
    if (g.rows.empty()) {
        undecided = true;
        g.notes.push_back("no gated metric is in both files: nothing was judged");
    }
    if (g.counts.inconclusive != 0) {
        g.notes.push_back(fmt::format(
            "inconclusive: with n1 and n2 repetitions the U test's p-value is at least 2 / C(n1 + n2, n1), "
            "which must be below alpha {}; run more repetitions (--benchmark_repetitions) or pool "
            "baselines{}",
            o.alpha, o.inconclusive == inconclusive_policy::pass ? " (--inconclusive=pass: not failing)" : ""));
    }
    if (instance_type_of(base) != instance_type_of(current)) {
        g.notes.push_back("the two sides come from different instance types");
    }
    if (base.contains("ec2bench") && base.at("ec2bench").contains("pooled_from")) {
        for (const auto& f : base.at("ec2bench").at("pooled_from")) {
            if (f.value("repetitions", std::size_t{0}) == 0) {
                g.notes.push_back("baseline file '" + f.value("file", std::string()) +
                                  "' has no repetitions (only aggregates?): nothing of it was pooled");
            }
        }
    }
    g.exit_code = regressed ? 1 : undecided ? 2 : 0;
    return g;
}

/// Rows as a table: benchmark, metric, base, current, change, p-value, verdict (with the reason
/// for inconclusive and error).
inline table gate_table(const std::vector<const gate_row*>& rows) {
    table t;
    t.headers = {"benchmark", "metric", "base", "current", "change", "p-value", "verdict"};
    t.right = {false, false, true, true, true, true, false};
    for (const gate_row* r : rows) {
        std::string p = "-";
        if (r->test) {
            p = fmt::format("{:.3g} ({}v{})", r->test->p_value, r->n_base, r->n_current);
        } else if (r->verdict == gate_verdict::inconclusive) {
            p = fmt::format(">= {:.3g} ({}v{})", r->min_p_value, r->n_base, r->n_current);
        }
        std::string verdict(gate_verdict_name(r->verdict));
        if (r->verdict == gate_verdict::inconclusive || r->verdict == gate_verdict::error) verdict += ": " + r->reason;
        t.rows.push_back({display_name(r->benchmark), r->m.label + " (" + r->m.unit + ")", number(r->base),
                          number(r->current), r->change ? fmt::format("{:+.1f}%", *r->change * 100) : "-", p,
                          verdict});
    }
    return t;
}

inline table gate_table(const gate_result& g) {
    std::vector<const gate_row*> rows;
    for (const auto& r : g.rows) rows.push_back(&r);
    return gate_table(rows);
}

inline std::string metric_selection_name(const metric_selection& s) {
    if (s.what == metric_selection::kind::headline) return "headline";
    if (s.what == metric_selection::kind::all) return "all";
    std::string out;
    for (const auto& n : s.names) out += (out.empty() ? "" : ",") + n;
    return out;
}

inline nlohmann::json to_json(const gate_result& g) {
    nlohmann::json rows = nlohmann::json::array();
    const auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    for (const auto& r : g.rows) {
        nlohmann::json j = {{"benchmark", r.benchmark},
                            {"headline", r.headline_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.headline_id)},
                            {"metric", r.m.key},
                            {"label", r.m.label},
                            {"unit", r.m.unit},
                            {"better", r.m.higher_is_better ? "higher" : "lower"},
                            {"base", opt(r.base)},
                            {"current", opt(r.current)},
                            {"change", opt(r.change)},
                            {"repetitions", {r.n_base, r.n_current}},
                            {"min_p_value", r.min_p_value},
                            {"verdict", std::string(gate_verdict_name(r.verdict))},
                            {"reason", r.reason}};
        if (r.test) {
            j["p_value"] = r.test->p_value;
            j["effect_size"] = r.test->effect_size;
            j["test"] = std::string(ec2bench::stats::mwu_method_name(r.test->method));
        } else {
            j["p_value"] = nullptr;
        }
        if (r.verdict == gate_verdict::inconclusive) j["needed_per_side"] = r.needed_per_side;
        rows.push_back(std::move(j));
    }
    return {{"base", {{"source", g.base_source}, {"description", g.base_description}}},
            {"current", {{"source", g.current_source}, {"description", g.current_description}}},
            {"threshold", g.options.threshold},
            {"alpha", g.options.alpha},
            {"metrics", metric_selection_name(g.options.metrics)},
            {"inconclusive", g.options.inconclusive == inconclusive_policy::pass ? "pass" : "fail"},
            {"rows", rows},
            {"only_in_base", g.only_in_base},
            {"only_in_current", g.only_in_current},
            {"notes", g.notes},
            {"summary",
             {{"regressions", g.counts.regressions},
              {"improvements", g.counts.improvements},
              {"unchanged", g.counts.unchanged},
              {"inconclusive", g.counts.inconclusive},
              {"errors", g.counts.errors}}},
            {"summary_line", summary_line(g)},
            {"exit_code", g.exit_code}};
}

namespace detail {

/// Where the two sides came from and how they were judged, as a table (file names and
/// descriptions come from files and are escaped where the table is rendered).
inline table gate_sides(const gate_result& g) {
    const auto side = [](const std::string& source, const std::string& description) {
        if (source.empty()) return description;
        return description.empty() ? source : source + ": " + description;
    };
    table t;
    t.headers = {"", "compared"};
    t.rows = {{"base", side(g.base_source, g.base_description)},
              {"current", side(g.current_source, g.current_description)},
              {"gate", fmt::format("threshold {}, alpha {}, {} metrics", percent(g.options.threshold), g.options.alpha,
                                   metric_selection_name(g.options.metrics))}};
    return t;
}

inline table gate_notes(const gate_result& g) {
    table t;
    t.headers = {"note"};
    for (const auto& n : g.only_in_base) t.rows.push_back({"only in the baseline: " + n});
    for (const auto& n : g.only_in_current) t.rows.push_back({"only in the current run: " + n});
    for (const auto& n : g.notes) t.rows.push_back({n});
    return t;
}

}  // namespace detail

/// A pull-request comment stays well inside GitHub's 65,536 characters: markdown rows beyond
/// this are left out (and counted).
inline constexpr std::size_t markdown_budget = 60000;

namespace detail {

/// The table of the most leading `rows` that keeps `used` + its size within `budget` (at least
/// one row); `cut` is set to how many were left out.
inline std::string fitted_table(const std::vector<const gate_row*>& rows, table_format tf, std::size_t budget,
                                std::size_t used, std::size_t& cut) {
    const auto first = [&](std::size_t k) {
        return gate_table(std::vector<const gate_row*>(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(k)))
            .render(tf);
    };
    const std::size_t room = budget > used ? budget - used : 0;
    std::string whole = first(rows.size());
    cut = 0;
    if (whole.size() <= room || rows.size() <= 1) return whole;
    std::size_t lo = 1, hi = rows.size() - 1;  // a table's size grows with its rows
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo + 1) / 2;
        if (first(mid).size() <= room) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    cut = rows.size() - lo;
    return first(lo);
}

}  // namespace detail

/// The whole result in one format, ending with a newline. table: the sides, the rows, the
/// notes, and summary_line() as the last line. markdown (for a pull-request comment): the same,
/// with the unchanged rows folded in a <details> block, cut to markdown_budget characters.
/// csv: the rows only. json: to_json().
inline std::string render(const gate_result& g, output_format f) {
    if (f == output_format::json) return to_json(g).dump(2) + "\n";
    if (f == output_format::csv) return gate_table(g).render(table_format::csv);
    const table_format tf = f == output_format::markdown ? table_format::markdown : table_format::text;
    std::string out;
    if (f == output_format::markdown) out += "### ec2bench compare\n\n";
    out += detail::gate_sides(g).render(tf) + "\n";
    if (f == output_format::markdown) {
        std::vector<const gate_row*> shown, folded;
        for (const auto& r : g.rows) (r.verdict == gate_verdict::unchanged ? folded : shown).push_back(&r);
        std::size_t cut = 0;
        if (!shown.empty()) out += detail::fitted_table(shown, tf, markdown_budget, out.size(), cut) + "\n";
        if (cut != 0) out += std::to_string(cut) + " more rows left out (the JSON output has all)\n\n";
        if (!folded.empty()) {
            out += "<details><summary>" + std::to_string(folded.size()) + " unchanged</summary>\n\n";
            out += detail::fitted_table(folded, tf, markdown_budget, out.size(), cut);
            if (cut != 0) out += "\n" + std::to_string(cut) + " more unchanged rows left out (the JSON output has all)\n";
            out += "\n</details>\n\n";
        }
    } else if (!g.rows.empty()) {
        out += gate_table(g).render(tf) + "\n";
    }
    const table notes = detail::gate_notes(g);
    if (!notes.rows.empty()) out += notes.render(tf) + "\n";
    out += summary_line(g) + "\n";
    return out;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_GATE_HPP
