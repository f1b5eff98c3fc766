// The peer for ec2bench-stream: STREAM's own timed loops, as stream.c writes them, over heap
// arrays with a static OpenMP schedule and first touch by the same threads. Built with
// -O3 -march=native -fopenmp; not installed.
//
//   stream-omp <elements> <ntimes>     prints one line per kernel: name best_GB/s avg_GB/s
#include <omp.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: stream-omp <elements> <ntimes>\n");
        return 2;
    }
    const long n = std::atol(argv[1]);
    const int ntimes = std::atoi(argv[2]);
    if (n <= 0 || ntimes < 2) {
        std::fprintf(stderr, "stream-omp: elements must be positive and ntimes at least 2\n");
        return 2;
    }
    auto* a = static_cast<double*>(std::malloc(sizeof(double) * static_cast<std::size_t>(n)));
    auto* b = static_cast<double*>(std::malloc(sizeof(double) * static_cast<std::size_t>(n)));
    auto* c = static_cast<double*>(std::malloc(sizeof(double) * static_cast<std::size_t>(n)));
    if (a == nullptr || b == nullptr || c == nullptr) {
        std::fprintf(stderr, "stream-omp: out of memory\n");
        return 1;
    }
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++) {
        a[j] = 1.0;
        b[j] = 2.0;
        c[j] = 0.0;
    }
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++) a[j] = 2.0E0 * a[j];

    const double scalar = 3.0;
    double times[4][64];
    const int nt = ntimes < 64 ? ntimes : 64;
    for (int k = 0; k < nt; k++) {
        times[0][k] = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long j = 0; j < n; j++) c[j] = a[j];
        times[0][k] = omp_get_wtime() - times[0][k];

        times[1][k] = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long j = 0; j < n; j++) b[j] = scalar * c[j];
        times[1][k] = omp_get_wtime() - times[1][k];

        times[2][k] = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long j = 0; j < n; j++) c[j] = a[j] + b[j];
        times[2][k] = omp_get_wtime() - times[2][k];

        times[3][k] = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long j = 0; j < n; j++) a[j] = b[j] + scalar * c[j];
        times[3][k] = omp_get_wtime() - times[3][k];
    }

    // STREAM's validation.
    double aj = 2.0, bj = 2.0, cj = 0.0;
    for (int k = 0; k < nt; k++) {
        cj = aj;
        bj = scalar * cj;
        cj = aj + bj;
        aj = bj + scalar * cj;
    }
    double ae = 0, be = 0, ce = 0;
    for (long j = 0; j < n; j++) {
        ae += std::fabs(a[j] - aj);
        be += std::fabs(b[j] - bj);
        ce += std::fabs(c[j] - cj);
    }
    const double dn = static_cast<double>(n);
    const bool valid = ae / dn / aj < 1e-13 && be / dn / bj < 1e-13 && ce / dn / cj < 1e-13;

    const char* names[4] = {"copy", "scale", "add", "triad"};
    const double bytes[4] = {2 * sizeof(double) * dn, 2 * sizeof(double) * dn,
                             3 * sizeof(double) * dn, 3 * sizeof(double) * dn};
    std::printf("# stream-omp elements=%ld ntimes=%d threads=%d valid=%d\n", n, nt,
                omp_get_max_threads(), valid ? 1 : 0);
    for (int j = 0; j < 4; j++) {
        double best = std::numeric_limits<double>::max(), sum = 0;
        for (int k = 1; k < nt; k++) {  // the first pass is dropped, as in STREAM
            best = times[j][k] < best ? times[j][k] : best;
            sum += times[j][k];
        }
        std::printf("%s %.3f %.3f\n", names[j], bytes[j] / best / 1e9,
                    bytes[j] / (sum / (nt - 1)) / 1e9);
    }
    std::free(a);
    std::free(b);
    std::free(c);
    return valid ? 0 : 1;
}
