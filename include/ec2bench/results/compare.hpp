// SPDX-License-Identifier: MIT
// Comparing two results files benchmark by benchmark: each family's metrics, the change between
// the medians, and, where both sides have repetitions, the Mann-Whitney U test on them. A
// baseline may pool several files of one instance type (pool_documents, read_baseline).
//
//     auto c = ec2bench::results::compare(read_document("a.json"), read_document("b.json"));
//     std::fputs(ec2bench::results::comparison_table(c).render().c_str(), stdout);
#ifndef EC2BENCH_RESULTS_COMPARE_HPP
#define EC2BENCH_RESULTS_COMPARE_HPP

#include <ec2bench/results/document.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/report.hpp>
#include <ec2bench/results/table.hpp>
#include <ec2bench/stats/compare.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ec2bench::results {

struct comparison_row {
    std::string benchmark;
    metric m;
    std::optional<double> base, current;  ///< medians, presented (scaled)
    /// current / base - 1 of the presented medians (+0.25: the number shown rose by 25%);
    /// nothing without both medians or when the base is 0
    std::optional<double> change;
    std::size_t n_base = 0, n_current = 0;  ///< repetitions with a value
    std::optional<ec2bench::stats::mann_whitney_result> test;  ///< when both sides have 2+
    std::string verdict;  ///< "better", "worse", "same" (not significant), "?" (no test), "error"
    std::string error;
};

struct comparison {
    std::string base_description, current_description;
    std::vector<comparison_row> rows;
    std::vector<std::string> only_in_base, only_in_current;
    std::vector<std::string> notes;
    double alpha = 0.05;
};

