// Writes the HTML report of the hand-built sample fleet (sample_report.hpp) to the file named by
// its argument: the page tests/html/chromium_test.py opens, and the one docs/report.png shows.
#include "sample_report.hpp"

#include <ec2bench/results/html.hpp>

#include <cstdio>
#include <fstream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: render_sample OUT.html\n");
        return 2;
    }
    std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
    out << ec2bench::results::render_html(ec2bench_test::sample_report());
    out.close();
    if (!out) {
        std::fprintf(stderr, "render_sample: cannot write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
