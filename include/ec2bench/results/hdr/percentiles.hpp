// SPDX-License-Identifier: MIT
// HdrHistogram's percentile distribution text (.hgrm), as outputPercentileDistribution prints
// it, and HistogramLogProcessor's overall distribution of an interval log.
#ifndef EC2BENCH_RESULTS_HDR_PERCENTILES_HPP
#define EC2BENCH_RESULTS_HDR_PERCENTILES_HPP

#include <ec2bench/results/hdr/encoding.hpp>
#include <ec2bench/results/hdr/histogram.hpp>
#include <ec2bench/results/hdr/log.hpp>
#include <ec2bench/stats/histogram.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ec2bench::results::hdr {

/// One line of a percentile distribution.
struct percentile_line {
    std::uint64_t value = 0;    ///< the highest value of the bucket reached
    double percentile = 0;      ///< the level iterated to, 0 to 100
    std::uint64_t total = 0;    ///< the count up to and including that bucket
};

/// The levels HdrHistogram's PercentileIterator reports: `ticks_per_half` steps in each half of
/// the remaining distance to 100% (0, 10, ... 50, 55, ... 75, 77.5, ...), each at the first
/// bucket whose cumulative share reaches it, then a last line at 100%.
inline std::vector<percentile_line> percentile_lines(const histogram& h, int ticks_per_half = 5) {
    if (ticks_per_half < 1) {
        throw std::invalid_argument("percentile_lines: ticks per half distance " +
                                    std::to_string(ticks_per_half) + " must be at least 1");
    }
    std::vector<percentile_line> out;
    const std::uint64_t total = h.total_count();
    if (total == 0) return out;
    double level = 0.0;
    std::uint64_t running = 0;
    std::size_t i = 0;
    bool fresh = true;
    const std::size_t n = h.used_length();
    while (running < total && i < n) {
        const std::uint64_t c = h.count_at_index(i);
        if (fresh) {
            running += c;
            fresh = false;
        }
        if (c != 0 && (100.0 * static_cast<double>(running)) / static_cast<double>(total) >= level) {
            out.push_back({h.highest_equivalent(i), level, running});
            // HdrHistogram's arithmetic, so that the levels print identically (in double: the
            // products are powers of two times ticks_per_half, exact, and cannot overflow).
            const auto halvings = static_cast<long long>(std::log(100.0 / (100.0 - level)) / std::log(2.0));
            const double ticks = static_cast<double>(ticks_per_half) *
                                 std::pow(2.0, static_cast<double>(halvings + 1));
            const double next = level + 100.0 / ticks;
            // Past 10^15 counts the step can fall below a double's resolution near 100%: stop
            // there rather than print the same level forever (or divide by 100 - 100).
            if (!(next > level) || next >= 100.0) break;
            level = next;
            continue;  // the same bucket may reach the next level too
        }
        ++i;
        fresh = true;
    }
    // The last non-empty bucket, where the count reaches the total.
    out.push_back({h.highest_equivalent(n - 1), 100.0, total});
    return out;
}

/// Prints h's percentile distribution as HdrHistogram's outputPercentileDistribution does:
/// values divided by `value_unit_ratio` with as many decimals as the layout's significant
/// digits, the percentile, the cumulative count and 1/(1-percentile), then mean, standard
/// deviation, max, total count and the bucket counts. csv: the CSV variant (no footer).
///
///     ec2bench::results::hdr::write_percentile_distribution(std::cout, h, 1000.0);  // us
inline void write_percentile_distribution(std::ostream& out, const histogram& h,
                                          double value_unit_ratio = 1.0, int ticks_per_half = 5,
                                          bool csv = false) {
    if (!(value_unit_ratio > 0)) {
        throw std::invalid_argument("write_percentile_distribution: value unit ratio " +
                                    detail::fixed(value_unit_ratio, 3) + " must be positive");
    }
    const int digits = h.bucket_layout().significant_digits;
    const auto lines = percentile_lines(h, ticks_per_half);
    if (csv) {
        out << "\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n";
    } else {
        out << detail::pad_left("Value", 12) << ' ' << detail::pad_left("Percentile", 14) << ' '
            << detail::pad_left("TotalCount", 10) << ' ' << detail::pad_left("1/(1-Percentile)", 14)
            << "\n\n";
    }
    for (const auto& l : lines) {
        const double v = static_cast<double>(l.value) / value_unit_ratio;
        const double p = l.percentile / 100.0;
        const bool last = l.percentile == 100.0;
        if (csv) {
            out << detail::fixed(v, digits) << ',' << detail::fixed(p, 12) << ',' << l.total << ','
                << (last ? std::string("Infinity") : detail::fixed(1.0 / (1.0 - p), 2)) << '\n';
        } else {
            out << detail::pad_left(detail::fixed(v, digits), 12) << ' ' << detail::fixed(p, 12)
                << ' ' << detail::pad_left(std::to_string(l.total), 10);
            if (!last) out << ' ' << detail::pad_left(detail::fixed(1.0 / (1.0 - p), 2), 14);
            out << '\n';
        }
    }
    if (csv) return;
    out << "#[Mean    = " << detail::pad_left(detail::fixed(h.mean() / value_unit_ratio, digits), 12)
        << ", StdDeviation   = "
        << detail::pad_left(detail::fixed(h.stddev() / value_unit_ratio, digits), 12) << "]\n";
    out << "#[Max     = "
        << detail::pad_left(detail::fixed(static_cast<double>(h.max()) / value_unit_ratio, digits), 12)
        << ", Total count    = " << detail::pad_left(std::to_string(h.total_count()), 12) << "]\n";
    out << "#[Buckets = " << detail::pad_left(std::to_string(h.bucket_count()), 12)
        << ", SubBuckets     = " << detail::pad_left(std::to_string(h.sub_bucket_count()), 12)
        << "]\n";
}

