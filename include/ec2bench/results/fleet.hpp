// SPDX-License-Identifier: MIT
// The fleet report's data: results files pooled into groups (by instance type, CPU or file), each
// headline metric as a median with a 95% interval, ranks with ties, the price of an instance-hour
// and the performance per dollar. The text, CSV, JSON and HTML forms all render this one model.
//
//     rs::fleet_options o;
//     o.prices.bundled = rs::load_price_csv("share/ec2bench/prices/ec2-on-demand-us-east-1.csv");
//     o.today = "2026-12-06";
//     std::vector<rs::named_document> docs{{"a.json", rs::read_document("a.json")}, ...};
//     rs::fleet_report report = rs::build_fleet_report(docs, o);
//
// docs/report.md describes the method: pooling, the interval of the median, ranks with ties,
// prices and price-performance. fleet_render.hpp prints the report; html.hpp draws it.
#ifndef EC2BENCH_RESULTS_FLEET_HPP
#define EC2BENCH_RESULTS_FLEET_HPP

#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/extras.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/prices.hpp>
#include <ec2bench/stats/summary.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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
    double coverage = std::nan("");  ///< the interval's exact coverage (>= 0.95), NaN without one
    std::size_t lower_rank = 0;      ///< 1-based order statistics of the pooled values; 0 without
    std::size_t upper_rank = 0;
    std::size_t count = 0;           ///< values the estimate is of
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
    bool region_from_flag = false;      ///< `region` came from --region, not from the files
};

/// The whole report.
struct fleet_report {
    group_by grouping = group_by::instance_type;
    std::string generated_on;  ///< YYYY-MM-DD, the "today" stale prices are judged against
    std::vector<fleet_group> groups;  ///< in rank order of the first metric
    std::vector<std::string> skipped;  ///< "file: why" for inputs that were not results files
    std::vector<std::string> warnings;  ///< report-wide
    std::string ordered_by;  ///< the metric id (or "key") `groups` are in the order of
};

/// The name of a grouping as --group-by spells it.
constexpr std::string_view group_by_name(group_by g) noexcept {
    switch (g) {
        case group_by::instance_type:
            return "instance_type";
        case group_by::cpu:
            return "cpu";
        case group_by::file:
            return "file";
    }
    return "?";
}

/// Parses "instance_type", "cpu" or "file". Throws std::invalid_argument naming the text.
inline group_by parse_group_by(std::string_view s) {
    if (s == "instance_type") return group_by::instance_type;
    if (s == "cpu") return group_by::cpu;
    if (s == "file") return group_by::file;
    throw std::invalid_argument("--group-by=" + quote_for_message(s) +
                                ": expected instance_type, cpu or file");
}

/// The confidence of every interval in the report.
inline constexpr double fleet_confidence = 0.95;

/// The fewest values with a 95% distribution-free interval for the median: the widest one, from
/// the smallest to the largest of n values, misses with probability 2 * 0.5^n, which is 0.0625
/// for n = 5 and 0.03125 for n = 6.
inline constexpr std::size_t fleet_interval_min_count = 6;

/// The median of `values` (the mean of the two middle ones for an even count) with its 95%
/// distribution-free interval: with B ~ Binomial(n, 1/2), the order statistics of ranks l and
/// n + 1 - l for the largest l with P(B < l) <= 0.025, the narrowest symmetric pair that covers
/// the median with probability 1 - 2 P(B < l) >= 0.95 whatever the distribution. Below 6 values
/// the interval is NaN and `method` says why. Values that are not finite are left out.
///
///     auto e = ec2bench::results::median_estimate({9.1, 9.4, 9.2, 9.8, 9.3, 9.0});
///     // e.value 9.25, e.low 9.0, e.high 9.8 (ranks 1 and 6, coverage 0.96875)
inline estimate median_estimate(std::vector<double> values) {
    estimate e;
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double x) { return !std::isfinite(x); }),
        values.end());
    const std::size_t n = values.size();
    e.count = n;
    if (n == 0) {
        e.method = "none (no values)";
        return e;
    }
    std::sort(values.begin(), values.end());
    e.value = ec2bench::stats::median(values);
    if (n < fleet_interval_min_count) {
        e.method = "none (n=" + std::to_string(n) + ", " +
                   std::to_string(fleet_interval_min_count) + " needed)";
        return e;
    }
    const auto r = ec2bench::stats::quantile_ranks(n, 0.5, fleet_confidence, "median_estimate");
    e.lower_rank = r.lower_rank;
    e.upper_rank = r.upper_rank;
    e.coverage = r.coverage;
    e.low = values[r.lower_rank - 1];
    e.high = values[r.upper_rank - 1];
    e.method = "order statistics";
    return e;
}

