// Built for baseline x86-64 (-march=x86-64); isa_b.cpp includes the same headers built for
// x86-64-v3. Each runs STREAM and records a batch into a histogram with the level active_isa()
// chose: the dispatched code has one name per level, compiled for that level in both
// translation units, so the program links with one definition of each and both agree.
#include <ec2bench/kernels/stream.hpp>
#include <ec2bench/stats/histogram.hpp>

#include "isa_tu.hpp"

isa_tu_result isa_tu_a() { return isa_tu_run(); }
