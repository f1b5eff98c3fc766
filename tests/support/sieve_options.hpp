// Sieve options for tests: threads, and the segment and L1 sizes (0: the sieve's own choice).
#ifndef EC2BENCH_TEST_SUPPORT_SIEVE_OPTIONS_HPP
#define EC2BENCH_TEST_SUPPORT_SIEVE_OPTIONS_HPP

#include <ec2bench/kernels/sieve.hpp>

#include <cstddef>

namespace ec2bench_test {

inline ec2bench::sieve::options sieve_with(unsigned threads, std::size_t segment = 0, std::size_t l1 = 0) {
    ec2bench::sieve::options o;
    o.threads = threads;
    o.segment_bytes = segment;
    o.l1_bytes = l1;
    return o;
}

}  // namespace ec2bench_test

#endif  // EC2BENCH_TEST_SUPPORT_SIEVE_OPTIONS_HPP
