// SPDX-License-Identifier: MIT
// ec2bench: layers 1-3, adding the Google Benchmark fixtures. Link ec2bench::gbench.
#ifndef EC2BENCH_GBENCH_HPP
#define EC2BENCH_GBENCH_HPP

#include <ec2bench/ec2bench.hpp>

#include <ec2bench/gbench/context.hpp>
#include <ec2bench/gbench/compat.hpp>
#include <ec2bench/gbench/fsync.hpp>
#include <ec2bench/gbench/measure.hpp>
#include <ec2bench/gbench/reporter.hpp>
#include <ec2bench/gbench/sieve.hpp>
#include <ec2bench/gbench/stats.hpp>
#include <ec2bench/gbench/stream.hpp>

#endif  // EC2BENCH_GBENCH_HPP
