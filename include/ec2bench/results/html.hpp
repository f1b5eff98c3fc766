// SPDX-License-Identifier: MIT
// The fleet report as one self-contained HTML page: inline CSS and SVG charts drawn here, no
// script, and a Content-Security-Policy that forbids the browser every fetch, so opening the
// page (from a mail, a CI artifact) makes no network request at all.
//
//     std::ofstream("report.html") << ec2bench::results::render_html(report);
//
// Every string of the report came from a results file, a prices file or a command line: each
// one is escaped (controls as \xNN, then & < > " ' as entities) wherever it is printed, in SVG
// text and attributes too. The same report gives the same bytes.
#ifndef EC2BENCH_RESULTS_HTML_HPP
#define EC2BENCH_RESULTS_HTML_HPP

#include <ec2bench/results/escape.hpp>
#include <ec2bench/results/fleet.hpp>
#include <ec2bench/results/prices.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::results {

/// `s` for HTML text or a quoted attribute value: control characters and bytes that are not
/// UTF-8 as `\xNN` (escape_controls), then `& < > " '` as character references.
///
///     html_escape("<b onload=\"x\">") == "&lt;b onload=&quot;x&quot;&gt;"
inline std::string html_escape(std::string_view s) {
    const std::string visible = escape_controls(s);
    std::string out;
    out.reserve(visible.size() + visible.size() / 8);
    for (const char c : visible) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace detail {

// Okabe and Ito's colour-blind-safe palette ("Color Universal Design", 2002), yellow and black
// last: the weakest on a white page. Groups beyond eight repeat a colour with another marker.
inline constexpr const char* html_palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                               "#CC79A7", "#56B4E9", "#F0E442", "#000000"};
inline constexpr std::size_t html_palette_size = 8;
inline constexpr std::size_t html_marker_shapes = 5;

inline bool html_finite(double v) noexcept { return std::isfinite(v); }

/// A coordinate in a viewBox: one decimal is finer than a pixel at the sizes drawn.
inline std::string html_xy(double v) {
    std::string s = fmt::format("{:.1f}", v);
    if (s == "-0.0") s = "0.0";
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
}

/// "12345678" -> "12,345,678" (digits before an optional fraction and after an optional sign).
inline std::string html_group_thousands(std::string s) {
    const std::size_t start = (!s.empty() && s[0] == '-') ? 1 : 0;
    std::size_t end = s.find('.');
    if (end == std::string::npos) end = s.size();
    for (std::size_t i = end; i > start + 3; i -= 3) s.insert(i - 3, ",");
    return s;
}

/// A measured number for people: three significant digits or more, no exponent above 1,
/// thousands grouped. Not finite: an en dash.
inline std::string html_number(double v) {
    if (!html_finite(v)) return "\u2013";
    const double a = std::fabs(v);
    std::string s;
    if (a >= 100) {
        s = fmt::format("{:.0f}", v);
    } else if (a >= 10) {
        s = fmt::format("{:.1f}", v);
    } else if (a >= 1) {
        s = fmt::format("{:.2f}", v);
    } else if (a == 0) {
        s = "0";
    } else {
        s = fmt::format("{:.3g}", v);
    }
    if (s == "-0") s = "0";
    return html_group_thousands(s);
}

/// US dollars per hour as price lists print them: 0.0816, 0.17 -> 0.17, 1.5 -> 1.50.
inline std::string html_usd(double v) {
    if (!html_finite(v)) return "\u2013";
    std::string s = fmt::format("{:.6f}", v);
    const std::size_t dot = s.find('.');
    while (s.size() > dot + 3 && s.back() == '0') s.pop_back();
    return html_group_thousands(s);
}

/// The shortest text that reads back as exactly `v`, for data-value attributes (machines, tests).
inline std::string html_exact(double v) { return fmt::format("{}", v); }

inline std::string html_unit(const std::string& unit) { return unit == "us" ? "\u00b5s" : unit; }

/// `s` cut to at most `max` code points, with an ellipsis when cut; bytes that are not UTF-8
/// count one each (html_escape shows them).
inline std::string html_shorten(std::string_view s, std::size_t max) {
    if (max == 0) return {};
    std::size_t at = 0, points = 0;
    while (at < s.size()) {
        if (points == max - 1) {
            // Room for one more: keep it if it is the last, else the ellipsis takes its place.
            std::size_t n = utf8_sequence_length(s.substr(at));
            if (n == 0) n = 1;
            if (at + n == s.size()) return std::string(s);
            return std::string(s.substr(0, at)) + "\u2026";
        }
        std::size_t n = utf8_sequence_length(s.substr(at));
        at += n == 0 ? 1 : n;
        ++points;
    }
    return std::string(s);
}

/// An axis: a linear or base-10 logarithmic map from data to a pixel range, with ticks.
struct html_axis {
    double lo = 0, hi = 1;       // data domain
    double from = 0, to = 1;     // pixels
    bool log = false;
    std::vector<double> ticks;
    int decimals = 0;            // of the tick labels on a linear axis

    double at(double v) const {
        const double a = log ? std::log10(lo) : lo, b = log ? std::log10(hi) : hi;
        const double x = log ? std::log10(v) : v;
        return b == a ? (from + to) / 2 : from + (x - a) / (b - a) * (to - from);
    }
    std::string tick_label(double v) const {
        if (log) return html_number(v);
        return html_group_thousands(fmt::format("{:.{}f}", v, decimals));
    }
};

/// A linear axis over [lo, hi] widened to round ticks (1, 2, 2.5 or 5 times a power of ten),
/// about `count` of them.
inline html_axis html_linear_axis(double lo, double hi, double from, double to, int count = 5) {
    html_axis a;
    a.from = from;
    a.to = to;
    if (!(hi > lo)) {
        hi = lo == 0 ? 1 : lo + std::fabs(lo);
        if (!(hi > lo)) hi = lo + 1;
    }
    const double raw = (hi - lo) / count;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * p;
    for (const double m : {1.0, 2.0, 2.5, 5.0}) {
        if (m * p >= raw) {
            step = m * p;
            break;
        }
    }
    a.lo = std::floor(lo / step + 1e-9) * step;
    a.hi = std::ceil(hi / step - 1e-9) * step;
    const int e = static_cast<int>(std::floor(std::log10(step) + 1e-9));
    a.decimals = std::max(0, -e + (std::fabs(step / std::pow(10.0, e) - 2.5) < 1e-9 ? 1 : 0));
    for (int i = 0; i <= 100; ++i) {
        const double t = a.lo + i * step;
        if (t > a.hi + step * 1e-6) break;
        a.ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    }
    return a;
}

/// A base-10 logarithmic axis over [lo, hi] (both > 0) from the power of ten below to the one
/// above, ticks at 1, 2 and 5 times each power.
inline html_axis html_log_axis(double lo, double hi, double from, double to) {
    html_axis a;
    a.from = from;
    a.to = to;
    a.log = true;
    a.lo = std::pow(10.0, std::floor(std::log10(lo) + 1e-9));
    a.hi = std::pow(10.0, std::ceil(std::log10(hi) - 1e-9));
    if (!(a.hi > a.lo)) a.hi = a.lo * 10;
    const bool many = a.hi / a.lo > 1e3;  // then only the powers of ten, to stay readable
    for (double p = a.lo; p <= a.hi * (1 + 1e-9); p *= 10) {
        for (const double m : {1.0, 2.0, 5.0}) {
            if (many && m != 1.0) continue;
            const double t = p * m;
            if (t <= a.hi * (1 + 1e-9)) a.ticks.push_back(t);
        }
    }
    return a;
}

/// One marker of group `index`: its palette colour and one of five shapes, so that a line is
/// told apart without colour too.
inline std::string html_marker(std::size_t index, double x, double y, double r, const std::string& extra = {}) {
    const std::string cls = "mark c" + std::to_string(index % html_palette_size);
    const std::size_t shape = index % html_marker_shapes;
    std::string s;
    if (shape == 0) {
        s = "<circle class=\"" + cls + "\" cx=\"" + html_xy(x) + "\" cy=\"" + html_xy(y) + "\" r=\"" +
            html_xy(r) + "\"";
    } else if (shape == 1) {
        const double h = r * 0.9;
        s = "<rect class=\"" + cls + "\" x=\"" + html_xy(x - h) + "\" y=\"" + html_xy(y - h) + "\" width=\"" +
            html_xy(2 * h) + "\" height=\"" + html_xy(2 * h) + "\"";
    } else {
        std::vector<std::pair<double, double>> p;
        if (shape == 2) {
            p = {{x, y - r * 1.2}, {x + r * 1.1, y + r * 0.8}, {x - r * 1.1, y + r * 0.8}};
        } else if (shape == 3) {
            p = {{x, y - r * 1.3}, {x + r * 1.3, y}, {x, y + r * 1.3}, {x - r * 1.3, y}};
        } else {
            p = {{x, y + r * 1.2}, {x + r * 1.1, y - r * 0.8}, {x - r * 1.1, y - r * 0.8}};
        }
        std::string pts;
        for (const auto& [px, py] : p) pts += (pts.empty() ? "" : " ") + html_xy(px) + "," + html_xy(py);
        s = "<polygon class=\"" + cls + "\" points=\"" + pts + "\"";
    }
    return s + extra + "/>";
}

inline std::string html_line(double x1, double y1, double x2, double y2, const char* cls) {
    return "<line class=\"" + std::string(cls) + "\" x1=\"" + html_xy(x1) + "\" y1=\"" + html_xy(y1) +
           "\" x2=\"" + html_xy(x2) + "\" y2=\"" + html_xy(y2) + "\"/>";
}

inline std::string html_text(double x, double y, const std::string& escaped, const char* cls,
                             const char* anchor = "start") {
    return "<text class=\"" + std::string(cls) + "\" x=\"" + html_xy(x) + "\" y=\"" + html_xy(y) +
           "\" text-anchor=\"" + anchor + "\">" + escaped + "</text>";
}

/// The opening of a chart: an <svg> labelled by its <title> and <desc> for screen readers.
inline std::string html_svg_open(const std::string& id, const char* kind, double width, double height,
                                 const std::string& title, const std::string& desc) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart " + std::string(kind) + "\" id=\"" + id +
           "\" viewBox=\"0 0 " + html_xy(width) + " " + html_xy(height) + "\" role=\"img\" aria-labelledby=\"" +
           id + "-title " + id + "-desc\">\n<title id=\"" + id + "-title\">" + html_escape(title) +
           "</title>\n<desc id=\"" + id + "-desc\">" + html_escape(desc) + "</desc>\n";
}

