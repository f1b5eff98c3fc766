#include <ec2bench/results.hpp>

int odr_b() { return static_cast<int>(ec2bench::version_string()[0]); }
