// Measuring memory bandwidth inside an existing application: one include, one call.
//
//   example-stream [elements]      (default: 4x the last-level caches)
#include <ec2bench/kernels/stream.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    ec2bench::stream::options opt;
    if (argc > 1) opt.elements = std::strtoull(argv[1], nullptr, 10);

    const auto r = ec2bench::stream::run<double>(opt);

    if (!r.check.passed) {  // a run that fails STREAM's validation has no rate to report
        std::fprintf(stderr, "STREAM validation failed: %s\n", r.check.message.c_str());
        return 1;
    }
    std::printf("triad %.1f GB/s best, %.1f median (%zu doubles, %u threads)\n",
                r.triad.best_gbps(), r.triad.median_gbps(), r.elements, r.threads);
    return 0;
}
