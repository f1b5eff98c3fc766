// SPDX-License-Identifier: MIT
// Plain-text, Markdown and CSV tables, for the suite's summary, compare and report.
#ifndef EC2BENCH_RESULTS_TABLE_HPP
#define EC2BENCH_RESULTS_TABLE_HPP

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ec2bench::results {

enum class table_format { text, markdown, csv };

/// Parses "table"/"text", "markdown"/"md" or "csv".
inline table_format parse_table_format(std::string_view s) {
    if (s == "table" || s == "text") return table_format::text;
    if (s == "markdown" || s == "md") return table_format::markdown;
    if (s == "csv") return table_format::csv;
    throw std::invalid_argument("--format=" + std::string(s) + ": expected table, markdown or csv");
}

/// A table of strings; columns whose header is listed in `right` are right-aligned (numbers).
struct table {
    std::vector<std::string> headers;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> right;  ///< per column; missing entries mean left

    std::string render(table_format f = table_format::text) const {
        const std::size_t cols = headers.size();
        std::string out;
        if (f == table_format::csv) {
            const auto cell = [](const std::string& s) {
                if (s.find_first_of(",\"\n") == std::string::npos) return s;
                std::string q = "\"";
                for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
                return q + "\"";
            };
            for (std::size_t c = 0; c < cols; ++c) out += (c ? "," : "") + cell(headers[c]);
            out += "\n";
            for (const auto& r : rows) {
                for (std::size_t c = 0; c < cols; ++c) {
                    out += (c ? "," : "") + cell(c < r.size() ? r[c] : "");
                }
                out += "\n";
            }
            return out;
        }
        std::vector<std::size_t> width(cols, 0);
        for (std::size_t c = 0; c < cols; ++c) width[c] = headers[c].size();
        for (const auto& r : rows) {
            for (std::size_t c = 0; c < cols && c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
        }
        const auto is_right = [&](std::size_t c) { return c < right.size() && right[c]; };
        const auto line = [&](const std::vector<std::string>& r) {
            std::string s = f == table_format::markdown ? "| " : "";
            for (std::size_t c = 0; c < cols; ++c) {
                const std::string v = c < r.size() ? r[c] : "";
                s += is_right(c) ? fmt::format("{:>{}}", v, width[c]) : fmt::format("{:<{}}", v, width[c]);
                if (c + 1 < cols) s += f == table_format::markdown ? " | " : "  ";
            }
            if (f == table_format::markdown) s += " |";
            while (f == table_format::text && !s.empty() && s.back() == ' ') s.pop_back();
            return s + "\n";
        };
        out += line(headers);
        if (f == table_format::markdown) {
            out += "|";
            for (std::size_t c = 0; c < cols; ++c) {
                out += is_right(c) ? std::string(width[c] + 1, '-') + ":|" : std::string(width[c] + 2, '-') + "|";
            }
            out += "\n";
        } else {
            std::size_t total = 0;
            for (std::size_t c = 0; c < cols; ++c) total += width[c] + (c + 1 < cols ? 2 : 0);
            out += std::string(total, '-') + "\n";
        }
        for (const auto& r : rows) out += line(r);
        return out;
    }
};

/// A number with three significant digits (1.23, 12.3, 123, 1234, 12345), or "-" when absent.
inline std::string number(std::optional<double> v) {
    if (!v || std::isnan(*v)) return "-";
    const double a = std::fabs(*v);
    if (a >= 1000) return fmt::format("{:.0f}", *v);
    if (a >= 100) return fmt::format("{:.0f}", *v);
    if (a >= 10) return fmt::format("{:.1f}", *v);
    if (a >= 1) return fmt::format("{:.2f}", *v);
    if (a == 0) return "0";
    return fmt::format("{:.3g}", *v);
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_TABLE_HPP
