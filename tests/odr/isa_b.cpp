// Built for x86-64-v3 (-march=x86-64-v3: AVX2, LZCNT, BMI2); isa_a.cpp includes the same
// headers built for baseline x86-64. Each runs STREAM and records a batch into a histogram at the level
// active_isa() chose. The dispatched code has one name per level and is compiled with that
// level's whole feature list in both translation units, so the definitions the linker keeps
// are the same whichever unit they came from, and both units must compute the same.
#include <ec2bench/kernels/stream.hpp>
#include <ec2bench/stats/histogram.hpp>

#include "isa_tu.hpp"

isa_tu_result isa_tu_b() { return isa_tu_run(); }
