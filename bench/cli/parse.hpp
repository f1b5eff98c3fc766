// SPDX-License-Identifier: MIT
// The executables' numbers in the notations their users write: counts as 1e10, 2^32 or
// 80_000_000, sizes the fio way (4k, 1M). The executables' business, not the installed library's:
// CLI11 parses the flags and calls these as validators (bench/cli/cli.hpp).
#ifndef EC2BENCH_BENCH_CLI_PARSE_HPP
#define EC2BENCH_BENCH_CLI_PARSE_HPP

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ec2bench::cli {

namespace detail {
inline std::string flag_error(std::string_view flag, std::string_view value,
                              std::string_view allowed) {
    return "--" + std::string(flag) + "=" + std::string(value) + ": " + std::string(allowed);
}
}  // namespace detail

/// A count of items: digits, or a power of ten in e-notation, or a power of two, with optional
/// ' or _ separators. "1e10", "10000000000", "2^32", "80_000_000". Must fit in uint64 exactly.
///
///     auto n = ec2bench::cli::parse_count("1e10", "limit");   // 10000000000
inline std::uint64_t parse_count(std::string_view text, std::string_view flag) {
    const std::string_view allowed =
        "expected a non-negative integer such as 80000000, 8e7 or 2^32";
    std::string s;
    for (char c : text) {
        if (c != '\'' && c != '_') s += c;
    }
    if (s.empty()) throw std::invalid_argument(detail::flag_error(flag, text, allowed));
    const auto digits = [&](std::string_view d, std::uint64_t& out) {
        if (d.empty()) return false;
        out = 0;
        for (char c : d) {
            if (c < '0' || c > '9') return false;
            const auto v = static_cast<std::uint64_t>(c - '0');
            if (out > (std::numeric_limits<std::uint64_t>::max() - v) / 10) {
                throw std::out_of_range(
                    detail::flag_error(flag, text, "larger than 2^64-1, the largest allowed"));
            }
            out = out * 10 + v;
        }
        return true;
    };
    std::uint64_t base = 0;
    std::uint64_t exp = 0;
    if (const auto caret = s.find('^'); caret != std::string::npos) {
        if (!digits(std::string_view(s).substr(0, caret), base) || base != 2 ||
            !digits(std::string_view(s).substr(caret + 1), exp)) {
            throw std::invalid_argument(detail::flag_error(flag, text, allowed));
        }
        if (exp > 63) {
            throw std::out_of_range(
                detail::flag_error(flag, text, "larger than 2^64-1, the largest allowed"));
        }
        return std::uint64_t{1} << exp;
    }
    const auto e = s.find_first_of("eE");
    if (e == std::string::npos) {
        std::uint64_t v = 0;
        if (!digits(s, v)) throw std::invalid_argument(detail::flag_error(flag, text, allowed));
        return v;
    }
    // Mantissa with an optional fraction: 1.5e9 is 1500000000; 1.2345e2 is not an integer.
    const std::string_view mant = std::string_view(s).substr(0, e);
    if (!digits(std::string_view(s).substr(e + 1), exp)) {
        throw std::invalid_argument(detail::flag_error(flag, text, allowed));
    }
    if (exp > 40) {  // 10^20 already exceeds 2^64; a huge exponent must not loop for ages
        throw std::out_of_range(detail::flag_error(flag, text, "larger than 2^64-1, the largest allowed"));
    }
    const auto dot = mant.find('.');
    std::string_view int_part = mant.substr(0, dot);
    std::string_view frac_part = dot == std::string_view::npos ? "" : mant.substr(dot + 1);
    while (!frac_part.empty() && frac_part.back() == '0') frac_part.remove_suffix(1);
    if (frac_part.size() > exp) {
        throw std::invalid_argument(detail::flag_error(flag, text, "not an integer"));
    }
    std::uint64_t v = 0;
    if (!digits(std::string(int_part) + std::string(frac_part), v)) {
        throw std::invalid_argument(detail::flag_error(flag, text, allowed));
    }
    for (std::uint64_t k = frac_part.size(); k < exp; ++k) {
        if (v > std::numeric_limits<std::uint64_t>::max() / 10) {
            throw std::out_of_range(
                detail::flag_error(flag, text, "larger than 2^64-1, the largest allowed"));
        }
        v *= 10;
    }
    return v;
}

/// A size in bytes, fio's way: a plain number is bytes; k, m, g, t (any case, optionally
/// followed by "ib" or "b") are powers of 1024. "4k" is 4096, "1M" 1048576, "512" 512.
///
///     auto bs = ec2bench::cli::parse_size("4k", "block-size");   // 4096
inline std::uint64_t parse_size(std::string_view text, std::string_view flag) {
    const std::string_view allowed =
        "expected a size in bytes such as 4096, 4k, 1M or 2G (k, M, G, T are powers of 1024)";
    std::string_view s = text;
    if (s.empty()) throw std::invalid_argument(detail::flag_error(flag, text, allowed));
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    std::string suffix;
    while (!s.empty() && !(s.back() >= '0' && s.back() <= '9')) {
        suffix.insert(suffix.begin(), lower(s.back()));
        s.remove_suffix(1);
    }
    unsigned shift = 0;
    if (suffix.empty() || suffix == "b") {
        shift = 0;
    } else {
        const char unit = suffix[0];
        const std::string rest = suffix.substr(1);
        if (!(rest.empty() || rest == "b" || rest == "ib")) {
            throw std::invalid_argument(detail::flag_error(flag, text, allowed));
        }
        switch (unit) {
            case 'k': shift = 10; break;
            case 'm': shift = 20; break;
            case 'g': shift = 30; break;
            case 't': shift = 40; break;
            default: throw std::invalid_argument(detail::flag_error(flag, text, allowed));
        }
    }
    std::uint64_t v = 0;
    if (s.empty()) throw std::invalid_argument(detail::flag_error(flag, text, allowed));
    for (char c : s) {
        if (c < '0' || c > '9') throw std::invalid_argument(detail::flag_error(flag, text, allowed));
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
            throw std::out_of_range(detail::flag_error(flag, text, "too large"));
        }
        v = v * 10 + d;
    }
    if (shift != 0 && v > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
        throw std::out_of_range(detail::flag_error(flag, text, "too large"));
    }
    return v << shift;
}

}  // namespace ec2bench::cli

#endif  // EC2BENCH_BENCH_CLI_PARSE_HPP
