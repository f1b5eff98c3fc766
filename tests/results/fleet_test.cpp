// The fleet report: synthetic results files (several instance types, several replicas each, known
// repetition values) pooled into medians whose intervals are checked against an independent
// binomial computation (exact integers here, and values from Python's math.comb), ranks with
// ties, the price lookup (flag, file, spot, bundled; the files' region and market), per-dollar
// figures with their intervals, the warnings, and the four printed forms.
#include <ec2bench/results/fleet.hpp>
#include <ec2bench/results/fleet_render.hpp>
#include <ec2bench/results/read.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace rs = ec2bench::results;
using nlohmann::json;

namespace {

/// One synthetic results file: the facts, and each benchmark's per-repetition values.
struct spec {
    std::string name = "a.json";
    std::string type = "c7g.large", region = "us-east-1", zone, market;
    std::string arch = "aarch64", cpu = "Neoverse-V1", kernel = "6.1.0-1", version = "0.1.0";
    std::string started_at = "2026-12-01T10:00:00Z";
    unsigned cpus = 2;
    bool complete = true;
    std::vector<double> triad_gbps;  ///< STREAM triad best GB/s per repetition
    std::vector<double> primes_m;    ///< sieve primes per second (millions), one thread
    std::vector<double> iops;  ///< fdatasync 4 KiB IOPS; p50..p99.9 = 100, 200, 300, 400 us + rep
    std::vector<double> record_ips;       ///< histogram records per second
    std::vector<unsigned> sweep_threads;  ///< triad sweep points, each at triad_gbps * threads
    std::string filesystem = "xfs", device = "nvme1n1";
    std::string failed;  ///< a failed fsync repetition's message
};

json fact(const std::string& v) {
    return v.empty() ? json(nullptr) : json{{"value", v}, {"source", "imdsv2"}};
}

json iteration(const std::string& name, std::size_t i, std::size_t n) {
    return {{"name", name},     {"run_name", name},      {"run_type", "iteration"},
            {"repetitions", n}, {"repetition_index", i}, {"threads", 1},
            {"iterations", 1},  {"real_time", 1000.0},   {"cpu_time", 1000.0},
            {"time_unit", "ms"}};
}

/// The document, read back through parse_document (the schema checks of every real file).
json document(const spec& s) {
    json benchmarks = json::array();
    json extras = json::object();
    const std::string triad = "stream/triad/double/iterations:1/manual_time";
    for (std::size_t i = 0; i < s.triad_gbps.size(); ++i) {
        json r = iteration(triad, i, s.triad_gbps.size());
        r["best_bytes_per_second"] = s.triad_gbps[i] * 1e9;
        r["bytes_per_second"] = s.triad_gbps[i] * 0.9e9;
        benchmarks.push_back(r);
    }
    for (const unsigned t : s.sweep_threads) {
        const std::string name =
            "stream/sweep/triad/double/threads:" + std::to_string(t) + "/manual_time";
        for (std::size_t i = 0; i < s.triad_gbps.size(); ++i) {
            json r = iteration(name, i, s.triad_gbps.size());
            r["best_bytes_per_second"] = s.triad_gbps[i] * t * 1e9;
            benchmarks.push_back(r);
        }
    }
    const std::string sieve = "sieve/sweep/threads:1/manual_time";
    for (std::size_t i = 0; i < s.primes_m.size(); ++i) {
        json r = iteration(sieve, i, s.primes_m.size());
        r["primes"] = s.primes_m[i] * 1e6;  // in real_time = 1000 ms: primes per second
        r["items_per_second"] = 1e9;
        benchmarks.push_back(r);
    }
    const std::string fsync = "fsync/fdatasync/4096/append/iterations:1/manual_time";
    json reps = json::array();
    for (std::size_t i = 0; i < s.iops.size(); ++i) {
        json r = iteration(fsync, i, s.iops.size());
        const double d = static_cast<double>(i);
        r["items_per_second"] = s.iops[i];
        r["p50_us"] = 100 + d;
        r["p95_us"] = 200 + d;
        r["p99_us"] = 300 + d;
        r["p999_us"] = 400 + d;
        benchmarks.push_back(r);
        reps.push_back({{"values", {{"block_size", 4096}}}});
    }
    if (!s.failed.empty()) {
        json r = iteration(fsync, s.iops.size(), s.iops.size() + 1);
        r["error_occurred"] = true;
        r["error_message"] = s.failed;
        benchmarks.push_back(r);
    }
    if (!s.iops.empty()) {
        extras[fsync] = {
            {"facts",
             {{"filesystem", s.filesystem}, {"device", s.device}, {"method", "fdatasync"}}},
            {"warnings", json::array()},
            {"repetitions", reps}};
    }
    const std::string record = "stats/histogram/record";
    for (std::size_t i = 0; i < s.record_ips.size(); ++i) {
        json r = iteration(record, i, s.record_ips.size());
        r["items_per_second"] = s.record_ips[i];
        benchmarks.push_back(r);
    }
    const json doc = {{"context", {{"json_schema_version", 1}}},
                      {"benchmarks", benchmarks},
                      {"ec2bench",
                       {{"schema_version", 2},
                        {"version", s.version},
                        {"started_at", s.started_at},
                        {"complete", s.complete},
                        {"host",
                         {{"architecture", s.arch},
                          {"cpu_model", s.cpu},
                          {"logical_cpus", s.cpus},
                          {"kernel", s.kernel}}},
                        {"ec2",
                         {{"on_ec2", !s.type.empty()},
                          {"instance_type", fact(s.type)},
                          {"region", fact(s.region)},
                          {"availability_zone", fact(s.zone)},
                          {"market", fact(s.market)}}},
                        {"benchmarks", extras}}}};
    return rs::parse_document(doc.dump(), s.name);
}

std::vector<double> range(double from, double to) {
    std::vector<double> v;
    for (double x = from; x <= to; x += 1)
        v.push_back(x);
    return v;
}

/// The independent oracle: with exact integer binomial coefficients, the largest l with
/// P(B < l) <= 0.025 for B ~ Binomial(n, 1/2), i.e. 40 * sum_{i<l} C(n, i) <= 2^n (n <= 56, so
/// 40 * 2^n fits in 64 bits), and the coverage 1 - 2 P(B < l).
struct pair_of_ranks {
    std::size_t lower = 0, upper = 0;
    double coverage = 0;
};

pair_of_ranks exact_median_ranks(std::size_t n) {
    REQUIRE(n <= 56);
    std::array<std::uint64_t, 57> c{};
    c[0] = 1;
    for (std::size_t k = 1; k <= n; ++k) {
        for (std::size_t i = k; i > 0; --i)
            c[i] += c[i - 1];
    }
    const std::uint64_t total = std::uint64_t{1} << n;
    pair_of_ranks p;
    std::uint64_t below = 0;  // sum_{i<l} C(n, i)
    for (std::size_t l = 1; l <= n; ++l) {
        below += c[l - 1];
        if (40 * below > total) break;
        p.lower = l;
        p.coverage = 1 - 2 * static_cast<double>(below) / static_cast<double>(total);
    }
    p.upper = n + 1 - p.lower;
    return p;
}

rs::price_entry price(const std::string& type, const std::string& region, rs::price_market m,
                      double usd, const std::string& date, const std::string& source) {
    rs::price_entry e;
    e.instance_type = type;
    e.region = region;
    e.market = m;
    e.usd_per_hour = usd;
    e.effective_date = date;
    e.source = source;
    return e;
}

const rs::fleet_group& group(const rs::fleet_report& r, const std::string& key) {
    for (const auto& g : r.groups) {
        if (g.key == key) return g;
    }
    FAIL("no group " << key);
    throw std::logic_error("unreachable");
}

const rs::group_metric& metric(const rs::fleet_group& g, const std::string& id) {
    const rs::group_metric* m = rs::find_metric(g, id);
    REQUIRE_MESSAGE(m != nullptr, g.key << " has no " << id);
    return *m;
}

bool has_warning(const rs::fleet_group& g, const std::string& text) {
    return std::find(g.warnings.begin(), g.warnings.end(), text) != g.warnings.end();
}

std::string warnings_of(const rs::fleet_group& g) {
    std::string s;
    for (const auto& w : g.warnings)
        s += w + "\n";
    return s;
}

/// The fleet of most tests: c7g.large (3 files, 4 repetitions each: triad 10..21), m7g.large (2
/// files, 5 each: 30..39), c6i.large (2 files, 3 each: 14..19).
std::vector<rs::named_document> fleet() {
    std::vector<rs::named_document> docs;
    const auto add = [&](spec s) { docs.push_back({s.name, document(s)}); };
    spec s;
    s.type = "c7g.large";
    s.name = "c7g-1.json";
    s.triad_gbps = {13, 10, 12, 11};
    s.iops = {1000, 1010, 1020, 1030};
    add(s);
    s.name = "c7g-2.json";
    s.triad_gbps = {14, 15, 16, 17};
    s.iops = {1040, 1050, 1060, 1070};
    add(s);
    s.name = "c7g-3.json";
    s.triad_gbps = {21, 18, 19, 20};
    s.iops = {1080, 1090, 1100, 1110};
    add(s);
    s = spec{};
    s.type = "m7g.large";
    s.name = "m7g-1.json";
    s.triad_gbps = range(30, 34);
    s.iops = {2000, 2000, 2000, 2000, 2000};
    add(s);
    s.name = "m7g-2.json";
    s.triad_gbps = range(35, 39);
    s.iops.clear();
    add(s);
    s = spec{};
    s.type = "c6i.large";
    s.arch = "x86_64";
    s.cpu = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz";
    s.name = "c6i-1.json";
    s.triad_gbps = {14, 15, 16};
    add(s);
    s.name = "c6i-2.json";
    s.triad_gbps = {17, 18, 19};
    add(s);
    return docs;
}

rs::fleet_options priced() {
    rs::fleet_options o;
    o.today = "2026-12-06";
    rs::price_table bundled;
    bundled.add(price("c7g.large", "us-east-1", rs::price_market::on_demand, 0.0725, "2026-01-19",
                      "karpenter+skypilot"));
    bundled.add(price("m7g.large", "us-east-1", rs::price_market::on_demand, 0.0816, "2026-11-30",
                      "karpenter"));
    bundled.add(price("c6i.large", "us-east-1", rs::price_market::on_demand, 0.085, "2026-11-30",
                      "karpenter"));
    o.prices.bundled = bundled;
    return o;
}

}  // namespace

