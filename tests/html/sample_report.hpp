// A realistic fleet report built by hand: seven xlarge instance types on us-east-1 with prices
// from every origin (and one with none), every headline metric, fsync percentiles and a STREAM
// sweep on some. The numbers are made up to look like a real fleet; they are not measurements.
// Used by render_sample (the page the Chromium test opens, and docs/report.png) and html_test.
#ifndef EC2BENCH_TESTS_HTML_SAMPLE_REPORT_HPP
#define EC2BENCH_TESTS_HTML_SAMPLE_REPORT_HPP

#include <ec2bench/results/fleet.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ec2bench_test {

namespace rs = ec2bench::results;

/// value with a symmetric interval of ±`rel` (NaN bounds when rel < 0: too few values).
inline rs::estimate sample_estimate(double value, double rel, std::size_t n) {
    rs::estimate e;
    e.value = value;
    if (rel >= 0) {
        e.low = value * (1 - rel);
        e.high = value * (1 + rel);
        e.method = "order statistics";
    } else {
        e.method = "none (n=" + std::to_string(n) + ")";
    }
    return e;
}

/// Competition ranks with ties: a group shares the rank of the best group of the current block
/// while their intervals overlap (the sample's stand-in for the aggregation's rule).
inline void sample_rank(std::vector<rs::fleet_group>& groups, const std::string& id, bool per_dollar) {
    std::vector<rs::group_metric*> ms;
    for (auto& g : groups) {
        for (auto& m : g.metrics) {
            if (m.id == id && (!per_dollar || m.per_dollar)) ms.push_back(&m);
        }
    }
    const auto est = [per_dollar](const rs::group_metric* m) -> const rs::estimate& {
        return per_dollar ? *m->per_dollar : m->perf;
    };
    std::sort(ms.begin(), ms.end(), [&](const rs::group_metric* a, const rs::group_metric* b) {
        return a->higher_is_better ? est(a).value > est(b).value : est(a).value < est(b).value;
    });
    const rs::group_metric* lead = nullptr;
    int lead_rank = 0;
    for (std::size_t i = 0; i < ms.size(); ++i) {
        const auto& e = est(ms[i]);
        const bool overlap = lead != nullptr && std::isfinite(e.low) && std::isfinite(est(lead).low) &&
                             e.low <= est(lead).high && est(lead).low <= e.high;
        if (!overlap) {
            lead = ms[i];
            lead_rank = static_cast<int>(i) + 1;
        }
        (per_dollar ? ms[i]->per_dollar_rank : ms[i]->rank) = lead_rank;
    }
}

