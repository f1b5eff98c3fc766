// SPDX-License-Identifier: MIT
// The fleet report as one self-contained HTML page.
//
// (Stub: the real page, with inline SVG charts, comes from its own branch; this one only lets
// `ec2bench report --format=html` build. Its signature is the contract.)
#ifndef EC2BENCH_RESULTS_HTML_HPP
#define EC2BENCH_RESULTS_HTML_HPP

#include <ec2bench/results/fleet.hpp>

#include <string>

namespace ec2bench::results {

/// The report as an HTML page (a placeholder: the group count only).
inline std::string render_html(const fleet_report& r) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ec2bench "
           "report</title>"
           "</head><body><p>ec2bench report: " +
           std::to_string(r.groups.size()) + " groups</p></body></html>\n";
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_HTML_HPP