/// A whisker from `a` to `b` across position `c` (vertical when `vertical`), with caps.
inline std::string html_whisker(double c, double a, double b, double cap, bool vertical) {
    if (vertical) {
        return html_line(c, a, c, b, "whisker") + html_line(c - cap, a, c + cap, a, "whisker") +
               html_line(c - cap, b, c + cap, b, "whisker");
    }
    return html_line(a, c, b, c, "whisker") + html_line(a, c - cap, a, c + cap, "whisker") +
           html_line(b, c - cap, b, c + cap, "whisker");
}

/// A headline metric across the groups: its id, words, direction, and each group's value.
struct html_metric {
    std::string id, label, unit, per_dollar_unit;
    bool higher_is_better = true;
    std::vector<std::pair<std::size_t, const group_metric*>> rows;  // group index, its metric
    std::vector<std::size_t> missing;                                 // groups without it
};

/// The metrics in the order they first appear, each with its groups in rank order (unranked
/// last, then the better value, then the group's place in the report).
inline std::vector<html_metric> html_metrics(const fleet_report& r) {
    std::vector<html_metric> out;
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
        for (const group_metric& m : r.groups[g].metrics) {
            auto it = std::find_if(out.begin(), out.end(), [&](const html_metric& x) { return x.id == m.id; });
            if (it == out.end()) {
                out.push_back({m.id, m.label, m.unit, m.per_dollar_unit, m.higher_is_better, {}, {}});
                it = out.end() - 1;
            }
            if (it->per_dollar_unit.empty()) it->per_dollar_unit = m.per_dollar_unit;
            it->rows.emplace_back(g, &m);
        }
    }
    for (html_metric& m : out) {
        for (std::size_t g = 0; g < r.groups.size(); ++g) {
            if (std::none_of(m.rows.begin(), m.rows.end(), [&](const auto& x) { return x.first == g; })) {
                m.missing.push_back(g);
            }
        }
        const bool up = m.higher_is_better;
        std::stable_sort(m.rows.begin(), m.rows.end(), [up](const auto& a, const auto& b) {
            const int ra = a.second->rank > 0 ? a.second->rank : 1 << 30;
            const int rb = b.second->rank > 0 ? b.second->rank : 1 << 30;
            if (ra != rb) return ra < rb;
            const double va = a.second->perf.value, vb = b.second->perf.value;
            if (html_finite(va) != html_finite(vb)) return html_finite(va);
            if (html_finite(va) && va != vb) return up ? va > vb : va < vb;
            return a.first < b.first;
        });
    }
    return out;
}

inline bool html_has_interval(const estimate& e) { return html_finite(e.low) && html_finite(e.high); }

/// "40.1 – 42.0", or why there is none ("none (n=2)").
inline std::string html_interval_text(const estimate& e) {
    if (html_has_interval(e)) return html_number(e.low) + " \u2013 " + html_number(e.high);
    return e.method.empty() ? std::string("no interval") : e.method;
}

/// <td> of a number: its text for people, its exact value for machines.
inline std::string html_number_cell(double v, const std::string& text, const char* cls = "num") {
    std::string s = "<td class=\"" + std::string(cls) + "\"";
    if (html_finite(v)) s += " data-value=\"" + html_exact(v) + "\"";
    return s + ">" + html_escape(text) + "</td>";
}

inline const char* html_direction(bool higher_is_better) {
    return higher_is_better ? "higher is better" : "lower is better";
}