inline rs::fleet_report sample_report() {
    struct type {
        const char* name;
        const char* arch;
        const char* cpu;
        double usd;  // 0: no price
        rs::price_origin origin;
        const char* market;
        const char* source;
        const char* date;
        double triad, primes1, primes_all, iops, p99, record_ns;
        double p50, p90, p999;
        std::size_t files, reps;
        bool sweep;
    };
    // clang-format off
    const type types[] = {
        {"c7a.xlarge", "x86_64", "AMD EPYC 9R14", 0.20528, rs::price_origin::bundled, "on-demand",
         "karpenter+skypilot", "2026-01-19", 42.1, 312, 1190, 1660, 1210, 2.31, 560, 690, 2900, 3, 15, true},
        {"c7g.xlarge", "aarch64", "Neoverse-V1", 0.145, rs::price_origin::bundled, "on-demand",
         "karpenter+skypilot", "2026-01-19", 38.9, 226, 898, 1610, 1150, 2.86, 590, 720, 2650, 3, 15, true},
        {"m7g.xlarge", "aarch64", "Neoverse-V1", 0.0653, rs::price_origin::spot_prices, "spot",
         "spot-price-history", "2026-12-05", 39.2, 225, 896, 1590, 1190, 2.88, 600, 735, 2720, 3, 15, false},
        {"c7i.xlarge", "x86_64", "Intel Xeon Platinum 8488C", 0.1785, rs::price_origin::prices_file, "on-demand",
         "aws-price-list@20261201", "2026-12-01", 33.5, 268, 690, 1700, 1090, 2.47, 540, 660, 2480, 3, 15, true},
        {"m7i.xlarge", "x86_64", "Intel Xeon Platinum 8488C", 0.2016, rs::price_origin::bundled, "on-demand",
         "karpenter+c3x.dev", "2026-01-19", 33.1, 266, 684, 1680, 1120, 2.49, 550, 675, 2560, 2, 10, false},
        {"c6i.xlarge", "x86_64", "Intel Xeon Platinum 8375C", 0.17, rs::price_origin::bundled, "on-demand",
         "karpenter+skypilot", "2026-01-19", 26.4, 231, 590, 1580, 1330, 3.12, 610, 760, 3400, 3, 15, true},
        {"c8g.xlarge", "aarch64", "Neoverse-V2", 0, rs::price_origin::bundled, "on-demand", "", "", 47.8, 281, 1120,
         1750, 1020, 2.05, 520, 630, 2310, 1, 5, true},
    };
    // clang-format on
    rs::fleet_report r;
    r.grouping = rs::group_by::instance_type;
    r.generated_on = "2026-12-06";
    for (const type& t : types) {
        rs::fleet_group g;
        g.key = t.name;
        g.instance_type = t.name;
        g.region = "us-east-1";
        g.market = t.market;
        g.architecture = t.arch;
        g.cpu = t.cpu;
        g.cpus = 4;
        for (std::size_t f = 0; f < t.files; ++f) {
            g.files.push_back("results/" + std::string(t.name) + "-" + std::to_string(f + 1) + ".json");
        }
        if (t.usd > 0) {
            rs::price_quote q;
            q.entry.instance_type = t.name;
            q.entry.region = "us-east-1";
            q.entry.market = std::string(t.market) == "spot" ? rs::price_market::spot : rs::price_market::on_demand;
            q.entry.usd_per_hour = t.usd;
            q.entry.effective_date = t.date;
            q.entry.source = t.source;
            q.origin = t.origin;
            g.price = q;
            if (std::string(t.date) < "2026-06-09") {
                g.warnings.push_back("price dated " + std::string(t.date) + " is older than 180 days");
            }
        } else {
            g.warnings.push_back("no price for " + std::string(t.name) + " in us-east-1 (on-demand)");
        }
        g.versions = {"0.1.0"};
        g.first_started_at = "2026-12-04T09:12:41Z";
        g.last_started_at = t.files > 1 ? "2026-12-04T11:40:03Z" : g.first_started_at;
        // Fewer than six values leave the median without a 95% order-statistics interval.
        const double rel = t.reps < 6 ? -1 : 1;
        struct m {
            const char *id, *label, *unit;
            bool up;
            double value, spread, per_dollar_factor;
            const char* per_dollar_unit;
        };
        const m ms[] = {
            {"triad_gbps", "STREAM triad (double), best", "GB/s", true, t.triad, 0.018, 1, "GB/s per $/h"},
            {"primes_per_second_1t", "primes per second, 1 thread", "M/s", true, t.primes1, 0.012, 3.6e-3,
             "G primes per $"},
            {"primes_per_second_all", "primes per second, 4 threads", "M/s", true, t.primes_all, 0.02, 3.6e-3,
             "G primes per $"},
            {"fdatasync_iops", "fdatasync 4 KiB writes", "IOPS", true, t.iops, 0.035, 3.6e-3,
             "M fdatasyncs per $"},
            {"fdatasync_p99_us", "fdatasync 4 KiB p99 latency", "us", false, t.p99, 0.06, 0, ""},
            {"histogram_record_ns", "histogram record", "ns", false, t.record_ns, 0.015, 0, ""},
        };
        for (const m& x : ms) {
            rs::group_metric gm;
            gm.id = x.id;
            gm.label = x.label;
            gm.unit = x.unit;
            gm.higher_is_better = x.up;
            gm.perf = sample_estimate(x.value, rel * x.spread, t.reps);
            gm.files = t.files;
            gm.repetitions = t.reps;
            gm.per_dollar_unit = x.per_dollar_unit;
            if (t.usd > 0 && x.per_dollar_factor > 0) {
                rs::estimate pd = gm.perf;
                for (double* v : {&pd.value, &pd.low, &pd.high}) *v = *v * x.per_dollar_factor / t.usd;
                gm.per_dollar = pd;
            }
            g.metrics.push_back(gm);
        }
        const double qs[][2] = {{0.5, t.p50}, {0.9, t.p90}, {0.99, t.p99}, {0.999, t.p999}};
        const char* labels[] = {"p50", "p90", "p99", "p99.9"};
        for (std::size_t i = 0; i < 4; ++i) {
            g.fsync_latency.push_back({labels[i], qs[i][0], sample_estimate(qs[i][1], rel * (0.02 + 0.03 * static_cast<double>(i)), t.reps)});
        }
        if (t.sweep) {
            // Bandwidth that saturates: most of it with two threads, the rest by four.
            const double share[] = {0.48, 0.83, 0.95, 1.0};
            for (unsigned k = 0; k < 4; ++k) {
                g.stream_sweep.push_back({k + 1, sample_estimate(t.triad * share[k], rel * 0.02, t.reps)});
            }
        }
        r.groups.push_back(std::move(g));
    }
    for (const char* id : {"triad_gbps", "primes_per_second_1t", "primes_per_second_all", "fdatasync_iops",
                           "fdatasync_p99_us", "histogram_record_ns"}) {
        sample_rank(r.groups, id, false);
        sample_rank(r.groups, id, true);
    }
    std::stable_sort(r.groups.begin(), r.groups.end(),
                     [](const rs::fleet_group& a, const rs::fleet_group& b) { return a.metrics[0].rank < b.metrics[0].rank; });
    r.skipped.push_back("results/notes.json: not a results file (no \"benchmarks\" array)");
    r.warnings.push_back("2 groups without a sweep: m7i.xlarge, m7g.xlarge");
    return r;
}

