// SPDX-License-Identifier: MIT
// The fleet report (fleet.hpp) as text, Markdown, CSV and JSON: the same groups, medians,
// intervals, ranks, prices and price-performance in each. html.hpp draws the HTML page.
//
//     std::fputs(rs::render_fleet(report, rs::fleet_format::table).c_str(), stdout);
//
// Every string from a results file or a prices file goes through table::render (text, Markdown
// and CSV escape it there, as escape.hpp says) or through nlohmann/json with every non-ASCII
// character as \uXXXX (and bytes that are not UTF-8 as U+FFFD), so nothing reaches a terminal raw.
// docs/report.md shows each form; its JSON shape is documented there.
#ifndef EC2BENCH_RESULTS_FLEET_RENDER_HPP
#define EC2BENCH_RESULTS_FLEET_RENDER_HPP

#include <ec2bench/results/fleet.hpp>
#include <ec2bench/results/table.hpp>
#include <ec2bench/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::results {

/// The forms of the fleet report printed here (html.hpp draws the page).
enum class fleet_format { table, markdown, csv, json };

/// Parses "table", "markdown", "csv" or "json".
inline fleet_format parse_fleet_format(std::string_view s) {
    if (s == "table" || s == "text") return fleet_format::table;
    if (s == "markdown" || s == "md") return fleet_format::markdown;
    if (s == "csv") return fleet_format::csv;
    if (s == "json") return fleet_format::json;
    throw std::invalid_argument("--format=" + quote_for_message(s) +
                                ": expected table, markdown, csv or json");
}

/// The version of the JSON shape render_fleet() writes (docs/report.md).
inline constexpr int fleet_json_version = 1;

