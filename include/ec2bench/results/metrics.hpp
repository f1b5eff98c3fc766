// SPDX-License-Identifier: MIT
// Reading numbers out of results documents: each family's primary metric (which counter, which
// way is better), per-benchmark values across repetitions, and the suite's headline numbers.
#ifndef EC2BENCH_RESULTS_METRICS_HPP
#define EC2BENCH_RESULTS_METRICS_HPP

#include <ec2bench/stats/quantile.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ec2bench::results {

/// A benchmark name without the suffixes Google Benchmark adds for how it was run
/// ("/iterations:10", "/manual_time", "/real_time", "/repeats:5", "/min_time:0.500"), for
/// people to read.
inline std::string display_name(std::string name) {
    for (const char* suffix : {"/manual_time", "/real_time", "/process_time"}) {
        const auto at = name.find(suffix);
        if (at != std::string::npos) name.erase(at, std::string_view(suffix).size());
    }
    for (const char* key : {"/iterations:", "/repeats:", "/min_time:", "/min_warmup_time:"}) {
        const auto at = name.find(key);
        if (at == std::string::npos) continue;
        const auto end = name.find('/', at + 1);
        name.erase(at, end == std::string::npos ? std::string::npos : end - at);
    }
    return name;
}

/// A number to read from a run, and how to present and judge it.
struct metric {
    std::string key;        ///< a counter, or "real_time" / "cpu_time" (converted to ns)
    std::string label;      ///< e.g. "best GB/s"
    std::string unit;       ///< after scaling: "GB/s", "IOPS", "ns", "us"
    double scale = 1;       ///< multiply the raw value by this (1e-9 for bytes/s -> GB/s)
    bool higher_is_better = true;
    bool reciprocal = false;  ///< show 1/x (items per second -> ns per item) before scaling
};

/// The metrics compared for a benchmark, by family (the name's first component). The first is
/// the primary one.
inline std::vector<metric> metrics_for(std::string_view benchmark_name) {
    const std::string_view family = benchmark_name.substr(0, benchmark_name.find('/'));
    if (family == "stream") {
        return {{"best_bytes_per_second", "best GB/s", "GB/s", 1e-9, true, false},
                {"bytes_per_second", "mean GB/s", "GB/s", 1e-9, true, false}};
    }
    if (family == "sieve") {
        return {{"items_per_second", "numbers/s", "G/s", 1e-9, true, false},
                {"primes_per_second", "primes/s", "M/s", 1e-6, true, false}};
    }
    if (family == "fsync") {
        return {{"items_per_second", "IOPS", "IOPS", 1, true, false},
                {"p99_us", "p99", "us", 1, false, false},
                {"p50_us", "p50", "us", 1, false, false}};
    }
    if (family == "measure") {  // a user's callable, gbench::register_measure: ns per call
        return {{"p50_us", "p50", "us", 1, false, false},
                {"p99_us", "p99", "us", 1, false, false},
                {"items_per_second", "calls/s", "/s", 1, true, false}};
    }
    if (family == "stats") {
        return {{"items_per_second", "ns/item", "ns", 1e9, false, true}};
    }
    return {{"items_per_second", "items/s", "/s", 1, true, false},
            {"real_time", "time", "ns", 1, false, false}};
}

namespace detail {

inline double to_ns(double t, const std::string& unit) {
    if (unit == "us") return t * 1e3;
    if (unit == "ms") return t * 1e6;
    if (unit == "s") return t * 1e9;
    return t;
}

}  // namespace detail

/// The raw value of `m` in one run (before scale and reciprocal), or nothing when the run has no
/// such number or failed. "primes_per_second" is derived from the sieve's primes counter and the
/// run's real time.
inline std::optional<double> raw_value(const nlohmann::json& run, const metric& m) {
    if (run.value("error_occurred", false)) return std::nullopt;
    if (m.key == "real_time" || m.key == "cpu_time") {
        if (!run.contains(m.key) || !run[m.key].is_number()) return std::nullopt;
        return detail::to_ns(run[m.key].get<double>(), run.value("time_unit", std::string("ns")));
    }
    if (m.key == "primes_per_second") {
        // null (a NaN in Google Benchmark's output) is no value.
        if (!run.contains("primes") || !run["primes"].is_number() || !run.contains("real_time") ||
            !run["real_time"].is_number() || !run.contains("iterations")) {
            return std::nullopt;
        }
        const double ns = detail::to_ns(run["real_time"].get<double>(),
                                        run.value("time_unit", std::string("ns")));
        if (ns <= 0) return std::nullopt;
        return run["primes"].get<double>() / (ns * 1e-9);
    }
    if (!run.contains(m.key) || !run[m.key].is_number()) return std::nullopt;
    return run[m.key].get<double>();
}

/// The value as presented: reciprocal, then scale.
inline double presented(double raw, const metric& m) {
    const double v = m.reciprocal ? (raw != 0 ? 1.0 / raw : std::nan("")) : raw;
    return v * m.scale;
}

/// A benchmark's runs in a document, grouped by name: the per-repetition values (iteration runs)
/// and Google Benchmark's aggregates, if any.
struct benchmark_runs {
    std::string name;
    std::vector<const nlohmann::json*> iterations;
    std::map<std::string, const nlohmann::json*> aggregates;  ///< "mean", "median", "stddev", "cv"
    std::string error;  ///< the first error message, when a run failed
};

