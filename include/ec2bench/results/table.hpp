// SPDX-License-Identifier: MIT
// Plain-text, Markdown and CSV tables, for the suite's summary, compare and report.
#ifndef EC2BENCH_RESULTS_TABLE_HPP
#define EC2BENCH_RESULTS_TABLE_HPP

#include <ec2bench/results/escape.hpp>

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

namespace detail {

/// Cells longer than this many columns are cut, in text and Markdown, to this many with "…" as
/// the last: a 100 KB benchmark name must not push every other column off the screen. CSV keeps
/// every cell whole; it is read by programs.
inline constexpr std::size_t max_cell_columns = 200;

/// A cell's text as printed, and its width in columns.
struct rendered_cell {
    std::string text;
    std::size_t columns = 0;
};

/// Escapes a cell for `f`: see table::render.
inline rendered_cell render_cell(std::string_view s, table_format f) {
    rendered_cell out;
    if (f == table_format::csv) {
        for_each_escaped(s, "\r\n", [&](std::string_view piece, std::size_t) { out.text += piece; });
        if (out.text.find_first_of(",\"\r\n") != std::string::npos) {
            std::string q = "\"";
            for (char c : out.text) {
                if (c == '"') q += '"';
                q += c;
            }
            out.text = q + "\"";
        }
        return out;
    }
    const auto each_piece = [&](auto&& piece) {
        for_each_escaped(s, {}, [&](std::string_view text, std::size_t columns) {
            if (f == table_format::markdown && text == "|") {
                piece(std::string_view("\\|"), std::size_t{2});
            } else {
                piece(text, columns);
            }
        });
    };
    std::size_t total = 0;
    each_piece([&](std::string_view, std::size_t columns) { total += columns; });
    // Pieces are kept whole, so a cut never splits an escape or a UTF-8 sequence.
    const std::size_t room = total > max_cell_columns ? max_cell_columns - 1 : total;
    bool full = false;
    each_piece([&](std::string_view text, std::size_t columns) {
        if (full || out.columns + columns > room) {
            full = true;
            return;
        }
        out.text += text;
        out.columns += columns;
    });
    if (total > max_cell_columns) {
        out.text += "\xe2\x80\xa6";  // U+2026 …
        out.columns += 1;
    }
    return out;
}

}  // namespace detail

/// A table of strings; columns whose header is listed in `right` are right-aligned (numbers).
/// render() escapes every cell for its format, so that nothing from a results file or a server
/// reaches a terminal raw:
/// - text: escape_for_terminal() (escape.hpp), cells over 200 columns cut with "…";
/// - markdown: the same, and `|` as `\|`, so a cell stays one cell on one line;
/// - csv: RFC 4180 (fields with , " CR or LF quoted, quotes doubled), other control characters,
///   backslashes and bytes that are not UTF-8 escaped as in text; nothing cut.
struct table {
    std::vector<std::string> headers;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> right;  ///< per column; missing entries mean left

    std::string render(table_format f = table_format::text) const {
        const std::size_t cols = headers.size();
        const auto cells_of = [&](const std::vector<std::string>& r) {
            std::vector<detail::rendered_cell> out;
            for (std::size_t c = 0; c < cols; ++c) {
                out.push_back(detail::render_cell(c < r.size() ? r[c] : std::string(), f));
            }
            return out;
        };
        std::vector<std::vector<detail::rendered_cell>> lines;
        lines.push_back(cells_of(headers));
        for (const auto& r : rows) lines.push_back(cells_of(r));
        std::string out;
        if (f == table_format::csv) {
            for (const auto& l : lines) {
                for (std::size_t c = 0; c < cols; ++c) out += (c ? "," : "") + l[c].text;
                out += "\n";
            }
            return out;
        }
        std::vector<std::size_t> width(cols, 0);
        for (const auto& l : lines) {
            for (std::size_t c = 0; c < cols; ++c) width[c] = std::max(width[c], l[c].columns);
        }
        const auto is_right = [&](std::size_t c) { return c < right.size() && right[c]; };
        const auto line = [&](const std::vector<detail::rendered_cell>& l) {
            std::string s = f == table_format::markdown ? "| " : "";
            for (std::size_t c = 0; c < cols; ++c) {
                const std::string pad(width[c] - l[c].columns, ' ');
                s += is_right(c) ? pad + l[c].text : l[c].text + pad;
                if (c + 1 < cols) s += f == table_format::markdown ? " | " : "  ";
            }
            if (f == table_format::markdown) s += " |";
            while (f == table_format::text && !s.empty() && s.back() == ' ') s.pop_back();
            return s + "\n";
        };
        out += line(lines[0]);
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
        for (std::size_t i = 1; i < lines.size(); ++i) out += line(lines[i]);
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