TEST_CASE("median_estimate: the order statistics agree with an exact binomial computation") {
    // Hard-coded from Python: for n in ...: the largest l with sum(comb(n, i) for i < l) / 2**n
    // <= 0.025, and 1 - 2 * that sum.
    struct row {
        std::size_t n, lower, upper;
        double coverage;
    };
    for (const row& r :
         {row{6, 1, 6, 0.96875}, row{7, 1, 7, 0.984375}, row{10, 2, 9, 0.978515625},
          row{12, 3, 10, 0.96142578125}, row{20, 6, 15, 0.9586105346679688},
          row{30, 10, 21, 0.9572260547429323}, row{100, 40, 61, 0.9647997997822952}}) {
        CAPTURE(r.n);
        // Values n, n-1, ..., 1 in reverse, so the order statistic of rank k is k itself.
        std::vector<double> v;
        for (std::size_t i = r.n; i > 0; --i)
            v.push_back(static_cast<double>(i));
        const auto e = rs::median_estimate(v);
        CHECK(e.method == "order statistics");
        CHECK(e.count == r.n);
        CHECK(e.lower_rank == r.lower);
        CHECK(e.upper_rank == r.upper);
        CHECK(e.low == static_cast<double>(r.lower));
        CHECK(e.high == static_cast<double>(r.upper));
        CHECK(e.coverage == doctest::Approx(r.coverage).epsilon(1e-12));
        CHECK(e.value == static_cast<double>(r.n + 1) / 2);
    }
    for (std::size_t n = 6; n <= 56; ++n) {
        CAPTURE(n);
        const auto want = exact_median_ranks(n);
        std::vector<double> v;
        for (std::size_t i = 0; i < n; ++i)
            v.push_back(static_cast<double>(i) * 0.5);
        std::shuffle(v.begin(), v.end(), std::mt19937(static_cast<std::uint32_t>(n)));
        const auto e = rs::median_estimate(v);
        CHECK(e.lower_rank == want.lower);
        CHECK(e.upper_rank == want.upper);
        CHECK(e.coverage >= 0.95);
        CHECK(e.coverage == doctest::Approx(want.coverage).epsilon(1e-12));
        CHECK(e.low == static_cast<double>(want.lower - 1) * 0.5);
        CHECK(e.high == static_cast<double>(want.upper - 1) * 0.5);
    }
}

