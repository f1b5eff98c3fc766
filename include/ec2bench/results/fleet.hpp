// SPDX-License-Identifier: MIT
// The fleet report's data: results files pooled into groups (by instance type, CPU or file), each
// headline metric as a median with a 95% interval, ranks with ties, the price of an instance-hour
// and the performance per dollar. The text, CSV, JSON and HTML forms all render this one model.
//
// (Skeleton: the types are the contract between the aggregation and the renderers; the functions
// that fill them land with the report.)
#ifndef EC2BENCH_RESULTS_FLEET_HPP
#define EC2BENCH_RESULTS_FLEET_HPP

#include <ec2bench/results/prices.hpp>

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ec2bench::results {

/// How results files are pooled. Off EC2 (no instance type) `instance_type` falls back to `cpu`.
enum class group_by { instance_type, cpu, file };

/// A point estimate with its 95% interval, in the metric's presented unit.
struct estimate {
    double value = std::nan("");
    double low = std::nan("");   ///< interval, NaN when too few values for one
    double high = std::nan("");
    std::string method;  ///< how the interval was made, e.g. "order statistics" or "none (n=2)"
};

/// One headline metric of one group.
struct group_metric {
    std::string id;     ///< headline id: triad_gbps, primes_per_second_1t, ... (metrics.hpp)
    std::string label;  ///< for people
    std::string unit;   ///< GB/s, M/s, IOPS, us, ns
    bool higher_is_better = true;
    estimate perf;                ///< median over every repetition of every file of the group
    std::size_t files = 0;        ///< files (instances) that have the metric
    std::size_t repetitions = 0;  ///< values pooled
    int rank = 0;                 ///< 1 is best; groups whose intervals overlap share a rank
    std::optional<estimate> per_dollar;  ///< performance per US dollar, when a price is known
    std::string per_dollar_unit;         ///< e.g. "GB/s per $/h", "M primes per $"
    int per_dollar_rank = 0;
};

/// A quantile of a latency distribution (fsync p50 ... p99.9), pooled like a metric.
struct group_quantile {
    std::string label;  ///< "p50", "p90", "p99", "p99.9"
    double q = 0;       ///< 0.5, 0.9, 0.99, 0.999
    estimate us;
};

/// One point of the STREAM thread sweep.
struct group_sweep_point {
    unsigned threads = 0;
    estimate gbps;
};

/// A group of results files pooled together.
struct fleet_group {
    std::string key;  ///< what the group is: the instance type, "CPU model x N", or the file name
    std::string instance_type, region, market, architecture, cpu;
    unsigned cpus = 0;
    std::vector<std::string> files;
    std::vector<group_metric> metrics;              ///< in headline order, those the group has
    std::vector<group_quantile> fsync_latency;      ///< fdatasync 4 KiB percentiles, if measured
    std::vector<group_sweep_point> stream_sweep;    ///< triad GB/s by thread count, if measured
    std::optional<price_quote> price;               ///< the price used, and where it came from
    std::vector<std::string> versions;              ///< ec2bench versions seen (provenance)
    std::string first_started_at, last_started_at;  ///< dates of the runs (provenance)
    std::vector<std::string> warnings;  ///< disagreeing facts, stale or missing price, partial files
};

/// The whole report.
struct fleet_report {
    group_by grouping = group_by::instance_type;
    std::string generated_on;  ///< YYYY-MM-DD, the "today" stale prices are judged against
    std::vector<fleet_group> groups;  ///< in rank order of the first metric
    std::vector<std::string> skipped;  ///< "file: why" for inputs that were not results files
    std::vector<std::string> warnings;  ///< report-wide
};

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_FLEET_HPP
