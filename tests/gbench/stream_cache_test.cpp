#include <ec2bench/gbench/stream.hpp>

#include <doctest/doctest.h>

TEST_CASE("the STREAM session cache keeps the configurations that take turns, and reuses them") {
    ec2bench::gbench::detail::stream_session_cache cache;
    ec2bench::stream::options opt;
    opt.elements = 1 << 16;  // 1.5 MiB of doubles: small beside any machine's memory
    opt.threads = 1;
    auto& d1 = cache.get<double>(opt);
    auto& f1 = cache.get<float>(opt);
    ec2bench::stream::options two = opt;
    two.threads = 0;  // every CPU
    auto& d_all = cache.get<double>(two);
    const std::size_t cpus = ec2bench::detail::allowed_cpus().size();
    CHECK(cache.size() == (cpus == 1 ? 2u : 3u));  // threads 0 is threads = every CPU
    // Taking turns, as interleaved repetitions do, allocates nothing new.
    CHECK(&cache.get<double>(opt) == &d1);
    CHECK(&cache.get<float>(opt) == &f1);
    CHECK(&cache.get<double>(two) == &d_all);
    ec2bench::stream::options named = opt;
    named.threads = static_cast<unsigned>(cpus);
    CHECK(&cache.get<double>(named) == &d_all);
    CHECK(cache.size() == (cpus == 1 ? 2u : 3u));
    cache.clear();
    CHECK(cache.size() == 0u);
}

TEST_CASE("a STREAM benchmark records the instruction-set level whose code ran") {
    static char arg0[] = "stream_cache_test";
    char* argv[] = {arg0, nullptr};
    int argc = 1;
    benchmark::Initialize(&argc, argv);
    ec2bench::gbench::stream_bench_options o;
    o.stream.elements = 1 << 12;
    o.stream.threads = 1;
    o.stream.nt = ec2bench::stream::nt_mode::on;
    o.floats = false;
    o.sweep = false;
    o.kernels = {ec2bench::stream::kernel::triad};
    o.passes = 2;
    ec2bench::gbench::register_stream(o);
    ec2bench::gbench::capture_reporter cap;
    benchmark::RunSpecifiedBenchmarks(&cap);
    benchmark::ClearRegisteredBenchmarks();
    const auto extras = cap.extras();
    REQUIRE(extras.size() == 1);
    const auto& [run_name, runs] = *extras.begin();
    CHECK(run_name.rfind("stream/triad/double/", 0) == 0);
    REQUIRE(runs.size() == 1);
    const auto level =
        ec2bench::stream::detail::code_level(ec2bench::detail::active_isa());
    CHECK(runs[0].facts.at("isa") == ec2bench::detail::isa_name(level));
    CHECK(runs[0].facts.at("nt") ==
          (ec2bench::stream::detail::has_streaming_stores(level) ? "on" : "off"));
    CHECK(runs[0].values.at("elements") == 4096);
    CHECK(runs[0].values.at("threads") == 1);
}
