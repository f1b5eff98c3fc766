// extras_table and capture_reporter: each repetition keeps its own extras, with random
// interleaving, aggregates-only reporting and failed runs; never another run's.
#include <ec2bench/gbench/fsync.hpp>
#include <ec2bench/gbench/reporter.hpp>

#include "../support/temp_dir.hpp"

#include <benchmark/benchmark.h>
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace eg = ec2bench::gbench;

namespace {

eg::run_extras numbered(double n) {
    eg::run_extras x;
    x.values["call"] = n;
    return x;
}

std::vector<double> calls_of(const std::vector<eg::run_extras>& reps) {
    std::vector<double> out;
    for (const auto& r : reps) out.push_back(r.values.at("call"));
    return out;
}

/// Google Benchmark's flags are process-wide: each run sets the ones these tests change.
/// Static: Google Benchmark keeps argv[0] (the JSON context's "executable") after Initialize.
void set_flags(bool random_interleaving) {
    static char arg0[] = "reporter_test";
    static char min_time[] = "--benchmark_min_time=0.01";
    static char interleave_on[] = "--benchmark_enable_random_interleaving=true";
    static char interleave_off[] = "--benchmark_enable_random_interleaving=false";
    char* argv[] = {arg0, min_time, random_interleaving ? interleave_on : interleave_off, nullptr};
    int argc = 3;
    benchmark::Initialize(&argc, argv);
}

/// The runs and extras of one RunSpecifiedBenchmarks over what is registered.
struct outcome {
    std::vector<benchmark::BenchmarkReporter::Run> runs;  // as reported, aggregates included
    eg::extras_by_run extras;

    std::vector<benchmark::BenchmarkReporter::Run> repetitions_of(const std::string& run_name) const {
        std::vector<benchmark::BenchmarkReporter::Run> out;
        for (const auto& r : runs) {
            if (r.run_name.str() == run_name && r.run_type != benchmark::BenchmarkReporter::Run::RT_Aggregate) {
                out.push_back(r);
            }
        }
        return out;
    }
};

outcome run_registered(bool random_interleaving = false) {
    set_flags(random_interleaving);
    outcome o;
    eg::capture_reporter cap(nullptr, [&](const std::vector<benchmark::BenchmarkReporter::Run>& runs) {
        o.runs.insert(o.runs.end(), runs.begin(), runs.end());
    });
    benchmark::RunSpecifiedBenchmarks(&cap);
    o.extras = cap.extras();
    set_flags(false);
    return o;
}

/// Each call of a benchmark numbered from 1, recorded as its extras' value "call" and as its
/// counter "call", so that a repetition's run says which call it was; and every call's benchmark
/// in order, to see whether the repetitions were interleaved.
struct call_log {
    std::map<std::string, int> counts;
    std::vector<std::string> order;

    static call_log& instance() {
        static call_log log;
        return log;
    }
    /// Whether some benchmark was called again after another's call.
    bool interleaved() const {
        std::vector<std::string> runs_of_calls;
        for (const auto& name : order) {
            if (runs_of_calls.empty() || runs_of_calls.back() != name) runs_of_calls.push_back(name);
        }
        return runs_of_calls.size() > counts.size();
    }
};

/// `record`: what the benchmark records for a call, given the call number and the state.
template <class Record>
ec2bench::gbench::benchmark_handle register_numbered(const std::string& name, Record record) {
    return benchmark::RegisterBenchmark(name.c_str(), [name, record](benchmark::State& st) {
        int x = 0;
        for (auto _ : st) benchmark::DoNotOptimize(x += 1);
        auto& log = call_log::instance();
        const int call = ++log.counts[name];
        log.order.push_back(name);
        st.counters["call"] = call;
        record(st, name, call);
    });
}

ec2bench::gbench::benchmark_handle register_numbered(const std::string& name) {
    return register_numbered(name, [](benchmark::State& st, const std::string& n, int call) {
        eg::record_extras(st, n, numbered(call));
    });
}

}  // namespace