/// How a headline becomes performance per dollar: value * factor / (US dollars per hour).
struct per_dollar_rule {
    std::string_view unit;
    double factor = 1;
};

/// The per-dollar rule of a headline id, or nothing for those that have none: the rates do
/// (STREAM GB/s per $/h; primes and fdatasyncs per dollar, an hour's worth of the rate divided
/// by the hour's price), the latencies do not (a p99 or a time per record is not bought by the
/// hour: a dearer instance does not make one operation slower). docs/report.md says more.
inline std::optional<per_dollar_rule> per_dollar_rule_of(std::string_view id) {
    if (id == "triad_gbps") return per_dollar_rule{"GB/s per $/h", 1};
    // M primes/s * 1e6 * 3600 s / 1e9 = G primes per dollar-hour.
    if (id == "primes_per_second_1t" || id == "primes_per_second_all") {
        return per_dollar_rule{"G primes per $", 3.6};
    }
    // IOPS * 3600 s / 1e6 = M fdatasyncs per dollar-hour.
    if (id == "fdatasync_iops") return per_dollar_rule{"M fdatasyncs per $", 3600 / 1e6};
    return std::nullopt;
}

/// `e` divided by a price: the price is a constant, so the interval's ends divide too.
inline estimate per_dollar_estimate(const estimate& e, const per_dollar_rule& rule,
                                    double usd_per_hour) {
    estimate out = e;
    const double k = rule.factor / usd_per_hour;
    out.value = e.value * k;
    out.low = e.low * k;
    out.high = e.high * k;
    return out;
}

/// One values series of a results file: a headline metric or a latency percentile, each
/// repetition's value in the presented unit.
struct fleet_series {
    std::string id;  ///< headline id, or "p50", "p95", "p99", "p99.9"
    std::string label, unit;
    bool higher_is_better = true;
    double q = 0;  ///< a percentile's quantile
    std::vector<double> values;
};

/// What one results file contributes to a report: its facts and its values, without the
/// document (a report over thousands of files need not hold them all).
struct fleet_file {
    std::string name;
    std::string instance_type, region, availability_zone, market, architecture, cpu, kernel,
        version, started_at;
    unsigned cpus = 0;
    bool complete = true;
    std::string fsync_filesystem, fsync_device;  ///< of the fdatasync 4 KiB benchmark, if run
    std::vector<fleet_series> metrics;           ///< headlines with values, in headline order
    std::vector<fleet_series> fsync_latency;     ///< fdatasync 4 KiB p50, p95, p99, p99.9 (us)
    std::map<unsigned, std::vector<double>> stream_sweep;  ///< triad GB/s by threads
    std::vector<std::string> notes;  ///< benchmarks that failed or have no repetitions
};

