// SPDX-License-Identifier: MIT
// HdrHistogram's V2 compressed histogram encoding, as the Java, C, Go and Rust libraries write
// it into interval logs, and its base64 text form:
//
//   compressed:  int32 cookie 0x1c849314, int32 length of what follows, a zlib stream of
//   encoding:    int32 cookie 0x1c849313, int32 payload length, int32 normalizing index offset,
//                int32 significant digits, int64 lowest discernible value, int64 highest
//                trackable value, float64 integer-to-double ratio (40 bytes, all big-endian),
//   payload:     the counts from index 0 to the highest non-empty one, each a ZigZag LEB128
//                int64 (at most 9 bytes, the ninth carrying 8 bits); a negative word -k stands
//                for k > 1 empty buckets.
//
//     std::string s = ec2bench::results::hdr::encode(h);          // "HISTFAAA..."
//     auto back = ec2bench::results::hdr::decode(s);              // hdr::histogram
#ifndef EC2BENCH_RESULTS_HDR_ENCODING_HPP
#define EC2BENCH_RESULTS_HDR_ENCODING_HPP

#include <ec2bench/results/escape.hpp>
#include <ec2bench/results/hdr/histogram.hpp>
#include <ec2bench/stats/histogram.hpp>

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::results::hdr {

/// A V2 encoding that cannot be read: bad base64, a wrong cookie, a truncated or oversized zlib
/// stream, counts past the layout. The message says which.
class format_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::uint32_t v2_encoding_cookie = 0x1c849313;
inline constexpr std::uint32_t v2_compressed_cookie = 0x1c849314;
inline constexpr std::size_t v2_header_size = 40;

namespace detail {

/// Untrusted text for an error message: printable ASCII as is, anything else as \xNN, at most
/// `limit` characters then "...".
inline std::string escape(std::string_view s, std::size_t limit = 40) {
    return ec2bench::results::quote_for_message(s, limit);
}

inline std::string base64_encode(const unsigned char* p, std::size_t n) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const std::uint32_t w = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
        out += alphabet[(w >> 18) & 63];
        out += alphabet[(w >> 12) & 63];
        out += alphabet[(w >> 6) & 63];
        out += alphabet[w & 63];
    }
    if (n - i == 1) {
        const std::uint32_t w = std::uint32_t{p[i]} << 16;
        out += alphabet[(w >> 18) & 63];
        out += alphabet[(w >> 12) & 63];
        out += "==";
    } else if (n - i == 2) {
        const std::uint32_t w = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
        out += alphabet[(w >> 18) & 63];
        out += alphabet[(w >> 12) & 63];
        out += alphabet[(w >> 6) & 63];
        out += '=';
    }
    return out;
}

/// Standard base64 with padding (java.util.Base64), strictly: no whitespace, no missing or
/// stray '='.
inline std::vector<unsigned char> base64_decode(std::string_view s) {
    const auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (s.empty()) throw format_error("hdr: empty base64 histogram");
    if (s.size() % 4 != 0) {
        throw format_error("hdr: base64 length " + std::to_string(s.size()) +
                           " is not a multiple of 4");
    }
    std::size_t pad = 0;
    if (s.back() == '=') pad = s[s.size() - 2] == '=' ? 2 : 1;
    std::vector<unsigned char> out;
    out.reserve(s.size() / 4 * 3);
    for (std::size_t i = 0; i < s.size(); i += 4) {
        std::uint32_t w = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t at = i + k;
            const bool padding = at >= s.size() - pad;
            const int v = padding ? 0 : value(s[at]);
            if (v < 0) {
                throw format_error("hdr: invalid base64 character '" +
                                   escape(s.substr(at, 1)) + "' at offset " + std::to_string(at));
            }
            w = (w << 6) | static_cast<std::uint32_t>(v);
        }
        out.push_back(static_cast<unsigned char>(w >> 16));
        out.push_back(static_cast<unsigned char>(w >> 8));
        out.push_back(static_cast<unsigned char>(w));
    }
    out.resize(out.size() - pad);
    return out;
}