namespace detail {

/// A headline's title for a table over every group: its label when the groups agree on one
/// (the all-thread sieve's names its thread count, which may differ).
inline std::string fleet_metric_title(const fleet_report& r, const std::string& id) {
    std::string label;
    for (const auto& g : r.groups) {
        if (const group_metric* m = find_metric(g, id)) {
            if (label.empty()) {
                label = m->label;
            } else if (label != m->label) {
                return id == "primes_per_second_all" ? "primes per second, all threads" : id;
            }
        }
    }
    return label;
}

/// "[9.00, 9.80]", or why there is no interval.
inline std::string fleet_interval_text(const estimate& e) {
    if (!std::isfinite(e.low) || !std::isfinite(e.high)) return e.method;
    return "[" + number(e.low) + ", " + number(e.high) + "]";
}

inline std::string fleet_rank_text(int rank) {
    return rank > 0 ? std::to_string(rank) : "-";
}

inline std::string fleet_price_text(double usd) {
    return fmt::format("{:g}", usd);
}

/// "bundled: karpenter+skypilot, 2026-01-19".
inline std::string fleet_price_source(const price_quote& q) {
    return std::string(price_origin_name(q.origin)) + ": " + q.entry.source + ", " +
           q.entry.effective_date;
}

/// A number for programs: up to 9 significant digits, empty when not finite.
inline std::string fleet_csv_number(double v) {
    return std::isfinite(v) ? fmt::format("{:.9g}", v) : std::string();
}

inline nlohmann::json fleet_json_number(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

inline nlohmann::json fleet_json_estimate(const estimate& e) {
    return {{"value", fleet_json_number(e.value)},
            {"low", fleet_json_number(e.low)},
            {"high", fleet_json_number(e.high)},
            {"method", e.method},
            {"coverage", fleet_json_number(e.coverage)},
            {"lower_rank", e.lower_rank},
            {"upper_rank", e.upper_rank},
            {"count", e.count}};
}

/// The metric ids of the report in headline order.
inline std::vector<std::string> fleet_present_metrics(const fleet_report& r) {
    std::vector<std::string> out;
    for (const auto& id : fleet_metric_ids()) {
        for (const auto& g : r.groups) {
            if (find_metric(g, id) != nullptr) {
                out.push_back(id);
                break;
            }
        }
    }
    return out;
}

/// The text and Markdown forms: a table of the groups, one per metric in rank order, and the
/// warnings.
inline std::string fleet_tables(const fleet_report& r, table_format f) {
    const bool md = f == table_format::markdown;
    std::string out;
    const auto heading = [&](const std::string& title) {
        // Titles are ours, except a metric's label (from a results file): escaped like a cell.
        std::string t;
        for_each_escaped(title, {}, [&](std::string_view piece, std::size_t) { t += piece; });
        out += md ? "\n### " + t + "\n\n" : "\n" + t + "\n";
    };
    std::size_t files = 0;
    for (const auto& g : r.groups)
        files += g.files.size();
    const std::string by = r.grouping == group_by::instance_type ? "instance type"
                           : r.grouping == group_by::cpu         ? "CPU model and logical CPUs"
                                                                 : "file";
    out +=
        (md ? "## " : "") + std::string("ec2bench report: ") +
        detail::fleet_count(files, "file", "files") + " in " +
        detail::fleet_count(r.groups.size(), "group", "groups") + " by " + by +
        (r.generated_on.empty() ? "" : ", " + r.generated_on) +
        "; medians of every repetition with 95% distribution-free intervals; a shared rank means "
        "the intervals do not separate the groups\n";

    table groups;
    groups.headers = {"group", "files", "instance type", "region", "market",
                      "arch",  "cpu",   "cpus",          "$/h",    "price source, date"};
    groups.right = {false, true, false, false, false, false, false, true, true, false};
    for (const auto& g : r.groups) {
        groups.rows.push_back(
            {g.key, std::to_string(g.files.size()), g.instance_type.empty() ? "-" : g.instance_type,
             g.region.empty() ? "-" : g.region + (g.region_from_flag ? " (--region)" : ""),
             g.market.empty() ? "-" : g.market, g.architecture, g.cpu,
             g.cpus ? std::to_string(g.cpus) : "-",
             g.price ? fleet_price_text(g.price->entry.usd_per_hour) : "-",
             g.price ? fleet_price_source(*g.price) : "no price"});
    }
    heading("groups");
    out += groups.render(f);

    for (const auto& id : fleet_present_metrics(r)) {
        const bool priced = per_dollar_rule_of(id).has_value();
        std::vector<std::pair<const fleet_group*, const group_metric*>> rows;
        for (const auto& g : r.groups) {
            if (const group_metric* m = find_metric(g, id)) rows.emplace_back(&g, m);
        }
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            const int ra = a.second->rank == 0 ? std::numeric_limits<int>::max() : a.second->rank;
            const int rb = b.second->rank == 0 ? std::numeric_limits<int>::max() : b.second->rank;
            if (ra != rb) return ra < rb;
            const double va = a.second->perf.value, vb = b.second->perf.value;
            if (std::isnan(va) || std::isnan(vb)) return !std::isnan(va) && std::isnan(vb);
            return a.second->higher_is_better ? va > vb : va < vb;
        });
        const group_metric& any = *rows.front().second;
        heading(fleet_metric_title(r, id) + ", " + any.unit + " (" +
                (any.higher_is_better ? "higher" : "lower") + " is better)");
        table t;
        t.headers = {"rank", "group", "median", "95% interval", "files", "reps"};
        t.right = {true, false, true, true, true, true};
        std::string per_unit;
        if (priced) {
            for (const auto& row : rows) {
                if (!row.second->per_dollar_unit.empty()) per_unit = row.second->per_dollar_unit;
            }
            if (per_unit.empty()) per_unit = std::string(per_dollar_rule_of(id)->unit);
            t.headers.insert(t.headers.end(), {"$/h", per_unit, "95% interval", "rank per $"});
            t.right.insert(t.right.end(), {true, true, true, true});
        }
        for (const auto& [g, m] : rows) {
            std::vector<std::string> cells = {
                fleet_rank_text(m->rank), g->key,
                number(m->perf.value),    fleet_interval_text(m->perf),
                std::to_string(m->files), std::to_string(m->repetitions)};
            if (priced) {
                cells.push_back(g->price ? fleet_price_text(g->price->entry.usd_per_hour) : "-");
                if (m->per_dollar) {
                    cells.push_back(number(m->per_dollar->value));
                    cells.push_back(fleet_interval_text(*m->per_dollar));
                    cells.push_back(fleet_rank_text(m->per_dollar_rank));
                } else {
                    cells.insert(cells.end(), {"-", "-", "-"});
                }
            }
            t.rows.push_back(std::move(cells));
        }
        out += t.render(f);
    }

