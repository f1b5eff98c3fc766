// SPDX-License-Identifier: MIT
// Sizes in words for messages ("512 B", "25.6 MiB", "1.79 GiB"): one formatter for every
// kernel, the host facts and the executables, so a size reads the same wherever it is printed.
#ifndef EC2BENCH_DETAIL_BYTES_TEXT_HPP
#define EC2BENCH_DETAIL_BYTES_TEXT_HPP

#include <cmath>
#include <cstdio>
#include <string>

namespace ec2bench::detail {

/// `bytes` in the largest binary unit (B, KiB, MiB, ... EiB) that leaves at least 1, to three
/// significant digits without trailing zeros ("1.5 KiB", "16 MiB", "25.6 MiB"; from 1000 of a
/// unit on, whole: "1000 MiB"). Whole bytes below 1 KiB ("512 B"); "0 B" for 0, and for
/// negative or NaN sizes, which no caller has.
///
///     ec2bench::detail::bytes_text(3.0 * 8 * 80'000'000)   // "1.79 GiB"
inline std::string bytes_text(double bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (!(bytes > 0)) return "0 B";
    double v = bytes;
    std::size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        ++u;
    }
    char buf[48];
    if (u == 0 || v >= 999.5) {
        // %g would write 1000 as 1e+03; whole bytes are exact.
        std::snprintf(buf, sizeof buf, "%.0f %s", std::round(v), units[u]);
    } else {
        std::snprintf(buf, sizeof buf, "%.3g %s", v, units[u]);
    }
    return buf;
}

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_BYTES_TEXT_HPP
