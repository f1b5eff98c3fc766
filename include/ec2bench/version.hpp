// SPDX-License-Identifier: MIT
// ec2bench: the one source of the version number. CMake reads these three macros.
#ifndef EC2BENCH_VERSION_HPP
#define EC2BENCH_VERSION_HPP

#define EC2BENCH_VERSION_MAJOR 0
#define EC2BENCH_VERSION_MINOR 1
#define EC2BENCH_VERSION_PATCH 0

/// One integer for comparisons: 10203 is 1.2.3.
#define EC2BENCH_VERSION \
    (EC2BENCH_VERSION_MAJOR * 10000 + EC2BENCH_VERSION_MINOR * 100 + EC2BENCH_VERSION_PATCH)

namespace ec2bench {

/// The library version as "major.minor.patch", e.g. for a results file.
inline constexpr const char* version_string() noexcept {
    // Two-level stringification turns the macro values, not their names, into text.
#define EC2BENCH_DETAIL_STR2(x) #x
#define EC2BENCH_DETAIL_STR(x) EC2BENCH_DETAIL_STR2(x)
    return EC2BENCH_DETAIL_STR(EC2BENCH_VERSION_MAJOR) "." EC2BENCH_DETAIL_STR(
        EC2BENCH_VERSION_MINOR) "." EC2BENCH_DETAIL_STR(EC2BENCH_VERSION_PATCH);
#undef EC2BENCH_DETAIL_STR
#undef EC2BENCH_DETAIL_STR2
}

}  // namespace ec2bench

#endif  // EC2BENCH_VERSION_HPP
