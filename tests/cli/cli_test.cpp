#include "cli/cli.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace cli = ec2bench::cli;

namespace {

std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[256];
    while (std::fgets(buf, sizeof buf, f) != nullptr) s += buf;
    return s;
}

/// Parses `args` with `app` and returns the exit status (-1: go on) and the error line.
std::pair<int, std::string> parse(CLI::App& app, std::vector<std::string> args) {
    std::FILE* err = std::tmpfile();
    REQUIRE(err != nullptr);
    const auto rc = cli::parse(app, std::move(args), "prog", err);
    std::string text = read_all(err);
    std::fclose(err);
    return {rc ? *rc : -1, text};
}

}  // namespace

TEST_CASE("Google Benchmark's flags go to it, ours to CLI11, order kept") {
    const char* argv[] = {"prog", "--benchmark_filter=x", "--limit=1e6", "--v=2", "--threads", "2",
                          "--benchmark_repetitions=3", "--limitless=1", "--vv"};
    const auto s = cli::split_gbench_flags(9, argv);
    CHECK(s.gbench == std::vector<std::string>{"--benchmark_filter=x", "--v=2", "--benchmark_repetitions=3"});
    CHECK(s.ours == std::vector<std::string>{"--limit=1e6", "--threads", "2", "--limitless=1", "--vv"});
}

TEST_CASE("counts and sizes: notations, ranges, the last one wins") {
    CLI::App app("test", "prog");
    std::uint64_t limit = 0, bs = 0;
    cli::add_count(app, "--limit", limit, 2, std::numeric_limits<std::uint64_t>::max(), "limit");
    cli::add_size(app, "--block-size", bs, 512, std::uint64_t{64} << 20, "bytes");
    SUBCASE("accepted") {
        CHECK(parse(app, {"--limit=1e10", "--block-size", "4k"}).first == -1);
        CHECK(limit == 10'000'000'000u);
        CHECK(bs == 4096u);
        CHECK(parse(app, {"--limit=2^32", "--limit=7"}).first == -1);
        CHECK(limit == 7u);
    }
    SUBCASE("refused, one line naming the flag, the value and what is allowed") {
        const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
            {{"--limit=1"}, "prog: --limit=1: expected at least 2 (see --help)\n"},
            {{"--limit=lots"},
             "prog: --limit=lots: expected a non-negative integer such as 80000000, 8e7 or 2^32 (see --help)\n"},
            {{"--limit=1e20"}, "prog: --limit=1e20: larger than 2^64-1, the largest allowed (see --help)\n"},
            {{"--block-size=1G"}, "prog: --block-size=1G: expected from 512 to 67108864 bytes (see --help)\n"},
            {{"--limit="}, "prog: --limit=: an empty value; expected N (see --help)\n"},
            {{"--limit"}, "prog: --limit: 1 required N missing (see --help)\n"},
            {{"--limitless=1"}, "prog: The following argument was not expected: --limitless=1 (see --help)\n"},
        };
        // Not structured bindings: clang 14 cannot capture them in CAPTURE's lambda.
        for (const auto& c : cases) {
            const auto& args = c.first;
            const auto& message = c.second;
            CAPTURE(args.front());
            const auto [rc, text] = parse(app, args);
            CHECK(rc == 2);
            CHECK(text == message);
        }
    }
}

TEST_CASE("choices and lists refuse what is not allowed, and empty values") {
    CLI::App app("test", "prog");
    std::string nt = "auto";
    std::vector<std::string> only;
    cli::add_choice(app, "--nt", nt, {"auto", "on", "off"}, "nt");
    cli::add_list(app, "--only", only, {"stream", "sieve", "fsync", "stats"}, "families");
    CHECK(parse(app, {"--nt=off", "--only=stats,sieve,stats"}).first == -1);
    CHECK(nt == "off");
    CHECK(only == std::vector<std::string>{"stats", "sieve"});
    CHECK(parse(app, {"--nt=maybe"}) ==
          std::pair<int, std::string>{2, "prog: --nt=maybe: expected auto, on or off (see --help)\n"});
    CHECK(parse(app, {"--only=stats,disk"}) ==
          std::pair<int, std::string>{
              2, "prog: --only=stats,disk: 'disk' is not one of stream,sieve,fsync,stats (see --help)\n"});
    CHECK(parse(app, {"--only="}) ==
          std::pair<int, std::string>{2, "prog: --only=: an empty value; expected LIST (see --help)\n"});
    CHECK(parse(app, {"--only=stats,"}) ==
          std::pair<int, std::string>{
              2, "prog: --only=stats,: '' is not one of stream,sieve,fsync,stats (see --help)\n"});
}

TEST_CASE("--help asks for exit status 0 and prints nothing on the error stream") {
    CLI::App app("does things", "prog");
    std::uint64_t n = 0;
    cli::add_count(app, "--limit", n, 0, 10, "the limit");
    CHECK(parse(app, {"--help"}) == std::pair<int, std::string>{0, ""});
}

