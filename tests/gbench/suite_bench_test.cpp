// suite_preset and register_all: the presets, and a call refused for its options that is
// corrected and repeated, once.
#include <ec2bench/gbench/suite.hpp>

#include <benchmark/benchmark.h>
#include <doctest/doctest.h>

#include <stdexcept>

using namespace ec2bench::gbench;

TEST_CASE("suite_preset: what each preset selects, and an unknown preset") {
    const suite_options quick = suite_preset("quick");
    CHECK(quick.repetitions == 5);
    CHECK(!quick.sieve_opts.sweep);
    CHECK(quick.fsync_opts.methods.size() == 1);
    const suite_options full = suite_preset("default");
    CHECK(full.repetitions == 10);
    CHECK(full.sieve_opts.sweep);
    CHECK(full.fsync_opts.methods.size() == 4);
    CHECK_THROWS_WITH_AS(suite_preset("fast"), "suite preset 'fast': must be quick or default",
                         std::invalid_argument);
}

TEST_CASE("register_all: refused options, corrected, then no second call") {
    benchmark::ClearRegisteredBenchmarks();  // the other test files leave theirs behind
    suite_options o = suite_preset("quick");
    o.stream = o.sieve = false;
    CHECK_THROWS_WITH_AS(register_all(o),
                         "ec2bench::gbench::register_all: fsync_opts.run.directory is empty: name "
                         "the directory the fsync benchmark may write its file in",
                         std::invalid_argument);
    o.fsync = false;
    CHECK(register_all(o).size() == 3);  // quick: the raw store, the histogram's record, quantiles
    CHECK_THROWS_WITH_AS(register_all(o),
                         "ec2bench::gbench::register_all: called twice in one process",
                         std::logic_error);
    benchmark::ClearRegisteredBenchmarks();
}
