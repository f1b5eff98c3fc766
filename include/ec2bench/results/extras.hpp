// SPDX-License-Identifier: MIT
// The per-benchmark extras of a results file (ec2bench.benchmarks): written in schema version 2
// (common facts, each repetition's values, aggregates across repetitions), read back the same
// way from versions 1 and 2. docs/results-schema.md describes both.
#ifndef EC2BENCH_RESULTS_EXTRAS_HPP
#define EC2BENCH_RESULTS_EXTRAS_HPP

#include <ec2bench/gbench/reporter.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::results {

/// One repetition's extras as read back: all its facts (the common ones included) and its values
/// (those that were finite numbers).
struct repetition_extras {
    std::map<std::string, std::string> facts;
    std::map<std::string, double> values;
};

/// One value across the repetitions that have it: mean, median, sample standard deviation (n-1,
/// as Google Benchmark's stddev) and coefficient of variation (stddev / mean).
struct value_aggregates {
    std::size_t count = 0;
    double mean = 0;
    double median = 0;
    std::optional<double> stddev;  ///< none for fewer than 2 repetitions
    std::optional<double> cv;      ///< none for fewer than 2 repetitions, or a mean of 0
};

/// A benchmark's extras, the same whichever schema version they were read from.
///
///     if (auto x = ec2bench::results::extras_of(doc, "fsync/fdatasync/4096/append/iterations:1/manual_time"))
///         for (const auto& w : x->warnings) std::puts(w.c_str());
struct benchmark_extras {
    std::map<std::string, std::string> facts;     ///< those equal in every repetition
    std::vector<std::string> warnings;            ///< every repetition's, each once, in order
    std::vector<repetition_extras> repetitions;   ///< in repetition order; one from a version 1 file
    std::map<std::string, value_aggregates> aggregates;  ///< by value name
};