TEST_CASE("extras_table: the last records, one per repetition, or nothing when a count differs") {
    auto& t = eg::extras_table::instance();
    t.clear();
    const auto record = [&](const std::vector<benchmark::IterationCount>& counts) {
        double n = 0;
        for (const auto c : counts) t.record("b", c, numbered(++n));
    };
    // The first repetition's calls while Google Benchmark looks for a count, then one per repetition.
    SUBCASE("matching") {
        record({1, 10, 100, 1000, 1000, 1000});
        const auto taken = t.take("b", {1000, 1000, 1000});
        REQUIRE(taken);
        CHECK(calls_of(*taken) == std::vector<double>{4, 5, 6});
        CHECK_FALSE(t.take("b", {1000}));  // forgotten once taken
    }
    SUBCASE("an iteration count that differs keeps nothing, and forgets the records") {
        record({1, 10, 100, 1000, 1000, 1000});
        CHECK_FALSE(t.take("b", {1000, 1000, 999}));
        CHECK_FALSE(t.take("b", {1000}));
    }
    SUBCASE("fewer records than repetitions") {
        record({1000, 1000});
        CHECK_FALSE(t.take("b", {1000, 1000, 1000}));
    }
    SUBCASE("a name with no records, and no repetitions") {
        CHECK_FALSE(t.take("nothing", {1}));
        record({5});
        CHECK_FALSE(t.take("b", {}));
    }
    SUBCASE("aggregates only: the last records must share one count") {
        record({1, 10, 1000, 1000, 1000});
        const auto taken = t.take_uniform("b", 3);
        REQUIRE(taken);
        CHECK(calls_of(*taken) == std::vector<double>{3, 4, 5});
        record({1, 10, 1000, 1000});
        CHECK_FALSE(t.take_uniform("b", 3));
    }
    t.clear();
}

TEST_CASE("with random interleaving, each repetition keeps its own extras") {
    benchmark::ClearRegisteredBenchmarks();
    eg::extras_table::instance().clear();
    const std::vector<std::string> names{"numbered/a", "numbered/b", "numbered/c"};
    for (const auto& name : names) register_numbered(name)->Repetitions(3);
    // A shuffle may leave every benchmark's repetitions together; run again until one did not
    // (the chance that 20 shuffles all do is below 1e-30).
    bool interleaved = false;
    for (int attempt = 0; attempt < 20 && !interleaved; ++attempt) {
        call_log::instance() = {};
        const outcome o = run_registered(true);
        interleaved = call_log::instance().interleaved();
        for (const auto& name : names) {
            CAPTURE(name);
            const std::string run_name = name + "/repeats:3";
            const auto reps = o.repetitions_of(run_name);
            REQUIRE(reps.size() == 3u);
            REQUIRE(o.extras.count(run_name) == 1u);
            const auto& extras = o.extras.at(run_name);
            REQUIRE(extras.size() == 3u);
            for (std::size_t i = 0; i < 3; ++i) {
                CHECK(extras[i].values.at("call") == reps[i].counters.at("call").value);
            }
            // Google Benchmark called the first repetition more than once while it looked for an
            // iteration count: the records before the reported call were left out.
            CHECK(reps[0].counters.at("call").value > 1);
            CHECK(extras.back().values.at("call") == call_log::instance().counts[name]);
        }
    }
    CHECK(interleaved);
    benchmark::ClearRegisteredBenchmarks();
}

TEST_CASE("a benchmark whose records do not match its runs keeps no extras; the others keep theirs") {
    benchmark::ClearRegisteredBenchmarks();
    eg::extras_table::instance().clear();
    call_log::instance() = {};
    register_numbered("numbered/good")->Repetitions(2);
    // Records a count Google Benchmark did not run.
    register_numbered("numbered/miscounted", [](benchmark::State& st, const std::string& n, int call) {
        eg::extras_table::instance().record(n, st.max_iterations + 1, numbered(call));
    })->Repetitions(2);
    // Records in its first call only: fewer records than repetitions.
    register_numbered("numbered/once", [](benchmark::State& st, const std::string& n, int call) {
        if (call == 1) eg::record_extras(st, n, numbered(call));
    })->Repetitions(3)->Iterations(7);
    const outcome o = run_registered();
    CHECK(o.extras.count("numbered/miscounted/repeats:2") == 0u);
    CHECK(o.extras.count("numbered/once/iterations:7/repeats:3") == 0u);
    REQUIRE(o.extras.count("numbered/good/repeats:2") == 1u);
    const auto good = o.repetitions_of("numbered/good/repeats:2");
    REQUIRE(good.size() == 2u);
    CHECK(calls_of(o.extras.at("numbered/good/repeats:2")) ==
          std::vector<double>{good[0].counters.at("call").value, good[1].counters.at("call").value});
    benchmark::ClearRegisteredBenchmarks();
}