/// The horizontal bar chart of one metric: a bar per group at its median, a whisker over its
/// interval, best first.
inline std::string html_bar_chart(const fleet_report& r, const html_metric& m, const std::string& id) {
    constexpr double width = 520, left = 150, right = 56, top = 12, row = 28, bar = 17, axis_h = 40;
    const double plot_r = width - right;
    const double height = top + row * static_cast<double>(std::max<std::size_t>(m.rows.size(), 1)) + axis_h;
    double lo = 0, hi = 0;
    for (const auto& [g, gm] : m.rows) {
        for (const double v : {gm->perf.value, gm->perf.low, gm->perf.high}) {
            if (html_finite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    }
    const html_axis x = html_linear_axis(lo, hi, left, plot_r);
    const std::string unit = html_unit(m.unit);
    std::string desc = "Bar chart of " + m.label + " in " + unit + " by group, " +
                       html_direction(m.higher_is_better) + ", with 95% interval whiskers. In rank order:";
    for (const auto& [g, gm] : m.rows) {
        desc += " " + std::to_string(gm->rank) + ". " + r.groups[g].key + " " + html_number(gm->perf.value);
        desc += html_has_interval(gm->perf) ? " (" + html_number(gm->perf.low) + " to " + html_number(gm->perf.high) + ");"
                                            : " (no interval);";
    }
    std::string s = html_svg_open(id, "chart-bars", width, height, m.label + " (" + unit + ") by group", desc);
    const double base = top + row * static_cast<double>(m.rows.size());
    for (const double t : x.ticks) {
        s += html_line(x.at(t), top - 4, x.at(t), base, t == 0 ? "axis" : "grid");
        s += html_text(x.at(t), base + 16, html_escape(x.tick_label(t)), "tick", "middle");
    }
    s += html_text((left + plot_r) / 2, base + 34, html_escape(unit + ", " + html_direction(m.higher_is_better)),
                   "axis-label", "middle");
    double y = top;
    for (const auto& [g, gm] : m.rows) {
        const fleet_group& grp = r.groups[g];
        const double mid = y + row / 2;
        const estimate& e = gm->perf;
        s += "<g class=\"bar-row\" data-group=\"" + html_escape(grp.key) + "\"><title>" +
             html_escape(grp.key + ": " + (html_finite(e.value) ? html_number(e.value) + " " + unit : "no value") +
                         (html_has_interval(e) ? ", 95% interval " + html_interval_text(e)
                                               : ", " + html_interval_text(e))) +
             "</title>";
        s += html_text(10, mid + 4, gm->rank > 0 ? std::to_string(gm->rank) : "\u2013", "rank", "middle");
        s += "<text class=\"label\" x=\"" + html_xy(left - 8) + "\" y=\"" + html_xy(mid + 4) +
             "\" text-anchor=\"end\">" + html_escape(html_shorten(grp.key, 20)) + "</text>";
        if (html_finite(e.value)) {
            const double x0 = x.at(0), x1 = x.at(e.value);
            s += "<rect class=\"bar c" + std::to_string(g % html_palette_size) + "\" x=\"" +
                 html_xy(std::min(x0, x1)) + "\" y=\"" + html_xy(mid - bar / 2) + "\" width=\"" +
                 html_xy(std::max(std::fabs(x1 - x0), 0.5)) + "\" height=\"" + html_xy(bar) + "\" data-value=\"" +
                 html_exact(e.value) + "\"/>";
            if (html_has_interval(e)) s += html_whisker(mid, x.at(e.low), x.at(e.high), 5, false);
            // Past the whisker, so the two never overlap.
            const double end = html_has_interval(e) ? std::max(x1, x.at(e.high)) : x1;
            s += html_text(end + 6, mid + 4, html_escape(html_number(e.value)), "value");
        } else {
            s += html_text(left + 6, mid + 4, "no value", "missing");
        }
        s += "</g>\n";
        y += row;
    }
    return s + "</svg>\n";
}

/// Whether the group at `i` is on the Pareto front of (price, value): no other group is at most
/// as dear and at least as good, and strictly one of the two.
inline bool html_pareto(const std::vector<std::pair<double, double>>& pts, std::size_t i, bool higher_is_better) {
    const auto [pi, vi] = pts[i];
    for (std::size_t j = 0; j < pts.size(); ++j) {
        if (j == i) continue;
        const auto [pj, vj] = pts[j];
        const bool good = higher_is_better ? vj >= vi : vj <= vi;
        const bool strictly = pj < pi || (higher_is_better ? vj > vi : vj < vi);
        if (pj <= pi && good && strictly) return false;
    }
    return true;
}

/// Where a point's label goes: its text anchor and the box it covers.
struct html_box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    double anchor_x = 0, anchor_y = 0;
    bool end = false;
    bool overlaps(const html_box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

/// Code points of `s` (a byte that is not UTF-8 counts one).
inline std::size_t html_length(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t at = 0; at < s.size(); ++n) {
        const std::size_t k = utf8_sequence_length(s.substr(at));
        at += k == 0 ? 1 : k;
    }
    return n;
}

/// Labels for the scatter's points, the front's first: each takes the first of six places
/// around its point that stays in the plot and covers no point and no label placed before it,
/// else the first place in the plot. Text widths are estimated (12 px type, 6.8 px a character).
template <class Point>
std::vector<html_box> html_place_labels(const fleet_report& r, const std::vector<Point>& pts,
                                        const std::vector<std::size_t>& front, const html_axis& x,
                                        const html_axis& y, const std::vector<std::pair<double, double>>& pv,
                                        double left, double right, double top, double bottom) {
    std::vector<html_box> out(pts.size());
    std::vector<html_box> taken;
    taken.push_back({right + 6, top - 10, right + 96, top + 66, 0, 0, false});  // the legend
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const double px = x.at(pv[i].first), py = y.at(pv[i].second);
        taken.push_back({px - 6, py - 6, px + 6, py + 6, 0, 0, false});
    }
    std::vector<std::size_t> order = front;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (std::find(front.begin(), front.end(), i) == front.end()) order.push_back(i);
    }
    for (const std::size_t i : order) {
        const double px = x.at(pv[i].first), py = y.at(pv[i].second);
        const double w = 6.8 * static_cast<double>(html_length(html_shorten(r.groups[pts[i].group].key, 20)));
        const struct {
            double dx, dy;
            bool end;
        } places[] = {{11, -8, false}, {11, 15, false}, {-11, -8, true}, {-11, 15, true}, {11, 4, false}, {-11, 4, true}};
        bool found = false;
        html_box first{};
        bool have_first = false;
        for (const auto& pl : places) {
            html_box b;
            b.anchor_x = px + pl.dx;
            b.anchor_y = py + pl.dy;
            b.end = pl.end;
            b.x0 = pl.end ? b.anchor_x - w : b.anchor_x;
            b.x1 = pl.end ? b.anchor_x : b.anchor_x + w;
            b.y0 = b.anchor_y - 11;
            b.y1 = b.anchor_y + 3;
            if (b.x0 < left || b.x1 > right + 90 || b.y0 < top - 10 || b.y1 > bottom) continue;
            if (!have_first) {
                first = b;
                have_first = true;
            }
            if (std::none_of(taken.begin(), taken.end(), [&](const html_box& t) { return t.overlaps(b); })) {
                out[i] = b;
                found = true;
                break;
            }
        }
        if (!found) {
            if (have_first) {
                out[i] = first;
            } else {
                out[i] = html_box{px + 11, py - 19, px + 11 + w, py - 5, px + 11, py - 8, false};
            }
        }
        taken.push_back(out[i]);
    }
    return out;
}