TEST_CASE("median_estimate: too few values, none, and values that are not numbers") {
    auto e = rs::median_estimate({3, 1, 2, 5, 4});
    CHECK(e.value == 3);
    CHECK(std::isnan(e.low));
    CHECK(std::isnan(e.high));
    CHECK(std::isnan(e.coverage));
    CHECK(e.method == "none (n=5, 6 needed)");
    e = rs::median_estimate({});
    CHECK(std::isnan(e.value));
    CHECK(e.method == "none (no values)");
    e = rs::median_estimate({1, 2, std::nan(""), 3, 4, HUGE_VAL, 5, 6});
    CHECK(e.count == 6);
    CHECK(e.value == 3.5);
    CHECK(e.low == 1);
    CHECK(e.high == 6);
}

TEST_CASE("build_fleet_report pools every repetition of every file of an instance type") {
    const auto r = rs::build_fleet_report(fleet(), priced());
    REQUIRE(r.groups.size() == 3);
    CHECK(r.ordered_by == "triad_gbps");
    const auto& c7g = group(r, "c7g.large");
    CHECK(c7g.files == std::vector<std::string>{"c7g-1.json", "c7g-2.json", "c7g-3.json"});
    CHECK(c7g.instance_type == "c7g.large");
    CHECK(c7g.region == "us-east-1");
    CHECK_FALSE(c7g.region_from_flag);
    const auto& t = metric(c7g, "triad_gbps");
    CHECK(t.files == 3);
    CHECK(t.repetitions == 12);
    CHECK(t.unit == "GB/s");
    CHECK(t.higher_is_better);
    // 10..21: median (15 + 16) / 2; n = 12 gives ranks 3 and 10 (exact_median_ranks).
    CHECK(t.perf.value == doctest::Approx(15.5));
    const auto want = exact_median_ranks(12);
    CHECK(t.perf.low == doctest::Approx(10 + static_cast<double>(want.lower) - 1));
    CHECK(t.perf.high == doctest::Approx(10 + static_cast<double>(want.upper) - 1));
    CHECK(t.perf.low == doctest::Approx(12));
    CHECK(t.perf.high == doctest::Approx(19));
    const auto& io = metric(c7g, "fdatasync_iops");
    CHECK(io.repetitions == 12);
    CHECK(io.perf.value == doctest::Approx(1055));
    CHECK(io.perf.low == doctest::Approx(1020));
    CHECK(io.perf.high == doctest::Approx(1090));
    // The p99 latency is a headline too, lower is better: 300..303 in each of 3 files.
    const auto& p99 = metric(c7g, "fdatasync_p99_us");
    CHECK_FALSE(p99.higher_is_better);
    CHECK(p99.perf.value == doctest::Approx(301.5));
    CHECK_FALSE(p99.per_dollar.has_value());  // latencies have no per-dollar figure

    // fsync latency percentiles: 100..103, 200..203, ... pooled over 3 files (12 values).
    REQUIRE(c7g.fsync_latency.size() == 4);
    CHECK(c7g.fsync_latency[0].label == "p50");
    CHECK(c7g.fsync_latency[0].q == 0.5);
    CHECK(c7g.fsync_latency[0].us.value == doctest::Approx(101.5));
    CHECK(c7g.fsync_latency[0].us.low == doctest::Approx(100));
    CHECK(c7g.fsync_latency[0].us.high == doctest::Approx(103));
    CHECK(c7g.fsync_latency[3].label == "p99.9");
    CHECK(c7g.fsync_latency[3].q == 0.999);
    CHECK(c7g.fsync_latency[3].us.value == doctest::Approx(401.5));

    // m7g: the IOPS only in one file: 5 values, no interval, so no rank.
    const auto& m7g = group(r, "m7g.large");
    const auto& mio = metric(m7g, "fdatasync_iops");
    CHECK(mio.files == 1);
    CHECK(mio.repetitions == 5);
    CHECK(mio.rank == 0);
    CHECK(mio.perf.method == "none (n=5, 6 needed)");
    CHECK(metric(m7g, "triad_gbps").perf.value == doctest::Approx(34.5));
    CHECK(metric(m7g, "triad_gbps").perf.low == doctest::Approx(31));
    CHECK(metric(m7g, "triad_gbps").perf.high == doctest::Approx(38));
    CHECK(rs::find_metric(m7g, "primes_per_second_1t") == nullptr);
}