    const auto latency = [&]() {
        table t;
        t.headers = {"group"};
        t.right = {false};
        std::vector<std::string> labels;
        for (const auto& g : r.groups) {
            for (const auto& q : g.fsync_latency) {
                if (std::find(labels.begin(), labels.end(), q.label) == labels.end())
                    labels.push_back(q.label);
            }
        }
        if (labels.empty()) return;
        for (const auto& l : labels) {
            t.headers.push_back(l + " us");
            t.right.push_back(true);
        }
        for (const auto& g : r.groups) {
            if (g.fsync_latency.empty()) continue;
            std::vector<std::string> cells = {g.key};
            for (const auto& l : labels) {
                std::string cell = "-";
                for (const auto& q : g.fsync_latency) {
                    if (q.label == l) cell = number(q.us.value) + " " + fleet_interval_text(q.us);
                }
                cells.push_back(cell);
            }
            t.rows.push_back(std::move(cells));
        }
        heading("fdatasync 4 KiB latency percentiles: median over repetitions [95% interval]");
        out += t.render(f);
    };
    latency();

    const auto sweep = [&]() {
        std::vector<unsigned> threads;
        for (const auto& g : r.groups) {
            for (const auto& p : g.stream_sweep) {
                if (std::find(threads.begin(), threads.end(), p.threads) == threads.end())
                    threads.push_back(p.threads);
            }
        }
        if (threads.empty()) return;
        std::sort(threads.begin(), threads.end());
        table t;
        t.headers = {"group"};
        t.right = {false};
        for (const unsigned n : threads) {
            t.headers.push_back(std::to_string(n) + (n == 1 ? " thread" : " threads"));
            t.right.push_back(true);
        }
        for (const auto& g : r.groups) {
            if (g.stream_sweep.empty()) continue;
            std::vector<std::string> cells = {g.key};
            for (const unsigned n : threads) {
                std::string cell = "-";
                for (const auto& p : g.stream_sweep) {
                    if (p.threads == n) cell = number(p.gbps.value);
                }
                cells.push_back(cell);
            }
            t.rows.push_back(std::move(cells));
        }
        heading("STREAM triad (double) thread sweep, best GB/s (median over repetitions)");
        out += t.render(f);
    };
    sweep();

    table warnings;
    warnings.headers = {"group", "warning"};
    for (const auto& w : r.warnings)
        warnings.rows.push_back({"(report)", w});
    for (const auto& g : r.groups) {
        for (const auto& w : g.warnings)
            warnings.rows.push_back({g.key, w});
    }
    for (const auto& s : r.skipped)
        warnings.rows.push_back({"(skipped)", s});
    if (!warnings.rows.empty()) {
        heading("warnings");
        out += warnings.render(f);
    }
    return out;
}

}  // namespace detail

