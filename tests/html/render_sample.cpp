// Writes the HTML report of the hand-built sample fleet (sample_report.hpp) to the file named by
// its argument: the page tests/html/chromium_test.py opens, and the one docs/report.png shows.
// --hostile: the same fleet with markup in every string, which must stay text in a browser.
#include "sample_report.hpp"

#include <ec2bench/results/html.hpp>

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
    const bool hostile = argc == 3 && std::string(argv[1]) == "--hostile";
    if (argc != 2 && !hostile) {
        std::fprintf(stderr, "usage: render_sample [--hostile] OUT.html\n");
        return 2;
    }
    const char* path = argv[argc - 1];
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << ec2bench::results::render_html(hostile ? ec2bench_test::hostile_sample_report()
                                                  : ec2bench_test::sample_report());
    out.close();
    if (!out) {
        std::fprintf(stderr, "render_sample: cannot write %s\n", path);
        return 1;
    }
    return 0;
}
