// ec2bench: layers 1-3, adding the Google Benchmark fixtures. Link ec2bench::gbench.
#ifndef EC2BENCH_GBENCH_HPP
#define EC2BENCH_GBENCH_HPP

#include <ec2bench/ec2bench.hpp>

#include <ec2bench/gbench/sieve.hpp>

#endif  // EC2BENCH_GBENCH_HPP