/// "m6i.large, eu-west-1b, Intel(R) Xeon(R) ..., 2 CPUs, 2026-11-23T10:00:00Z".
inline std::string describe(const nlohmann::json& doc) {
    const auto& eb = doc.at("ec2bench");
    std::vector<std::string> parts;
    const auto fact = [&](const char* key) -> std::string {
        if (!eb.contains("ec2") || !eb["ec2"].contains(key) || !eb["ec2"][key].is_object()) return "";
        return eb["ec2"][key].value("value", std::string());
    };
    if (const auto t = fact("instance_type"); !t.empty()) parts.push_back(t);
    if (const auto z = fact("availability_zone"); !z.empty()) {
        parts.push_back(z);
    } else if (const auto r = fact("region"); !r.empty()) {
        parts.push_back(r);
    }
    if (eb.contains("host")) {
        const auto& h = eb["host"];
        if (const auto m = h.value("cpu_model", std::string()); !m.empty()) parts.push_back(m);
        if (h.value("logical_cpus", 0) > 0) parts.push_back(fmt::format("{} CPUs", h.value("logical_cpus", 0)));
    }
    if (const auto s = eb.value("started_at", std::string()); !s.empty()) parts.push_back(s);
    if (eb.contains("pooled_from") && eb["pooled_from"].is_array() && eb["pooled_from"].size() > 1) {
        const auto& from = eb["pooled_from"];
        const auto started = [](const nlohmann::json& f) { return f.value("started_at", std::string("?")); };
        parts.push_back(fmt::format("pooled from {} files ({} to {})", from.size(), started(from.front()),
                                    started(from.back())));
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

/// The instance type a results document records, or "" when it has none (not on EC2).
inline std::string instance_type_of(const nlohmann::json& d) {
    // const operator[] on a missing key is undefined behaviour in nlohmann/json: check first.
    if (!d.contains("ec2bench") || !d.at("ec2bench").contains("ec2")) return "";
    const auto& e = d.at("ec2bench").at("ec2");
    if (!e.contains("instance_type") || !e.at("instance_type").is_object()) return "";
    return e.at("instance_type").value("value", std::string());
}

/// current / base - 1, or nothing when base is 0 or either is not a finite number.
inline std::optional<double> relative_change(double base, double current) {
    if (base == 0 || !std::isfinite(base) || !std::isfinite(current)) return std::nullopt;
    return current / base - 1;
}

/// Compares `current` against `base`. Benchmarks are matched by name; each is compared on every
/// metric of its family (the first is the primary one). With repetitions on both sides the U
/// test decides between "better"/"worse" and "same" at `alpha`; without, the verdict is "?".
inline comparison compare(const nlohmann::json& base, const nlohmann::json& current, double alpha = 0.05) {
    comparison c;
    c.alpha = alpha;
    c.base_description = describe(base);
    c.current_description = describe(current);
    const auto a = group_runs(base);
    const auto b = group_runs(current);
    std::map<std::string, const benchmark_runs*> by_name;
    for (const auto& g : b) by_name[g.name] = &g;
    std::set<std::string> matched;
    bool any_untested = false;
    for (const auto& ga : a) {
        const auto it = by_name.find(ga.name);
        if (it == by_name.end()) {
            c.only_in_base.push_back(ga.name);
            continue;
        }
        matched.insert(ga.name);
        const benchmark_runs& gb = *it->second;
        for (const metric& m : metrics_for(ga.name)) {
            comparison_row row;
            row.benchmark = ga.name;
            row.m = m;
            if (!ga.error.empty() || !gb.error.empty()) {
                row.verdict = "error";
                row.error = !gb.error.empty() ? "current: " + gb.error : "base: " + ga.error;
                c.rows.push_back(row);
                break;
            }
            const auto va = values_of(ga, m);
            const auto vb = values_of(gb, m);
            const auto ma = median_of(ga, m);
            const auto mb = median_of(gb, m);
            if (!ma || !mb) continue;  // this family member lacks the metric
            row.base = presented(*ma, m);
            row.current = presented(*mb, m);
            row.change = relative_change(*row.base, *row.current);
            row.n_base = va.size();
            row.n_current = vb.size();
            const bool up = *mb > *ma;  // raw values: reciprocal metrics invert the direction
            const bool improved = (up == m.higher_is_better) != m.reciprocal;
            if (va.size() >= 2 && vb.size() >= 2) {
                row.test = ec2bench::stats::mann_whitney_u(vb, va);
                row.verdict = row.test->p_value < alpha ? (improved ? "better" : "worse") : "same";
            } else {
                row.verdict = *ma == *mb ? "same" : "?";
                any_untested = any_untested || *ma != *mb;
            }
            c.rows.push_back(row);
        }
    }
    for (const auto& g : b) {
        if (matched.count(g.name) == 0) c.only_in_current.push_back(g.name);
    }
    if (any_untested) {
        c.notes.push_back(
            "\"?\": too few repetitions for a test; run both sides with --benchmark_repetitions=5 "
            "(or more) for a Mann-Whitney U test");
    }
    if (instance_type_of(base) != instance_type_of(current)) {
        c.notes.push_back("the two files come from different instance types");
    }
    return c;
}

/// The comparison as a table: benchmark, metric, base, current, change, p-value, verdict.
inline table comparison_table(const comparison& c) {
    table t;
    t.headers = {"benchmark", "metric", "base", "current", "change", "p-value", "verdict"};
    t.right = {false, false, true, true, true, true, false};
    for (const auto& r : c.rows) {
        if (!r.error.empty()) {
            t.rows.push_back({display_name(r.benchmark), r.m.label, "", "", "", "", "error: " + r.error});
            continue;
        }
        const std::string change = r.change ? fmt::format("{:+.1f}%", *r.change * 100) : "-";
        std::string p = "-";
        if (r.test) p = fmt::format("{:.3g} ({}v{})", r.test->p_value, r.n_base, r.n_current);
        t.rows.push_back({display_name(r.benchmark), r.m.label + " (" + r.m.unit + ")", number(r.base),
                          number(r.current), change, p, r.verdict});
    }
    return t;
}

inline nlohmann::json to_json(const comparison& c) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : c.rows) {
        nlohmann::json j = {{"benchmark", r.benchmark},
                            {"metric", r.m.key},
                            {"unit", r.m.unit},
                            {"higher_is_better", r.m.higher_is_better != r.m.reciprocal},
                            {"verdict", r.verdict},
                            {"repetitions", {r.n_base, r.n_current}}};
        j["base"] = r.base ? nlohmann::json(*r.base) : nlohmann::json(nullptr);
        j["current"] = r.current ? nlohmann::json(*r.current) : nlohmann::json(nullptr);
        j["change"] = r.change ? nlohmann::json(*r.change) : nlohmann::json(nullptr);
        if (r.test) {
            j["p_value"] = r.test->p_value;
            j["effect_size"] = r.test->effect_size;
            j["test"] = std::string(ec2bench::stats::mwu_method_name(r.test->method));
        }
        if (!r.error.empty()) j["error"] = r.error;
        rows.push_back(j);
    }
    return {{"base", c.base_description},
            {"current", c.current_description},
            {"alpha", c.alpha},
            {"rows", rows},
            {"only_in_base", c.only_in_base},
            {"only_in_current", c.only_in_current},
            {"notes", c.notes}};
}