/// The sample with markup in every string a results or prices file could hold: an <img> and a
/// <link> that would fetch from 127.0.0.1:9, scripts, attribute breakouts, a closing </style>.
/// Escaped, it is text; not escaped, a browser would fetch or run something.
inline rs::fleet_report hostile_sample_report() {
    rs::fleet_report r = sample_report();
    const std::string img = "<img src=\"http://127.0.0.1:9/hostile.png\">";
    const std::string link = "<link rel=\"stylesheet\" href=\"http://127.0.0.1:9/hostile.css\">";
    const std::string script = "<script>console.error('hostile')</script>";
    const std::string breakout = "\"><img src=x onerror=\"console.error('hostile')\">";
    r.generated_on = script;
    r.skipped.push_back(img + ": not a results file");
    r.warnings.push_back("</style>" + script);
    for (std::size_t i = 0; i < r.groups.size(); ++i) {
        rs::fleet_group& g = r.groups[i];
        const std::string& bad = i % 4 == 0 ? script : i % 4 == 1 ? breakout : i % 4 == 2 ? img : link;
        g.key = g.key + bad;
        g.cpu = img;
        g.region = breakout;
        g.files.push_back(link + ".json");
        g.versions.push_back(script);
        g.warnings.push_back(breakout);
        if (g.price) g.price->entry.source = link;
        for (auto& m : g.metrics) {
            m.label = m.label + script;
            m.unit = breakout;
        }
        for (auto& q : g.fsync_latency) q.label = img;
    }
    return r;
}

}  // namespace ec2bench_test

#endif  // EC2BENCH_TESTS_HTML_SAMPLE_REPORT_HPP
