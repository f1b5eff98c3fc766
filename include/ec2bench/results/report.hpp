// SPDX-License-Identifier: MIT
// The report on many results files: one row per file (where it ran, on what) with the suite's
// headline numbers, as a table, Markdown or CSV, for a shared database of instance performance.
#ifndef EC2BENCH_RESULTS_REPORT_HPP
#define EC2BENCH_RESULTS_REPORT_HPP

#include <ec2bench/results/document.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/table.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ec2bench::results {

/// One file's row.
struct report_row {
    std::string file;
    std::string instance_type, zone, architecture, cpu, started_at;
    unsigned cpus = 0;
    bool complete = true;
    std::vector<headline> numbers;
};

/// The headline columns, in order: id, header.
inline const std::vector<std::pair<std::string, std::string>>& report_columns() {
    static const std::vector<std::pair<std::string, std::string>> cols = {
        {"triad_gbps", "triad GB/s"},
        {"primes_per_second_1t", "primes/s 1T (M)"},
        {"primes_per_second_all", "primes/s all (M)"},
        {"fdatasync_iops", "fdatasync IOPS"},
        {"fdatasync_p99_us", "fdatasync p99 us"},
        {"histogram_record_ns", "hist record ns"}};
    return cols;
}

inline report_row report_row_of(const std::string& file, const nlohmann::json& doc) {
    report_row r;
    r.file = file;
    const auto& eb = doc["ec2bench"];
    const auto fact = [&](const char* key) -> std::string {
        if (!eb.contains("ec2") || !eb["ec2"].contains(key) || !eb["ec2"][key].is_object()) return "";
        return eb["ec2"][key].value("value", std::string());
    };
    r.instance_type = fact("instance_type");
    r.zone = fact("availability_zone");
    if (r.zone.empty()) r.zone = fact("region");
    if (eb.contains("host")) {
        r.architecture = eb["host"].value("architecture", std::string());
        r.cpu = eb["host"].value("cpu_model", std::string());
        r.cpus = eb["host"].value("logical_cpus", 0u);
    }
    r.started_at = eb.value("started_at", std::string());
    r.complete = eb.value("complete", true);
    r.numbers = headlines(doc);
    return r;
}

/// The files named: each argument is a results file, or a directory whose *.json entries are
/// read, sorted. Entries of every kind are listed: read_document() then refuses, one by one and
/// without blocking, those that are not regular files (a FIFO, a socket, a directory named
/// x.json), so `ec2bench report` says "skipped: ..." for each rather than dropping it silently.
inline std::vector<std::string> expand_inputs(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    for (const auto& a : args) {
        std::error_code ec;
        if (std::filesystem::is_directory(a, ec)) {
            std::vector<std::string> inside;
            for (const auto& e : std::filesystem::directory_iterator(a, ec)) {
                if (e.path().extension() == ".json") inside.push_back(e.path().string());
            }
            std::sort(inside.begin(), inside.end());
            files.insert(files.end(), inside.begin(), inside.end());
        } else {
            files.push_back(a);
        }
    }
    return files;
}

/// The report's table; rows sorted by `sort_by` (a column id such as "triad_gbps", or
/// "instance_type", the default), best first for numbers.
inline table report_table(std::vector<report_row> rows, const std::string& sort_by = "instance_type") {
    const auto value_of = [](const report_row& r, const std::string& id) -> std::optional<double> {
        for (const auto& h : r.numbers) {
            if (h.id == id) return h.value;
        }
        return std::nullopt;
    };
    if (sort_by == "instance_type" || sort_by.empty()) {
        std::stable_sort(rows.begin(), rows.end(), [](const report_row& a, const report_row& b) {
            return a.instance_type < b.instance_type;
        });
    } else {
        const bool lower_better = sort_by == "fdatasync_p99_us" || sort_by == "histogram_record_ns";
        std::stable_sort(rows.begin(), rows.end(), [&](const report_row& a, const report_row& b) {
            const auto x = value_of(a, sort_by), y = value_of(b, sort_by);
            if (!x || !y) return x.has_value() && !y.has_value();
            return lower_better ? *x < *y : *x > *y;
        });
    }
    table t;
    t.headers = {"file", "instance", "zone", "arch", "cpu", "cpus"};
    t.right = {false, false, false, false, false, true};
    for (const auto& [id, header] : report_columns()) {
        t.headers.push_back(header);
        t.right.push_back(true);
    }
    for (const auto& r : rows) {
        std::vector<std::string> cells = {
            std::filesystem::path(r.file).filename().string() + (r.complete ? "" : " (partial)"),
            r.instance_type.empty() ? "-" : r.instance_type, r.zone.empty() ? "-" : r.zone,
            r.architecture, r.cpu, r.cpus ? std::to_string(r.cpus) : "-"};
        for (const auto& col : report_columns()) cells.push_back(number(value_of(r, col.first)));
        t.rows.push_back(std::move(cells));
    }
    return t;
}

/// Whether `id` names a column report_table() can sort by.
inline bool valid_sort_column(const std::string& id) {
    if (id == "instance_type") return true;
    for (const auto& c : report_columns()) {
        if (c.first == id) return true;
    }
    return false;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_REPORT_HPP
