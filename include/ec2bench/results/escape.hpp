// SPDX-License-Identifier: MIT
// Escaping strings from results files and the metadata service before they reach a terminal.
// A file name, a benchmark name or an error message can hold terminal escapes (ESC[2J clears the
// screen, OSC 0 sets the window title), newlines that forge table rows, or bytes that are not
// UTF-8; printed raw, they are an attack on whoever reads the output.
//
//     std::fprintf(stderr, "%s\n", ec2bench::results::escape_for_terminal(e.what()).c_str());
#ifndef EC2BENCH_RESULTS_ESCAPE_HPP
#define EC2BENCH_RESULTS_ESCAPE_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace ec2bench::results {

namespace detail {

/// The length of the well-formed UTF-8 sequence at the start of `s` (Unicode 15, table 3-7: no
/// overlong forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one.
inline std::size_t utf8_sequence_length(std::string_view s) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(0);
    if (b0 < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        if (b0 == 0xe0) lo = 0xa0;
        if (b0 == 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        if (b0 == 0xf0) lo = 0x90;
        if (b0 == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
    for (std::size_t i = 2; i < n; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
    }
    return n;
}

/// Calls `piece(text, columns)` for each piece of `s`, in order: a code point passed through (one
/// column) or one escape (as many columns as its ASCII text). `keep` lists the control characters
/// passed through raw (CSV keeps CR and LF inside its quotes). Allocates nothing.
template <class Piece>
void for_each_escaped(std::string_view s, std::string_view keep, Piece piece) {
    static constexpr char digits[] = "0123456789abcdef";
    char buf[8];
    const auto hex_escape = [&](const char* prefix, unsigned char v) {
        std::size_t n = 0;
        while (*prefix != '\0') buf[n++] = *prefix++;
        buf[n++] = digits[v >> 4];
        buf[n++] = digits[v & 0xf];
        return std::string_view(buf, n);
    };
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 1;
        std::string_view out;
        bool escaped = true;
        if (c < 0x20 || c == 0x7f) {
            if (keep.find(static_cast<char>(c)) != std::string_view::npos) {
                out = s.substr(i, 1);
                escaped = false;
            } else if (c == '\n') {
                out = "\\n";
            } else if (c == '\t') {
                out = "\\t";
            } else if (c == '\r') {
                out = "\\r";
            } else {
                out = hex_escape("\\x", c);
            }
        } else if (c == '\\') {
            out = "\\\\";
        } else if (c < 0x80) {
            out = s.substr(i, 1);
            escaped = false;
        } else if ((n = utf8_sequence_length(s.substr(i))) == 0) {
            n = 1;
            out = hex_escape("\\x", c);
        } else if (n == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) {
            // U+0080..U+009F, the C1 controls: some terminals take U+009B as CSI. In UTF-8 the
            // second byte is the code point.
            out = hex_escape("\\u00", static_cast<unsigned char>(s[i + 1]));
        } else {
            out = s.substr(i, n);
            escaped = false;
        }
        piece(out, escaped ? out.size() : std::size_t{1});
        i += n;
    }
}

}  // namespace detail

/// `s` made safe to print on one terminal line: valid UTF-8 passes through; \n, \t and \r become
/// `\n`, `\t` and `\r`; other C0 controls, DEL and every byte that is not part of valid UTF-8
/// become `\x1b`-style escapes; the C1 controls U+0080..U+009F become `\u009b`-style escapes; a
/// backslash becomes `\\`, so that the escaped text says unambiguously what the bytes were.
///
///     escape_for_terminal("a\x1b[2Jb") == "a\\x1b[2Jb"
inline std::string escape_for_terminal(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    detail::for_each_escaped(s, {}, [&](std::string_view piece, std::size_t) { out += piece; });
    return out;
}

/// As escape_for_terminal(), but a backslash stays one backslash: for a message that may hold
/// text escaped already (read_document's errors) beside raw text from a file or a server, where
/// doubling would garble the first and the second still must not reach the terminal raw.
///
///     escape_controls("a.json: \\x1b and \x1b") == "a.json: \\x1b and \\x1b"
inline std::string escape_controls(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    detail::for_each_escaped(s, {}, [&](std::string_view piece, std::size_t) {
        out += piece == "\\\\" ? std::string_view("\\") : piece;
    });
    return out;
}

/// A short quote of untrusted text for an error message: printable ASCII as is, every other byte
/// (a backslash too) as \xNN, cut after `limit` bytes with "...". Stricter than
/// escape_for_terminal, for text whose bytes matter (a tag, a field of a file).
///
///     quote_for_message("m6i\x1b[2J") == "m6i\\x1b[2J"
inline std::string quote_for_message(std::string_view s, std::size_t limit = 40) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == limit) {
            out += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_ESCAPE_HPP