TEST_CASE("with several threads, thread 0 records for the run, whose count is all threads'") {
    benchmark::ClearRegisteredBenchmarks();
    eg::extras_table::instance().clear();
    static int calls = 0;
    calls = 0;
    benchmark::RegisterBenchmark("threaded", [](benchmark::State& st) {
        int x = 0;
        for (auto _ : st) benchmark::DoNotOptimize(x += 1);
        // Every thread calls record_extras; only thread 0's is kept.
        eg::run_extras extras;
        if (st.thread_index() == 0) extras = numbered(++calls);
        eg::record_extras(st, "threaded", std::move(extras));
    })->Threads(2)->Iterations(5)->Repetitions(2);
    const outcome o = run_registered();
    const std::string run_name = "threaded/iterations:5/repeats:2/threads:2";
    REQUIRE(o.repetitions_of(run_name).size() == 2u);
    CHECK(o.repetitions_of(run_name)[0].iterations == 10);
    REQUIRE(o.extras.count(run_name) == 1u);
    CHECK(calls_of(o.extras.at(run_name)) == std::vector<double>{1, 2});
    benchmark::ClearRegisteredBenchmarks();
}

TEST_CASE("reported by their aggregates only, the repetitions keep their own extras") {
    benchmark::ClearRegisteredBenchmarks();
    eg::extras_table::instance().clear();
    call_log::instance() = {};
    register_numbered("numbered/aggregates")->Repetitions(3)->ReportAggregatesOnly(true);
    const outcome o = run_registered();
    CHECK(o.repetitions_of("numbered/aggregates/repeats:3").empty());  // only the aggregates
    REQUIRE(o.extras.count("numbered/aggregates/repeats:3") == 1u);
    // The last three calls: the first repetition's reported call, then one per repetition.
    const double last = call_log::instance().counts["numbered/aggregates"];
    CHECK(calls_of(o.extras.at("numbered/aggregates/repeats:3")) ==
          std::vector<double>{last - 2, last - 1, last});
    benchmark::ClearRegisteredBenchmarks();
}

namespace {

// Google Benchmark 1.7 has both Stop overloads (one pure), later releases only the reference one,
// so neither can say `override` for both versions; clang warns about the mix.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winconsistent-missing-override"
#endif
class counting_memory_manager : public benchmark::MemoryManager {
public:
    void Start() override {}
    // Both forms: Google Benchmark 1.7 requires the pointer one, later releases the reference.
    void Stop(Result& result) { result.num_allocs = 0; }  // NOLINT(modernize-use-override)
    void Stop(Result* result) { result->num_allocs = 0; }
};
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

}  // namespace

TEST_CASE("with a memory manager (one more call per repetition) no extras are kept") {
    benchmark::ClearRegisteredBenchmarks();
    eg::extras_table::instance().clear();
    call_log::instance() = {};
    counting_memory_manager mm;
    benchmark::RegisterMemoryManager(&mm);
    register_numbered("numbered/memory")->Repetitions(2)->Iterations(3);
    const outcome o = run_registered();
    benchmark::RegisterMemoryManager(nullptr);
    CHECK(call_log::instance().counts["numbered/memory"] == 4);  // the memory calls happened
    CHECK(o.extras.count("numbered/memory/iterations:3/repeats:2") == 0u);
    benchmark::ClearRegisteredBenchmarks();
}

TEST_CASE("the fsync fixture records every call, a failed one too") {
    benchmark::ClearRegisteredBenchmarks();
    eg::extras_table::instance().clear();
    ec2bench_test::temp_dir dir("ec2bench-reporter", true);
    eg::fsync_bench_options opt;
    opt.run.directory = dir.str();
    opt.run.ops = 4;
    opt.run.warmup_ops = 0;
    opt.methods = {ec2bench::fsync_io::sync_method::none};  // page-cache writes: no waiting on the disk
    opt.block_sizes = {4096, 1000};                         // 1000: refused, the run fails
    for (auto* b : eg::register_fsync(opt)) b->Repetitions(2);
    const outcome o = run_registered();

    const std::string ok = "fsync/none/4096/append/iterations:1/repeats:2/manual_time";
    const std::string failed = "fsync/none/1000/append/iterations:1/repeats:2/manual_time";
    REQUIRE(o.repetitions_of(failed).size() == 2u);
    CHECK(eg::run_failed(o.repetitions_of(failed)[0]));
    REQUIRE(o.extras.count(failed) == 1u);
    for (const auto& x : o.extras.at(failed)) {
        CHECK(x.facts == std::map<std::string, std::string>{
                             {"directory", dir.str()}, {"method", "none"}, {"prepare", "append"}});
        CHECK(x.values == std::map<std::string, double>{{"block_size", 1000}});
    }
    REQUIRE(o.extras.count(ok) == 1u);
    const auto& reps = o.extras.at(ok);
    REQUIRE(reps.size() == 2u);
    for (const auto& x : reps) {
        CHECK(x.facts.at("method") == "none");
        CHECK(x.values.at("block_size") == 4096);
        CHECK(x.values.at("syncs") == 0);
        CHECK_FALSE(x.warnings.empty());  // method none: nothing is made durable
    }
    benchmark::ClearRegisteredBenchmarks();
}