TEST_CASE(
    "ranks: a group is behind only the groups whose interval is wholly better; overlaps tie") {
    const auto r = rs::build_fleet_report(fleet(), priced());
    // Triad: m7g [31, 38] is above c7g [12, 19] and c6i [14, 19] (n = 6: ranks 1 and 6), which
    // overlap: m7g 1, both others 2.
    CHECK(metric(group(r, "m7g.large"), "triad_gbps").rank == 1);
    CHECK(metric(group(r, "c7g.large"), "triad_gbps").rank == 2);
    CHECK(metric(group(r, "c6i.large"), "triad_gbps").rank == 2);
    const auto& c6i = metric(group(r, "c6i.large"), "triad_gbps");
    CHECK(c6i.perf.low == 14);
    CHECK(c6i.perf.high == 19);
    // In rank order, ties by median: m7g, c6i (16.5), c7g (15.5).
    REQUIRE(r.groups.size() == 3);
    CHECK(r.groups[0].key == "m7g.large");
    CHECK(r.groups[1].key == "c6i.large");
    CHECK(r.groups[2].key == "c7g.large");

    SUBCASE("a chain: A overlaps B, B overlaps C, A is wholly above C") {
        std::vector<rs::named_document> docs;
        const auto add = [&](const std::string& type, std::vector<double> v) {
            spec s;
            s.type = type;
            s.name = type + ".json";
            s.triad_gbps = std::move(v);
            docs.push_back({s.name, document(s)});
        };
        add("a1.large", {20, 21, 22, 23, 24, 25});  // [20, 25]
        add("b1.large", {12, 14, 16, 18, 20, 22});  // [12, 22]
        add("c1.large", {10, 11, 12, 13, 14, 15});  // [10, 15]
        add("d1.large", {1, 2, 3, 4, 5});           // no interval
        const auto q = rs::build_fleet_report(docs, {});
        CHECK(metric(group(q, "a1.large"), "triad_gbps").rank == 1);
        CHECK(metric(group(q, "b1.large"), "triad_gbps").rank == 1);
        CHECK(metric(group(q, "c1.large"), "triad_gbps").rank == 2);  // only a1 is wholly above
        CHECK(metric(group(q, "d1.large"), "triad_gbps").rank == 0);  // unranked, listed last
        CHECK(q.groups.back().key == "d1.large");
    }
    SUBCASE("lower is better: the p99 latency") {
        std::vector<rs::named_document> docs;
        spec s;
        s.name = "slow.json";
        s.type = "t3.large";
        s.iops = std::vector<double>(6, 100);  // p99 300..305
        docs.push_back({s.name, document(s)});
        s.name = "fast.json";
        s.type = "c7g.large";
        s.iops = std::vector<double>(6, 100);
        json d = document(s);
        for (auto& b : d["benchmarks"])
            b["p99_us"] = b["p99_us"].get<double>() - 100;  // 200..205
        docs.push_back({s.name, d});
        const auto q = rs::build_fleet_report(docs, {});
        CHECK(metric(group(q, "c7g.large"), "fdatasync_p99_us").rank == 1);
        CHECK(metric(group(q, "t3.large"), "fdatasync_p99_us").rank == 2);
        // Same IOPS everywhere: one rank for both.
        CHECK(metric(group(q, "c7g.large"), "fdatasync_iops").rank == 1);
        CHECK(metric(group(q, "t3.large"), "fdatasync_iops").rank == 1);
    }
}