/// Performance against the price of an instance-hour, one point per priced group, the Pareto
/// front as a staircase. Groups without a price or a value are listed beside, not drawn.
inline std::string html_scatter(const fleet_report& r, const html_metric& m, const std::string& id) {
    constexpr double width = 520, height = 360, left = 58, right = 96, top = 14, bottom = 50;
    struct point {
        std::size_t group;
        const group_metric* gm;
        double price;
    };
    std::vector<point> pts;
    std::vector<std::string> no_price, no_value;
    for (const auto& [g, gm] : m.rows) {
        const fleet_group& grp = r.groups[g];
        if (!html_finite(gm->perf.value)) {
            no_value.push_back(grp.key);
        } else if (!grp.price || !html_finite(grp.price->entry.usd_per_hour) || grp.price->entry.usd_per_hour <= 0) {
            no_price.push_back(grp.key);
        } else {
            pts.push_back({g, gm, grp.price->entry.usd_per_hour});
        }
    }
    std::string notes;
    if (!no_price.empty()) {
        std::string list;
        for (const auto& k : no_price) list += (list.empty() ? "" : ", ") + k;
        notes += "<p class=\"note\">No price, not drawn: " + html_escape(list) + ".</p>\n";
    }
    if (!no_value.empty()) {
        std::string list;
        for (const auto& k : no_value) list += (list.empty() ? "" : ", ") + k;
        notes += "<p class=\"note\">No value, not drawn: " + html_escape(list) + ".</p>\n";
    }
    if (pts.empty()) return "<p class=\"note empty-chart\">No group has both a price and a value for " +
                            html_escape(m.label) + ": nothing to plot.</p>\n" + notes;

    std::vector<std::pair<double, double>> pv;
    double pmax = 0, vlo = HUGE_VAL, vhi = -HUGE_VAL;
    for (const point& p : pts) {
        pv.emplace_back(p.price, p.gm->perf.value);
        pmax = std::max(pmax, p.price);
        for (const double v : {p.gm->perf.value, p.gm->perf.low, p.gm->perf.high}) {
            if (html_finite(v)) {
                vlo = std::min(vlo, v);
                vhi = std::max(vhi, v);
            }
        }
    }
    const html_axis x = html_linear_axis(0, pmax, left, width - right);
    // Not from zero: the question is which group is better for its price, so the values get
    // the height (the bar charts show them against zero).
    const double pad = vhi > vlo ? (vhi - vlo) * 0.08 : std::fabs(vhi) * 0.1 + 1;
    const html_axis y = html_linear_axis(vlo - pad, vhi + pad, height - bottom, top);
    std::vector<std::size_t> front;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (html_pareto(pv, i, m.higher_is_better)) front.push_back(i);
    }
    std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
        if (pv[a].first != pv[b].first) return pv[a].first < pv[b].first;
        return pts[a].group < pts[b].group;
    });
    const std::string unit = html_unit(m.unit);
    const std::string better = m.higher_is_better ? "up and to the left" : "down and to the left";
    std::string desc = "Scatter plot of " + m.label + " in " + unit +
                       " against the price of an instance-hour in US dollars; better is " + better +
                       ". Pareto front (no other group both cheaper and better):";
    for (const std::size_t i : front) desc += " " + r.groups[pts[i].group].key + ";";
    desc += " Points:";
    for (const point& p : pts) {
        desc += " " + r.groups[p.group].key + " " + html_usd(p.price) + " USD/h, " + html_number(p.gm->perf.value) + ";";
    }
    std::string s = html_svg_open(id, "chart-scatter", width, height, m.label + " against price per hour", desc);
    for (const double t : x.ticks) {
        s += html_line(x.at(t), top, x.at(t), height - bottom, t == 0 ? "axis" : "grid");
        s += html_text(x.at(t), height - bottom + 16, html_escape("$" + html_usd(t)), "tick", "middle");
    }
    for (const double t : y.ticks) {
        s += html_line(left, y.at(t), width - right, y.at(t), t == 0 ? "axis" : "grid");
        s += html_text(left - 6, y.at(t) + 4, html_escape(y.tick_label(t)), "tick", "end");
    }
    s += html_line(left, height - bottom, width - right, height - bottom, "axis");
    s += html_text((left + width - right) / 2, height - 12, "price, US dollars per instance-hour", "axis-label",
                   "middle");
    s += "<text class=\"axis-label\" x=\"14\" y=\"" + html_xy((top + height - bottom) / 2) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " + html_xy((top + height - bottom) / 2) + ")\">" +
         html_escape(unit + ", " + html_direction(m.higher_is_better)) + "</text>";
    const std::vector<html_box> labels = html_place_labels(r, pts, front, x, y, pv, left, width - right, top,
                                                           height - bottom);
    // The staircase: at each price, the best value any group at most that dear offers.
    std::string path;
    for (std::size_t k = 0; k < front.size(); ++k) {
        const double px = x.at(pv[front[k]].first), py = y.at(pv[front[k]].second);
        if (k == 0) {
            path = "M" + html_xy(px) + " " + html_xy(py);
        } else {
            path += " H" + html_xy(px) + " V" + html_xy(py);
        }
    }
    if (!front.empty()) path += " H" + html_xy(width - right);
    s += "<path class=\"pareto\" d=\"" + path + "\"><title>Pareto front</title></path>\n";
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const point& p = pts[i];
        const estimate& e = p.gm->perf;
        const double px = x.at(p.price), py = y.at(e.value);
        const bool on_front = std::find(front.begin(), front.end(), i) != front.end();
        s += "<g class=\"point" + std::string(on_front ? " on-front" : "") + "\" data-group=\"" +
             html_escape(r.groups[p.group].key) + "\" data-price=\"" + html_exact(p.price) + "\" data-value=\"" +
             html_exact(e.value) + "\"><title>" +
             html_escape(r.groups[p.group].key + ": " + html_number(e.value) + " " + unit + " at $" +
                         html_usd(p.price) + "/h" + (on_front ? " (Pareto front)" : "")) +
             "</title>";
        if (html_has_interval(e)) s += html_whisker(px, y.at(e.low), y.at(e.high), 4, true);
        if (on_front) {
            s += "<circle class=\"front-ring\" cx=\"" + html_xy(px) + "\" cy=\"" + html_xy(py) + "\" r=\"10\"/>";
        }
        s += html_marker(p.group, px, py, 5);
        s += html_text(labels[i].anchor_x, labels[i].anchor_y, html_escape(html_shorten(r.groups[p.group].key, 20)),
                       on_front ? "point-label front" : "point-label", labels[i].end ? "end" : "start");
        s += "</g>\n";
    }
    // The legend of the front, in the right margin.
    const double lx = width - right + 10;
    s += "<path class=\"pareto\" d=\"M" + html_xy(lx) + " " + html_xy(top + 8) + " H" + html_xy(lx + 22) + "\"/>";
    s += html_text(lx + 28, top + 12, "Pareto front", "legend");
    s += "<circle class=\"front-ring\" cx=\"" + html_xy(lx + 11) + "\" cy=\"" + html_xy(top + 30) + "\" r=\"8\"/>";
    s += html_text(lx + 28, top + 34, "on the front", "legend");
    s += html_text(lx, top + 58, html_escape("better: " + std::string(m.higher_is_better ? "up, left" : "down, left")),
                   "legend");
    return s + "</svg>\n" + notes;
}

/// A line per group over a shared x axis (fsync percentiles, the STREAM sweep), whiskers at
/// each point, a legend below.
struct html_series {
    std::size_t group;
    std::vector<std::pair<double, const estimate*>> points;  // x, y
};

