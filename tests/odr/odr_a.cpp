// Includes every header; odr_b.cpp does the same. See tests/headers.cmake.
#include <ec2bench/results.hpp>

int odr_a() { return static_cast<int>(ec2bench::version_string()[0]); }