TEST_CASE("prices: per group, with per-dollar figures whose intervals divide by the price") {
    const auto r = rs::build_fleet_report(fleet(), priced());
    const auto& c7g = group(r, "c7g.large");
    REQUIRE(c7g.price.has_value());
    CHECK(c7g.price->origin == rs::price_origin::bundled);
    CHECK(c7g.price->entry.usd_per_hour == 0.0725);
    const auto& t = metric(c7g, "triad_gbps");
    REQUIRE(t.per_dollar.has_value());
    CHECK(t.per_dollar_unit == "GB/s per $/h");
    CHECK(t.per_dollar->value == doctest::Approx(15.5 / 0.0725));
    CHECK(t.per_dollar->low == doctest::Approx(12 / 0.0725));
    CHECK(t.per_dollar->high == doctest::Approx(19 / 0.0725));
    CHECK(t.per_dollar->method == "order statistics");
    // fdatasyncs per dollar: IOPS * 3600 / price, in millions.
    const auto& io = metric(c7g, "fdatasync_iops");
    REQUIRE(io.per_dollar.has_value());
    CHECK(io.per_dollar_unit == "M fdatasyncs per $");
    CHECK(io.per_dollar->value == doctest::Approx(1055 * 3600 / 0.0725 / 1e6));
    CHECK(io.per_dollar->low == doctest::Approx(1020 * 3600 / 0.0725 / 1e6));
    // Per dollar: c7g [165.5, 262.1], c6i [164.7, 223.5], m7g [379.9, 465.7]: m7g 1, the others 2.
    CHECK(metric(group(r, "m7g.large"), "triad_gbps").per_dollar_rank == 1);
    CHECK(t.per_dollar_rank == 2);
    CHECK(metric(group(r, "c6i.large"), "triad_gbps").per_dollar_rank == 2);

    SUBCASE("a dearer fast type loses its lead per dollar") {
        auto o = priced();
        o.prices.overrides.push_back(rs::parse_price_override("m7g.large=1.5", o.today));
        const auto q = rs::build_fleet_report(fleet(), o);
        // m7g per dollar: [31, 38] / 1.5 = [20.7, 25.3], wholly below c7g [165.5, 262.1].
        CHECK(metric(group(q, "m7g.large"), "triad_gbps").per_dollar_rank == 3);
        CHECK(metric(group(q, "m7g.large"), "triad_gbps").rank == 1);
        CHECK(metric(group(q, "c7g.large"), "triad_gbps").per_dollar_rank == 1);
    }
    SUBCASE("primes per dollar: primes/s * 3600 / price, in billions") {
        spec s;
        s.name = "sieve.json";
        s.type = "c7g.large";
        s.primes_m = {100, 101, 102, 103, 104, 105};
        const auto q = rs::build_fleet_report(
            std::vector<rs::named_document>{{s.name, document(s)}}, priced());
        const auto& p = metric(group(q, "c7g.large"), "primes_per_second_1t");
        CHECK(p.perf.value == doctest::Approx(102.5));
        REQUIRE(p.per_dollar.has_value());
        CHECK(p.per_dollar_unit == "G primes per $");
        CHECK(p.per_dollar->value == doctest::Approx(102.5e6 * 3600 / 0.0725 / 1e9));
        CHECK(p.per_dollar->low == doctest::Approx(100e6 * 3600 / 0.0725 / 1e9));
        CHECK(p.per_dollar->high == doctest::Approx(105e6 * 3600 / 0.0725 / 1e9));
    }
}

TEST_CASE("prices: the lookup order, the files' region and market, --region") {
    spec s;
    s.name = "one.json";
    s.type = "c7g.large";
    s.triad_gbps = range(10, 15);
    const auto report_of = [](const spec& x, const rs::fleet_options& o) {
        return rs::build_fleet_report(std::vector<rs::named_document>{{x.name, document(x)}}, o);
    };
    auto o = priced();
    rs::price_table file, spot;
    file.add(price("c7g.large", "us-east-1", rs::price_market::on_demand, 0.07, "2026-12-01",
                   "negotiated"));
    spot.add(price("c7g.large", "us-east-1", rs::price_market::spot, 0.03, "2026-12-01",
                   "spot-price-history"));
    o.prices.prices_file = file;
    o.prices.spot_prices = spot;

    SUBCASE("--price before --prices before --spot-prices before the bundled snapshot") {
        o.prices.overrides.push_back(rs::parse_price_override("c7g.large=0.05", o.today));
        auto g = group(report_of(s, o), "c7g.large");
        CHECK(g.price->origin == rs::price_origin::override_flag);
        CHECK(g.price->entry.usd_per_hour == 0.05);
        o.prices.overrides.clear();
        g = group(report_of(s, o), "c7g.large");
        CHECK(g.price->origin == rs::price_origin::prices_file);
        o.prices.prices_file.reset();
        g = group(report_of(s, o), "c7g.large");  // no market fact: on-demand before spot, per file
        CHECK(g.price->origin == rs::price_origin::spot_prices);
        CHECK(g.price->entry.usd_per_hour == 0.03);
        o.prices.spot_prices.reset();
        g = group(report_of(s, o), "c7g.large");
        CHECK(g.price->origin == rs::price_origin::bundled);
    }
    SUBCASE("a spot instance takes the spot price, an on-demand one the on-demand price") {
        s.market = "spot";
        auto g = group(report_of(s, o), "c7g.large");
        CHECK(g.market == "spot");
        CHECK(g.price->origin == rs::price_origin::spot_prices);
        s.market = "on-demand";
        g = group(report_of(s, o), "c7g.large");
        CHECK(g.price->origin == rs::price_origin::prices_file);
        // Spot, with only on-demand prices: missing, not the wrong market's price.
        s.market = "spot";
        o.prices.spot_prices.reset();
        g = group(report_of(s, o), "c7g.large");
        CHECK_FALSE(g.price.has_value());
        CHECK(has_warning(g,
                          "no spot price for c7g.large in us-east-1 (pass --price c7g.large=USD or "
                          "--prices=FILE)"));
    }
    SUBCASE("the file's region before --region; --region for files without one") {
        s.region = "eu-west-1";
        o.region = "us-east-1";
        auto g = group(report_of(s, o), "c7g.large");
        CHECK(g.region == "eu-west-1");
        CHECK_FALSE(g.price.has_value());
        CHECK(has_warning(
            g,
            "no price for c7g.large in eu-west-1 (pass --price c7g.large=USD or --prices=FILE)"));
        s.region = "";
        g = group(report_of(s, o), "c7g.large");
        CHECK(g.region == "us-east-1");
        CHECK(g.region_from_flag);
        CHECK(g.price->origin == rs::price_origin::prices_file);
        o.region = "";
        g = group(report_of(s, o), "c7g.large");
        CHECK(g.region.empty());
        CHECK(has_warning(
            g,
            "no price for c7g.large: the files record no region (pass --region=R, or --price "
            "c7g.large=USD)"));
        // A zone without a region fact gives the region.
        s.zone = "us-east-1b";
        g = group(report_of(s, o), "c7g.large");
        CHECK(g.region == "us-east-1");
        CHECK(g.price.has_value());
    }
}