inline std::string html_line_chart(const fleet_report& r, const std::vector<html_series>& series,
                                   const std::string& id, const char* kind, const std::string& title,
                                   const std::string& desc, const html_axis& x_template,
                                   const std::vector<std::pair<double, std::string>>& x_ticks,
                                   const std::string& x_label, const std::string& y_label, bool y_log) {
    constexpr double width = 720, plot_h = 330, left = 78, right = 24, top = 20, bottom = 56;
    constexpr double legend_w = 206, legend_row = 22;
    const auto per_row = static_cast<std::size_t>((width - left - right) / legend_w);
    const std::size_t legend_rows = (series.size() + per_row - 1) / per_row;
    const double height = top + plot_h + bottom + legend_row * static_cast<double>(legend_rows);
    const double base = top + plot_h;
    html_axis x = x_template;
    x.from = left + 16;
    x.to = width - right - 16;
    double lo = HUGE_VAL, hi = 0;
    for (const auto& se : series) {
        for (const auto& [px, e] : se.points) {
            for (const double v : {e->value, e->low, e->high}) {
                if (html_finite(v) && (!y_log || v > 0)) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
        }
    }
    if (!(lo <= hi)) lo = hi = y_log ? 1 : 0;
    const html_axis y = y_log ? html_log_axis(lo, hi, base, top) : html_linear_axis(std::min(lo, 0.0), hi, base, top);
    std::string s = html_svg_open(id, kind, width, height, title, desc);
    for (const auto& [t, label] : x_ticks) {
        s += html_line(x.at(t), top, x.at(t), base, "grid");
        s += html_text(x.at(t), base + 16, html_escape(label), "tick", "middle");
    }
    for (const double t : y.ticks) {
        s += html_line(left, y.at(t), width - right, y.at(t), y.at(t) == base ? "axis" : "grid");
        s += html_text(left - 6, y.at(t) + 4, html_escape(y.tick_label(t)), "tick", "end");
    }
    s += html_line(left, base, width - right, base, "axis");
    s += html_text((left + width - right) / 2, base + 36, html_escape(x_label), "axis-label", "middle");
    s += "<text class=\"axis-label\" x=\"16\" y=\"" + html_xy((top + base) / 2) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " + html_xy((top + base) / 2) + ")\">" +
         html_escape(y_label) + "</text>\n";
    const auto usable = [&](const estimate* e) { return html_finite(e->value) && (!y_log || e->value > 0); };
    for (const auto& se : series) {
        const std::string c = std::to_string(se.group % html_palette_size);
        s += "<g class=\"series\" data-group=\"" + html_escape(r.groups[se.group].key) + "\"><title>" +
             html_escape(r.groups[se.group].key) + "</title>";
        std::string d;
        for (const auto& [px, e] : se.points) {
            if (!usable(e)) continue;
            d += (d.empty() ? "M" : " L") + html_xy(x.at(px)) + " " + html_xy(y.at(e->value));
        }
        if (!d.empty()) s += "<path class=\"line c" + c + "\" d=\"" + d + "\"/>";
        for (const auto& [px, e] : se.points) {
            if (!usable(e)) continue;
            if (html_has_interval(*e) && (!y_log || e->low > 0)) {
                s += html_whisker(x.at(px), y.at(e->low), y.at(e->high), 3, true);
            }
            s += html_marker(se.group, x.at(px), y.at(e->value), 4.5,
                             " data-x=\"" + html_exact(px) + "\" data-value=\"" + html_exact(e->value) + "\"");
        }
        s += "</g>\n";
    }
    for (std::size_t i = 0; i < series.size(); ++i) {
        const double lx = left + legend_w * static_cast<double>(i % per_row);
        const double ly = base + bottom + legend_row * static_cast<double>(i / per_row) + 4;
        const std::size_t g = series[i].group;
        s += "<path class=\"line c" + std::to_string(g % html_palette_size) + "\" d=\"M" + html_xy(lx) + " " +
             html_xy(ly) + " H" + html_xy(lx + 26) + "\"/>";
        s += html_marker(g, lx + 13, ly, 4.5);
        s += html_text(lx + 32, ly + 4, html_escape(html_shorten(r.groups[g].key, 26)), "legend");
    }
    return s + "</svg>\n";
}

/// fsync latency percentiles, p50 to p99.9: x is the number of nines (log of 1/(1-q)), as
/// HdrHistogram plots them; y in microseconds, logarithmic when the values span a decade.
inline std::string html_fsync_chart(const fleet_report& r, const std::string& id) {
    std::vector<html_series> series;
    std::vector<std::pair<double, std::string>> ticks;
    double lo = HUGE_VAL, hi = 0, vlo = HUGE_VAL, vhi = 0;
    std::string desc = "Line chart of fdatasync 4 KiB write latency percentiles in microseconds by group, lower is "
                       "better, with 95% interval whiskers.";
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
        const auto& qs = r.groups[g].fsync_latency;
        if (qs.empty()) continue;
        html_series se{g, {}};
        desc += " " + r.groups[g].key + ":";
        for (const group_quantile& q : qs) {
            if (!(q.q > 0 && q.q < 1)) continue;
            const double nines = std::log10(1 / (1 - q.q));
            se.points.emplace_back(nines, &q.us);
            lo = std::min(lo, nines);
            hi = std::max(hi, nines);
            if (std::none_of(ticks.begin(), ticks.end(), [&](const auto& t) { return std::fabs(t.first - nines) < 1e-9; })) {
                ticks.emplace_back(nines, q.label);
            }
            if (html_finite(q.us.value) && q.us.value > 0) {
                vlo = std::min(vlo, q.us.value);
                vhi = std::max(vhi, q.us.value);
            }
            desc += " " + q.label + " " + html_number(q.us.value) + ";";
        }
        std::sort(se.points.begin(), se.points.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        series.push_back(std::move(se));
    }
    if (series.empty()) return {};
    std::sort(ticks.begin(), ticks.end());
    html_axis x;
    x.lo = lo;
    x.hi = hi;
    const bool y_log = vhi > 0 && vlo < HUGE_VAL && vhi / vlo >= 10;
    return html_line_chart(r, series, id, "chart-fsync", "fdatasync 4 KiB latency percentiles by group", desc, x,
                           ticks, "percentile", std::string("\u00b5s, lower is better") + (y_log ? ", log scale" : ""),
                           y_log);
}

/// The STREAM triad by thread count; x logarithmic when the counts span 8 times or more.
inline std::string html_sweep_chart(const fleet_report& r, const std::string& id) {
    std::vector<html_series> series;
    std::vector<unsigned> counts;
    std::string desc = "Line chart of STREAM triad GB/s by thread count and group, higher is better, with 95% "
                       "interval whiskers.";
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
        const auto& sw = r.groups[g].stream_sweep;
        if (sw.empty()) continue;
        html_series se{g, {}};
        desc += " " + r.groups[g].key + ":";
        for (const group_sweep_point& p : sw) {
            if (p.threads == 0) continue;
            se.points.emplace_back(static_cast<double>(p.threads), &p.gbps);
            if (std::find(counts.begin(), counts.end(), p.threads) == counts.end()) counts.push_back(p.threads);
            desc += " " + std::to_string(p.threads) + " threads " + html_number(p.gbps.value) + ";";
        }
        std::sort(se.points.begin(), se.points.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        if (!se.points.empty()) series.push_back(std::move(se));
    }
    if (series.empty()) return {};
    std::sort(counts.begin(), counts.end());
    html_axis x;
    x.lo = counts.front();
    x.hi = counts.back();
    x.log = counts.back() >= 8 * counts.front();
    std::vector<std::pair<double, std::string>> ticks;
    for (const unsigned c : counts) ticks.emplace_back(static_cast<double>(c), std::to_string(c));
    return html_line_chart(r, series, id, "chart-sweep", "STREAM triad by thread count", desc, x, ticks,
                           x.log ? "threads (log scale)" : "threads", "GB/s, higher is better", false);
}

