// SPDX-License-Identifier: MIT
// The clock functions under their former detail:: names; they are public now, in
// <ec2bench/clock.hpp>.
#ifndef EC2BENCH_DETAIL_CLOCK_HPP
#define EC2BENCH_DETAIL_CLOCK_HPP

#include <ec2bench/clock.hpp>

namespace ec2bench::detail {

using ec2bench::clock_resolution_ns;
using ec2bench::now_ns;
using ec2bench::observed_tick_ns;
using ec2bench::seconds_between;

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_CLOCK_HPP
