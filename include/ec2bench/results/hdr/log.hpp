// SPDX-License-Identifier: MIT
// HdrHistogram's interval log (.hlog), formats 1.2 and 1.3, as HistogramLogWriter writes it
// and HistogramLogReader reads it:
//
//   #[Logged with ec2bench 0.4.0]                          comments: '#' and the text
//   #[Histogram log format version 1.3]
//   #[StartTime: 1441812279.474 (seconds since epoch), Wed Sep 09 15:24:39 UTC 2015]
//   #[BaseTime: 0.000 (seconds since epoch)]               optional
//   "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
//   0.127,1.007,2.769,HISTFAAAAEV42pNpmSzMwMCgyAABTBDKT4GB...
//   Tag=fsync,1.134,0.999,0.442,HISTFAAAAEJ42pNpmSzMwMAgxwAB...   1.3 only
//
// Timestamps are seconds: relative to the base time when one is given (or deduced, below), else
// absolute. The max column is the interval's highest value divided by a unit ratio (1e6 by
// default: milliseconds of nanoseconds); readers take the max from the histogram itself.
#ifndef EC2BENCH_RESULTS_HDR_LOG_HPP
#define EC2BENCH_RESULTS_HDR_LOG_HPP

#include <ec2bench/results/hdr/encoding.hpp>
#include <ec2bench/results/hdr/histogram.hpp>
#include <ec2bench/stats/histogram.hpp>

#include <time.h>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <istream>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace ec2bench::results::hdr {

/// The interval log format versions: 1.3 adds the Tag= prefix.
enum class log_format { v1_2, v1_3 };

namespace detail {

/// printf's %.<precision>f in the C locale whatever the process's locale (Java's Locale.US).
inline std::string fixed(double v, int precision) {
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, precision);
    if (r.ec != std::errc()) return std::to_string(v);
    return std::string(buf, r.ptr);
}

/// `s` right-aligned in `width` (printf's %<width>s).
inline std::string pad_left(std::string s, std::size_t width) {
    if (s.size() < width) s.insert(0, width - s.size(), ' ');
    return s;
}

/// Java's Date.toString() layout, in UTC: "Wed Sep 09 15:24:39 UTC 2015".
inline std::string date_string(double seconds_since_epoch) {
    const auto t = static_cast<time_t>(std::floor(seconds_since_epoch));
    tm parts{};
    if (::gmtime_r(&t, &parts) == nullptr) return "?";
    char buf[64];
    if (::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S UTC %Y", &parts) == 0) return "?";
    return buf;
}

inline bool starts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.substr(0, prefix.size()) == prefix;
}

/// A whole decimal number (std::from_chars: no locale, no leading '+' or spaces).
inline std::optional<double> parse_double(std::string_view s) {
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

/// The number that starts `s` (up to the first space), for "#[StartTime: 1441812279.474 (...".
inline std::optional<double> leading_double(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    const auto end = s.find_first_of(" ]");
    return parse_double(s.substr(0, end));
}

}  // namespace detail

/// Writes an interval log to a stream, line by line, in HistogramLogWriter's layout.
///
///     std::ofstream f("fsync.hlog");
///     ec2bench::results::hdr::interval_log_writer w(f);
///     w.write_header(start_s, "[Logged with ec2bench-fsync]");
///     w.write_interval(0.0, 1.0, histogram_of_first_second);
class interval_log_writer {
public:
    explicit interval_log_writer(std::ostream& out, log_format format = log_format::v1_3)
        : out_(&out), format_(format) {}

    /// "#<text>". Throws std::invalid_argument for a line break in text.
    void write_comment(std::string_view text) {
        if (text.find_first_of("\r\n") != std::string_view::npos) {
            throw std::invalid_argument("interval_log_writer: a comment is one line: '" +
                                        detail::escape(text) + "' has a line break");
        }
        *out_ << '#' << text << '\n';
    }
    /// "#[Histogram log format version 1.3]" (or 1.2).
    void write_format_version() {
        write_comment(format_ == log_format::v1_3 ? "[Histogram log format version 1.3]"
                                                  : "[Histogram log format version 1.2]");
    }
    /// "#[StartTime: 1441812279.474 (seconds since epoch), Wed Sep 09 15:24:39 UTC 2015]".
    void write_start_time(double seconds_since_epoch) {
        *out_ << "#[StartTime: " << detail::fixed(seconds_since_epoch, 3)
              << " (seconds since epoch), " << detail::date_string(seconds_since_epoch) << "]\n";
    }
    /// "#[BaseTime: 1441812279.474 (seconds since epoch)]": interval timestamps are relative to it.
    void write_base_time(double seconds_since_epoch) {
        *out_ << "#[BaseTime: " << detail::fixed(seconds_since_epoch, 3)
              << " (seconds since epoch)]\n";
    }
    /// The column names line.
    void write_legend() {
        *out_ << "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
                 "\"Interval_Compressed_Histogram\"\n";
    }
    /// What a log starts with: a comment (if any), the format version, the start time, the
    /// base time (when given: then timestamps are relative to it) and the legend.
    void write_header(double start_time_s, std::string_view comment = {},
                      std::optional<double> base_time_s = std::nullopt) {
        if (!comment.empty()) write_comment(comment);
        write_format_version();
        write_start_time(start_time_s);
        if (base_time_s) write_base_time(*base_time_s);
        write_legend();
    }