inline const char* html_group_by_name(group_by g) {
    switch (g) {
        case group_by::instance_type: return "instance type";
        case group_by::cpu: return "CPU";
        case group_by::file: return "file";
    }
    return "?";
}

inline constexpr std::string_view html_style = R"css(
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#59636e;--rule:#d1d9e0;--grid:#e4e8ec;
--panel:#f6f8fa;--warn-bg:#fff8e1;--warn:#7a5200;--accent:#0072B2}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--rule:#3d444d;
--grid:#262c36;--panel:#151b23;--warn-bg:#2e2206;--warn:#f2cc60;--accent:#56B4E9;--c7:#d0d7de}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",
"DejaVu Sans",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1160px;margin:0 auto;padding:24px 28px 48px;overflow-wrap:break-word}
header{border-bottom:1px solid var(--rule);margin-bottom:8px}
h1{font-size:28px;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:21px;margin:36px 0 8px;padding-top:8px;border-top:1px solid var(--rule)}
h3{font-size:17px;margin:30px 0 6px}
.sub{color:var(--muted);margin:0 0 16px}
nav{font-size:14px;margin:8px 0 0}nav a{color:var(--accent);margin-right:14px;text-decoration:none}
nav a:hover{text-decoration:underline}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px;margin:16px 0}
.card{background:var(--panel);border:1px solid var(--rule);border-radius:8px;padding:10px 14px}
.card .metric{font-size:13px;color:var(--muted)}.card .best{font-size:17px;font-weight:600}
.card .per-dollar{font-size:13px}
.table-wrap{overflow-x:auto;margin:6px 0 4px}
table{border-collapse:collapse;font-size:14px;min-width:60%}
th,td{padding:5px 8px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--rule);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.rank{text-align:center;font-weight:600}
tbody tr:hover{background:var(--panel)}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:baseline}
.muted,.note{color:var(--muted);font-size:13px}
.stale,.missing-price{color:var(--warn);font-weight:600;white-space:nowrap}
.warnings{background:var(--warn-bg);border-left:4px solid var(--warn);padding:8px 14px;border-radius:4px}
.warnings li{margin:2px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:18px;align-items:start;margin-top:14px}
figure{margin:0;background:var(--bg);border:1px solid var(--rule);border-radius:8px;padding:10px 12px}
figcaption{font-weight:600;font-size:14px;margin-bottom:4px}figcaption span{font-weight:400;color:var(--muted)}
svg.chart{width:100%;height:auto;display:block;font-family:inherit;overflow:visible}
svg .grid{stroke:var(--grid);stroke-width:1}svg .axis{stroke:var(--muted);stroke-width:1}
svg .tick,svg .legend,svg .rank{fill:var(--muted);font-size:12px}
svg .axis-label{fill:var(--muted);font-size:12px}
svg .label{fill:var(--fg);font-size:13px}svg .value{fill:var(--fg);font-size:12px;font-variant-numeric:tabular-nums}
svg .missing{fill:var(--warn);font-size:12px;font-style:italic}
svg .whisker{stroke:var(--fg);stroke-width:1.5}
svg .bar{stroke:var(--fg);stroke-opacity:.25}
svg .line{fill:none;stroke-width:2}svg .mark{stroke:var(--bg);stroke-width:1.2}
svg .pareto{fill:none;stroke:var(--fg);stroke-width:1.5;stroke-dasharray:6 4;stroke-opacity:.7}
svg .front-ring{fill:none;stroke:var(--fg);stroke-width:1.5}
svg .point-label{fill:var(--muted);font-size:12px}svg .point-label.front{fill:var(--fg);font-weight:600}
.c0{fill:var(--c0);stroke:var(--c0)}.c1{fill:var(--c1);stroke:var(--c1)}.c2{fill:var(--c2);stroke:var(--c2)}
.c3{fill:var(--c3);stroke:var(--c3)}.c4{fill:var(--c4);stroke:var(--c4)}.c5{fill:var(--c5);stroke:var(--c5)}
.c6{fill:var(--c6);stroke:var(--c6)}.c7{fill:var(--c7);stroke:var(--c7)}
.swatch.c0{background:var(--c0)}.swatch.c1{background:var(--c1)}.swatch.c2{background:var(--c2)}
.swatch.c3{background:var(--c3)}.swatch.c4{background:var(--c4)}.swatch.c5{background:var(--c5)}
.swatch.c6{background:var(--c6)}.swatch.c7{background:var(--c7)}
ul.files,ul.plain{list-style:none;margin:0;padding:0;font-size:13px}
.nw{white-space:nowrap}
figure.wide svg{max-width:820px;margin:0 auto}
code{font-size:13px}
footer{margin-top:40px;color:var(--muted);font-size:13px}
@media print{.charts{display:block}figure{break-inside:avoid;margin-bottom:12px}nav{display:none}}
)css";

}  // namespace detail

