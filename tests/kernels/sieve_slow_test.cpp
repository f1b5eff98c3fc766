// pi(10^10), pi(10^11) and pi(10^12) on two threads: the slow oracles (label slow; 140-200 s
// at -O3 on two Zen 3 cores, almost all of it pi(10^12)).
#include <ec2bench/kernels/sieve.hpp>

#include <doctest/doctest.h>

#include <cstdint>

using namespace ec2bench::sieve;

namespace {
options threads(unsigned t) {
    options o;
    o.threads = t;
    return o;
}
}  // namespace

TEST_CASE("pi(10^10) = 455052511") {
    CHECK(count_primes(0, 10'000'000'000, threads(2)) == 455052511);
}

TEST_CASE("pi(10^11) = 4118054813") {
    CHECK(count_primes(0, 100'000'000'000, threads(2)) == 4118054813);
}

TEST_CASE("pi(10^12) = 37607912018") {
    CHECK(count_primes(0, 1'000'000'000'000, threads(2)) == 37607912018);
}