    /// One interval: "[Tag=<tag>,]<start>,<length>,<max / ratio>,<base64 V2 histogram>", times
    /// in seconds with 3 decimals. Throws std::invalid_argument for a tag that is not one token
    /// (no comma, space or line break) or a tag in a 1.2 log.
    void write_interval(double start_s, double length_s, const histogram& h,
                        std::string_view tag = {}, double max_value_unit_ratio = 1e6) {
        if (!tag.empty()) {
            if (format_ != log_format::v1_3) {
                throw std::invalid_argument(
                    "interval_log_writer: tag '" + detail::escape(tag) +
                    "': tags need log format 1.3, this log is 1.2");
            }
            if (tag.find_first_of(", \r\n") != std::string_view::npos) {
                throw std::invalid_argument("interval_log_writer: tag '" + detail::escape(tag) +
                                            "' has a comma, space or line break");
            }
            *out_ << "Tag=" << tag << ',';
        }
        if (!(max_value_unit_ratio > 0)) {
            throw std::invalid_argument("interval_log_writer: max value unit ratio " +
                                        detail::fixed(max_value_unit_ratio, 3) +
                                        " must be positive");
        }
        *out_ << detail::fixed(start_s, 3) << ',' << detail::fixed(length_s, 3) << ','
              << detail::fixed(static_cast<double>(h.max()) / max_value_unit_ratio, 3) << ','
              << encode(h) << '\n';
    }

    /// One of our histograms as an interval (see to_hdr for the layouts that have a twin).
    template <unsigned SubBucketBits, std::uint64_t MaxValue, class Count>
    void write_interval(double start_s, double length_s,
                        const stats::log_linear_histogram<SubBucketBits, MaxValue, Count>& h,
                        std::string_view tag = {}, double max_value_unit_ratio = 1e6) {
        write_interval(start_s, length_s, to_hdr(h), tag, max_value_unit_ratio);
    }

private:
    std::ostream* out_;
    log_format format_;
};

/// One interval line of a log.
struct interval {
    std::string tag;           ///< empty: none
    double timestamp_s = 0;    ///< the StartTimestamp column, as written
    double start_s = 0;        ///< absolute: timestamp_s + the log's base time
    double length_s = 0;       ///< Interval_Length
    double max_column = 0;     ///< Interval_Max as written (in the writer's unit, often ms)
    histogram counts;          ///< the decoded histogram, in the writer's layout
    std::size_t line = 0;      ///< 1-based, for messages
};

/// Reads an interval log one interval at a time. Errors are format_error with "<name>:<line>: "
/// and what is wrong; untrusted text in them is escaped.
///
///     std::ifstream f("run.hlog");
///     ec2bench::results::hdr::interval_log_reader r(f, "run.hlog");
///     while (auto i = r.next()) total += i->counts.total_count();
class interval_log_reader {
public:
    /// Lines longer than this are refused rather than held.
    static constexpr std::size_t max_line_bytes = std::size_t{64} << 20;

    explicit interval_log_reader(std::istream& in, std::string name = "interval log")
        : in_(&in), name_(std::move(name)) {}

    /// The next interval, or nothing at the end of the log.
    std::optional<interval> next() {
        std::string line;
        while (read_line(line)) {
            std::string_view s = line;
            if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
            if (s.empty()) continue;
            if (s.front() == '#') {
                comment(s);
                continue;
            }
            if (detail::starts_with(s, "\"StartTimestamp\"")) continue;  // the legend
            return parse_interval(s);
        }
        return std::nullopt;
    }

    /// The StartTime comment's value, else the first interval's timestamp once read.
    std::optional<double> start_time_s() const { return start_time_; }
    /// The BaseTime comment's value, else what the first interval implied (see interval).
    std::optional<double> base_time_s() const { return base_time_; }
    /// "1.2", "1.3", ... from the format version comment; empty when there was none.
    const std::string& format_version() const { return version_; }
    /// Every other comment line, without its '#'.
    const std::vector<std::string>& comments() const { return comments_; }

private:
    bool read_line(std::string& line) {
        line.clear();
        std::streambuf* sb = in_->rdbuf();
        if (sb == nullptr) return false;
        bool any = false;
        for (;;) {
            const int c = sb->sbumpc();
            if (c == std::char_traits<char>::eof()) break;
            any = true;
            if (c == '\n') break;
            if (line.size() == max_line_bytes) {
                throw format_error(where(line_no_ + 1) + "line longer than " +
                                   std::to_string(max_line_bytes) + " bytes");
            }
            line.push_back(static_cast<char>(c));
        }
        if (any) ++line_no_;
        return any;
    }

