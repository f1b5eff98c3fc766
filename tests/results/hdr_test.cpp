// HdrHistogram's formats: jHiccup's logs read back to HdrHistogram_c's numbers, round trips,
// an independent decoder of what we write, the .hgrm text, and hostile input.
#include <ec2bench/results/hdr.hpp>
#include <ec2bench/stats/histogram.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace hdr = ec2bench::results::hdr;
namespace st = ec2bench::stats;
namespace fs = std::filesystem;

namespace {

fs::path interop_dir() { return fs::path(EC2BENCH_SOURCE_DIR) / ".." / "shared" / "interop" / "hdrhistogram"; }

/// Whether the shared interop data is missing and may be: outside CI a clone need not sit beside
/// it, but under CI (CI set, as .ci/run has it) a missing oracle is a failure, not a skip.
bool interop_absent(const fs::path& f) {
    if (fs::exists(f)) return false;
    const char* ci = std::getenv("CI");
    REQUIRE_MESSAGE((ci == nullptr || *ci == '\0'), f.string() << " is absent under CI: the oracle must run");
    MESSAGE("skipped: " << f.string() << " is absent (the shared interop data sits beside the repository)");
    return true;
}

template <class H>
void fill_lognormal(H& h, std::size_t n, std::uint64_t seed, double median = 20'000.0) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> d(std::log(median), 1.5);
    for (std::size_t i = 0; i < n; ++i)
        h.record(static_cast<std::uint64_t>(d(rng)));
}

template <class H>
void check_same_buckets(const H& a, const H& b) {
    REQUIRE(a.count() == b.count());
    for (std::size_t i = 0; i < H::bucket_count; ++i) {
        if (a.bucket(i) != b.bucket(i)) {
            FAIL("bucket " << i << ": " << a.bucket(i) << " != " << b.bucket(i));
        }
    }
}

// --- an independent decoder: written from the format's description, sharing no code ---------

std::vector<unsigned char> b64(const std::string& s) {
    const std::string abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<unsigned char> out;
    unsigned bits = 0;
    int nbits = 0;
    for (char c : s) {
        if (c == '=') break;
        const auto v = abc.find(c);
        REQUIRE(v != std::string::npos);
        bits = (bits << 6) | static_cast<unsigned>(v);
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out.push_back(static_cast<unsigned char>((bits >> nbits) & 0xff));
        }
    }
    return out;
}

std::uint64_t be(const unsigned char* p, int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
        v = v * 256 + p[i];
    return v;
}

struct independent {
    int digits = 0;
    std::int64_t lowest = 0, highest = 0;
    std::vector<std::int64_t> counts;  // by index
};

