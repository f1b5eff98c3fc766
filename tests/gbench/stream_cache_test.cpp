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