/// The report as JSON (docs/report.md, "JSON"): numbers that are not finite are null.
inline nlohmann::json fleet_to_json(const fleet_report& r) {
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : r.groups) {
        nlohmann::json metrics = nlohmann::json::array();
        for (const auto& m : g.metrics) {
            nlohmann::json j = {
                {"id", m.id},
                {"label", m.label},
                {"unit", m.unit},
                {"higher_is_better", m.higher_is_better},
                {"median", detail::fleet_json_estimate(m.perf)},
                {"files", m.files},
                {"repetitions", m.repetitions},
                {"rank", m.rank > 0 ? nlohmann::json(m.rank) : nlohmann::json(nullptr)},
                {"per_dollar", nullptr}};
            if (m.per_dollar) {
                j["per_dollar"] = {
                    {"unit", m.per_dollar_unit},
                    {"median", detail::fleet_json_estimate(*m.per_dollar)},
                    {"rank", m.per_dollar_rank > 0 ? nlohmann::json(m.per_dollar_rank)
                                                   : nlohmann::json(nullptr)}};
            }
            metrics.push_back(std::move(j));
        }
        nlohmann::json latency = nlohmann::json::array();
        for (const auto& q : g.fsync_latency) {
            latency.push_back(
                {{"label", q.label}, {"q", q.q}, {"us", detail::fleet_json_estimate(q.us)}});
        }
        nlohmann::json sweep = nlohmann::json::array();
        for (const auto& p : g.stream_sweep) {
            sweep.push_back(
                {{"threads", p.threads}, {"gbps", detail::fleet_json_estimate(p.gbps)}});
        }
        nlohmann::json price = nullptr;
        if (g.price) {
            const price_entry& e = g.price->entry;
            price = {{"usd_per_hour", e.usd_per_hour},
                     {"origin", std::string(price_origin_name(g.price->origin))},
                     {"source", e.source},
                     {"effective_date", e.effective_date},
                     {"instance_type", e.instance_type},
                     {"region", e.region},
                     {"availability_zone", e.availability_zone},
                     {"market", std::string(price_market_name(e.market))},
                     {"samples", e.samples}};
            if (!r.generated_on.empty() && detail::parse_iso_date(e.effective_date)) {
                price["age_days"] = price_age_days(e.effective_date, r.generated_on);
            }
        }
        groups.push_back({{"key", g.key},
                          {"instance_type", g.instance_type},
                          {"region", g.region},
                          {"region_from_flag", g.region_from_flag},
                          {"market", g.market},
                          {"architecture", g.architecture},
                          {"cpu", g.cpu},
                          {"cpus", g.cpus},
                          {"files", g.files},
                          {"price", price},
                          {"metrics", metrics},
                          {"fsync_latency", latency},
                          {"stream_sweep", sweep},
                          {"versions", g.versions},
                          {"first_started_at", g.first_started_at},
                          {"last_started_at", g.last_started_at},
                          {"warnings", g.warnings}});
    }
    return {{"ec2bench_report", fleet_json_version},
            {"generator", std::string("ec2bench ") + ec2bench::version_string()},
            {"generated_on", r.generated_on},
            {"group_by", std::string(group_by_name(r.grouping))},
            {"ordered_by", r.ordered_by},
            {"confidence", fleet_confidence},
            {"groups", groups},
            {"skipped", r.skipped},
            {"warnings", r.warnings}};
}