/// One results file of a baseline: what the user named it, and its document.
struct named_document {
    std::string name;
    nlohmann::json doc;
};

namespace detail {

inline std::string started_at_of(const nlohmann::json& d) {
    if (!d.contains("ec2bench") || !d.at("ec2bench").is_object()) return "";
    return d.at("ec2bench").value("started_at", std::string());
}

}  // namespace detail

/// Several runs of one instance type as one baseline document, so that a gate compares against
/// the last N runs rather than one: every repetition of a benchmark (same run name) in any file
/// becomes a repetition of it in the pool. The files are ordered by ec2bench.started_at (oldest
/// first, files without one first); `last` > 0 keeps the newest `last` of them. With more than
/// one file Google Benchmark's aggregates are dropped (a mean of one file is not one of the
/// pool). The context and the ec2bench object are the newest file's, plus
/// ec2bench.pooled_from: [{file, started_at, repetitions}] in pool order.
///
///     auto base = ec2bench::results::pool_documents({{"a.json", a}, {"b.json", b}});
///
/// Throws std::invalid_argument when there is no file, or when the files kept ran on different
/// instance types (pooling would mix two machines' distributions: compare them separately).
inline nlohmann::json pool_documents(std::vector<named_document> docs, std::size_t last = 0) {
    if (docs.empty()) throw std::invalid_argument("baseline: no results files to pool");
    std::stable_sort(docs.begin(), docs.end(), [](const named_document& a, const named_document& b) {
        return detail::started_at_of(a.doc) < detail::started_at_of(b.doc);
    });
    if (last > 0 && docs.size() > last) docs.erase(docs.begin(), docs.end() - static_cast<std::ptrdiff_t>(last));
    const std::string type = instance_type_of(docs.front().doc);
    for (const auto& d : docs) {
        const std::string t = instance_type_of(d.doc);
        if (t == type) continue;
        const auto on = [](const std::string& x) { return x.empty() ? std::string("no instance type") : x; };
        throw std::invalid_argument("baseline: '" + docs.front().name + "' ran on " + on(type) + " but '" +
                                    d.name + "' on " + on(t) +
                                    ": pool the runs of one instance type (compare the others separately)");
    }
    if (docs.size() == 1) return docs.front().doc;
    nlohmann::json pool = docs.back().doc;
    nlohmann::json runs = nlohmann::json::array();
    nlohmann::json from = nlohmann::json::array();
    for (const auto& d : docs) {
        std::size_t repetitions = 0;
        for (const auto& run : d.doc.at("benchmarks")) {
            // (Not run.value(): GCC 12 at -O3 sees a null dereference in it here, falsely.)
            const auto run_type = run.find("run_type");
            if (run_type != run.end() && *run_type == "aggregate") continue;
            runs.push_back(run);
            ++repetitions;
        }
        from.push_back({{"file", d.name}, {"started_at", detail::started_at_of(d.doc)}, {"repetitions", repetitions}});
    }
    pool["benchmarks"] = std::move(runs);
    pool["ec2bench"]["pooled_from"] = std::move(from);
    return pool;
}

/// Reads a baseline: each input is a results file or a directory of them (*.json), all read
/// with read_document() and pooled with pool_documents(..., last).
///
///     auto base = ec2bench::results::read_baseline({"baselines/"}, 5);   // the newest 5 runs
///
/// Throws std::runtime_error for a file that cannot be read or is not a results file,
/// std::invalid_argument for inputs that name no file or mix instance types.
inline nlohmann::json read_baseline(const std::vector<std::string>& inputs, std::size_t last = 0) {
    const auto files = expand_inputs(inputs);
    if (files.empty()) {
        std::string named;
        for (const auto& i : inputs) named += (named.empty() ? "'" : ", '") + i + "'";
        throw std::invalid_argument("baseline: no results files in " + (named.empty() ? std::string("(nothing)") : named) +
                                    " (name files, or directories of *.json)");
    }
    std::vector<named_document> docs;
    for (const auto& f : files) docs.push_back({f, read_document(f)});
    return pool_documents(std::move(docs), last);
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_COMPARE_HPP
