// pi(10^10), pi(10^11) and, where it fits the time budget, pi(10^12): the slow oracles.
// EC2BENCH_SIEVE_PI_1E12=1 adds the full pi(10^12) (minutes on two cores).
#include <ec2bench/kernels/sieve.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <string>

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