independent independent_decode(const std::string& text) {
    const auto raw = b64(text);
    REQUIRE(raw.size() > 8);
    CHECK(be(raw.data(), 4) == 0x1c849314u);
    const auto zlen = be(raw.data() + 4, 4);
    REQUIRE(zlen == raw.size() - 8);
    std::vector<unsigned char> plain(1 << 22);
    uLongf plain_len = plain.size();
    REQUIRE(uncompress(plain.data(), &plain_len, raw.data() + 8, static_cast<uLong>(zlen)) == Z_OK);
    plain.resize(plain_len);
    REQUIRE(plain.size() >= 40);
    CHECK(be(plain.data(), 4) == 0x1c849313u);
    const auto payload = be(plain.data() + 4, 4);
    CHECK(payload == plain.size() - 40);
    CHECK(be(plain.data() + 8, 4) == 0);  // normalizing index offset
    independent out;
    out.digits = static_cast<int>(be(plain.data() + 12, 4));
    out.lowest = static_cast<std::int64_t>(be(plain.data() + 16, 8));
    out.highest = static_cast<std::int64_t>(be(plain.data() + 24, 8));
    double ratio = 0;
    const std::uint64_t rb = be(plain.data() + 32, 8);
    std::memcpy(&ratio, &rb, 8);
    CHECK(ratio == 1.0);
    std::size_t at = 40;
    while (at < plain.size()) {
        std::uint64_t z = 0;
        int shift = 0;
        for (int k = 0;; ++k) {
            const unsigned char b = plain.at(at++);
            if (k == 8) {
                z |= std::uint64_t{b} << 56;
                break;
            }
            z |= std::uint64_t(b & 127) << shift;
            shift += 7;
            if (b < 128) break;
        }
        const auto v = static_cast<std::int64_t>(z >> 1) * ((z & 1) ? -1 : 1) - ((z & 1) ? 1 : 0);
        if (v < 0) {
            out.counts.insert(out.counts.end(), static_cast<std::size_t>(-v), 0);
        } else {
            out.counts.push_back(v);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("jHiccup's interval logs read back to HdrHistogram_c's four numbers") {
    const fs::path dir = interop_dir();
    if (interop_absent(dir / "jHiccup-2.0.7S.logV2.hlog")) return;
    for (const char* file : {"jHiccup-2.0.7S.logV2.hlog", "jHiccup-2.0.7S.logV3.hlog"}) {
        CAPTURE(file);
        const auto log = hdr::read_interval_log_file((dir / file).string());
        CHECK(log.intervals.size() == 62);
        REQUIRE(log.start_time_s.has_value());
        CHECK(*log.start_time_s == doctest::Approx(1441812279.474).epsilon(1e-12));
        // No BaseTime: timestamps far before StartTime are relative to it (HistogramLogReader).
        CHECK(log.base_time_s == log.start_time_s);
        CHECK(log.intervals.front().start_s == 1441812279.474 + 0.127);
        CHECK(log.format_version == (std::string(file).find("V3") != std::string::npos ? "1.3" : "1.2"));

        // As HdrHistogram_c's test: every interval added into lowest 1, one hour, 3 digits.
        hdr::histogram acc({1, 3'600'000'000'000, 3});
        std::uint64_t total = 0;
        std::size_t tagged = 0;
        for (const auto& i : log.intervals) {
            total += i.counts.total_count();
            acc.add(i.counts);
            tagged += !i.tag.empty();
        }
        CHECK(total == 48'761);
        CHECK(acc.total_count() == 48'761);
        CHECK(acc.value_at_percentile(99.9) == 1'745'879'039);
        CHECK(acc.max() == 1'796'210'687);

        // The same through our own histogram of that layout.
        st::latency_histogram h;
        for (const auto& i : log.intervals)
            hdr::add_to(h, i.counts);
        CHECK(h.count() == 48'761);
        CHECK(h.quantile(0.999) == 1'745'879'039.0);
        CHECK(st::latency_histogram::bucket_upper(st::latency_histogram::bucket_index(h.max())) ==
              1'796'210'687);

        CHECK(log.intervals.front().timestamp_s == 0.127);
        CHECK(log.intervals.front().length_s == 1.007);
        CHECK(log.intervals.front().max_column == 2.769);
        // jHiccup's own layout: lowest 20000 ns, 2 digits.
        CHECK(log.intervals.front().counts.bucket_layout().lowest_discernible_value == 20'000);
        CHECK(log.intervals.front().counts.bucket_layout().significant_digits == 2);
        if (std::string(file).find("V3") != std::string::npos) {
            CHECK(tagged > 0);
            CHECK(log.intervals[1].tag == "a1.134a");
        } else {
            CHECK(tagged == 0);
        }
    }
}

TEST_CASE("the log processor adds up the untagged intervals in the first one's layout") {
    const fs::path f = interop_dir() / "jHiccup-2.0.7S.logV2.hlog";
    if (interop_absent(f)) return;
    std::ifstream in(f);
    std::ostringstream out;
    const auto s = hdr::process_log(in, out, f.string());
    CHECK(s.intervals == 62);
    CHECK(s.total.total_count() == 48'761);
    const std::string text = out.str();
    CHECK(text.rfind("#[StartTime: 1441812279.474 (seconds since epoch), Wed Sep 09 15:24:39 UTC 2015]\n"
                     "       Value     Percentile TotalCount 1/(1-Percentile)\n\n",
                     0) == 0);
    // jHiccup's layout has 2 digits: values with 2 decimals, in ms.
    CHECK(text.find("#[Max     = ") != std::string::npos);
    CHECK(text.find(", Total count    =        48761]\n") != std::string::npos);
    CHECK(text.find("#[Buckets =           ") != std::string::npos);

    // Tagged intervals only with their tag.
    std::ifstream in3(interop_dir() / "jHiccup-2.0.7S.logV3.hlog");
    hdr::log_processor_options o;
    o.tag = "a1.134a";
    const auto one = hdr::summarize_log(in3, "v3", o);
    CHECK(one.intervals == 1);
    std::ifstream in3t(interop_dir() / "jHiccup-2.0.7S.logV3.hlog");
    const auto tags = hdr::list_tags(in3t, "v3");
    CHECK(tags.untagged);
    CHECK(tags.tags == std::vector<std::string>{"a1.134a", "a3.134a", "a5.132a", "a7.133a"});
    std::ostringstream listed;
    hdr::write_tags(listed, hdr::log_tags{true, {"a1", "b\x1b[2J"}});
    CHECK(listed.str() == "Tags found in input file:\n[NO TAG (default)]\na1\nb\\x1b[2J\n");
    std::ifstream in3b(interop_dir() / "jHiccup-2.0.7S.logV3.hlog");
    o.tag = "no-such-tag";
    CHECK_THROWS_WITH_AS(hdr::summarize_log(in3b, "v3", o),
                         "v3: no interval histograms with tag 'no-such-tag'", std::runtime_error);
}

TEST_CASE("our histograms round-trip exactly through the V2 encoding") {
    st::latency_histogram h;
    fill_lognormal(h, 50'000, 7);
    for (std::uint64_t v : {0ull, 1ull, 2047ull, 2048ull, 2049ull, 4095ull, 3'600'000'000'000ull})
        h.record(v, 3);
    const std::string text = hdr::encode(h);
    CHECK(text.rfind("HISTF", 0) == 0);  // cookie 0x1c849314 in base64
    const hdr::histogram d = hdr::decode(text);
    CHECK(d.total_count() == h.count());
    CHECK(d.bucket_layout().lowest_discernible_value == 1);
    CHECK(d.bucket_layout().highest_trackable_value == 3'600'000'000'000);
    CHECK(d.bucket_layout().significant_digits == 3);
    for (std::size_t i = 0; i < st::latency_histogram::bucket_count; ++i) {
        if (d.count_at_index(i) != h.bucket(i)) FAIL("index " << i);
    }
    CHECK(hdr::encode(d) == text);
    const auto back = hdr::decode_as<st::latency_histogram>(text);
    check_same_buckets(h, back);
    for (double q : {0.001, 0.5, 0.9, 0.99, 0.999, 0.9999})
        CHECK(back.quantile(q) == h.quantile(q));
    CHECK(d.value_at_percentile(50.0) == static_cast<std::uint64_t>(h.quantile(0.5)));

    SUBCASE("other layouts with an HdrHistogram twin") {
        st::log_linear_histogram<7, 1'000'000'000> h2;
        fill_lognormal(h2, 10'000, 8);
        const auto d2 = hdr::decode(hdr::encode(h2));
        CHECK(d2.bucket_layout().significant_digits == 2);
        check_same_buckets(h2, hdr::decode_as<decltype(h2)>(hdr::encode(h2)));
        st::log_linear_histogram<14, 10'000'000'000, std::uint32_t> h4;
        fill_lognormal(h4, 10'000, 9);
        check_same_buckets(h4, hdr::decode_as<decltype(h4)>(hdr::encode(h4)));
    }
    SUBCASE("empty") {
        st::latency_histogram e;
        const auto de = hdr::decode(hdr::encode(e));
        CHECK(de.total_count() == 0);
        CHECK(de.used_length() == 0);
    }
}

TEST_CASE("a log we write is read back exactly, and by an independent decoder") {
    st::latency_histogram a, b, c;
    fill_lognormal(a, 5'000, 1);
    fill_lognormal(b, 5'000, 2, 2'000'000.0);
    c.record(42);
    std::ostringstream out;
    hdr::interval_log_writer w(out);
    w.write_header(1'700'000'000.25, "[Logged with ec2bench test]");
    w.write_interval(0.0, 1.0, a);
    w.write_interval(1.0, 1.0, b, "fsync");
    w.write_interval(2.0, 0.5, c);
    const std::string text = out.str();
    CHECK(text.rfind("#[Logged with ec2bench test]\n#[Histogram log format version 1.3]\n"
                     "#[StartTime: 1700000000.250 (seconds since epoch), Tue Nov 14 22:13:20 UTC 2023]\n"
                     "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
                     "0.000,1.000,",
                     0) == 0);
    CHECK(text.find("\nTag=fsync,1.000,1.000,") != std::string::npos);
    CHECK(text.find("\n2.000,0.500,0.000,HISTF") != std::string::npos);  // 42 ns in ms

    std::istringstream in(text);
    const auto log = hdr::read_interval_log(in, "ours");
    REQUIRE(log.intervals.size() == 3);
    CHECK(log.comments == std::vector<std::string>{"[Logged with ec2bench test]"});
    CHECK(*log.start_time_s == 1'700'000'000.25);
    CHECK(log.intervals[1].tag == "fsync");
    CHECK(log.intervals[1].timestamp_s == 1.0);
    CHECK(log.intervals[1].start_s == 1'700'000'000.25 + 1.0);  // relative to StartTime
    CHECK(log.intervals[2].length_s == 0.5);
    const st::latency_histogram* ours[] = {&a, &b, &c};
    for (std::size_t k = 0; k < 3; ++k) {
        st::latency_histogram back;
        hdr::add_to(back, log.intervals[k].counts);
        check_same_buckets(*ours[k], back);
        CHECK(log.intervals[k].max_column ==
              doctest::Approx(static_cast<double>(st::latency_histogram::bucket_upper(
                                  st::latency_histogram::bucket_index(ours[k]->max()))) /
                              1e6)
                  .epsilon(1e-3));
    }

    // Independently: our own base64, zlib's uncompress, the header and ZigZag LEB128 by hand.
    std::istringstream lines(text);
    std::string line;
    std::size_t k = 0;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#' || line[0] == '"') continue;
        const std::string payload = line.substr(line.rfind(',') + 1);
        const auto d = independent_decode(payload);
        CHECK(d.digits == 3);
        CHECK(d.lowest == 1);
        CHECK(d.highest == 3'600'000'000'000);
        const auto& h = *ours[k++];
        // Up to the highest non-empty index, no further.
        CHECK(d.counts.size() == st::latency_histogram::bucket_index(h.max()) + 1);
        for (std::size_t i = 0; i < st::latency_histogram::bucket_count; ++i) {
            const std::int64_t want = static_cast<std::int64_t>(h.bucket(i));
            const std::int64_t got = i < d.counts.size() ? d.counts[i] : 0;
            if (want != got) FAIL("interval " << k << " index " << i << ": " << got << " != " << want);
        }
    }
    CHECK(k == 3);
}

TEST_CASE("the log writer refuses what a reader could not split") {
    std::ostringstream out;
    hdr::interval_log_writer w(out);
    st::latency_histogram h;
    CHECK_THROWS_WITH_AS(w.write_interval(0, 1, h, "a,b"),
                         "interval_log_writer: tag 'a,b' has a comma, space or line break",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(w.write_comment("two\nlines"),
                         "interval_log_writer: a comment is one line: 'two\\x0alines' has a line break",
                         std::invalid_argument);
    hdr::interval_log_writer old(out, hdr::log_format::v1_2);
    CHECK_THROWS_WITH_AS(old.write_interval(0, 1, h, "t"),
                         "interval_log_writer: tag 't': tags need log format 1.3, this log is 1.2",
                         std::invalid_argument);
    std::ostringstream o12;
    hdr::interval_log_writer w12(o12, hdr::log_format::v1_2);
    w12.write_format_version();
    CHECK(o12.str() == "#[Histogram log format version 1.2]\n");
}

TEST_CASE("the .hgrm text is HdrHistogram's outputPercentileDistribution") {
    hdr::histogram h({1, 3'600'000'000'000, 3});
    for (std::uint64_t v = 1; v <= 100; ++v)
        h.record(v);
    std::ostringstream out;
    hdr::write_percentile_distribution(out, h, 1.0);
    const std::string text = out.str();
    // Header, then the levels 0, 10, ..., 50, 55, ... as HdrHistogram iterates them.
    CHECK(text.rfind("       Value     Percentile TotalCount 1/(1-Percentile)\n\n"
                     "       1.000 0.000000000000          1           1.00\n"
                     "      10.000 0.100000000000         10           1.11\n"
                     "      20.000 0.200000000000         20           1.25\n"
                     "      30.000 0.300000000000         30           1.43\n"
                     "      40.000 0.400000000000         40           1.67\n"
                     "      50.000 0.500000000000         50           2.00\n"
                     "      55.000 0.550000000000         55           2.22\n",
                     0) == 0);
    // The last line: 100%, no 1/(1-p); the footer with HdrHistogram's mean and deviation
    // (each value is its own bucket here: 50.5 and sqrt((100^2 - 1) / 12)).
    CHECK(text.find("\n     100.000 1.000000000000        100\n"
                    "#[Mean    =       50.500, StdDeviation   =       28.866]\n"
                    "#[Max     =      100.000, Total count    =          100]\n"
                    "#[Buckets =           32, SubBuckets     =         2048]\n") != std::string::npos);
    const auto lines = hdr::percentile_lines(h);
    // Levels only rise; every line's count covers its level.
    for (std::size_t i = 1; i < lines.size(); ++i) {
        CHECK(lines[i].percentile > lines[i - 1].percentile);
        CHECK(100.0 * static_cast<double>(lines[i].total) / 100.0 >= lines[i].percentile);
    }
    std::ostringstream csv;
    hdr::write_percentile_distribution(csv, h, 1.0, 5, true);
    CHECK(csv.str().rfind("\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n"
                          "1.000,0.000000000000,1,1.00\n",
                          0) == 0);
    CHECK(csv.str().find("100.000,1.000000000000,100,Infinity\n") != std::string::npos);

    SUBCASE("counts past a double's resolution end the levels rather than loop") {
        hdr::histogram big({1, 1000, 3});
        big.add_at_index(1, std::uint64_t{1} << 62);
        big.add_at_index(2, 1);
        const auto huge = hdr::percentile_lines(big);
        REQUIRE(huge.size() > 2);
        CHECK(huge.size() < 2000);
        CHECK(huge.back().percentile == 100.0);
        CHECK(huge.back().total == (std::uint64_t{1} << 62) + 1);
        CHECK(huge.back().value == 2);
    }
    SUBCASE("our histogram prints the same as its HdrHistogram twin") {
        st::latency_histogram ours;
        for (std::uint64_t v = 1; v <= 100; ++v)
            ours.record(v);
        std::ostringstream o2;
        hdr::write_percentile_distribution(o2, ours, 1.0);
        CHECK(o2.str() == text);
    }
}

TEST_CASE("hostile encodings get one clear error each") {
    SUBCASE("base64") {
        CHECK_THROWS_WITH_AS(hdr::decode("HIST*AAA"), "hdr: invalid base64 character '*' at offset 4",
                             hdr::format_error);
        CHECK_THROWS_WITH_AS(hdr::decode("HISTF"), "hdr: base64 length 5 is not a multiple of 4",
                             hdr::format_error);
        CHECK_THROWS_WITH_AS(hdr::decode("\x01\x02=="), "hdr: invalid base64 character '\\x01' at offset 0",
                             hdr::format_error);
        CHECK_THROWS_WITH_AS(hdr::decode(""), "hdr: empty base64 histogram", hdr::format_error);
    }
    SUBCASE("cookies") {
        const unsigned char dbl[8] = {0x0c, 0x72, 0x12, 0x4f, 0, 0, 0, 0};
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(dbl, 8),
                             "hdr: a DoubleHistogram encoding: only integer histograms are supported",
                             hdr::format_error);
        const unsigned char v1[8] = {0x1c, 0x84, 0x93, 0x12, 0, 0, 0, 0};
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(v1, 8),
                             "hdr: a V0 or V1 encoding (HdrHistogram before 2.1): only V2 is supported",
                             hdr::format_error);
        const unsigned char junk[8] = {1, 2, 3, 4, 0, 0, 0, 0};
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(junk, 8),
                             "hdr: cookie 0x01020304 is not a V2 histogram's (0x1c849314 compressed, 0x1c849313 plain)",
                             hdr::format_error);
    }

    // A valid plain encoding to corrupt: lowest 1, highest 2048, 3 digits (counts length 3072).
    const auto header = [](std::uint32_t payload) {
        std::vector<unsigned char> b = {0x1c, 0x84, 0x93, 0x13};
        for (int i = 3; i >= 0; --i) b.push_back(static_cast<unsigned char>(payload >> (8 * i)));
        for (int i = 0; i < 4; ++i) b.push_back(0);
        for (int x : {0, 0, 0, 3}) b.push_back(static_cast<unsigned char>(x));
        for (int i = 0; i < 7; ++i) b.push_back(0);
        b.push_back(1);
        for (int i = 0; i < 6; ++i) b.push_back(0);
        b.push_back(0x08);
        b.push_back(0x00);  // 2048
        for (int x : {0x3f, 0xf0, 0, 0, 0, 0, 0, 0}) b.push_back(static_cast<unsigned char>(x));  // 1.0
        return b;
    };
    const auto compress = [](const std::vector<unsigned char>& plain) {
        std::vector<unsigned char> z(compressBound(static_cast<uLong>(plain.size())));
        uLongf n = z.size();
        REQUIRE(compress2(z.data(), &n, plain.data(), static_cast<uLong>(plain.size()), 9) == Z_OK);
        std::vector<unsigned char> b = {0x1c, 0x84, 0x93, 0x14};
        for (int i = 3; i >= 0; --i) b.push_back(static_cast<unsigned char>(n >> (8 * i)));
        b.insert(b.end(), z.begin(), z.begin() + static_cast<std::ptrdiff_t>(n));
        return b;
    };
    SUBCASE("the plain form decodes") {
        auto b = header(2);
        b.push_back(0x03);  // -2: two empty buckets
        b.push_back(0x0a);  // 5
        const auto h = hdr::decode_bytes(b.data(), b.size());
        CHECK(h.total_count() == 5);
        CHECK(h.count_at_index(2) == 5);
        const auto z = compress(b);
        CHECK(hdr::decode_bytes(z.data(), z.size()).count_at_index(2) == 5);
    }
    SUBCASE("counts past the layout") {
        auto b = header(3);
        for (int x : {0xff, 0x2f}) b.push_back(static_cast<unsigned char>(x));  // ZigZag -3072: every bucket empty
        b.push_back(0x02);                                  // then one count, past the end
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(b.data(), b.size()),
                             "hdr: counts go past the layout's 3072 buckets", hdr::format_error);
        auto r = header(3);
        for (int x : {0x81, 0x30}) r.push_back(static_cast<unsigned char>(x));  // -3073 zeros
        r.push_back(0x02);
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(r.data(), r.size()),
                             "hdr: a run of 3073 empty buckets goes past the layout's 3072 counts",
                             hdr::format_error);
    }
    SUBCASE("a word cut short") {
        auto b = header(1);
        b.push_back(0x80);
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(b.data(), b.size()),
                             "hdr: the counts payload ends inside a word", hdr::format_error);
    }
    SUBCASE("a payload length the layout cannot need") {
        const auto b = header(0x7fffffff);
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(b.data(), b.size()),
                             "hdr: payload length 2147483647 is more than the 27648 bytes the "
                             "layout's 3072 counts can take",
                             hdr::format_error);
    }
    SUBCASE("a zlib bomb stops at the header's payload length") {
        auto b = header(4);
        b.insert(b.end(), 1 << 20, 0x00);  // a megabyte of single zeros, payload says 4 bytes
        const auto z = compress(b);
        CHECK(z.size() < 4096);
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(z.data(), z.size()),
                             "hdr: the zlib stream inflates past the 44 bytes its header allows",
                             hdr::format_error);
    }
    SUBCASE("a truncated zlib stream") {
        auto b = header(2);
        b.push_back(0x03);
        b.push_back(0x0a);
        auto z = compress(b);
        z.resize(z.size() - 4);  // the Adler-32 check value
        z[7] = static_cast<unsigned char>(z.size() - 8);
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(z.data(), z.size()), "hdr: bad zlib stream (truncated)",
                             hdr::format_error);
        auto y = compress(b);
        y[7] = static_cast<unsigned char>(y[7] + 10);
        CHECK_THROWS_AS(hdr::decode_bytes(y.data(), y.size()), hdr::format_error);
    }
    SUBCASE("an invalid layout") {
        auto b = header(0);
        b[15] = 9;  // 9 significant digits
        CHECK_THROWS_WITH_AS(hdr::decode_bytes(b.data(), b.size()),
                             "hdr: the header's layout is invalid: hdr::histogram: significant "
                             "digits 9 must be from 0 to 5",
                             hdr::format_error);
    }
}

TEST_CASE("hostile logs get an error naming the line") {
    const auto read = [](const std::string& text) {
        std::istringstream in(text);
        return hdr::read_interval_log(in, "bad.hlog");
    };
    CHECK_THROWS_WITH_AS(read("#c\n1.0,2.0,HISTFAAA\n"),
                         "bad.hlog:2: expected StartTimestamp,Interval_Length,Interval_Max,histogram "
                         "(4 fields after any Tag=), found 3",
                         hdr::format_error);
    CHECK_THROWS_WITH_AS(read("x1,1,1,HISTFAAA\n"), "bad.hlog:1: StartTimestamp 'x1' is not a number",
                         hdr::format_error);
    CHECK_THROWS_WITH_AS(read("0.1,1,1,HIST!AAA\n"),
                         "bad.hlog:1: hdr: invalid base64 character '!' at offset 4", hdr::format_error);
    CHECK_THROWS_WITH_AS(read("#[StartTime: soon]\n"), "bad.hlog:1: StartTime without a number of seconds",
                         hdr::format_error);
    CHECK_THROWS_WITH_AS(read("Tag=\x1b[31m\n"), "bad.hlog:1: a Tag= with nothing after it",
                         hdr::format_error);
    CHECK_THROWS_WITH_AS(read("0.1,1,\x1b[2J,HISTFAAA\n"),
                         "bad.hlog:1: Interval_Max '\\x1b[2J' is not a number", hdr::format_error);
    CHECK_THROWS_WITH_AS(hdr::read_interval_log_file("/nonexistent/x.hlog"),
                         "cannot open interval log '/nonexistent/x.hlog'", std::runtime_error);
    // Blank lines, CRLF line ends and a legend are fine.
    st::latency_histogram h;
    h.record(5);
    const auto log = read("\r\n\"StartTimestamp\",\"x\"\r\n3.5,1,0,"  + hdr::encode(h) + "\r\n");
    REQUIRE(log.intervals.size() == 1);
    CHECK(log.intervals[0].counts.total_count() == 1);
    CHECK(*log.start_time_s == 3.5);  // no StartTime: the first timestamp
    CHECK(*log.base_time_s == 0.0);
}

TEST_CASE("hdr::histogram's layout follows HdrHistogram's constructor") {
    const hdr::histogram j({20'000, 3'600'000'000'000, 2});
    CHECK(j.unit_magnitude() == 14);
    CHECK(j.sub_bucket_half_count_magnitude() == 7);
    CHECK(j.sub_bucket_count() == 256);
    const hdr::histogram l({1, 3'600'000'000'000, 3});
    CHECK(l.bucket_count() == 32);
    CHECK(l.counts_length() == 33 * 1024);
    for (std::uint64_t v : {0ull, 1ull, 2047ull, 2048ull, 123'456'789ull, 3'600'000'000'000ull}) {
        CHECK(l.index_of(v) == st::latency_histogram::bucket_index(v));
        CHECK(l.lowest_equivalent(l.index_of(v)) == st::latency_histogram::bucket_lower(l.index_of(v)));
        CHECK(l.highest_equivalent(l.index_of(v)) == st::latency_histogram::bucket_upper(l.index_of(v)));
    }
    CHECK_THROWS_WITH_AS(hdr::histogram({0, 100, 3}),
                         "hdr::histogram: lowest discernible value 0 must be at least 1",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(hdr::histogram({10, 15, 3}),
                         "hdr::histogram: highest trackable value 15 must be at least twice the "
                         "lowest discernible value 10",
                         std::invalid_argument);
    // Auto-resize, as HdrHistogram's: a value past the top extends the layout.
    hdr::histogram small({1, 4096, 3});
    small.record(1'000'000);
    CHECK(small.max() == st::latency_histogram::bucket_upper(st::latency_histogram::bucket_index(1'000'000)));
    CHECK(small.bucket_layout().highest_trackable_value >= 1'000'000);
}

TEST_CASE("mutated encodings decode or fail with format_error, nothing else") {
    st::latency_histogram h;
    fill_lognormal(h, 2'000, 11);
    const auto good = hdr::encode_compressed(hdr::to_hdr(h));
    const auto plain = hdr::encode_uncompressed(hdr::to_hdr(h));
    std::mt19937_64 rng(99);
    int failed = 0;
    for (int round = 0; round < 3000; ++round) {
        auto b = (round % 2 == 0) ? good : plain;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k)
            b[rng() % b.size()] ^= static_cast<unsigned char>(1u << (rng() % 8));
        if (rng() % 8 == 0) b.resize(rng() % b.size());
        try {
            const auto d = hdr::decode_bytes(b.data(), b.size());
            CHECK(d.used_length() <= d.counts_length());
        } catch (const hdr::format_error&) {
            ++failed;
        }
    }
    CHECK(failed > 0);
}

TEST_CASE("our encoder writes, before compression, the bytes HdrHistogram's Java encoder wrote") {
    const fs::path f = interop_dir() / "jHiccup-2.0.7S.logV3.hlog";
    if (interop_absent(f)) return;
    std::ifstream in(f);
    std::string line;
    int compared = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line[0] == '"') continue;
        const std::string text = line.substr(line.rfind(',') + 1);
        // Java's bytes, inflated by zlib directly.
        const auto raw = b64(text);
        std::vector<unsigned char> java(1 << 20);
        uLongf n = java.size();
        REQUIRE(uncompress(java.data(), &n, raw.data() + 8, static_cast<uLong>(raw.size() - 8)) == Z_OK);
        java.resize(n);
        const auto h = hdr::decode(text);
        CHECK(hdr::encode_uncompressed(h) == java);
        // And our compressed text decodes to the same histogram.
        const auto again = hdr::decode(hdr::encode(h));
        CHECK(again.total_count() == h.total_count());
        CHECK(hdr::encode_uncompressed(again) == java);
        ++compared;
    }
    CHECK(compared == 62);
}