namespace detail {

/// The aggregates of `v` (finite values; at least one).
inline value_aggregates aggregate_values(std::vector<double> v) {
    value_aggregates a;
    a.count = v.size();
    if (v.empty()) return a;
    double sum = 0;
    for (const double x : v) sum += x;
    a.mean = sum / static_cast<double>(v.size());
    const std::size_t n = v.size();
    a.median = ec2bench::stats::median(v);
    if (n >= 2) {
        // Two passes: the one-pass sum of squares cancels badly when the spread is small.
        double squares = 0;
        for (const double x : v) squares += (x - a.mean) * (x - a.mean);
        a.stddev = std::sqrt(squares / static_cast<double>(n - 1));
        if (a.mean != 0) a.cv = *a.stddev / a.mean;
    }
    return a;
}

/// Builds the normalised view from each repetition's facts, values and warnings.
inline benchmark_extras combine(std::vector<repetition_extras> reps,
                                const std::vector<std::vector<std::string>>& warnings) {
    benchmark_extras out;
    if (!reps.empty()) {
        // A pair, not a structured binding: a lambda may not capture those before C++20 (clang
        // refuses; GCC allows it as an extension).
        for (const auto& fact : reps.front().facts) {
            const bool everywhere = std::all_of(reps.begin() + 1, reps.end(), [&](const repetition_extras& r) {
                const auto it = r.facts.find(fact.first);
                return it != r.facts.end() && it->second == fact.second;
            });
            if (everywhere) out.facts.emplace(fact.first, fact.second);
        }
    }
    std::set<std::string> seen;
    for (const auto& ws : warnings) {
        for (const auto& w : ws) {
            if (seen.insert(w).second) out.warnings.push_back(w);
        }
    }
    std::map<std::string, std::vector<double>> by_name;
    for (const auto& r : reps) {
        for (const auto& [key, value] : r.values) {
            if (std::isfinite(value)) by_name[key].push_back(value);
        }
    }
    for (auto& [key, values] : by_name) out.aggregates.emplace(key, aggregate_values(std::move(values)));
    out.repetitions = std::move(reps);
    return out;
}

inline nlohmann::json number_or_null(std::optional<double> x) {
    if (!x || !std::isfinite(*x)) return nullptr;
    return *x;
}

// Readers of untrusted JSON: members of the wrong type are left out, never thrown on.
inline std::map<std::string, std::string> string_members(const nlohmann::json& j, const char* key) {
    std::map<std::string, std::string> out;
    if (!j.is_object() || !j.contains(key) || !j[key].is_object()) return out;
    for (const auto& [k, v] : j[key].items()) {
        if (v.is_string()) out.emplace(k, v.get<std::string>());
    }
    return out;
}

inline std::map<std::string, double> number_members(const nlohmann::json& j, const char* key) {
    std::map<std::string, double> out;
    if (!j.is_object() || !j.contains(key) || !j[key].is_object()) return out;
    for (const auto& [k, v] : j[key].items()) {
        if (v.is_number()) out.emplace(k, v.get<double>());
    }
    return out;
}

inline std::vector<std::string> string_array(const nlohmann::json& j, const char* key) {
    std::vector<std::string> out;
    if (!j.is_object() || !j.contains(key) || !j[key].is_array()) return out;
    for (const auto& v : j[key]) {
        if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
}

/// A benchmark's entry under ec2bench.benchmarks in a version 2 file.
inline benchmark_extras read_v2_entry(const nlohmann::json& entry) {
    const auto common = string_members(entry, "facts");
    std::vector<repetition_extras> reps;
    if (entry.is_object() && entry.contains("repetitions") && entry["repetitions"].is_array()) {
        for (const auto& r : entry["repetitions"]) {
            repetition_extras x;
            x.facts = common;
            for (auto& [k, v] : string_members(r, "facts")) x.facts[k] = std::move(v);
            x.values = number_members(r, "values");
            reps.push_back(std::move(x));
        }
    }
    benchmark_extras out = combine(std::move(reps), {string_array(entry, "warnings")});
    // A file with no repetitions still says which facts were common.
    if (out.repetitions.empty()) out.facts = common;
    return out;
}

/// A benchmark's entry in a version 1 file: one run's facts, values and warnings.
inline benchmark_extras read_v1_entry(const nlohmann::json& entry) {
    repetition_extras x;
    x.facts = string_members(entry, "facts");
    x.values = number_members(entry, "values");
    return combine({std::move(x)}, {string_array(entry, "warnings")});
}

/// The name without a "/repeats:<n>" component.
inline std::string without_repeats(std::string name) {
    const auto at = name.find("/repeats:");
    if (at == std::string::npos) return name;
    std::size_t end = at + 9;
    while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
    name.erase(at, end - at);
    return name;
}

/// The name without an aggregate suffix ("_mean", "_median", "_stddev", "_cv"), which version 1
/// files had entries under.
inline std::string without_aggregate(const std::string& name) {
    for (std::string_view suffix : {"_mean", "_median", "_stddev", "_cv"}) {
        if (name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            return name.substr(0, name.size() - suffix.size());
        }
    }
    return name;
}

inline int schema_version_of(const nlohmann::json& doc) {
    if (!doc.is_object() || !doc.contains("ec2bench") || !doc["ec2bench"].is_object()) return 0;
    const auto& eb = doc["ec2bench"];
    if (!eb.contains("schema_version") || !eb["schema_version"].is_number_integer()) return 0;
    return eb["schema_version"].get<int>();
}

/// ec2bench.benchmarks of a version 1 or 2 document (the shapes read here), or null.
inline const nlohmann::json* extras_object(const nlohmann::json& doc) {
    const int v = schema_version_of(doc);
    if (v != 1 && v != 2) return nullptr;
    const auto& eb = doc["ec2bench"];
    if (!eb.contains("benchmarks") || !eb["benchmarks"].is_object()) return nullptr;
    return &eb["benchmarks"];
}

}  // namespace detail

/// The ec2bench.benchmarks entry of one benchmark, from its repetitions' extras in order
/// (schema version 2): common facts, warnings, each repetition's values and differing facts,
/// and aggregates.
inline nlohmann::json to_json(const std::vector<ec2bench::gbench::run_extras>& repetitions) {
    std::vector<repetition_extras> reps;
    std::vector<std::vector<std::string>> warnings;
    for (const auto& r : repetitions) {
        reps.push_back({r.facts, r.values});
        warnings.push_back(r.warnings);
    }
    const benchmark_extras x = detail::combine(std::move(reps), warnings);
    nlohmann::json out = {{"facts", x.facts}, {"warnings", x.warnings}};
    nlohmann::json reps_json = nlohmann::json::array();
    for (const auto& r : repetitions) {
        // Non-finite values are written as null, as Google Benchmark's are (see make_document).
        nlohmann::json values = nlohmann::json::object();
        for (const auto& [k, v] : r.values) values[k] = detail::number_or_null(v);
        nlohmann::json rep = {{"values", values}};
        nlohmann::json own = nlohmann::json::object();
        for (const auto& [k, v] : r.facts) {
            if (x.facts.count(k) == 0) own[k] = v;
        }
        if (!own.empty()) rep["facts"] = own;
        reps_json.push_back(std::move(rep));
    }
    out["repetitions"] = std::move(reps_json);
    nlohmann::json mean = nlohmann::json::object(), median = nlohmann::json::object(),
                   stddev = nlohmann::json::object(), cv = nlohmann::json::object();
    for (const auto& [k, a] : x.aggregates) {
        mean[k] = detail::number_or_null(a.mean);
        median[k] = detail::number_or_null(a.median);
        stddev[k] = detail::number_or_null(a.stddev);
        cv[k] = detail::number_or_null(a.cv);
    }
    out["aggregates"] = {{"mean", mean}, {"median", median}, {"stddev", stddev}, {"cv", cv}};
    return out;
}

/// Every benchmark's extras in a results document (schema version 1 or 2), by run name. A
/// version 1 file had the same run's extras also under each aggregate's name ("..._mean"); they
/// count once, under the run name.
inline std::map<std::string, benchmark_extras> all_extras(const nlohmann::json& doc) {
    std::map<std::string, benchmark_extras> out;
    const nlohmann::json* entries = detail::extras_object(doc);
    if (entries == nullptr) return out;
    const bool v1 = detail::schema_version_of(doc) == 1;
    for (const auto& [name, entry] : entries->items()) {
        if (!v1) {
            out.emplace(name, detail::read_v2_entry(entry));
            continue;
        }
        const std::string run_name = detail::without_aggregate(name);
        if (run_name != name && entries->contains(run_name)) continue;  // a copy of that entry
        out.emplace(run_name, detail::read_v1_entry(entry));
    }
    return out;
}

/// A benchmark's extras in a results document (schema version 1 or 2), by its run name
/// (Google Benchmark's run_name); nothing when it has none. A name without its "/repeats:<n>"
/// finds the entry with it.
inline std::optional<benchmark_extras> extras_of(const nlohmann::json& doc, const std::string& run_name) {
    const nlohmann::json* entries = detail::extras_object(doc);
    if (entries == nullptr) return std::nullopt;
    const bool v1 = detail::schema_version_of(doc) == 1;
    const auto read = [&](const nlohmann::json& entry) {
        return v1 ? detail::read_v1_entry(entry) : detail::read_v2_entry(entry);
    };
    if (entries->contains(run_name)) return read(entries->at(run_name));
    if (v1) {
        // A version 1 file written with --benchmark_report_aggregates_only has only these.
        for (const char* suffix : {"_mean", "_median", "_stddev", "_cv"}) {
            if (entries->contains(run_name + suffix)) return read(entries->at(run_name + suffix));
        }
    }
    for (const auto& [name, entry] : entries->items()) {
        const bool aggregate_copy = v1 && detail::without_aggregate(name) != name;
        if (!aggregate_copy && detail::without_repeats(name) == run_name) return read(entry);
    }
    return std::nullopt;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_EXTRAS_HPP