TEST_CASE(
    "warnings: stale and missing prices, disagreeing facts, partial files, failed benchmarks") {
    SUBCASE("a price older than 180 days; one of 180 days is not") {
        const auto r = rs::build_fleet_report(fleet(), priced());
        CHECK(has_warning(
            group(r, "c7g.large"),
            "the price of c7g.large (bundled, 2026-01-19) is 321 days old, over 180: pass current "
            "prices with --prices=FILE"));
        CHECK(group(r, "m7g.large").warnings.empty());
        auto o = priced();
        o.today = "2026-07-18";  // 180 days after 2026-01-19
        const auto q = rs::build_fleet_report(fleet(), o);
        CHECK_MESSAGE(group(q, "c7g.large").warnings.empty(), warnings_of(group(q, "c7g.large")));
        o.today = "2026-07-19";
        CHECK(group(rs::build_fleet_report(fleet(), o), "c7g.large").warnings.size() == 1);
    }
    SUBCASE("no price anywhere; a price of 0") {
        auto o = priced();
        o.prices.bundled.reset();
        auto r = rs::build_fleet_report(fleet(), o);
        const auto& g = group(r, "c7g.large");
        CHECK_FALSE(g.price.has_value());
        CHECK_FALSE(metric(g, "triad_gbps").per_dollar.has_value());
        CHECK(metric(g, "triad_gbps").per_dollar_rank == 0);
        CHECK(g.warnings == std::vector<std::string>{"no price for c7g.large in us-east-1 (pass "
                                                     "--price c7g.large=USD or --prices=FILE)"});
        o.prices.overrides.push_back(rs::parse_price_override("c7g.large=0", o.today));
        r = rs::build_fleet_report(fleet(), o);
        CHECK(has_warning(
            group(r, "c7g.large"),
            "the price of c7g.large (--price, 2026-12-06) is 0 USD/h: no per-dollar figures"));
        CHECK_FALSE(metric(group(r, "c7g.large"), "triad_gbps").per_dollar.has_value());
    }
    SUBCASE("facts that differ within a group are flagged, and the values still pooled") {
        std::vector<rs::named_document> docs;
        spec s;
        s.type = "m6i.large";
        s.triad_gbps = range(1, 3);
        s.iops = {1, 2, 3};
        s.name = "a.json";
        docs.push_back({s.name, document(s)});
        s.name = "b.json";
        s.kernel = "6.5.0";
        s.version = "0.2.0";
        s.filesystem = "ext4";
        docs.push_back({s.name, document(s)});
        s.name = "c.json";
        s.complete = false;
        s.device = "nvme2n1";
        s.failed = "disk full";
        docs.push_back({s.name, document(s)});
        const auto r = rs::build_fleet_report(docs, priced());
        const auto& g = group(r, "m6i.large");
        CHECK(metric(g, "triad_gbps").repetitions == 9);
        CHECK(g.versions == std::vector<std::string>{"0.1.0", "0.2.0"});
        const std::vector<std::string> want = {
            "c.json: fsync/fdatasync/4096/append failed: disk full",
            "1 of 3 files interrupted (partial): c.json",
            "ec2bench version differs between the files (pooled all the same): 0.1.0 (1 file), "
            "0.2.0 (2 files)",
            "kernel differs between the files (pooled all the same): 6.1.0-1 (1 file), 6.5.0 (2 "
            "files)",
            "fsync filesystem differs between the files (pooled all the same): ext4 (2 files), xfs "
            "(1 file)",
            "fsync device differs between the files (pooled all the same): nvme1n1 (2 files), "
            "nvme2n1 (1 file)",
            "no price for m6i.large in us-east-1 (pass --price m6i.large=USD or --prices=FILE)"};
        CHECK(g.warnings == want);
    }
    SUBCASE("off EC2: CPU model and count stand in for the instance type, without a price") {
        std::vector<rs::named_document> docs;
        spec s;
        s.type = "";
        s.region = "";
        s.cpu = "AMD EPYC 7R13";
        s.cpus = 8;
        s.triad_gbps = range(1, 6);
        s.name = "laptop-1.json";
        docs.push_back({s.name, document(s)});
        s.name = "laptop-2.json";
        docs.push_back({s.name, document(s)});
        s.type = "c6a.2xlarge";
        s.name = "ec2.json";
        docs.push_back({s.name, document(s)});
        auto r = rs::build_fleet_report(docs, priced());
        REQUIRE(r.groups.size() == 2);
        const auto& off = group(r, "AMD EPYC 7R13 x 8");
        CHECK(off.files.size() == 2);
        CHECK(off.warnings ==
              std::vector<std::string>{"no price: no instance type (not run on EC2)"});
        CHECK(r.warnings ==
              std::vector<std::string>{
                  "1 group without an EC2 instance type (not run on EC2): grouped by CPU model and "
                  "logical CPUs instead, and without a price"});
        // --group-by=cpu puts the EC2 run with them, and says why it has no price.
        auto o = priced();
        o.grouping = rs::group_by::cpu;
        r = rs::build_fleet_report(docs, o);
        REQUIRE(r.groups.size() == 1);
        CHECK(r.groups[0].files.size() == 3);
        CHECK(has_warning(r.groups[0],
                          "no price: the files ran on several instance types (none, c6a.2xlarge)"));
        CHECK(has_warning(r.groups[0],
                          "instance type differs between the files (pooled all the same): "
                          "c6a.2xlarge (1 file), unknown (2 files)"));
        // --group-by=file: one group per file, named by it.
        o.grouping = rs::group_by::file;
        r = rs::build_fleet_report(docs, o);
        REQUIRE(r.groups.size() == 3);
        CHECK(group(r, "ec2.json").instance_type == "c6a.2xlarge");
        CHECK(group(r, "ec2.json").files == std::vector<std::string>{"ec2.json"});
    }
}