/// The .hgrm of one of our histograms (see to_hdr for the layouts that have a twin).
template <unsigned SubBucketBits, std::uint64_t MaxValue, class Count>
void write_percentile_distribution(
    std::ostream& out, const stats::log_linear_histogram<SubBucketBits, MaxValue, Count>& h,
    double value_unit_ratio = 1.0, int ticks_per_half = 5, bool csv = false) {
    write_percentile_distribution(out, to_hdr(h), value_unit_ratio, ticks_per_half, csv);
}

/// What process_log() selects and how it prints.
struct log_processor_options {
    /// Only intervals with this tag; none: only untagged intervals (HistogramLogProcessor's -tag).
    std::optional<std::string> tag;
    /// Intervals starting in this range, seconds after the log's start time (-start, -end).
    double range_start_s = 0.0;
    double range_end_s = std::numeric_limits<double>::max();
    int ticks_per_half = 5;              ///< -percentilesOutputTicksPerHalf
    double value_unit_ratio = 1e6;       ///< -outputValueUnitRatio: ns in, ms out
    bool csv = false;                    ///< -csv
};

/// What process_log() added up.
struct log_summary {
    histogram total;             ///< every selected interval added (the first one's layout)
    std::size_t intervals = 0;   ///< how many were selected
    std::optional<double> start_time_s;
};

/// Adds up the log's selected intervals as HistogramLogProcessor does: the first selected
/// interval's layout, the others added into it; stops at the first interval past range_end_s.
/// Throws format_error for a bad log and std::runtime_error when no interval is selected.
inline log_summary summarize_log(std::istream& in, const std::string& name = "interval log",
                                 const log_processor_options& opt = {}) {
    interval_log_reader r(in, name);
    std::optional<histogram> total;
    std::size_t n = 0;
    while (auto i = r.next()) {
        const double offset = i->start_s - r.start_time_s().value_or(0.0);
        if (offset < opt.range_start_s) continue;
        if (offset > opt.range_end_s) break;
        if (opt.tag ? i->tag != *opt.tag : !i->tag.empty()) continue;
        if (!total) {
            total.emplace(i->counts.bucket_layout());
        }
        total->add(i->counts);
        ++n;
    }
    if (!total) {
        throw std::runtime_error(
            detail::escape(name, 200) + ": no interval histograms " +
            (opt.tag ? "with tag '" + detail::escape(*opt.tag) + "'" : std::string("without a tag")) +
            (opt.range_start_s > 0 || opt.range_end_s < std::numeric_limits<double>::max()
                 ? " in the time range"
                 : ""));
    }
    return {std::move(*total), n, r.start_time_s()};
}

/// Prints what `HistogramLogProcessor -i <log>` prints on standard output: the start time
/// line (when the log has a non-zero one; the date in UTC where Java prints local time) and the
/// overall percentile distribution of the selected intervals (summarize_log).
///
///     std::ifstream f(path);
///     ec2bench::results::hdr::process_log(f, std::cout, path);
inline log_summary process_log(std::istream& in, std::ostream& out,
                               const std::string& name = "interval log",
                               const log_processor_options& opt = {}) {
    log_summary s = summarize_log(in, name, opt);
    if (s.start_time_s && *s.start_time_s != 0.0) {
        out << "#[StartTime: " << detail::fixed(*s.start_time_s, 3) << " (seconds since epoch), "
            << detail::date_string(*s.start_time_s) << "]\n";
    }
    write_percentile_distribution(out, s.total, opt.value_unit_ratio, opt.ticks_per_half, opt.csv);
    return s;
}

/// The tags a log's intervals carry (HistogramLogProcessor's -listtags).
struct log_tags {
    bool untagged = false;          ///< some interval has no tag
    std::vector<std::string> tags;  ///< sorted, each once, as written (untrusted text)
};

/// Reads every interval of a log for its tag. Throws format_error for a bad log.
inline log_tags list_tags(std::istream& in, const std::string& name = "interval log") {
    interval_log_reader r(in, name);
    log_tags out;
    while (auto i = r.next()) {
        if (i->tag.empty()) {
            out.untagged = true;
        } else if (std::find(out.tags.begin(), out.tags.end(), i->tag) == out.tags.end()) {
            out.tags.push_back(i->tag);
        }
    }
    std::sort(out.tags.begin(), out.tags.end());
    return out;
}

/// Prints tags as HistogramLogProcessor -listtags does, each tag escaped for a terminal:
/// "Tags found in input file:", "[NO TAG (default)]" when some interval has none, the tags.
inline void write_tags(std::ostream& out, const log_tags& t) {
    out << "Tags found in input file:\n";
    if (t.untagged) out << "[NO TAG (default)]\n";
    for (const auto& tag : t.tags)
        out << detail::escape(tag, 200) << '\n';
}

}  // namespace ec2bench::results::hdr

#endif  // EC2BENCH_RESULTS_HDR_PERCENTILES_HPP