/// The report as CSV: per group one row of kind "group" (its facts, price and warnings), then
/// one per metric ("metric"), per fdatasync latency percentile ("fsync_latency") and per STREAM
/// sweep point ("stream_sweep"), every column of the group repeated so that each row stands
/// alone; the group's warnings joined by "; ".
inline std::string fleet_csv(const fleet_report& r) {
    table t;
    t.headers = {"group",
                 "instance_type",
                 "region",
                 "market",
                 "architecture",
                 "cpu",
                 "cpus",
                 "group_files",
                 "kind",
                 "metric",
                 "label",
                 "unit",
                 "higher_is_better",
                 "median",
                 "low",
                 "high",
                 "interval_method",
                 "coverage",
                 "files",
                 "repetitions",
                 "rank",
                 "usd_per_hour",
                 "price_origin",
                 "price_source",
                 "price_date",
                 "per_dollar",
                 "per_dollar_low",
                 "per_dollar_high",
                 "per_dollar_unit",
                 "per_dollar_rank",
                 "warnings"};
    using detail::fleet_csv_number;
    for (const auto& g : r.groups) {
        std::string warnings;
        for (const auto& w : g.warnings)
            warnings += (warnings.empty() ? "" : "; ") + w;
        const std::vector<std::string> head = {g.key,
                                               g.instance_type,
                                               g.region,
                                               g.market,
                                               g.architecture,
                                               g.cpu,
                                               g.cpus ? std::to_string(g.cpus) : "",
                                               std::to_string(g.files.size())};
        std::vector<std::string> price(4);
        if (g.price) {
            price = {fleet_csv_number(g.price->entry.usd_per_hour),
                     std::string(price_origin_name(g.price->origin)), g.price->entry.source,
                     g.price->entry.effective_date};
        }
        const auto row = [&](const std::string& kind, const std::string& id,
                             const std::string& label, const std::string& unit, bool higher,
                             const estimate& e, std::string files, const std::string& rank,
                             const group_metric* m) {
            std::vector<std::string> cells = head;
            const std::vector<std::string> rest = {kind,
                                                   id,
                                                   label,
                                                   unit,
                                                   higher ? "true" : "false",
                                                   fleet_csv_number(e.value),
                                                   fleet_csv_number(e.low),
                                                   fleet_csv_number(e.high),
                                                   e.method,
                                                   fleet_csv_number(e.coverage),
                                                   std::move(files),
                                                   std::to_string(e.count),
                                                   rank};
            cells.insert(cells.end(), rest.begin(), rest.end());
            cells.insert(cells.end(), price.begin(), price.end());
            if (m != nullptr && m->per_dollar) {
                cells.insert(
                    cells.end(),
                    {fleet_csv_number(m->per_dollar->value), fleet_csv_number(m->per_dollar->low),
                     fleet_csv_number(m->per_dollar->high), m->per_dollar_unit,
                     m->per_dollar_rank > 0 ? std::to_string(m->per_dollar_rank) : ""});
            } else {
                cells.insert(cells.end(), 5, "");
            }
            cells.push_back(warnings);
            t.rows.push_back(std::move(cells));
        };
        {
            // The group itself, so that a group without any metric still has its price and
            // warnings in the file.
            std::vector<std::string> cells = head;
            cells.push_back("group");
            cells.insert(cells.end(), 12, "");
            cells.insert(cells.end(), price.begin(), price.end());
            cells.insert(cells.end(), 5, "");
            cells.push_back(warnings);
            t.rows.push_back(std::move(cells));
        }
        for (const auto& m : g.metrics) {
            row("metric", m.id, m.label, m.unit, m.higher_is_better, m.perf,
                std::to_string(m.files), m.rank > 0 ? std::to_string(m.rank) : "", &m);
        }
        for (const auto& q : g.fsync_latency) {
            row("fsync_latency", q.label, "fdatasync 4 KiB " + q.label + " latency", "us", false,
                q.us, "", "", nullptr);
        }
        for (const auto& p : g.stream_sweep) {
            row("stream_sweep", "threads:" + std::to_string(p.threads),
                "STREAM triad (double), best", "GB/s", true, p.gbps, "", "", nullptr);
        }
    }
    return t.render(table_format::csv);
}

/// The report in `f`.
inline std::string render_fleet(const fleet_report& r, fleet_format f) {
    switch (f) {
        case fleet_format::table:
            return detail::fleet_tables(r, table_format::text);
        case fleet_format::markdown:
            return detail::fleet_tables(r, table_format::markdown);
        case fleet_format::csv:
            return fleet_csv(r);
        case fleet_format::json:
            // ASCII only: \uXXXX for the rest, so no control character or C1 code reaches a
            // terminal; bytes that are not UTF-8 become U+FFFD rather than an exception.
            return fleet_to_json(r).dump(2, ' ', true, nlohmann::json::error_handler_t::replace) +
                   "\n";
    }
    return "";
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_FLEET_RENDER_HPP