TEST_CASE("build_fleet_report: bad options are refused with one line") {
    rs::fleet_options o;
    o.today = "2026-13-01";
    CHECK_THROWS_WITH_AS(rs::build_fleet_report(fleet(), o),
                         "today '2026-13-01': expected a date YYYY-MM-DD", std::invalid_argument);
    o.today = "";
    o.region = "us_east_1";
    CHECK_THROWS_WITH_AS(rs::build_fleet_report(fleet(), o),
                         "--region=us_east_1: expected a region such as us-east-1",
                         std::invalid_argument);
    o.region = "";
    o.sort_by = "colour";
    CHECK_THROWS_WITH_AS(
        rs::build_fleet_report(fleet(), o),
        "--sort=colour: expected instance_type, triad_gbps, primes_per_second_1t, "
        "primes_per_second_all, fdatasync_iops, fdatasync_p99_us, histogram_record_ns",
        std::invalid_argument);
    CHECK_THROWS_WITH_AS(rs::parse_group_by("type"),
                         "--group-by=type: expected instance_type, cpu or file",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(rs::parse_fleet_format("html5"),
                         "--format=html5: expected table, markdown, csv or json",
                         std::invalid_argument);
    o.sort_by = "instance_type";
    const auto r = rs::build_fleet_report(fleet(), o);
    CHECK(r.ordered_by == "key");
    CHECK(r.groups[0].key == "c6i.large");
    CHECK(r.groups[2].key == "m7g.large");
}

TEST_CASE("summarize_fleet_file: the sweep, the histogram record and the market fact") {
    spec s;
    s.type = "c7g.xlarge";
    s.market = "spot";
    s.triad_gbps = {10, 12};
    s.sweep_threads = {1, 2, 4};
    s.record_ips = {2e8, 4e8};
    const auto f = rs::summarize_fleet_file("x.json", document(s));
    CHECK(f.market == "spot");
    REQUIRE(f.stream_sweep.size() == 3);
    CHECK(f.stream_sweep.at(4) == std::vector<double>{40, 48});
    REQUIRE(f.metrics.size() == 2);
    CHECK(f.metrics[1].id == "histogram_record_ns");
    CHECK(f.metrics[1].values == std::vector<double>{5, 2.5});  // 1e9 / records per second
    CHECK_FALSE(f.metrics[1].higher_is_better);
    const auto r = rs::build_fleet_report(std::vector<rs::fleet_file>{f}, {});
    const auto& g = r.groups.at(0);
    REQUIRE(g.stream_sweep.size() == 3);
    CHECK(g.stream_sweep[0].threads == 1);
    CHECK(g.stream_sweep[2].threads == 4);
    CHECK(g.stream_sweep[2].gbps.value == 44);
}

TEST_CASE("render_fleet: text, Markdown, CSV and JSON carry the same numbers") {
    const auto r = rs::build_fleet_report(fleet(), priced());
    const std::string text = rs::render_fleet(r, rs::fleet_format::table);
    INFO(text);
    CHECK(text.find("ec2bench report: 7 files in 3 groups by instance type, 2026-12-06") == 0);
    CHECK(text.find("\nSTREAM triad (double), best, GB/s (higher is better)\n"
                    "rank  group      median  95% interval  files  reps     $/h  GB/s per $/h  95% "
                    "interval  rank per $\n") != std::string::npos);
    CHECK(text.find("   2  c7g.large    15.5  [12.0, 19.0]      3    12  0.0725           214    "
                    "[166, 262]           2\n") != std::string::npos);
    CHECK(text.find("bundled: karpenter+skypilot, 2026-01-19") != std::string::npos);
    CHECK(text.find("none (n=5, 6 needed)") != std::string::npos);
    CHECK(text.find("c7g.large  the price of c7g.large (bundled, 2026-01-19) is 321 days old") !=
          std::string::npos);
    CHECK(text.find("fdatasync 4 KiB latency percentiles") != std::string::npos);

    const std::string md = rs::render_fleet(r, rs::fleet_format::markdown);
    CHECK(md.find("### STREAM triad (double), best, GB/s (higher is better)\n\n| rank | group") !=
          std::string::npos);

    const std::string csv = rs::render_fleet(r, rs::fleet_format::csv);
    INFO(csv);
    std::istringstream lines(csv);
    std::string header, line;
    std::getline(lines, header);
    CHECK(header ==
          "group,instance_type,region,market,architecture,cpu,cpus,group_files,kind,metric,label,"
          "unit,"
          "higher_is_better,median,low,high,interval_method,coverage,files,repetitions,rank,usd_"
          "per_hour,"
          "price_origin,price_source,price_date,per_dollar,per_dollar_low,per_dollar_high,per_"
          "dollar_unit,"
          "per_dollar_rank,warnings");
    bool found = false;
    while (std::getline(lines, line)) {
        if (line.rfind("c7g.large,c7g.large,us-east-1,,aarch64,Neoverse-V1,2,3,metric,triad_gbps,",
                       0) == 0) {
            found = true;
            CHECK(line.find(
                      ",GB/s,true,15.5,12,19,order statistics,0.961425781,3,12,2,0.0725,bundled,"
                      "karpenter+skypilot,2026-01-19,213.793103,165.517241,262.068966,GB/s per "
                      "$/h,2,") != std::string::npos);
        }
    }
    CHECK(found);

    const json j = json::parse(rs::render_fleet(r, rs::fleet_format::json));
    CHECK(j["ec2bench_report"] == 1);
    CHECK(j["group_by"] == "instance_type");
    CHECK(j["generated_on"] == "2026-12-06");
    const auto& g = j["groups"][2];
    CHECK(g["key"] == "c7g.large");
    CHECK(g["price"]["usd_per_hour"] == 0.0725);
    CHECK(g["price"]["origin"] == "bundled");
    CHECK(g["price"]["age_days"] == 321);
    const auto& t = g["metrics"][0];
    CHECK(t["id"] == "triad_gbps");
    CHECK(t["median"]["value"] == 15.5);
    CHECK(t["median"]["low"] == 12);
    CHECK(t["median"]["high"] == 19);
    CHECK(t["median"]["lower_rank"] == 3);
    CHECK(t["rank"] == 2);
    CHECK(t["per_dollar"]["rank"] == 2);
    CHECK(t["per_dollar"]["median"]["low"].get<double>() == doctest::Approx(12 / 0.0725));
    const auto& m7g = j["groups"][0];
    CHECK(m7g["metrics"][1]["id"] == "fdatasync_iops");
    CHECK(m7g["metrics"][1]["rank"].is_null());
    CHECK(m7g["metrics"][1]["median"]["low"].is_null());
}

TEST_CASE("render_fleet: strings from the files never reach the output raw") {
    spec s;
    // (Bytes that are not UTF-8 cannot come through the JSON parser; the C1 control U+009B can.)
    const std::string evil = "\x1b[2J\x1b]0;pwned\x07|x\ny\xc2\x9b";
    s.type = "m6i.large" + evil;
    s.cpu = evil;
    s.kernel = evil;
    s.name = "evil" + evil + ".json";
    s.triad_gbps = range(1, 6);
    std::vector<rs::named_document> docs{{s.name, document(s)}};
    s.kernel = "6.1";
    s.name = "b.json";
    docs.push_back({s.name, document(s)});
    const auto r = rs::build_fleet_report(docs, priced());
    for (const auto f : {rs::fleet_format::table, rs::fleet_format::markdown, rs::fleet_format::csv,
                         rs::fleet_format::json}) {
        const std::string out = rs::render_fleet(r, f);
        CAPTURE(out);
        CHECK(out.find('\x1b') == std::string::npos);
        CHECK(out.find('\x07') == std::string::npos);
        CHECK(out.find("\xc2\x9b") == std::string::npos);
        if (f == rs::fleet_format::table) CHECK(out.find("m6i.large\\x1b[2J") != std::string::npos);
        if (f == rs::fleet_format::json)
            CHECK(out.find("m6i.large\\u001b[2J") != std::string::npos);
    }
}