/// The benchmarks of a document in file order, by run_name (so repetitions and aggregates of
/// one benchmark come together).
inline std::vector<benchmark_runs> group_runs(const nlohmann::json& doc) {
    std::vector<benchmark_runs> out;
    std::map<std::string, std::size_t> index;
    for (const auto& run : doc.at("benchmarks")) {
        const std::string name = run.value("run_name", run.value("name", std::string()));
        auto it = index.find(name);
        if (it == index.end()) {
            it = index.emplace(name, out.size()).first;
            out.push_back({name, {}, {}, {}});
        }
        benchmark_runs& b = out[it->second];
        if (run.value("error_occurred", false) && b.error.empty()) {
            b.error = run.value("error_message", std::string("error"));
        }
        if (run.value("run_type", std::string("iteration")) == "aggregate") {
            b.aggregates[run.value("aggregate_name", std::string())] = &run;
        } else {
            b.iterations.push_back(&run);
        }
    }
    return out;
}

/// The per-repetition values of a metric (failed runs left out).
inline std::vector<double> values_of(const benchmark_runs& b, const metric& m) {
    std::vector<double> v;
    for (const auto* run : b.iterations) {
        if (const auto x = raw_value(*run, m)) v.push_back(*x);
    }
    return v;
}

/// One number for a benchmark: the median of its repetitions, else Google Benchmark's median
/// aggregate (reported with --benchmark_report_aggregates_only), else nothing.
inline std::optional<double> median_of(const benchmark_runs& b, const metric& m) {
    const std::vector<double> v = values_of(b, m);
    if (!v.empty()) return ec2bench::stats::median(v);
    const auto it = b.aggregates.find("median");
    if (it != b.aggregates.end()) return raw_value(*it->second, m);
    return std::nullopt;
}

/// One of the suite's headline numbers.
struct headline {
    std::string id;        ///< stable key: triad_gbps, primes_per_second_1t, ...
    std::string label;     ///< for people
    std::string unit;
    std::optional<double> value;
    std::string benchmark;  ///< where it came from
    std::string error;      ///< why there is no value, when the benchmark failed
    metric m;               ///< the metric read from `benchmark`
};

namespace detail {

inline bool name_starts(const std::string& name, std::string_view prefix) {
    return name.compare(0, prefix.size(), prefix) == 0 &&
           (name.size() == prefix.size() || name[prefix.size()] == '/');
}

inline int threads_in_name(const std::string& name) {
    const auto at = name.find("threads:");
    if (at == std::string::npos) return -1;
    return std::atoi(name.c_str() + at + 8);
}

}  // namespace detail

/// The headline numbers of a results document (those it has): STREAM triad GB/s, primes per
/// second on one thread and on all, fdatasync 4 KiB IOPS and p99, histogram record ns.
inline std::vector<headline> headlines(const nlohmann::json& doc) {
    const auto groups = group_runs(doc);
    std::vector<headline> out;
    const auto take = [&](const std::string& id, const std::string& label, const benchmark_runs* b,
                          const metric& m) {
        if (b == nullptr) return;
        headline h{id, label, m.unit, std::nullopt, b->name, b->error, m};
        if (const auto v = median_of(*b, m)) h.value = presented(*v, m);
        out.push_back(std::move(h));
    };
    const auto find = [&](std::string_view prefix) -> const benchmark_runs* {
        for (const auto& b : groups) {
            if (detail::name_starts(b.name, prefix)) return &b;
        }
        return nullptr;
    };
    take("triad_gbps", "STREAM triad (double), best", find("stream/triad/double"),
         {"best_bytes_per_second", "best GB/s", "GB/s", 1e-9, true, false});

    // The sieve: one thread from sieve/count (or the sweep), all threads from sieve/count.
    const benchmark_runs* one = nullptr;
    const benchmark_runs* all = nullptr;
    int most = 0;
    for (const auto& b : groups) {
        if (!detail::name_starts(b.name, "sieve/count") && !detail::name_starts(b.name, "sieve/sweep")) {
            continue;
        }
        const int t = detail::threads_in_name(b.name);
        const bool count = detail::name_starts(b.name, "sieve/count");
        if (t == 1 && (one == nullptr || count)) one = &b;
        if (count && t > most) {
            most = t;
            all = &b;
        }
    }
    const metric primes{"primes_per_second", "primes/s", "M/s", 1e-6, true, false};
    take("primes_per_second_1t", "primes per second, 1 thread", one, primes);
    if (all != nullptr && all != one) {
        take("primes_per_second_all", "primes per second, " + std::to_string(most) + " threads", all,
             primes);
    }

    const benchmark_runs* fd = find("fsync/fdatasync/4096");
    take("fdatasync_iops", "fdatasync 4 KiB writes", fd, {"items_per_second", "IOPS", "IOPS", 1, true, false});
    take("fdatasync_p99_us", "fdatasync 4 KiB p99 latency", fd, {"p99_us", "p99", "us", 1, false, false});

    take("histogram_record_ns", "histogram record", find("stats/histogram/record"),
         {"items_per_second", "ns/item", "ns", 1e9, false, true});
    return out;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_METRICS_HPP
