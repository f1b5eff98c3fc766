// SPDX-License-Identifier: MIT
// ec2bench: layers 1 and 2 (kernels, statistics, system facts). Standard library and POSIX only.
#ifndef EC2BENCH_EC2BENCH_HPP
#define EC2BENCH_EC2BENCH_HPP

#include <ec2bench/version.hpp>

#include <ec2bench/clock.hpp>
#include <ec2bench/do_not_optimize.hpp>
#include <ec2bench/measure.hpp>

#include <ec2bench/detail/aligned_buffer.hpp>
#include <ec2bench/detail/clock.hpp>
#include <ec2bench/detail/cpu_caches.hpp>
#include <ec2bench/detail/do_not_optimize.hpp>
#include <ec2bench/detail/thread_team.hpp>
#include <ec2bench/detail/unique_fd.hpp>

#include <ec2bench/stats/compare.hpp>
#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/quantile.hpp>
#include <ec2bench/stats/summary.hpp>

#include <ec2bench/kernels/fsync_io.hpp>
#include <ec2bench/kernels/sieve.hpp>
#include <ec2bench/kernels/stream.hpp>

#include <ec2bench/system/ec2.hpp>
#include <ec2bench/system/host.hpp>
#if defined(EC2BENCH_HAS_CURL)
#include <ec2bench/system/imds_curl.hpp>
#endif

#endif  // EC2BENCH_EC2BENCH_HPP
