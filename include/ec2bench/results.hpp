// SPDX-License-Identifier: MIT
// ec2bench: layers 1-4, adding the results file, comparison, the regression gate, service-level
// objectives, the fleet report, tables and HdrHistogram's formats. Link ec2bench::gbench.
#ifndef EC2BENCH_RESULTS_HPP
#define EC2BENCH_RESULTS_HPP

#include <ec2bench/gbench.hpp>

#include <ec2bench/results/atomic_file.hpp>
#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/document.hpp>
#include <ec2bench/results/extras.hpp>
#include <ec2bench/results/fleet.hpp>
#include <ec2bench/results/fleet_render.hpp>
#include <ec2bench/results/gate.hpp>
#include <ec2bench/results/github_action_benchmark.hpp>
#include <ec2bench/results/hdr.hpp>
#include <ec2bench/results/html.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/prices.hpp>
#include <ec2bench/results/report.hpp>
#include <ec2bench/results/slo.hpp>
#include <ec2bench/results/table.hpp>

#endif  // EC2BENCH_RESULTS_HPP