    std::string where(std::size_t line) const {
        return detail::escape(name_, 200) + ":" + std::to_string(line) + ": ";
    }

    void comment(std::string_view s) {
        if (detail::starts_with(s, "#[StartTime:")) {
            const auto v = detail::leading_double(s.substr(12));
            if (!v) throw format_error(where(line_no_) + "StartTime without a number of seconds");
            start_time_ = v;
        } else if (detail::starts_with(s, "#[BaseTime:")) {
            const auto v = detail::leading_double(s.substr(11));
            if (!v) throw format_error(where(line_no_) + "BaseTime without a number of seconds");
            base_time_ = v;
        } else if (detail::starts_with(s, "#[Histogram log format version ")) {
            auto v = s.substr(31);
            version_ = std::string(v.substr(0, v.find(']')));
        } else {
            comments_.emplace_back(s.substr(1));
        }
    }

    interval parse_interval(std::string_view s) {
        interval out;
        out.line = line_no_;
        if (detail::starts_with(s, "Tag=")) {
            const auto comma = s.find(',');
            if (comma == std::string_view::npos) {
                throw format_error(where(line_no_) + "a Tag= with nothing after it");
            }
            out.tag = std::string(s.substr(4, comma - 4));
            s.remove_prefix(comma + 1);
        }
        std::vector<std::string_view> field;
        for (;;) {
            const auto comma = s.find(',');
            field.push_back(s.substr(0, comma));
            if (comma == std::string_view::npos || field.size() > 4) break;
            s.remove_prefix(comma + 1);
        }
        if (field.size() != 4) {
            throw format_error(where(line_no_) +
                               "expected StartTimestamp,Interval_Length,Interval_Max,histogram "
                               "(4 fields after any Tag=), found " +
                               (field.size() > 4 ? std::string("more") : std::to_string(field.size())));
        }
        static constexpr const char* names[3] = {"StartTimestamp", "Interval_Length",
                                                 "Interval_Max"};
        double v[3];
        for (std::size_t k = 0; k < 3; ++k) {
            const auto x = detail::parse_double(field[k]);
            if (!x) {
                throw format_error(where(line_no_) + names[k] + " '" + detail::escape(field[k]) +
                                   "' is not a number");
            }
            v[k] = *x;
        }
        out.timestamp_s = v[0];
        out.length_s = v[1];
        out.max_column = v[2];
        try {
            out.counts = decode(field[3]);
        } catch (const format_error& e) {
            throw format_error(where(line_no_) + e.what());
        }
        // HistogramLogReader's rules: no StartTime means the first timestamp; no BaseTime means
        // 0 (absolute timestamps) unless the first timestamp is more than a year before the
        // start time, when timestamps are taken as relative to it.
        if (!start_time_) start_time_ = out.timestamp_s;
        if (!base_time_) {
            base_time_ = out.timestamp_s < *start_time_ - 365 * 24 * 3600.0 ? *start_time_ : 0.0;
        }
        out.start_s = out.timestamp_s + *base_time_;
        return out;
    }

    std::istream* in_;
    std::string name_;
    std::size_t line_no_ = 0;
    std::optional<double> start_time_;
    std::optional<double> base_time_;
    std::string version_;
    std::vector<std::string> comments_;
};

/// A whole interval log, read.
struct interval_log {
    std::optional<double> start_time_s;
    std::optional<double> base_time_s;
    std::string format_version;
    std::vector<std::string> comments;
    std::vector<interval> intervals;
};

/// Reads every interval of a log (each histogram is held: for large logs, use
/// interval_log_reader).
///
///     auto log = ec2bench::results::hdr::read_interval_log(in, "jHiccup.hlog");
inline interval_log read_interval_log(std::istream& in, std::string name = "interval log") {
    interval_log_reader r(in, std::move(name));
    interval_log out;
    while (auto i = r.next())
        out.intervals.push_back(std::move(*i));
    out.start_time_s = r.start_time_s();
    out.base_time_s = r.base_time_s();
    out.format_version = r.format_version();
    out.comments = r.comments();
    return out;
}

/// Reads the interval log at `path`; std::runtime_error when it cannot be opened.
inline interval_log read_interval_log_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open interval log '" + detail::escape(path, 200) + "'");
    return read_interval_log(f, path);
}

}  // namespace ec2bench::results::hdr

#endif  // EC2BENCH_RESULTS_HDR_LOG_HPP