/// The fleet report as one HTML page (UTF-8) that needs nothing but itself: the ranked tables
/// with intervals, prices and price-performance; per headline metric a bar chart with interval
/// whiskers and performance against price per hour with the Pareto front; fsync latency
/// percentiles and the STREAM thread sweep where measured; provenance.
///
///     std::fputs(ec2bench::results::render_html(report).c_str(), stdout);
inline std::string render_html(const fleet_report& r) {
    using namespace detail;
    const auto esc = [](std::string_view s) { return html_escape(s); };
    const std::vector<html_metric> metrics = html_metrics(r);
    std::size_t files = 0;
    for (const fleet_group& g : r.groups) files += g.files.size();
    const std::string what = html_group_by_name(r.grouping);

    std::string o;
    o.reserve(64 * 1024);
    o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // The page fetches nothing; this makes the browser refuse it if anything ever tried.
    o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:; base-uri 'none'; form-action 'none'\">\n";
    o += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    o += "<meta name=\"generator\" content=\"ec2bench\">\n";
    o += "<title>ec2bench fleet report" + (r.generated_on.empty() ? std::string() : ", " + esc(r.generated_on)) +
         "</title>\n<style>:root{";
    for (std::size_t i = 0; i < html_palette_size; ++i) {
        o += "--c" + std::to_string(i) + ":" + html_palette[i] + ";";  // black (c7) turns light in dark mode
    }
    o += "}" + std::string(html_style) + "</style>\n</head>\n<body>\n<main>\n<header>\n";
    o += "<h1>ec2bench fleet report</h1>\n<p class=\"sub\">" + std::to_string(r.groups.size()) + " group" +
         (r.groups.size() == 1 ? "" : "s") + " by " + what + ", " + std::to_string(files) + " results file" +
         (files == 1 ? "" : "s") + (r.generated_on.empty() ? std::string() : ", generated on " + esc(r.generated_on)) +
         ". Medians with 95% intervals; groups whose intervals overlap share a rank.</p>\n";
    o += "<nav><a href=\"#ranking\">Ranking</a><a href=\"#prices\">Prices</a>";
    const bool any_fsync = std::any_of(r.groups.begin(), r.groups.end(),
                                       [](const fleet_group& g) { return !g.fsync_latency.empty(); });
    const bool any_sweep = std::any_of(r.groups.begin(), r.groups.end(),
                                       [](const fleet_group& g) { return !g.stream_sweep.empty(); });
    if (any_fsync) o += "<a href=\"#fsync\">fsync latency</a>";
    if (any_sweep) o += "<a href=\"#sweep\">STREAM sweep</a>";
    o += "<a href=\"#provenance\">Provenance</a></nav>\n</header>\n";

    const auto swatch = [](std::size_t g) {
        return "<span class=\"swatch c" + std::to_string(g % html_palette_size) + "\"></span>";
    };

    // Warnings first: a reader must not miss that a price is stale or facts disagree.
    std::vector<std::string> warnings = r.warnings;
    for (const fleet_group& g : r.groups) {
        for (const std::string& w : g.warnings) warnings.push_back(g.key + ": " + w);
    }
    if (!warnings.empty() || !r.skipped.empty()) {
        o += "<section class=\"warnings\" id=\"warnings\" aria-label=\"warnings\"><strong>Warnings</strong>\n<ul>\n";
        for (const std::string& w : warnings) o += "<li>" + esc(w) + "</li>\n";
        if (!r.skipped.empty()) {
            o += "<li>" + std::to_string(r.skipped.size()) + " input" + (r.skipped.size() == 1 ? " was" : "s were") +
                 " not read (see <a href=\"#provenance\">provenance</a>)</li>\n";
        }
        o += "</ul></section>\n";
    }

    // At a glance: the best group of each metric, and the best per dollar.
    if (!metrics.empty()) {
        o += "<div class=\"cards\">\n";
        for (const html_metric& m : metrics) {
            std::string best, cheap;
            for (const auto& [g, gm] : m.rows) {
                if (gm->rank == 1) best += (best.empty() ? "" : ", ") + r.groups[g].key;
            }
            int top = 0;
            for (const auto& [g, gm] : m.rows) {
                if (gm->per_dollar && gm->per_dollar_rank > 0 && (top == 0 || gm->per_dollar_rank < top)) {
                    top = gm->per_dollar_rank;
                }
            }
            for (const auto& [g, gm] : m.rows) {
                if (gm->per_dollar && top > 0 && gm->per_dollar_rank == top) {
                    cheap += (cheap.empty() ? "" : ", ") + r.groups[g].key;
                }
            }
            o += "<div class=\"card\"><div class=\"metric\">" + esc(m.label) + " (" + esc(html_unit(m.unit)) +
                 ")</div><div class=\"best\">" + (best.empty() ? std::string("\u2013") : esc(best)) + "</div>";
            if (!cheap.empty()) o += "<div class=\"per-dollar\">per dollar: " + esc(cheap) + "</div>";
            o += "</div>\n";
        }
        o += "</div>\n";
    }

    // Per metric: the ranked table, then the groups side by side and against the price.
    std::size_t chart = 0;
    const auto next_id = [&chart]() { return "chart-" + std::to_string(++chart); };
    o += "<section id=\"ranking\">\n<h2>Ranking</h2>\n<p class=\"note\">Per metric, best first. n: results files "
         "(instances) / values pooled. Per dollar divides by the price of an instance-hour; its interval carries "
         "the performance interval through. Bars are medians, whiskers 95% intervals; in the price charts the "
         "dashed staircase is the Pareto front, the groups no other group beats on both price and "
         "performance.</p>\n";
    if (metrics.empty()) o += "<p class=\"note\">No headline metric in any group.</p>\n";
    for (std::size_t mi = 0; mi < metrics.size(); ++mi) {
        const html_metric& m = metrics[mi];
        const std::string unit = esc(html_unit(m.unit));
        o += "<h3 id=\"rank-" + std::to_string(mi) + "\">" + esc(m.label) + " <span class=\"muted\">(" + unit + ", " +
             html_direction(m.higher_is_better) + ")</span></h3>\n";
        // Per dollar only where it means something: not for a latency, where cheaper is no faster.
        const bool per_dollar = std::any_of(m.rows.begin(), m.rows.end(),
                                            [](const auto& row) { return row.second->per_dollar.has_value(); });
        o += "<div class=\"table-wrap\"><table class=\"ranking\" data-metric=\"" + esc(m.id) +
             "\">\n<thead><tr><th scope=\"col\">rank</th><th scope=\"col\">" + esc(what) +
             "</th><th scope=\"col\" class=\"num\">median</th><th scope=\"col\" class=\"num\">95% interval</th>"
             "<th scope=\"col\" class=\"num\">n</th><th scope=\"col\" class=\"num\">USD/h</th>";
        if (per_dollar) {
            o += "<th scope=\"col\" class=\"num\">per dollar" +
                 (m.per_dollar_unit.empty() ? std::string() : " (" + esc(m.per_dollar_unit) + ")") +
                 "</th><th scope=\"col\" class=\"num\">95% interval</th><th scope=\"col\">rank per $</th>";
        }
        o += "</tr></thead>\n<tbody>\n";
        for (const auto& [g, gm] : m.rows) {
            const fleet_group& grp = r.groups[g];
            o += "<tr data-group=\"" + esc(grp.key) + "\"><td class=\"rank\">" +
                 (gm->rank > 0 ? std::to_string(gm->rank) : "\u2013") + "</td><th scope=\"row\">" + swatch(g) +
                 esc(grp.key) + "</th>";
            o += html_number_cell(gm->perf.value, html_finite(gm->perf.value) ? html_number(gm->perf.value) : "no value");
            o += "<td class=\"num\" title=\"" + esc(gm->perf.method) + "\">" + esc(html_interval_text(gm->perf)) + "</td>";
            o += "<td class=\"num\">" + std::to_string(gm->files) + " / " + std::to_string(gm->repetitions) + "</td>";
            if (grp.price) {
                o += html_number_cell(grp.price->entry.usd_per_hour, html_usd(grp.price->entry.usd_per_hour));
            } else {
                o += "<td class=\"num missing-price\">no price</td>";
            }
            if (!per_dollar) {
                // no per-dollar columns
            } else if (gm->per_dollar) {
                o += html_number_cell(gm->per_dollar->value, html_number(gm->per_dollar->value));
                o += "<td class=\"num\" title=\"" + esc(gm->per_dollar->method) + "\">" +
                     esc(html_interval_text(*gm->per_dollar)) + "</td>";
                o += "<td class=\"rank\">" + (gm->per_dollar_rank > 0 ? std::to_string(gm->per_dollar_rank) : "\u2013") +
                     "</td>";
            } else {
                o += std::string("<td class=\"num muted\">") + (grp.price ? "\u2013" : "no price") +
                     "</td><td class=\"num muted\">\u2013</td><td class=\"rank muted\">\u2013</td>";
            }
            o += "</tr>\n";
        }
        o += "</tbody></table></div>\n";
        if (!m.missing.empty()) {
            std::string list;
            for (const std::size_t g : m.missing) list += (list.empty() ? "" : ", ") + r.groups[g].key;
            o += "<p class=\"note\">Not measured: " + esc(list) + ".</p>\n";
        }
        // One statement each: the operands of one + expression are evaluated in no set order.
        const std::string bars_id = next_id();
        const std::string scatter_id = next_id();
        o += "<div class=\"charts\">\n<figure><figcaption>By " + esc(what) +
             " <span>median and 95% interval</span></figcaption>\n" + html_bar_chart(r, m, bars_id) +
             "</figure>\n<figure><figcaption>Against price per hour <span>Pareto front dashed; better is " +
             std::string(m.higher_is_better ? "up and left" : "down and left") + "</span></figcaption>\n" +
             html_scatter(r, m, scatter_id) + "</figure>\n</div>\n";
    }
    o += "</section>\n";

    // Prices and the groups' facts.
    o += "<section id=\"prices\">\n<h2>Prices and groups</h2>\n<p class=\"note\">The price of an instance-hour each "
         "group was judged by: where it came from (origin), who states it (source) and since when. Older than " +
         std::to_string(stale_price_days) + " days on " + (r.generated_on.empty() ? std::string("the report's date")
                                                                                   : esc(r.generated_on)) +
         " is marked stale.</p>\n";
    const bool type_column = r.grouping != group_by::instance_type;
    o += "<div class=\"table-wrap\"><table class=\"prices\">\n<thead><tr><th scope=\"col\">" + esc(what) + "</th>" +
         (type_column ? "<th scope=\"col\">instance type</th>" : "") + "<th scope=\"col\">region</th><th scope=\"col\">market</th>"
         "<th scope=\"col\">architecture</th><th scope=\"col\">CPU</th><th scope=\"col\" class=\"num\">CPUs</th>"
         "<th scope=\"col\" class=\"num\">files</th><th scope=\"col\" class=\"num\">USD/h</th><th scope=\"col\">"
         "origin</th><th scope=\"col\">source</th><th scope=\"col\">date</th></tr></thead>\n<tbody>\n";
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
        const fleet_group& grp = r.groups[g];
        o += "<tr data-group=\"" + esc(grp.key) + "\"><th scope=\"row\">" + swatch(g) + esc(grp.key) + "</th>" +
             (type_column ? "<td>" + esc(grp.instance_type) + "</td>" : std::string()) + "<td class=\"nw\">" +
             esc(grp.region) + "</td><td class=\"nw\">" + esc(grp.market) + "</td><td>" +
             esc(grp.architecture) + "</td><td>" + esc(grp.cpu) + "</td><td class=\"num\">" +
             (grp.cpus > 0 ? std::to_string(grp.cpus) : std::string()) + "</td><td class=\"num\">" +
             std::to_string(grp.files.size()) + "</td>";
        if (grp.price) {
            const price_entry& e = grp.price->entry;
            std::string date = "<span class=\"nw\">" + esc(e.effective_date) + "</span>";
            try {
                if (!r.generated_on.empty()) {
                    const auto age = price_age_days(e.effective_date, r.generated_on);
                    if (age > stale_price_days) {
                        date += "<br><span class=\"stale\">stale, " + std::to_string(age) + " days</span>";
                    }
                }
            } catch (const std::invalid_argument&) {
                date += "<br><span class=\"stale\">not a date</span>";
            }
            std::string market(price_market_name(e.market));
            if (!e.availability_zone.empty()) market += ", " + e.availability_zone;
            o += html_number_cell(e.usd_per_hour, html_usd(e.usd_per_hour)) + "<td>" +
                 esc(price_origin_name(grp.price->origin)) + " <span class=\"muted nw\">(" + esc(market) +
                 ")</span></td><td>" + esc(e.source) + "</td><td>" + date + "</td>";
        } else {
            o += "<td class=\"num missing-price\">no price</td><td></td><td></td><td></td>";
        }
        o += "</tr>\n";
    }
    o += "</tbody></table></div>\n</section>\n";


    if (any_fsync) {
        o += "<section id=\"fsync\">\n<h2>fsync latency</h2>\n<p class=\"note\">fdatasync after each 4 KiB write: "
             "the latency percentiles from p50 to p99.9, pooled per group like the metrics above. The x axis "
             "spaces the percentiles by their number of nines.</p>\n<figure class=\"wide\">" +
             html_fsync_chart(r, next_id()) + "</figure>\n</section>\n";
    }
    if (any_sweep) {
        o += "<section id=\"sweep\">\n<h2>STREAM thread sweep</h2>\n<p class=\"note\">Triad bandwidth as threads are "
             "added: where it flattens, memory, not cores, is the limit.</p>\n<figure class=\"wide\">" +
             html_sweep_chart(r, next_id()) + "</figure>\n</section>\n";
    }

    // Provenance: where every number came from.
    o += "<section id=\"provenance\">\n<h2>Provenance</h2>\n<table class=\"facts\"><tbody>\n<tr><th scope=\"row\">"
         "generated on</th><td>" + (r.generated_on.empty() ? std::string("\u2013") : esc(r.generated_on)) +
         "</td></tr>\n<tr><th scope=\"row\">grouped by</th><td>" + esc(what) + "</td></tr>\n";
    std::vector<std::string> versions, sources;
    for (const fleet_group& g : r.groups) {
        for (const std::string& v : g.versions) {
            if (std::find(versions.begin(), versions.end(), v) == versions.end()) versions.push_back(v);
        }
        if (g.price) {
            const price_entry& e = g.price->entry;
            const std::string s = std::string(price_origin_name(g.price->origin)) + ": " + e.source + ", " +
                                  std::string(price_market_name(e.market)) + ", " + e.effective_date;
            if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
        }
    }
    std::sort(versions.begin(), versions.end());
    std::sort(sources.begin(), sources.end());
    std::string vs, ps;
    for (const std::string& v : versions) vs += (vs.empty() ? "" : ", ") + esc(v);
    for (const std::string& p : sources) ps += "<li>" + esc(p) + "</li>";
    o += "<tr><th scope=\"row\">ec2bench versions</th><td>" + (vs.empty() ? std::string("\u2013") : vs) +
         "</td></tr>\n<tr><th scope=\"row\">price sources</th><td>" +
         (ps.empty() ? std::string("none") : "<ul class=\"plain\">" + ps + "</ul>") + "</td></tr>\n</tbody></table>\n";
    o += "<h3>Results files</h3>\n<div class=\"table-wrap\"><table class=\"provenance\">\n<thead><tr><th scope=\"col\">" +
         esc(what) + "</th><th scope=\"col\">runs</th><th scope=\"col\">ec2bench</th><th scope=\"col\">files</th>"
         "</tr></thead>\n<tbody>\n";
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
        const fleet_group& grp = r.groups[g];
        std::string runs = esc(grp.first_started_at);
        if (!grp.last_started_at.empty() && grp.last_started_at != grp.first_started_at) {
            runs += " \u2013 " + esc(grp.last_started_at);
        }
        std::string v, f;
        for (const std::string& x : grp.versions) v += (v.empty() ? "" : ", ") + esc(x);
        for (const std::string& x : grp.files) f += "<li><code>" + esc(x) + "</code></li>";
        o += "<tr data-group=\"" + esc(grp.key) + "\"><th scope=\"row\">" + swatch(g) + esc(grp.key) + "</th><td>" +
             runs + "</td><td>" + v + "</td><td><ul class=\"files\">" + f + "</ul></td></tr>\n";
    }
    o += "</tbody></table></div>\n";
    if (!r.skipped.empty()) {
        o += "<h3>Not read</h3>\n<ul class=\"skipped\">\n";
        for (const std::string& s : r.skipped) o += "<li><code>" + esc(s) + "</code></li>\n";
        o += "</ul>\n";
    }
    if (!warnings.empty()) {
        o += "<h3>Warnings</h3>\n<ul class=\"all-warnings\">\n";
        for (const std::string& w : warnings) o += "<li>" + esc(w) + "</li>\n";
        o += "</ul>\n";
    }
    o += "</section>\n<footer>Made by ec2bench report. This page is self-contained: it loads nothing, runs no "
         "script and its charts are drawn in inline SVG.</footer>\n</main>\n</body>\n</html>\n";
    return o;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_HTML_HPP
