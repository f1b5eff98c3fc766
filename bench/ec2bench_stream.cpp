// ec2bench-stream: STREAM copy/scale/add/triad as Google Benchmark benchmarks.
#include <ec2bench/gbench/flags.hpp>
#include <ec2bench/gbench/stream.hpp>

#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace {

bool parse_on_off(std::string_view v, std::string_view flag) {
    if (v == "on" || v == "true" || v == "1") return true;
    if (v == "off" || v == "false" || v == "0") return false;
    throw std::invalid_argument("--" + std::string(flag) + "=" + std::string(v) +
                                ": expected on or off");
}

}  // namespace

int main(int argc, char** argv) {
    namespace eg = ec2bench::gbench;
    namespace st = ec2bench::stream;
    eg::stream_bench_options o;
    eg::flag_set flags("ec2bench-stream",
                       "STREAM memory bandwidth (copy, scale, add, triad), validated as STREAM "
                       "validates, with a triad thread sweep");
    flags
        .add("elements", "N",
             "elements per array (default: 4x all last-level caches together, at least 1M); "
             "1e8 and 2^27 notation accepted",
             [&](std::string_view v) {
                 o.stream.elements = static_cast<std::size_t>(eg::parse_count(v, "elements"));
             })
        .add("threads", "T", "threads, one pinned per CPU (default: every CPU we may run on)",
             [&](std::string_view v) {
                 const auto t = eg::parse_count(v, "threads");
                 if (t == 0 || t > 4096) {
                     throw std::invalid_argument("--threads=" + std::string(v) +
                                                 ": expected 1 to 4096");
                 }
                 o.stream.threads = static_cast<unsigned>(t);
             })
        .add("nt", "auto|on|off",
             "streaming (non-temporal) stores; auto uses them when the arrays are well past the "
             "last-level caches",
             [&](std::string_view v) {
                 try {
                     o.stream.nt = st::parse_nt_mode(v);
                 } catch (const std::invalid_argument&) {
                     throw std::invalid_argument("--nt=" + std::string(v) +
                                                 ": expected auto, on or off");
                 }
             })
        .add("pages", "thp|4k|hugetlb",
             "page size policy: transparent huge pages (default), ordinary 4 KiB pages, or the "
             "reserved hugetlb pool (falls back to THP)",
             [&](std::string_view v) {
                 if (v == "thp") {
                     o.stream.pages = st::huge_pages::transparent;
                 } else if (v == "4k") {
                     o.stream.pages = st::huge_pages::none;
                 } else if (v == "hugetlb") {
                     o.stream.pages = st::huge_pages::explicit_;
                 } else {
                     throw std::invalid_argument("--pages=" + std::string(v) +
                                                 ": expected thp, 4k or hugetlb");
                 }
             })
        .add("types", "double,float", "element types to run (default: both)",
             [&](std::string_view v) {
                 o.doubles = v == "double" || v == "double,float" || v == "float,double";
                 o.floats = v == "float" || v == "double,float" || v == "float,double";
                 if (!o.doubles && !o.floats) {
                     throw std::invalid_argument("--types=" + std::string(v) +
                                                 ": expected double, float or double,float");
                 }
             })
        .add("sweep", "on|off", "also run triad at 1, 2, 4, ... T threads (default: on)",
             [&](std::string_view v) { o.sweep = parse_on_off(v, "sweep"); })
        .add("passes", "N",
             "timed passes per benchmark, after one dropped warm-up pass (default: Google "
             "Benchmark decides from --benchmark_min_time)",
             [&](std::string_view v) {
                 const auto n = eg::parse_count(v, "passes");
                 if (n == 0) throw std::invalid_argument("--passes=0: expected at least 1");
                 o.passes = n;
             });
    if (const int rc = flags.parse(argc, argv); rc >= 0) return rc;

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    eg::register_stream(o);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
