#include <ec2bench/gbench/context.hpp>
#include <ec2bench/gbench/reporter.hpp>
#include <ec2bench/results/atomic_file.hpp>
#include <ec2bench/results/document.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace fs = std::filesystem;
namespace rs = ec2bench::results;
namespace eg = ec2bench::gbench;

namespace {

struct temp_dir : ec2bench_test::temp_dir {
    temp_dir() : ec2bench_test::temp_dir("ec2bench-results") {}
    std::size_t entries() const { return files(); }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::string exception_text(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no exception)";
}

}  // namespace

TEST_CASE("an atomic write produces exactly the bytes given, and replaces the old file") {
    temp_dir d;
    const std::string path = (d.path / "r.json").string();
    std::string payload;
    for (int i = 0; i < 100000; ++i) payload += static_cast<char>('a' + i % 26);
    payload += std::string("\0\xff\n", 3);
    rs::write_file_atomically(path, payload);
    CHECK(slurp(path) == payload);
    rs::write_file_atomically(path, "second");
    CHECK(slurp(path) == "second");
    CHECK(d.entries() == 1u);  // no temporary file left behind
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (0644 & ~rs::detail::current_umask()));
}

TEST_CASE("a failed write leaves the old file intact and no temporary file") {
    temp_dir d;
    const std::string path = (d.path / "r.json").string();
    spit(path, "old contents");
    std::size_t written = 0;
    const rs::write_function full_disk = [&](int fd, const char* data, std::size_t n) -> ssize_t {
        if (written >= 10) {
            errno = ENOSPC;
            return -1;
        }
        const std::size_t k = std::min<std::size_t>(n, 10 - written);
        written += k;
        return ::write(fd, data, k);
    };
    CHECK(exception_text([&] { rs::write_file_atomically(path, std::string(1000, 'n'), full_disk); }) ==
          "cannot write '" + path + "': write failed (the disk or quota is full): No space left on device");
    CHECK(slurp(path) == "old contents");
    CHECK(d.entries() == 1u);
}

TEST_CASE("write errors name the path and the reason") {
    temp_dir d;
    SUBCASE("missing directory") {
        const std::string path = (d.path / "no/such/dir/r.json").string();
        CHECK(exception_text([&] { rs::write_file_atomically(path, "x"); }) ==
              "cannot write '" + path + "': cannot create a temporary file in '" +
                  (d.path / "no/such/dir").string() +
                  "' (the directory does not exist): No such file or directory");
    }
    SUBCASE("a file where a directory should be") {
        spit(d.path / "plain", "");
        const std::string path = (d.path / "plain/r.json").string();
        CHECK(exception_text([&] { rs::write_file_atomically(path, "x"); }) ==
              "cannot write '" + path + "': cannot create a temporary file in '" +
                  (d.path / "plain").string() +
                  "' (a component of the path is not a directory): Not a directory");
    }
    SUBCASE("a read-only directory") {
        if (::geteuid() == 0) {
            MESSAGE("running as root, which ignores directory permissions: skipped");
            return;
        }
        fs::permissions(d.path, fs::perms::owner_read | fs::perms::owner_exec);
        const std::string path = (d.path / "r.json").string();
        CHECK(exception_text([&] { rs::write_file_atomically(path, "x"); }) ==
              "cannot write '" + path + "': cannot create a temporary file in '" + d.path.string() +
                  "' (no permission to write there): Permission denied");
    }
    SUBCASE("an empty path") {
        CHECK_THROWS_WITH_AS(rs::write_file_atomically("", "x"),
                             "cannot write a results file: the path is empty", std::invalid_argument);
    }
}

TEST_CASE("a writer killed in the middle of a write leaves the old file intact") {
    temp_dir d;
    const std::string path = (d.path / "r.json").string();
    spit(path, "old contents");
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Writes a byte at a time, slowly, and says when it has started.
        bool told = false;
        const rs::write_function slow = [&](int fd, const char* data, std::size_t) -> ssize_t {
            if (!told) {
                told = true;
                (void)!::write(ready[1], "x", 1);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return ::write(fd, data, 1);
        };
        try {
            rs::write_file_atomically(path, std::string(100000, 'n'), slow);
        } catch (...) {
        }
        ::_exit(0);
    }
    char c;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(slurp(path) == "old contents");
    // SIGKILL cannot be cleaned up after: the partial temporary file is left, under a name that
    // says what it is, and is never mistaken for the results file.
    std::size_t temps = 0;
    for (const auto& e : fs::directory_iterator(d.path)) {
        const std::string name = e.path().filename().string();
        if (name != "r.json") {
            CHECK(name.rfind(".r.json.tmp-", 0) == 0);
            ++temps;
        }
    }
    CHECK(temps == 1u);
    ::close(ready[0]);
    ::close(ready[1]);
}

