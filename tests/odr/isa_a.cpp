// Built for baseline x86-64 (-march=x86-64); isa_b.cpp includes the same headers built for
// x86-64-v3. Each runs STREAM and records a batch into a histogram at the level
// active_isa() chose. The dispatched code has one name per level and is compiled with that
// level's whole feature list in both translation units, so the definitions the linker keeps
// are the same whichever unit they came from, and both units must compute the same.
#include <ec2bench/kernels/stream.hpp>
#include <ec2bench/stats/histogram.hpp>

#include "isa_tu.hpp"

isa_tu_result isa_tu_a() { return isa_tu_run(); }