namespace detail {

inline std::string fleet_string(const nlohmann::json& obj, const char* key) {
    if (!obj.is_object()) return "";
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// An EC2 fact's value: null or {"value": ..., "source": ...}.
inline std::string fleet_fact(const nlohmann::json& ec2, const char* key) {
    if (!ec2.is_object()) return "";
    const auto it = ec2.find(key);
    return it != ec2.end() && it->is_object() ? fleet_string(*it, "value") : std::string();
}

inline const benchmark_runs* fleet_find(const std::vector<benchmark_runs>& runs,
                                        const std::string& name) {
    for (const auto& b : runs) {
        if (b.name == name) return &b;
    }
    return nullptr;
}

}  // namespace detail

/// The facts and per-repetition values of one results document (as read_document() returns
/// it): the headline metrics chosen as headlines() chooses them, the fdatasync 4 KiB latency
/// percentiles, the STREAM triad thread sweep.
inline fleet_file summarize_fleet_file(std::string name, const nlohmann::json& doc) {
    fleet_file f;
    f.name = std::move(name);
    static const nlohmann::json empty = nlohmann::json::object();
    const auto member = [](const nlohmann::json& j, const char* key) -> const nlohmann::json& {
        if (!j.is_object()) return empty;
        const auto it = j.find(key);
        return it == j.end() ? empty : *it;
    };
    const nlohmann::json& eb = member(doc, "ec2bench");
    const nlohmann::json& ec2 = member(eb, "ec2");
    const nlohmann::json& host = member(eb, "host");
    f.instance_type = detail::fleet_fact(ec2, "instance_type");
    f.availability_zone = detail::fleet_fact(ec2, "availability_zone");
    f.region = detail::fleet_fact(ec2, "region");
    if (f.region.empty() && !f.availability_zone.empty()) {
        try {
            f.region = region_of_zone(f.availability_zone);
        } catch (const std::invalid_argument&) {
            // No region then; the report says the price is missing.
        }
    }
    f.market = detail::fleet_fact(ec2, "market");
    f.architecture = detail::fleet_string(host, "architecture");
    f.cpu = detail::fleet_string(host, "cpu_model");
    f.kernel = detail::fleet_string(host, "kernel");
    if (const auto it = host.find("logical_cpus"); it != host.end() && it->is_number_unsigned()) {
        f.cpus = static_cast<unsigned>(std::min<std::uint64_t>(it->get<std::uint64_t>(), 1u << 30));
    }
    f.version = detail::fleet_string(eb, "version");
    f.started_at = detail::fleet_string(eb, "started_at");
    if (const auto it = eb.find("complete"); it != eb.end() && it->is_boolean())
        f.complete = it->get<bool>();
    if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) return f;

    const auto runs = group_runs(doc);
    const benchmark_runs* fdatasync = nullptr;
    std::set<std::string> failed;  // two headlines may come from one benchmark: one note
    for (const auto& h : headlines(doc)) {
        const benchmark_runs* b = detail::fleet_find(runs, h.benchmark);
        if (b == nullptr) continue;
        if (h.id == "fdatasync_iops") fdatasync = b;
        const std::string shown = display_name(h.benchmark);
        if (!h.error.empty() && failed.insert(h.benchmark).second)
            f.notes.push_back(shown + " failed: " + h.error);
        fleet_series s{h.id, h.label, h.unit, h.m.higher_is_better, 0, {}};
        for (const double raw : values_of(*b, h.m))
            s.values.push_back(presented(raw, h.m));
        if (s.values.empty()) {
            if (h.error.empty()) {
                f.notes.push_back(
                    shown +
                    ": no per-repetition values (only Google Benchmark's aggregates), left out");
            }
            continue;
        }
        f.metrics.push_back(std::move(s));
    }
    if (fdatasync != nullptr) {
        static const struct {
            const char* key;
            const char* label;
            double q;
        } percentiles[] = {{"p50_us", "p50", 0.5},
                           {"p95_us", "p95", 0.95},
                           {"p99_us", "p99", 0.99},
                           {"p999_us", "p99.9", 0.999}};
        for (const auto& p : percentiles) {
            const metric m{p.key, p.label, "us", 1, false, false};
            fleet_series s{p.label, p.label, "us", false, p.q, values_of(*fdatasync, m)};
            if (!s.values.empty()) f.fsync_latency.push_back(std::move(s));
        }
        if (const auto x = extras_of(doc, fdatasync->name)) {
            const auto fact = [&](const char* key) {
                if (const auto it = x->facts.find(key); it != x->facts.end()) return it->second;
                if (!x->repetitions.empty()) {
                    const auto& r = x->repetitions.front().facts;
                    if (const auto jt = r.find(key); jt != r.end()) return jt->second;
                }
                return std::string();
            };
            f.fsync_filesystem = fact("filesystem");
            f.fsync_device = fact("device");
        }
    }
    const metric best{"best_bytes_per_second", "best GB/s", "GB/s", 1e-9, true, false};
    for (const auto& b : runs) {
        if (!detail::name_starts(b.name, "stream/sweep/triad/double")) continue;
        const int t = detail::threads_in_name(b.name);
        if (t <= 0) continue;
        auto& pool = f.stream_sweep[static_cast<unsigned>(t)];
        for (const double raw : values_of(b, best))
            pool.push_back(presented(raw, best));
    }
    return f;
}