inline void put_be(std::vector<unsigned char>& b, std::uint64_t v, unsigned bytes) {
    for (unsigned i = bytes; i-- > 0;)
        b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

inline std::uint64_t get_be(const unsigned char* p, unsigned bytes) noexcept {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i)
        v = (v << 8) | p[i];
    return v;
}

/// ZigZag then LEB128 in at most 9 bytes: 7 bits a byte, high bit set when more follow; the
/// ninth byte carries the last 8 bits whole.
inline void put_zigzag(std::vector<unsigned char>& b, std::int64_t v) {
    auto z = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
    for (int i = 0; i < 8; ++i) {
        if ((z >> 7) == 0) {
            b.push_back(static_cast<unsigned char>(z));
            return;
        }
        b.push_back(static_cast<unsigned char>((z & 0x7f) | 0x80));
        z >>= 7;
    }
    b.push_back(static_cast<unsigned char>(z));
}

/// Reads one word at p (end: one past the payload); advances p. Throws on a word cut short.
inline std::int64_t get_zigzag(const unsigned char*& p, const unsigned char* end) {
    std::uint64_t z = 0;
    for (unsigned i = 0; i < 9; ++i) {
        if (p == end) throw format_error("hdr: the counts payload ends inside a word");
        const unsigned char b = *p++;
        if (i == 8) {
            z |= std::uint64_t{b} << 56;
            break;
        }
        z |= std::uint64_t{b & 0x7fu} << (7 * i);
        if ((b & 0x80) == 0) break;
    }
    return static_cast<std::int64_t>((z >> 1) ^ (0 - (z & 1)));
}

inline std::vector<unsigned char> deflate_bytes(const std::vector<unsigned char>& in) {
    uLongf size = ::compressBound(static_cast<uLong>(in.size()));
    std::vector<unsigned char> out(size);
    // Level 9, as HdrHistogram's HistogramLogWriter (Deflater.BEST_COMPRESSION).
    const int rc = ::compress2(out.data(), &size, in.data(), static_cast<uLong>(in.size()), 9);
    if (rc != Z_OK) throw std::runtime_error("hdr: zlib compress2 failed (" + std::to_string(rc) + ")");
    out.resize(size);
    return out;
}

/// Inflates a zlib stream into at most `cap` bytes: more is an error, never an allocation.
inline std::vector<unsigned char> inflate_bytes(const unsigned char* in, std::size_t n,
                                                std::size_t cap) {
    z_stream z{};
    if (::inflateInit(&z) != Z_OK) throw std::runtime_error("hdr: zlib inflateInit failed");
    std::vector<unsigned char> out(cap + 1);  // one spare byte tells "more than cap"
    z.next_in = const_cast<Bytef*>(in);
    z.avail_in = static_cast<uInt>(n);
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = ::inflate(&z, Z_FINISH);
    const std::size_t produced = out.size() - z.avail_out;
    ::inflateEnd(&z);
    if (produced > cap) {
        throw format_error("hdr: the zlib stream inflates past the " + std::to_string(cap) +
                           " bytes its header allows");
    }
    if (rc != Z_STREAM_END) {
        throw format_error(std::string("hdr: bad zlib stream (") +
                           (rc == Z_BUF_ERROR ? "truncated" : z.msg != nullptr ? z.msg : "error") +
                           ")");
    }
    out.resize(produced);
    return out;
}

}  // namespace detail