TEST_CASE("Google Benchmark's flags are checked before it acts on them") {
    const std::vector<std::pair<std::string, std::string>> refused = {
        {"--benchmark_repetitions=-3", "--benchmark_repetitions=-3: expected a whole number from 1 to 100000"},
        {"--benchmark_repetitions=0", "--benchmark_repetitions=0: expected a whole number from 1 to 100000"},
        {"--benchmark_min_time=-1", "--benchmark_min_time=-1: expected seconds above 0, at most 1e6, such as 0.5"},
        {"--benchmark_min_time=", "--benchmark_min_time=: expected seconds, such as 0.5"},
        {"--benchmark_min_warmup_time=-1", "--benchmark_min_warmup_time=-1: expected seconds from 0 to 1e6"},
        {"--benchmark_format=xml", "--benchmark_format=xml: expected console, json or csv"},
        {"--benchmark_out_format=xml", "--benchmark_out_format=xml: expected console, json or csv"},
        {"--benchmark_time_unit=h", "--benchmark_time_unit=h: expected ns, us, ms or s"},
        {"--benchmark_enable_random_interleaving=maybe",
         "--benchmark_enable_random_interleaving=maybe: expected true or false"},
        {"--benchmark_out=/nonexistent-ec2bench-dir/x.json",
         "--benchmark_out=/nonexistent-ec2bench-dir/x.json: directory '/nonexistent-ec2bench-dir' does not exist"},
        {"--benchmark_out=", "--benchmark_out=: expected a file name"},
    };
    for (const auto& r : refused) {
        const auto& flag = r.first;
        const auto& message = r.second;
        CAPTURE(flag);
        CHECK_THROWS_WITH_AS(cli::check_gbench_flags({flag}), message.c_str(), cli::usage_error);
    }
    const std::string bad_regex = "--benchmark_filter=[";
    CHECK_THROWS_AS(cli::check_gbench_flags({bad_regex}), cli::usage_error);
    try {
        cli::check_gbench_flags({bad_regex});
    } catch (const cli::usage_error& e) {
        CHECK(std::string(e.what()).rfind("--benchmark_filter=[: not a valid regular expression (", 0) == 0);
    }
    CHECK_NOTHROW(cli::check_gbench_flags({"--benchmark_repetitions=10", "--benchmark_min_time=0.5",
                                           "--benchmark_min_time=2s", "--benchmark_min_warmup_time=0",
                                           "--benchmark_format=json", "--benchmark_filter=-stream/.*",
                                           "--benchmark_list_tests", "--benchmark_counters_tabular=true",
                                           "--benchmark_out=x.json", "--benchmark_unknown_flag=1"}));
}

TEST_CASE("range_text and bytes_text say limits in words") {
    CHECK(cli::range_text(1, 4096) == "from 1 to 4096");
    CHECK(cli::range_text(2, std::numeric_limits<std::uint64_t>::max()) == "at least 2");
    CHECK(cli::range_text(0, 64, "bytes") == "at most 64 bytes");
    CHECK(cli::bytes_text(512) == "512 B");
    CHECK(cli::bytes_text(1536) == "1.5 KiB");
    CHECK(cli::bytes_text(24.0 * 1024 * 1024 * 1024 * 1024) == "24 TiB");  // the library's formatter
}

TEST_CASE("run_benchmarks: 0 when all ran, 1 when one failed, 2 when the filter matched none") {
    static bool registered = false;
    if (!registered) {
        registered = true;
        benchmark::RegisterBenchmark("cli_test/ok", [](benchmark::State& st) {
            for (auto _ : st) benchmark::DoNotOptimize(st.iterations());
        })->Iterations(1);
        benchmark::RegisterBenchmark("cli_test/fails", [](benchmark::State& st) {
            st.SkipWithError("broken on purpose");
            for (auto _ : st) {
            }
        })->Iterations(1);
    }
    const auto run = [](const std::string& filter) {
        REQUIRE(cli::initialize_gbench("prog", {"--benchmark_filter=" + filter, "--benchmark_format=json"}));
        return cli::run_benchmarks("prog");
    };
    CHECK(run("cli_test/ok") == 0);
    CHECK(run("cli_test/") == 1);
    CHECK(run("cli_test/nothing") == 2);
}

TEST_CASE("a repeatable option sees every occurrence, one value each, and names a bad one") {
    CLI::App app("test", "prog");
    std::vector<std::string> seen, inputs;
    cli::add_repeated(app, "--slo", "SLO", "objective", [&](const std::string& v) {
        if (v == "garbage") throw std::invalid_argument("--slo 'garbage': expected BENCHMARK:METRIC<LIMIT");
        seen.push_back(v);
    });
    app.add_option("inputs", inputs, "files");
    CHECK(parse(app, {"--slo", "a<1", "--slo=b<2", "results/", "--slo", "c<3"}).first == -1);
    CHECK(seen == std::vector<std::string>{"a<1", "b<2", "c<3"});
    CHECK(inputs == std::vector<std::string>{"results/"});
    seen.clear();
    CHECK(parse(app, {"--slo", "a<1", "--slo", "garbage"}) ==
          std::pair<int, std::string>{2, "prog: --slo 'garbage': expected BENCHMARK:METRIC<LIMIT (see --help)\n"});
}