/// What a report is built with.
struct fleet_options {
    group_by grouping = group_by::instance_type;
    price_sources prices;
    std::string region;  ///< --region: the region of files that record none
    std::string today;   ///< YYYY-MM-DD, for stale prices; empty: no price is judged stale
    std::string
        sort_by;  ///< a headline id, or "key" (also "instance_type"); empty: the first metric
};

/// The group's metric `id`, or nullptr.
inline const group_metric* find_metric(const fleet_group& g, std::string_view id) {
    for (const auto& m : g.metrics) {
        if (m.id == id) return &m;
    }
    return nullptr;
}

namespace detail {

/// "CPU model x N": what stands for the instance type off EC2.
inline std::string fleet_cpu_key(const fleet_file& f) {
    std::string k = f.cpu.empty() ? std::string("unknown CPU") : f.cpu;
    if (f.cpus != 0) k += " x " + std::to_string(f.cpus);
    return k;
}

inline std::string fleet_count(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// A warning when the files of a group disagree on a fact: "kernel differs between the files
/// (pooled all the same): 6.1.0 (3 files), 6.5.0 (1 file)". Empty values are "unknown", or left
/// out with `skip_empty` (facts only some benchmarks record).
template <class Field>
void fleet_disagreement(std::vector<std::string>& out, const std::vector<const fleet_file*>& files,
                        const std::string& what, Field field, bool skip_empty = false) {
    std::map<std::string, std::size_t> seen;
    for (const fleet_file* f : files) {
        std::string v = field(*f);
        if (v.empty()) {
            if (skip_empty) continue;
            v = "unknown";
        }
        ++seen[v];
    }
    if (seen.size() < 2) return;
    std::string w = what + " differs between the files (pooled all the same): ";
    bool first = true;
    for (const auto& [v, n] : seen) {
        w += (first ? "" : ", ") + v + " (" + fleet_count(n, "file", "files") + ")";
        first = false;
    }
    out.push_back(std::move(w));
}

/// Up to `limit` names, then ", ...".
inline std::string fleet_names(const std::vector<std::string>& names, std::size_t limit = 5) {
    std::string s;
    for (std::size_t i = 0; i < names.size() && i < limit; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > limit) s += ", ...";
    return s;
}

/// The headline ids in report order.
inline std::vector<std::string> fleet_metric_ids() {
    std::vector<std::string> ids;
    for (const auto& c : report_columns())
        ids.push_back(c.first);
    return ids;
}

/// rank = 1 + the number of entries whose interval lies entirely on the better side of this
/// one's; 0 for an entry without an interval.
struct rank_entry {
    const estimate* e = nullptr;
    int* rank = nullptr;
};

inline void assign_ranks(const std::vector<rank_entry>& entries, bool higher_is_better) {
    const auto has_interval = [](const estimate& e) {
        return std::isfinite(e.low) && std::isfinite(e.high);
    };
    for (const auto& a : entries) {
        if (!has_interval(*a.e)) {
            *a.rank = 0;
            continue;
        }
        int better = 0;
        for (const auto& b : entries) {
            if (&b == &a || !has_interval(*b.e)) continue;
            if (higher_is_better ? b.e->low > a.e->high : b.e->high < a.e->low) ++better;
        }
        *a.rank = 1 + better;
    }
}

}  // namespace detail

/// The report over `files` (summarize_fleet_file() of each): groups by o.grouping, each
/// headline pooled over every repetition of every file of a group into a median with its 95%
/// interval (median_estimate()), ranks with ties per metric, the price of each group's instance
/// type in its region and market (lookup_price(): the files' region, else o.region; the files'
/// market fact, else on-demand before spot), performance per dollar with its interval and
/// ranks, and warnings: facts that differ within a group, partial files, failed benchmarks,
/// missing, zero and stale prices. Groups are in the order of o.sort_by. Throws
/// std::invalid_argument for a bad o.today, o.region or o.sort_by.
inline fleet_report build_fleet_report(const std::vector<fleet_file>& files,
                                       const fleet_options& o) {
    if (!o.today.empty() && !detail::parse_iso_date(o.today)) {
        throw std::invalid_argument("today '" + quote_for_message(o.today) +
                                    "': expected a date YYYY-MM-DD");
    }
    if (!o.region.empty() && !detail::valid_region(o.region)) {
        throw std::invalid_argument("--region=" + quote_for_message(o.region) +
                                    ": expected a region such as us-east-1");
    }
    const std::vector<std::string> ids = detail::fleet_metric_ids();
    if (!o.sort_by.empty() && o.sort_by != "key" && o.sort_by != "instance_type" &&
        std::find(ids.begin(), ids.end(), o.sort_by) == ids.end()) {
        std::string allowed;
        for (const auto& id : ids)
            allowed += ", " + id;
        throw std::invalid_argument("--sort=" + quote_for_message(o.sort_by) +
                                    ": expected instance_type" + allowed);
    }

    fleet_report r;
    r.grouping = o.grouping;
    r.generated_on = o.today;

    // Groups in the order their first file comes.
    std::vector<std::string> keys;
    std::map<std::string, std::vector<const fleet_file*>> members;
    std::size_t off_ec2 = 0;
    for (const auto& f : files) {
        std::string key;
        switch (o.grouping) {
            case group_by::file:
                key = f.name;
                break;
            case group_by::cpu:
                key = detail::fleet_cpu_key(f);
                break;
            case group_by::instance_type:
                key = f.instance_type.empty() ? detail::fleet_cpu_key(f) : f.instance_type;
                break;
        }
        auto& m = members[key];
        if (m.empty()) {
            keys.push_back(key);
            if (o.grouping == group_by::instance_type && f.instance_type.empty()) ++off_ec2;
        }
        m.push_back(&f);
    }
    if (off_ec2 != 0) {
        r.warnings.push_back(detail::fleet_count(off_ec2, "group", "groups") +
                             " without an EC2 instance type (not run on EC2): grouped by CPU model "
                             "and logical CPUs instead, and without a price");
    }

    for (const auto& key : keys) {
        const auto& fs = members[key];
        fleet_group g;
        g.key = key;
        const fleet_file& first = *fs.front();
        std::set<std::string> types, versions;
        std::vector<std::string> partial;
        for (const fleet_file* f : fs) {
            g.files.push_back(f->name);
            types.insert(f->instance_type);
            if (!f->version.empty()) versions.insert(f->version);
            if (!f->started_at.empty()) {
                if (g.first_started_at.empty() || f->started_at < g.first_started_at)
                    g.first_started_at = f->started_at;
                if (f->started_at > g.last_started_at) g.last_started_at = f->started_at;
            }
            if (!f->complete) partial.push_back(f->name);
            for (const auto& n : f->notes)
                g.warnings.push_back(f->name + ": " + n);
        }
        g.versions.assign(versions.begin(), versions.end());
        g.instance_type = types.size() == 1 ? *types.begin() : std::string();
        g.architecture = first.architecture;
        g.cpu = first.cpu;
        g.cpus = first.cpus;
        g.market = first.market;
        g.region = first.region;
        if (g.region.empty() && !o.region.empty()) {
            g.region = o.region;
            g.region_from_flag = true;
        }

        auto& w = g.warnings;
        if (!partial.empty()) {
            w.push_back(std::to_string(partial.size()) + " of " +
                        detail::fleet_count(fs.size(), "file", "files") +
                        " interrupted (partial): " + detail::fleet_names(partial));
        }
        detail::fleet_disagreement(w, fs, "instance type",
                                   [](const fleet_file& f) { return f.instance_type; });
        detail::fleet_disagreement(w, fs, "ec2bench version",
                                   [](const fleet_file& f) { return f.version; });
        detail::fleet_disagreement(w, fs, "architecture",
                                   [](const fleet_file& f) { return f.architecture; });
        detail::fleet_disagreement(w, fs, "CPU model", [](const fleet_file& f) { return f.cpu; });
        detail::fleet_disagreement(w, fs, "logical CPU count", [](const fleet_file& f) {
            return f.cpus ? std::to_string(f.cpus) : "";
        });
        detail::fleet_disagreement(w, fs, "kernel", [](const fleet_file& f) { return f.kernel; });
        detail::fleet_disagreement(
            w, fs, "fsync filesystem", [](const fleet_file& f) { return f.fsync_filesystem; },
            true);
        detail::fleet_disagreement(
            w, fs, "fsync device", [](const fleet_file& f) { return f.fsync_device; }, true);
        detail::fleet_disagreement(w, fs, "region", [](const fleet_file& f) { return f.region; });
        detail::fleet_disagreement(w, fs, "market", [](const fleet_file& f) { return f.market; });

        for (const auto& id : ids) {
            std::vector<double> pool;
            const fleet_series* like = nullptr;
            std::size_t with = 0;
            for (const fleet_file* f : fs) {
                for (const auto& s : f->metrics) {
                    if (s.id != id) continue;
                    if (like == nullptr) like = &s;
                    ++with;
                    pool.insert(pool.end(), s.values.begin(), s.values.end());
                }
            }
            if (like == nullptr) continue;
            group_metric m;
            m.id = id;
            m.label = like->label;
            m.unit = like->unit;
            m.higher_is_better = like->higher_is_better;
            m.files = with;
            m.repetitions = pool.size();
            m.perf = median_estimate(std::move(pool));
            g.metrics.push_back(std::move(m));
        }
        std::vector<const fleet_series*> quantiles;
        for (const fleet_file* f : fs) {
            for (const auto& s : f->fsync_latency) {
                if (std::none_of(quantiles.begin(), quantiles.end(),
                                 [&](const fleet_series* x) { return x->id == s.id; })) {
                    quantiles.push_back(&s);
                }
            }
        }
        std::sort(quantiles.begin(), quantiles.end(),
                  [](const fleet_series* a, const fleet_series* b) { return a->q < b->q; });
        for (const fleet_series* like : quantiles) {
            std::vector<double> pool;
            for (const fleet_file* f : fs) {
                for (const auto& s : f->fsync_latency) {
                    if (s.id == like->id) pool.insert(pool.end(), s.values.begin(), s.values.end());
                }
            }
            g.fsync_latency.push_back({like->label, like->q, median_estimate(std::move(pool))});
        }
        std::map<unsigned, std::vector<double>> sweep;
        for (const fleet_file* f : fs) {
            for (const auto& [t, v] : f->stream_sweep)
                sweep[t].insert(sweep[t].end(), v.begin(), v.end());
        }
        for (auto& [t, v] : sweep) {
            if (!v.empty()) g.stream_sweep.push_back({t, median_estimate(std::move(v))});
        }

        // The price.
        if (g.instance_type.empty()) {
            if (types.size() > 1) {
                std::vector<std::string> named(types.begin(), types.end());
                for (auto& t : named) {
                    if (t.empty()) t = "none";
                }
                w.push_back("no price: the files ran on several instance types (" +
                            detail::fleet_names(named) + ")");
            } else {
                w.push_back("no price: no instance type (not run on EC2)");
            }
        } else {
            std::optional<price_market> market;
            if (g.market == "spot") market = price_market::spot;
            if (g.market == "on-demand") market = price_market::on_demand;
            g.price = lookup_price(o.prices, g.instance_type, g.region, market);
            if (!g.price) {
                const std::string which =
                    market ? std::string(price_market_name(*market)) + " price" : "price";
                if (g.region.empty()) {
                    w.push_back("no " + which + " for " + g.instance_type +
                                ": the files record no region (pass --region=R, or --price " +
                                g.instance_type + "=USD)");
                } else {
                    w.push_back("no " + which + " for " + g.instance_type + " in " + g.region +
                                " (pass --price " + g.instance_type + "=USD or --prices=FILE)");
                }
            } else {
                const price_entry& e = g.price->entry;
                const std::string what = "the price of " + g.instance_type + " (" +
                                         std::string(price_origin_name(g.price->origin)) + ", " +
                                         e.effective_date + ")";
                if (!(e.usd_per_hour > 0)) w.push_back(what + " is 0 USD/h: no per-dollar figures");
                if (!o.today.empty() && detail::parse_iso_date(e.effective_date)) {
                    const auto age = price_age_days(e.effective_date, o.today);
                    if (age > stale_price_days) {
                        w.push_back(what + " is " + std::to_string(age) + " days old, over " +
                                    std::to_string(stale_price_days) +
                                    ": pass current prices with --prices=FILE");
                    }
                }
            }
        }
        if (g.price && g.price->entry.usd_per_hour > 0) {
            for (auto& m : g.metrics) {
                if (const auto rule = per_dollar_rule_of(m.id)) {
                    m.per_dollar = per_dollar_estimate(m.perf, *rule, g.price->entry.usd_per_hour);
                    m.per_dollar_unit = std::string(rule->unit);
                }
            }
        }
        r.groups.push_back(std::move(g));
    }

    // Ranks, per metric and per dollar.
    for (const auto& id : ids) {
        std::vector<detail::rank_entry> perf, dollar;
        bool higher = true;
        for (auto& g : r.groups) {
            for (auto& m : g.metrics) {
                if (m.id != id) continue;
                higher = m.higher_is_better;
                perf.push_back({&m.perf, &m.rank});
                if (m.per_dollar) dollar.push_back({&*m.per_dollar, &m.per_dollar_rank});
            }
        }
        detail::assign_ranks(perf, higher);
        detail::assign_ranks(dollar, higher);
    }

    // The order: by rank of the sort metric (the first one any group has), then by median.
    std::string by = o.sort_by == "instance_type" ? "key" : o.sort_by;
    if (by.empty()) {
        for (const auto& id : ids) {
            if (std::any_of(r.groups.begin(), r.groups.end(),
                            [&](const fleet_group& g) { return find_metric(g, id); })) {
                by = id;
                break;
            }
        }
    }
    r.ordered_by = by.empty() ? "key" : by;
    std::stable_sort(r.groups.begin(), r.groups.end(),
                     [&](const fleet_group& a, const fleet_group& b) {
                         if (r.ordered_by != "key") {
                             const group_metric* x = find_metric(a, r.ordered_by);
                             const group_metric* y = find_metric(b, r.ordered_by);
                             if ((x != nullptr) != (y != nullptr)) return x != nullptr;
                             if (x != nullptr) {
                                 // Ranked groups first, by rank; then by the median in the better
                                 // direction.
                                 constexpr int unranked = std::numeric_limits<int>::max();
                                 const int rx = x->rank == 0 ? unranked : x->rank,
                                           ry = y->rank == 0 ? unranked : y->rank;
                                 if (rx != ry) return rx < ry;
                                 const auto better_first = [](const group_metric& m) {
                                     const double v = m.perf.value;
                                     if (std::isnan(v))
                                         return std::numeric_limits<double>::infinity();
                                     return m.higher_is_better ? -v : v;
                                 };
                                 const double vx = better_first(*x), vy = better_first(*y);
                                 if (vx != vy) return vx < vy;
                             }
                         }
                         return a.key < b.key;
                     });
    return r;
}

/// build_fleet_report() over documents as read_document() returns them.
inline fleet_report build_fleet_report(const std::vector<named_document>& docs,
                                       const fleet_options& o) {
    std::vector<fleet_file> files;
    files.reserve(docs.size());
    for (const auto& d : docs)
        files.push_back(summarize_fleet_file(d.name, d.doc));
    return build_fleet_report(files, o);
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_FLEET_HPP