/// The V2 encoding of h (uncompressed: cookie 0x1c849313, header, counts).
inline std::vector<unsigned char> encode_uncompressed(const histogram& h) {
    std::vector<unsigned char> b;
    b.reserve(v2_header_size + 2 * h.used_length() + 16);
    detail::put_be(b, v2_encoding_cookie, 4);
    detail::put_be(b, 0, 4);  // payload length, filled in below
    detail::put_be(b, 0, 4);  // normalizing index offset: ours are never shifted
    detail::put_be(b, static_cast<std::uint64_t>(h.bucket_layout().significant_digits), 4);
    detail::put_be(b, static_cast<std::uint64_t>(h.bucket_layout().lowest_discernible_value), 8);
    detail::put_be(b, static_cast<std::uint64_t>(h.bucket_layout().highest_trackable_value), 8);
    std::uint64_t ratio_bits = 0;
    std::memcpy(&ratio_bits, &h.integer_to_double_ratio, sizeof ratio_bits);
    detail::put_be(b, ratio_bits, 8);
    const std::size_t n = h.used_length();
    for (std::size_t i = 0; i < n;) {
        const std::uint64_t c = h.count_at_index(i);
        if (c != 0) {
            detail::put_zigzag(b, static_cast<std::int64_t>(c));
            ++i;
            continue;
        }
        std::size_t zeros = 1;
        while (i + zeros < n && h.count_at_index(i + zeros) == 0)
            ++zeros;
        detail::put_zigzag(b, zeros > 1 ? -static_cast<std::int64_t>(zeros) : 0);
        i += zeros;
    }
    const auto payload = static_cast<std::uint32_t>(b.size() - v2_header_size);
    for (unsigned k = 0; k < 4; ++k)
        b[4 + k] = static_cast<unsigned char>(payload >> (8 * (3 - k)));
    return b;
}

/// The V2 compressed encoding of h (cookie 0x1c849314, length, zlib stream of the above).
inline std::vector<unsigned char> encode_compressed(const histogram& h) {
    const auto deflated = detail::deflate_bytes(encode_uncompressed(h));
    std::vector<unsigned char> b;
    b.reserve(8 + deflated.size());
    detail::put_be(b, v2_compressed_cookie, 4);
    detail::put_be(b, deflated.size(), 4);
    b.insert(b.end(), deflated.begin(), deflated.end());
    return b;
}

/// The base64 text of the V2 compressed encoding, as an interval log line carries it.
inline std::string encode(const histogram& h) {
    const auto b = encode_compressed(h);
    return detail::base64_encode(b.data(), b.size());
}

namespace detail {

inline std::string hex32(std::uint32_t v) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
    return buf;
}

/// The histogram (empty, layout from the header) that a 40-byte V2 header announces, and its
/// payload length, checked against what the layout's counts can need (9 bytes each at most).
inline std::pair<histogram, std::size_t> from_header(const unsigned char* p) {
    const auto cookie = static_cast<std::uint32_t>(get_be(p, 4));
    if (cookie != v2_encoding_cookie) {
        throw format_error("hdr: the histogram's cookie " + hex32(cookie) +
                           " is not V2's 0x1c849313");
    }
    const std::uint64_t payload = get_be(p + 4, 4);
    const auto digits = static_cast<std::int32_t>(static_cast<std::uint32_t>(get_be(p + 12, 4)));
    const auto lowest = static_cast<std::int64_t>(get_be(p + 16, 8));
    const auto highest = static_cast<std::int64_t>(get_be(p + 24, 8));
    const std::uint64_t ratio_bits = get_be(p + 32, 8);
    histogram h = [&] {
        try {
            return histogram(layout{lowest, highest, digits});
        } catch (const std::invalid_argument& e) {
            throw format_error(std::string("hdr: the header's layout is invalid: ") + e.what());
        }
    }();
    std::memcpy(&h.integer_to_double_ratio, &ratio_bits, sizeof ratio_bits);
    const std::uint64_t most = std::uint64_t{9} * h.counts_length();
    if (payload > most) {
        throw format_error("hdr: payload length " + std::to_string(payload) + " is more than the " +
                           std::to_string(most) + " bytes the layout's " +
                           std::to_string(h.counts_length()) + " counts can take");
    }
    return {std::move(h), static_cast<std::size_t>(payload)};
}

