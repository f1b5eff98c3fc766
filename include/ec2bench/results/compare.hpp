// Comparing two results files benchmark by benchmark: each family's metrics, the change between
// the medians, and, where both sides have repetitions, the Mann-Whitney U test on them.
//
//     auto c = ec2bench::results::compare(read_document("a.json"), read_document("b.json"));
//     std::fputs(ec2bench::results::comparison_table(c).render().c_str(), stdout);
#ifndef EC2BENCH_RESULTS_COMPARE_HPP
#define EC2BENCH_RESULTS_COMPARE_HPP

#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/table.hpp>
#include <ec2bench/stats/compare.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ec2bench::results {

struct comparison_row {
    std::string benchmark;
    metric m;
    std::optional<double> base, current;  ///< medians, presented (scaled)
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
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
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
    const auto type_of = [](const nlohmann::json& d) -> std::string {
        // const operator[] on a missing key is undefined behaviour in nlohmann/json: check first.
        if (!d.contains("ec2bench") || !d.at("ec2bench").contains("ec2")) return "";
        const auto& e = d.at("ec2bench").at("ec2");
        if (!e.contains("instance_type") || !e.at("instance_type").is_object()) return "";
        return e.at("instance_type").value("value", std::string());
    };
    if (type_of(base) != type_of(current)) {
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
        std::string change = "-";
        if (r.base && r.current && *r.base != 0) {
            change = fmt::format("{:+.1f}%", (*r.current / *r.base - 1) * 100);
        }
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

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_COMPARE_HPP
