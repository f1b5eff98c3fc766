// SPDX-License-Identifier: MIT
// A stand-in for results/escape.hpp's escape_for_terminal until that header is on main: text
// from a file (an interval log's tags) made safe to print, so that a terminal escape, a line
// break or a byte that is not ASCII in it cannot clear the screen or forge output lines.
// Replace the include with <ec2bench/results/escape.hpp> once it exists; the name is the same.
#ifndef EC2BENCH_BENCH_TERMINAL_ESCAPE_HPP
#define EC2BENCH_BENCH_TERMINAL_ESCAPE_HPP

#include <string>
#include <string_view>

namespace ec2bench::bench_local {

/// Printable ASCII as is, a backslash doubled, \n \r \t, and every other byte (controls such
/// as ESC, DEL, anything above 0x7f) as \xNN.
///
///     escape_for_terminal("a\x1b[2Jb")   // "a\\x1b[2Jb"
inline std::string escape_for_terminal(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c >= 0x20 && c < 0x7f) {
            out += ch;
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace ec2bench::bench_local

#endif  // EC2BENCH_BENCH_TERMINAL_ESCAPE_HPP