/// Fills h from a V2 counts payload.
inline void fill_counts(histogram& h, const unsigned char* at, const unsigned char* end) {
    std::size_t index = 0;
    while (at < end) {
        const std::int64_t w = get_zigzag(at, end);
        if (w < 0) {
            const std::uint64_t zeros = 0 - static_cast<std::uint64_t>(w);
            if (zeros > h.counts_length() - std::min(index, h.counts_length())) {
                throw format_error("hdr: a run of " + std::to_string(zeros) +
                                   " empty buckets goes past the layout's " +
                                   std::to_string(h.counts_length()) + " counts");
            }
            index += static_cast<std::size_t>(zeros);
            continue;
        }
        if (index >= h.counts_length()) {
            throw format_error("hdr: counts go past the layout's " +
                               std::to_string(h.counts_length()) + " buckets");
        }
        try {
            h.add_at_index(index, static_cast<std::uint64_t>(w));
        } catch (const std::overflow_error& e) {
            throw format_error(std::string("hdr: ") + e.what());
        }
        ++index;
    }
}

}  // namespace detail

/// Decodes a V2 encoding, compressed (cookie 0x1c849314) or not (0x1c849313). Throws
/// format_error, whose message says what is wrong, for anything else. Nothing is inflated past
/// the header's payload length, and that length may not exceed what the header's layout can
/// need, so a zlib bomb stops at a few bytes per bucket.
inline histogram decode_bytes(const unsigned char* p, std::size_t n) {
    if (n < 8) {
        throw format_error("hdr: " + std::to_string(n) + " bytes are too few for a histogram");
    }
    const auto cookie = static_cast<std::uint32_t>(detail::get_be(p, 4));
    if (cookie == v2_compressed_cookie) {
        const std::uint64_t length = detail::get_be(p + 4, 4);
        if (length > n - 8) {
            throw format_error("hdr: the compressed length " + std::to_string(length) +
                               " is past the " + std::to_string(n - 8) + " bytes that follow");
        }
        // The header alone first: its layout bounds the rest.
        unsigned char head[v2_header_size];
        {
            z_stream z{};
            if (::inflateInit(&z) != Z_OK) throw std::runtime_error("hdr: zlib inflateInit failed");
            z.next_in = const_cast<Bytef*>(p + 8);
            z.avail_in = static_cast<uInt>(length);
            z.next_out = head;
            z.avail_out = static_cast<uInt>(v2_header_size);
            const int rc = ::inflate(&z, Z_SYNC_FLUSH);
            const std::size_t got = v2_header_size - z.avail_out;
            ::inflateEnd(&z);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                throw format_error("hdr: bad zlib stream (corrupt)");
            }
            if (got < v2_header_size) {
                throw format_error("hdr: bad zlib stream (" + std::to_string(got) +
                                   " bytes, shorter than the 40-byte header)");
            }
        }
        auto [h, payload] = detail::from_header(head);
        const auto inflated =
            detail::inflate_bytes(p + 8, static_cast<std::size_t>(length), v2_header_size + payload);
        if (inflated.size() < v2_header_size + payload) {
            throw format_error("hdr: the zlib stream holds " +
                               std::to_string(inflated.size() - v2_header_size) +
                               " payload bytes, the header says " + std::to_string(payload));
        }
        detail::fill_counts(h, inflated.data() + v2_header_size,
                            inflated.data() + v2_header_size + payload);
        return std::move(h);
    }
    if (cookie == 0x0c72124f || cookie == 0x0c72124e) {
        throw format_error("hdr: a DoubleHistogram encoding: only integer histograms are supported");
    }
    const std::uint32_t base = cookie & ~0xf0u;
    if (base == 0x1c849301 || base == 0x1c849302 || base == 0x1c849308 || base == 0x1c849309) {
        throw format_error("hdr: a V0 or V1 encoding (HdrHistogram before 2.1): only V2 is supported");
    }
    if (cookie != v2_encoding_cookie) {
        throw format_error("hdr: cookie " + detail::hex32(cookie) +
                           " is not a V2 histogram's (0x1c849314 compressed, 0x1c849313 plain)");
    }
    if (n < v2_header_size) {
        throw format_error("hdr: " + std::to_string(n) + " bytes are too few for the 40-byte header");
    }
    auto [h, payload] = detail::from_header(p);
    if (payload > n - v2_header_size) {
        throw format_error("hdr: payload length " + std::to_string(payload) + " is past the " +
                           std::to_string(n - v2_header_size) + " bytes that follow the header");
    }
    detail::fill_counts(h, p + v2_header_size, p + v2_header_size + payload);
    return std::move(h);
}