TEST_CASE("the reader refuses what is not a results file of our schema, naming the file") {
    temp_dir d;
    const std::string p = (d.path / "x.json").string();
    SUBCASE("missing") {
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              "cannot read " + p + ": No such file or directory");
    }
    SUBCASE("broken JSON") {
        spit(p, "{\"context\": {\"date\": ");
        const std::string msg = exception_text([&] { rs::read_document(p); });
        CHECK(msg.rfind(p + " is not valid JSON: parse error at line 1, column 22", 0) == 0);
    }
    SUBCASE("garbage bytes") {
        spit(p, std::string("\x89PNG\r\n\x1a\n", 8));
        CHECK(exception_text([&] { rs::read_document(p); }).rfind(p + " is not valid JSON: ", 0) == 0);
    }
    SUBCASE("plain Google Benchmark JSON") {
        spit(p, R"({"context": {}, "benchmarks": []})");
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              p +
                  " is not an ec2bench results file: it has no \"ec2bench\" object (a plain "
                  "Google Benchmark file? Google Benchmark's tools/compare.py reads those)");
    }
    SUBCASE("a schema version from the future") {
        spit(p, R"({"context": {}, "benchmarks": [], "ec2bench": {"schema_version": 3}})");
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              p + " has schema version 3; this ec2bench (" +
                  ec2bench::version_string() + ") reads versions 1 and 2");
    }
    SUBCASE("a schema version from before the first") {
        spit(p, R"({"context": {}, "benchmarks": [], "ec2bench": {"schema_version": 0}})");
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              p + " has schema version 0; this ec2bench (" +
                  ec2bench::version_string() + ") reads versions 1 and 2");
    }
    SUBCASE("not an object") {
        spit(p, "[1, 2, 3]");
        CHECK(exception_text([&] { rs::read_document(p); }) == p + ": the top level: expected an object");
    }
    SUBCASE("a benchmark without a name") {
        spit(p, R"({"context": {}, "benchmarks": [{"name": "a"}, {"real_time": 1}], "ec2bench": {"schema_version": 1}})");
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              p + ": /benchmarks/1/name: expected a string");
    }
}

namespace {

// Runs one tiny registered benchmark through a capture reporter.
struct captured {
    std::string json;
    std::string mid_run_json;
    eg::extras_by_run extras;
};

class snapshot_display : public benchmark::BenchmarkReporter {
public:
    eg::capture_reporter* cap = nullptr;
    std::string snapshot;
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>&) override {
        if (snapshot.empty() && cap != nullptr) snapshot = cap->json();
    }
};

captured run_tiny_benchmarks() {
    static bool initialised = false;
    if (!initialised) {
        static char prog[] = "test";
        static char min_time[] = "--benchmark_min_time=0.01";
        static char* argv[] = {prog, min_time, nullptr};
        int argc = 2;
        benchmark::Initialize(&argc, argv);
        initialised = true;
    }
    benchmark::ClearRegisteredBenchmarks();
    eg::extras_table::instance().clear();
    benchmark::RegisterBenchmark("tiny/add", [](benchmark::State& st) {
        int x = 0;
        for (auto _ : st) benchmark::DoNotOptimize(x += 1);
        st.counters["valid"] = 1;
        eg::record_extras(st, "tiny/add", {{{"isa", "none"}}, {{"expected", 42}}, {"a warning"}});
    });
    benchmark::RegisterBenchmark("tiny/fails", [](benchmark::State& st) {
        st.SkipWithError("validation failed: array a");
        for (auto _ : st) {
        }
    });
    snapshot_display display;
    eg::capture_reporter cap(&display);
    display.cap = &cap;
    benchmark::RunSpecifiedBenchmarks(&cap);
    benchmark::ClearRegisteredBenchmarks();
    return {cap.json(), display.snapshot, cap.extras()};
}

}  // namespace

TEST_CASE("Google Benchmark's non-finite counters become null, strings untouched") {
    CHECK(rs::detail::nonfinite_to_null(R"({"a": NaN, "b": -Infinity, "c": [Infinity, -NaN], "d": 1.5})") ==
          R"({"a": null, "b": null, "c": [null, null], "d": 1.5})");
    CHECK(rs::detail::nonfinite_to_null(R"({"m": "NaN and \"Infinity\"", "x": -1})") ==
          R"({"m": "NaN and \"Infinity\"", "x": -1})");
    const auto doc = rs::make_document(
        R"({"context": {}, "benchmarks": [{"name": "x", "speedup": NaN}]})", {}, {}, {}, {});
    CHECK(doc["benchmarks"][0]["speedup"].is_null());
}

TEST_CASE("a results file without host or ec2 facts is refused") {
    temp_dir d;
    const std::string p = (d.path / "x.json").string();
    spit(p, R"({"context": {}, "benchmarks": [], "ec2bench": {"schema_version": 1, "host": {}, "benchmarks": {}}})");
    CHECK(exception_text([&] { rs::read_document(p); }) ==
          p + ": /ec2bench/ec2: expected an object");
}

