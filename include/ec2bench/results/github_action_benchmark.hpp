// SPDX-License-Identifier: MIT
// A results file as github-action-benchmark's custom JSON (tools customBiggerIsBetter and
// customSmallerIsBetter): an array of {name, unit, value, range, extra}. Its googlecpp parser
// keeps only real_time; this keeps ec2bench's own counters (GB/s, IOPS, p99, ns per record).
// The format: the "customBiggerIsBetter" paragraph of the README of
// https://github.com/benchmark-action/github-action-benchmark. docs/ci.md shows the workflow.
#ifndef EC2BENCH_RESULTS_GITHUB_ACTION_BENCHMARK_HPP
#define EC2BENCH_RESULTS_GITHUB_ACTION_BENCHMARK_HPP

#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/slo.hpp>
#include <ec2bench/stats/summary.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ec2bench::results {

/// Which of github-action-benchmark's two custom tools the output is for.
enum class better_direction { bigger, smaller };

/// Parses "bigger" or "smaller".
inline better_direction parse_better_direction(std::string_view s) {
    if (s == "bigger") return better_direction::bigger;
    if (s == "smaller") return better_direction::smaller;
    throw std::invalid_argument("--better=" + std::string(s) +
                                ": expected bigger (for the customBiggerIsBetter tool) or smaller (customSmallerIsBetter)");
}

/// One entry per benchmark and metric of that direction (metrics_for(), as presented: GB/s and
/// IOPS are bigger-is-better, p99 us and ns per record smaller): name "<benchmark> (<label>)",
/// unit, value the median of the repetitions, range "± h" with h the half-width of the median's
/// distribution-free interval at `confidence` (left out below the repetitions it needs: 6 for
/// 95%), extra "instance type: ...\nrepetitions: N" (and the interval). Failed benchmarks and
/// metrics a benchmark lacks are left out.
///
///     std::puts(rs::github_action_benchmark(doc, rs::better_direction::bigger).dump(2).c_str());
inline nlohmann::json github_action_benchmark(const nlohmann::json& doc, better_direction better,
                                              double confidence = 0.95) {
    const std::string type = instance_type_of(doc);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& b : group_runs(doc)) {
        if (!b.error.empty()) continue;
        for (const auto& m : metrics_for(b.name)) {
            if (m.higher_is_better != (better == better_direction::bigger)) continue;
            const auto median = median_of(b, m);
            if (!median) continue;
            const auto values = values_of(b, m);
            nlohmann::json e = {{"name", display_name(b.name) + " (" + m.label + ")"},
                                {"unit", m.unit},
                                {"value", presented(*median, m)}};
            std::string extra = "instance type: " + (type.empty() ? std::string("unknown (not EC2)") : type) +
                                "\nrepetitions: " + std::to_string(values.size());
            if (values.size() >= median_interval_min_count(confidence)) {
                const auto ci = ec2bench::stats::quantile_ci(values, 0.5, confidence);
                // presented() may invert (items/s to ns per item): the ends swap, the width holds.
                const double lo = presented(ci.lower, m);
                const double hi = presented(ci.upper, m);
                e["range"] = fmt::format("± {:.6g}", std::abs(hi - lo) / 2);
                extra += fmt::format("\n{:g}% interval of the median: [{:.6g}, {:.6g}] {}", 100 * confidence,
                                     std::min(lo, hi), std::max(lo, hi), m.unit);
            }
            e["extra"] = extra;
            out.push_back(std::move(e));
        }
    }
    return out;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_GITHUB_ACTION_BENCHMARK_HPP