/// Decodes the base64 text of a V2 encoding (what an interval log line carries).
inline histogram decode(std::string_view base64) {
    const auto b = detail::base64_decode(base64);
    return decode_bytes(b.data(), b.size());
}

/// The significant digits HdrHistogram needs for SubBucketBits, or -1 where there is none:
/// only 4, 7, 10, 14 and 17 (1 to 5 digits) have the same sub-buckets.
constexpr int significant_digits_for(unsigned sub_bucket_bits) noexcept {
    switch (sub_bucket_bits) {
        case 4:
            return 1;
        case 7:
            return 2;
        case 10:
            return 3;
        case 14:
            return 4;
        case 17:
            return 5;
        default:
            return -1;
    }
}

/// HdrHistogram's form of one of our histograms: lowest discernible value 1, highest trackable
/// MaxValue, the digits of SubBucketBits; every count at the same index. Layouts with no
/// HdrHistogram twin (SubBucketBits not 4, 7, 10, 14 or 17; MaxValue above 2^63 - 1) do not
/// compile. Values above MaxValue sit in its top bucket, as in ours.
template <unsigned SubBucketBits, std::uint64_t MaxValue, class Count>
histogram to_hdr(const stats::log_linear_histogram<SubBucketBits, MaxValue, Count>& h) {
    static_assert(significant_digits_for(SubBucketBits) > 0,
                  "HdrHistogram has this layout only for SubBucketBits 4, 7, 10, 14 or 17 "
                  "(1 to 5 significant digits)");
    static_assert(MaxValue >= 2 && MaxValue <= std::uint64_t{0x7fffffffffffffff},
                  "HdrHistogram's highest trackable value is from 2 to 2^63 - 1");
    histogram out(layout{1, static_cast<std::int64_t>(MaxValue), significant_digits_for(SubBucketBits)});
    h.for_each_bucket([&](const auto& b) {
        out.add_at_index(out.index_of(b.lower), static_cast<std::uint64_t>(b.count));
    });
    return out;
}

/// Adds HdrHistogram's counts into one of our histograms the way HdrHistogram's add() does:
/// each bucket's count at its lowest value. Where the layouts are twins (lowest discernible
/// value 1, the same sub-buckets; see to_hdr) every count lands at its own index, so counts
/// and quantiles are exact; min() and max() are then their buckets' lowest values
/// (HdrHistogram's getMaxValue is bucket_upper(bucket_index(max()))) and sum() the sum of
/// lowest values.
template <unsigned SubBucketBits, std::uint64_t MaxValue, class Count>
void add_to(stats::log_linear_histogram<SubBucketBits, MaxValue, Count>& h, const histogram& in) {
    for (std::size_t i = 0; i < in.used_length(); ++i) {
        const std::uint64_t c = in.count_at_index(i);
        if (c != 0) h.record(in.lowest_equivalent(i), c);
    }
}

/// One of our histograms as base64 V2 compressed text: encode(to_hdr(h)).
///
///     std::string line = ec2bench::results::hdr::encode(latencies);
template <unsigned SubBucketBits, std::uint64_t MaxValue, class Count>
std::string encode(const stats::log_linear_histogram<SubBucketBits, MaxValue, Count>& h) {
    return encode(to_hdr(h));
}

/// Decodes base64 V2 text into one of our histograms (add_to a fresh one).
///
///     auto h = ec2bench::results::hdr::decode_as<ec2bench::stats::latency_histogram>(line);
template <class Histogram>
Histogram decode_as(std::string_view base64) {
    Histogram h;
    add_to(h, decode(base64));
    return h;
}

}  // namespace ec2bench::results::hdr

#endif  // EC2BENCH_RESULTS_HDR_ENCODING_HPP