TEST_CASE("a captured run becomes a results document that round-trips") {
    const captured c = run_tiny_benchmarks();
    const auto gb = nlohmann::json::parse(c.json);
    REQUIRE(gb["benchmarks"].size() == 2u);
    CHECK(gb["benchmarks"][0]["name"] == "tiny/add");
    CHECK(gb["benchmarks"][1]["error_occurred"] == true);
    CHECK(gb["context"].contains("host_name"));  // Google Benchmark's own, before we redact

    // Mid-run (after the first benchmark), the capture is already a complete JSON document.
    const auto partial = nlohmann::json::parse(c.mid_run_json);
    CHECK(partial["benchmarks"].size() == 1u);

    ec2bench::system::host_info host;
    host.architecture = "x86_64";
    host.cpu_model = "Test CPU";
    ec2bench::system::ec2_info ec2;
    ec2.on_ec2 = true;
    ec2.instance_type = {"m6i.large", ec2bench::system::fact_source::imdsv2};
    ec2.market = {"spot", ec2bench::system::fact_source::imdsv2};
    ec2.account_id = {"123456789012", ec2bench::system::fact_source::imdsv2};
    rs::run_metadata meta;
    meta.started_at = "2026-11-23T10:00:00Z";
    meta.finished_at = "2026-11-23T10:01:00Z";
    meta.command = {"ec2bench", "run", "--quick"};
    meta.preset = "quick";
    const nlohmann::json doc = rs::make_document(c.json, host, ec2, c.extras, meta);

    CHECK_FALSE(doc["context"].contains("host_name"));
    CHECK(doc["context"]["executable"].get<std::string>().find('/') == std::string::npos);
    CHECK(doc["benchmarks"] == gb["benchmarks"]);  // Google Benchmark's runs, unchanged
    CHECK(doc["ec2bench"]["schema_version"] == 2);
    CHECK(doc["ec2bench"]["ec2"]["instance_type"]["value"] == "m6i.large");
    CHECK(doc["ec2bench"]["ec2"]["instance_type"]["source"] == "imdsv2");
    CHECK(doc["ec2bench"]["ec2"]["market"] ==
          nlohmann::json{{"value", "spot"}, {"source", "imdsv2"}});
    CHECK_FALSE(doc["ec2bench"]["ec2"].contains("account_id"));
    CHECK(doc.dump().find("123456789012") == std::string::npos);
    // One repetition: the last of the calls Google Benchmark made while finding its iterations.
    const auto& add = doc["ec2bench"]["benchmarks"]["tiny/add"];
    CHECK(add["facts"] == nlohmann::json{{"isa", "none"}});
    CHECK(add["warnings"] == nlohmann::json{"a warning"});
    CHECK(add["repetitions"] == nlohmann::json::parse(R"([{"values": {"expected": 42}}])"));
    CHECK(add["aggregates"]["median"]["expected"] == 42);
    CHECK(add["aggregates"]["stddev"]["expected"].is_null());
    CHECK_FALSE(doc["ec2bench"]["benchmarks"].contains("tiny/fails"));  // it recorded nothing

    temp_dir d;
    const std::string path = (d.path / "run.json").string();
    rs::write_document(path, doc);
    CHECK(rs::read_document(path) == doc);

    // With identifiers asked for, the account id and host name are kept.
    meta.include_identifiers = true;
    const nlohmann::json with_ids = rs::make_document(c.json, host, ec2, c.extras, meta);
    CHECK(with_ids["context"].contains("host_name"));
    CHECK(with_ids["ec2bench"]["ec2"]["account_id"]["value"] == "123456789012");

    // The sample for the JSON Schema test (tests/validate_schema.py).
    if (const char* out = std::getenv("EC2BENCH_SAMPLE_RESULTS")) rs::write_document(out, doc);
}

TEST_CASE("the market is recorded like the other EC2 facts: null when unknown") {
    namespace sy = ec2bench::system;
    sy::ec2_info off;  // off EC2: the probe learned nothing
    CHECK(rs::to_json(off, false)["market"].is_null());
    CHECK(rs::to_json(off, false).contains("market"));

    sy::ec2_info on;
    on.market = {"on-demand", sy::fact_source::imdsv1};
    CHECK(rs::to_json(on, false)["market"] ==
          nlohmann::json{{"value", "on-demand"}, {"source", "imdsv1"}});

    // Google Benchmark's context carries it too, as ec2bench.market and ec2bench.market_source.
    const auto pairs = ec2bench::gbench::context_pairs(sy::host_info{}, on);
    const auto has = [&](const std::string& k, const std::string& v) {
        return std::find(pairs.begin(), pairs.end(), std::make_pair(k, v)) != pairs.end();
    };
    CHECK(has("ec2bench.market", "on-demand"));
    CHECK(has("ec2bench.market_source", "imdsv1"));
    const auto none = ec2bench::gbench::context_pairs(sy::host_info{}, off);
    CHECK(std::none_of(none.begin(), none.end(),
                       [](const auto& kv) { return kv.first == "ec2bench.market"; }));
}
