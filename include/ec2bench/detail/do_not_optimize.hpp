// SPDX-License-Identifier: MIT
// The compiler barriers under their former detail:: names; they are public now, in
// <ec2bench/do_not_optimize.hpp>.
#ifndef EC2BENCH_DETAIL_DO_NOT_OPTIMIZE_HPP
#define EC2BENCH_DETAIL_DO_NOT_OPTIMIZE_HPP

#include <ec2bench/do_not_optimize.hpp>

namespace ec2bench::detail {

using ec2bench::clobber_memory;
using ec2bench::do_not_optimize;

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_DO_NOT_OPTIMIZE_HPP
