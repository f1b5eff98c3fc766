#include <ec2bench/kernels/stream.hpp>

#include "../support/isa_levels.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace st = ec2bench::stream;
using ec2bench::detail::aligned_buffer;
using ec2bench::detail::isa;

namespace {

// A machine with known caches and memory, so sizing decisions are deterministic.
st::machine fake_machine(std::size_t llc = std::size_t{32} << 20,
                         std::size_t mem = std::size_t{16} << 30) {
    st::machine m;
    m.cpus = ec2bench::detail::allowed_cpus();
    m.llc_total_bytes = llc;
    m.mem_available_bytes = mem;
    return m;
}

// Values whose products with the scalar and sums are exact in float and double, so a fused
// multiply-add (which -march=native allows the compiler to form) gives the same bits as separate
// rounding: the reference and the kernel must then agree exactly.
template <class T>
std::vector<T> exact_values(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> d(-1000, 1000);
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(d(rng)) / T(8);
    return v;
}

template <class T>
void check_kernel_exact(st::kernel k, std::size_t n, std::size_t offset, bool nt, isa level) {
    CAPTURE(ec2bench::detail::isa_name(level));
    CAPTURE(st::kernel_name(k));
    CAPTURE(n);
    CAPTURE(offset);
    CAPTURE(nt);
    const T s = T(3);
    // Three arrays at the same offset from a 2 MiB boundary, as the session allocates them,
    // shifted by `offset` elements to exercise the scalar head before the first aligned vector.
    aligned_buffer<T> A(n + offset + 64, 64), B(n + offset + 64, 64), C(n + offset + 64, 64);
    const auto a0 = exact_values<T>(n, 1), b0 = exact_values<T>(n, 2), c0 = exact_values<T>(n, 3);
    T* a = A.data() + offset;
    T* b = B.data() + offset;
    T* c = C.data() + offset;
    std::copy(a0.begin(), a0.end(), a);
    std::copy(b0.begin(), b0.end(), b);
    std::copy(c0.begin(), c0.end(), c);
    // Sentinels right after the range: a kernel must not write past n.
    a[n] = b[n] = c[n] = T(12345);

    st::detail::run_kernel(k, a, b, c, s, n, nt, level);

    std::vector<T> ea = a0, eb = b0, ec = c0;
    for (std::size_t j = 0; j < n; ++j) {
        switch (k) {
            case st::kernel::copy: ec[j] = a0[j]; break;
            case st::kernel::scale: eb[j] = s * c0[j]; break;
            case st::kernel::add: ec[j] = a0[j] + b0[j]; break;
            case st::kernel::triad: ea[j] = b0[j] + s * c0[j]; break;
        }
    }
    std::size_t wrong = 0;
    for (std::size_t j = 0; j < n; ++j) {
        wrong += static_cast<std::size_t>((a[j] != ea[j]) + (b[j] != eb[j]) + (c[j] != ec[j]));
    }
    CHECK(wrong == 0);
    CHECK(a[n] == T(12345));
    CHECK(b[n] == T(12345));
    CHECK(c[n] == T(12345));
}

}  // namespace

// The code of each level this CPU runs (x86-64: SSE2, AVX2, AVX-512; aarch64: the plain loops
// and NEON), each against the scalar reference.
std::vector<isa> code_levels() {
    std::vector<isa> out;
    for (const isa level : ec2bench_test::runnable_levels()) {
        const isa code = st::detail::code_level(level);
        if (std::find(out.begin(), out.end(), code) == out.end()) out.push_back(code);
    }
    return out;
}

TEST_CASE_TEMPLATE("every kernel is exact against a scalar reference", T, double, float) {
    for (const isa level : code_levels()) {
        for (bool nt : {false, true}) {
            for (st::kernel k : st::all_kernels) {
                for (std::size_t n :
                     {0u, 1u, 2u, 3u, 7u, 15u, 16u, 17u, 31u, 63u, 64u, 65u, 1000u, 4099u}) {
                    for (std::size_t offset : {0u, 1u, 3u, 5u})
                        check_kernel_exact<T>(k, n, offset, nt, level);
                }
            }
        }
    }
}

TEST_CASE("the level's code follows active_isa(): each level on x86-64, NEON on aarch64") {
#if defined(__x86_64__)
    CHECK(st::detail::code_level(isa::baseline) == isa::baseline);
    CHECK(st::detail::code_level(isa::avx2) == isa::avx2);
    CHECK(st::detail::code_level(isa::avx512) == isa::avx512);
    CHECK(st::detail::has_streaming_stores(isa::baseline));  // SSE2's MOVNTPD
#elif defined(__aarch64__)
    CHECK(st::detail::code_level(isa::baseline) == isa::baseline);
    CHECK(st::detail::code_level(isa::neon) == isa::neon);
    CHECK(st::detail::code_level(isa::sve) == isa::neon);
    CHECK(st::detail::has_streaming_stores(isa::neon));  // STNP
    CHECK_FALSE(st::detail::has_streaming_stores(isa::baseline));
#endif
    st::options opt;
    opt.elements = 1000;
    opt.threads = 1;
    opt.passes = 2;
    for (const isa level : ec2bench_test::runnable_levels()) {
        CAPTURE(ec2bench::detail::isa_name(level));
        const ec2bench_test::scoped_isa forced(level);
        CHECK(st::session<double>(opt, fake_machine()).isa() == st::detail::code_level(level));
    }
}

TEST_CASE_TEMPLATE("a STREAM run on every level validates and leaves the baseline's arrays", T,
                   double, float) {
    // Integers all the way (a = 2, b = 2, c = 0 and scalar 3), so every level, streaming or
    // not, with or without a fused multiply-add, must leave the same bits as the baseline.
    // One thread: the split between threads is the small run's test (below), and sessions of
    // several threads are slow under qemu-user (tests/cross_aarch64.sh, tests/qemu_x86.sh).
    const std::size_t n = 100'003;
    st::options opt;
    opt.elements = n;
    opt.threads = 1;
    opt.passes = 3;
    const auto run_at = [&](isa level, st::nt_mode nt) {
        const ec2bench_test::scoped_isa forced(level);
        opt.nt = nt;
        st::session<T> s(opt, fake_machine());
        for (unsigned p = 0; p < opt.passes; ++p)
            for (const st::kernel k : st::all_kernels) s.run_pass(k);
        CHECK(s.validate().passed);
        CHECK(s.isa() == st::detail::code_level(level));
        return std::vector<T>(s.a(), s.a() + n);
    };
    const std::vector<T> baseline_a = run_at(isa::baseline, st::nt_mode::off);
    for (const isa level : ec2bench_test::runnable_levels()) {
        for (const st::nt_mode nt : {st::nt_mode::off, st::nt_mode::on}) {
            CAPTURE(ec2bench::detail::isa_name(level));
            CAPTURE(st::nt_mode_name(nt));
            CHECK(run_at(level, nt) == baseline_a);
        }
    }
    const ec2bench_test::scoped_isa forced(ec2bench_test::runnable_levels().back());
    opt.nt = st::nt_mode::on;
    const st::result r = st::run<T>(opt, fake_machine());
    CHECK(r.isa == ec2bench::detail::isa_name(st::detail::code_level(
                       ec2bench_test::runnable_levels().back())));
}

TEST_CASE("a bad EC2BENCH_ISA stops the session with the variable's name") {
    st::options opt;
    opt.elements = 1000;
    opt.threads = 1;
    const char* old = std::getenv("EC2BENCH_ISA");
    const std::string saved = old != nullptr ? old : "";
    ::setenv("EC2BENCH_ISA", "avx1024", 1);
    CHECK_THROWS_WITH_AS(st::session<double>(opt, fake_machine()),
                         doctest::Contains("EC2BENCH_ISA 'avx1024': expected one of baseline"),
                         std::invalid_argument);
    if (old != nullptr) {
        ::setenv("EC2BENCH_ISA", saved.c_str(), 1);
    } else {
        ::unsetenv("EC2BENCH_ISA");
    }
}

TEST_CASE("chunks cover the array contiguously, in order, on 64-element boundaries") {
    for (std::size_t n : {0u, 1u, 5u, 63u, 64u, 65u, 127u, 128u, 1000u, 1'000'003u, 80'000'000u}) {
        for (unsigned members : {1u, 2u, 3u, 7u, 64u}) {
            CAPTURE(n);
            CAPTURE(members);
            std::size_t expect_lo = 0;
            for (unsigned m = 0; m < members; ++m) {
                const auto [lo, hi] = st::detail::chunk(n, members, m, 64);
                CHECK(lo == expect_lo);
                CHECK(hi >= lo);
                if (m + 1 < members) CHECK(hi % 64 == 0);
                expect_lo = hi;
            }
            CHECK(expect_lo == n);
        }
    }
    // No overflow for sizes near the top of size_t.
    const std::size_t huge = std::numeric_limits<std::size_t>::max() / 8;
    const auto [lo, hi] = st::detail::chunk(huge, 3, 1, 64);
    CHECK(lo == (huge / 3) / 64 * 64);
    CHECK(hi == (huge / 3 * 2 + (huge % 3) * 2 / 3) / 64 * 64);
}

TEST_CASE("bytes are counted STREAM's way, and with the write-allocate read alongside") {
    CHECK(st::stream_bytes(st::kernel::copy, 10, 8) == 160u);
    CHECK(st::stream_bytes(st::kernel::scale, 10, 8) == 160u);
    CHECK(st::stream_bytes(st::kernel::add, 10, 8) == 240u);
    CHECK(st::stream_bytes(st::kernel::triad, 10, 8) == 240u);
    CHECK(st::stream_bytes(st::kernel::triad, 10, 4) == 120u);
    CHECK(st::write_allocate_bytes(st::kernel::copy, 10, 8, false) == 240u);
    CHECK(st::write_allocate_bytes(st::kernel::triad, 10, 8, false) == 320u);
    CHECK(st::write_allocate_bytes(st::kernel::triad, 10, 8, true) == 240u);
}

TEST_CASE_TEMPLATE("a small STREAM run validates and its arrays equal the recurrence", T, double,
                   float) {
    const auto ncpu = static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
    for (unsigned threads = 1; threads <= ncpu; ++threads) {
        for (std::size_t n : {1u, 2u, 3u, 100u, 4099u, 100'003u}) {
            for (st::nt_mode nt : {st::nt_mode::off, st::nt_mode::on}) {
                CAPTURE(threads);
                CAPTURE(n);
                CAPTURE(st::nt_mode_name(nt));
                st::options opt;
                opt.elements = n;
                opt.threads = threads;
                opt.passes = 4;
                opt.nt = nt;
                const st::result r = st::run<T>(opt, fake_machine());
                CHECK(r.check.passed);
                CHECK(r.check.message.empty());
                CHECK(r.elements == n);
                CHECK(r.threads == threads);
                CHECK(r.passes == 4);
                const isa code = st::detail::code_level(ec2bench::detail::active_isa());
                CHECK(r.non_temporal ==
                      (nt == st::nt_mode::on && st::detail::has_streaming_stores(code)));
                CHECK(r.isa == ec2bench::detail::isa_name(code));
                // The recurrence: a=2, b=2, c=0, then 4 rounds; integers, exact in both types.
                double a = 2, b = 2, c = 0;
                for (int p = 0; p < 4; ++p) {
                    c = a;
                    b = 3 * c;
                    c = a + b;
                    a = b + 3 * c;
                }
                CHECK(r.check.expected[0] == a);
                CHECK(r.check.expected[1] == b);
                CHECK(r.check.expected[2] == c);
                CHECK(r.check.mismatches[0] == 0u);
                CHECK(r.check.mismatches[1] == 0u);
                CHECK(r.check.mismatches[2] == 0u);
                for (st::kernel k : st::all_kernels) {
                    const st::kernel_result& kr = r[k];
                    CHECK(kr.which == k);
                    CHECK(kr.seconds.size() == 3u);  // the first pass is dropped
                    CHECK(kr.best_seconds() > 0);
                    CHECK(kr.best_seconds() <= kr.median_seconds());
                    CHECK(kr.median_seconds() <= kr.worst_seconds());
                    CHECK(kr.bytes == st::stream_bytes(k, n, sizeof(T)));
                }
            }
        }
    }
}

TEST_CASE("more threads than elements, and oversubscription without pinning") {
    st::options opt;
    opt.elements = 3;
    opt.threads = 2;
    opt.passes = 2;
    CHECK(st::run<double>(opt, fake_machine()).check.passed);

    const auto ncpu = static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
    opt.elements = 1000;
    opt.threads = ncpu + 2;
    opt.pin = false;
    const auto r = st::run<double>(opt, fake_machine());
    CHECK(r.threads == ncpu + 2);
    CHECK(r.check.passed);
}

TEST_CASE("validation catches a corrupted array") {
    st::options opt;
    opt.elements = 1000;
    opt.threads = 1;
    opt.passes = 2;
    st::session<double> s(opt, fake_machine());
    for (st::kernel k : st::all_kernels) s.run_pass(k);
    CHECK(s.validate().passed);

    SUBCASE("one element far off fails the average-error test") {
        s.a()[500] += 1e6;
        const st::validation v = s.validate();
        CHECK_FALSE(v.passed);
        CHECK(v.mismatches[0] == 1u);
        CHECK(v.mismatches[1] == 0u);
        CHECK(v.avg_rel_error[0] == doctest::Approx(1e6 / 1000 / v.expected[0]));
        CHECK(v.message.rfind("array a: average relative error ", 0) == 0);
        CHECK(v.message.find("> epsilon 1e-13 (expected 30, 1 of 1000 elements differ)") !=
              std::string::npos);
    }
    SUBCASE("a NaN fails") {
        s.c()[0] = std::numeric_limits<double>::quiet_NaN();
        const st::validation v = s.validate();
        CHECK_FALSE(v.passed);
        CHECK(v.message.rfind("array c: average relative error nan", 0) == 0);
    }
    SUBCASE("a pass the model did not see fails every array it wrote") {
        // Running triad behind the model's back: a now holds b + 3c of the new values.
        st::detail::run_kernel(st::kernel::triad, s.a(), s.b(), s.c(), 3.0, 1000, false, s.isa());
        st::detail::run_kernel(st::kernel::triad, s.a(), s.b(), s.c(), 3.0, 1000, false, s.isa());
        CHECK(s.validate().passed);  // triad is idempotent: same inputs, same a
        st::detail::run_kernel(st::kernel::copy, s.a(), s.b(), s.c(), 3.0, 1000, false, s.isa());
        const st::validation v = s.validate();
        CHECK_FALSE(v.passed);
        CHECK(v.mismatches[2] == 1000u);
        CHECK(v.message.rfind("array c:", 0) == 0);
    }
}

TEST_CASE("bad options get a clear error naming the input and what is allowed") {
    const st::machine m = fake_machine(std::size_t{32} << 20, std::size_t{1} << 30);
    st::options opt;
    opt.threads = 1;

    opt.elements = 0;
    CHECK_THROWS_WITH_AS(st::session<double>(opt, m),
                         "stream: elements 0: each array needs at least 1 element",
                         std::invalid_argument);

    opt.elements = std::numeric_limits<std::size_t>::max() / 8;
    const std::string max_n = std::to_string(std::numeric_limits<std::size_t>::max() / 24);
    CHECK_THROWS_WITH_AS(st::session<double>(opt, m),
                         ("stream: elements " + std::to_string(*opt.elements) +
                          ": 3 arrays of 8-byte elements overflow the address space (at most " +
                          max_n + ")")
                             .c_str(),
                         std::invalid_argument);

    opt.elements = 80'000'000;  // 1.79 GiB of doubles against 1 GiB available
    CHECK_THROWS_WITH_AS(st::session<double>(opt, m),
                         "stream: elements 80000000: 3 arrays need 1.79 GiB but only 1 GiB is "
                         "available (MemAvailable); use fewer elements",
                         std::invalid_argument);

    opt.elements = 1000;
    const auto ncpu = static_cast<unsigned>(m.cpus.size());
    opt.threads = ncpu + 1;
    CHECK_THROWS_WITH_AS(
        st::session<double>(opt, m),
        ("stream: threads " + std::to_string(ncpu + 1) + " > " + std::to_string(ncpu) +
         " CPUs this process may run on: each STREAM thread needs its own CPU (or set pin = "
         "false to oversubscribe)")
            .c_str(),
        std::invalid_argument);

    opt.threads = 1;
    opt.passes = 1;
    CHECK_THROWS_WITH_AS(st::session<double>(opt, m),
                         "stream: passes 1: at least 2 (the first pass is dropped)",
                         std::invalid_argument);
    opt.passes = 3;
    opt.scalar = 0;
    CHECK_THROWS_WITH_AS(st::session<double>(opt, m),
                         "stream: scalar must be finite and non-zero", std::invalid_argument);

    CHECK_THROWS_WITH_AS(st::parse_nt_mode("yes"), "stream: nt mode 'yes': must be auto, on or off",
                         std::invalid_argument);
    CHECK(st::parse_nt_mode("auto") == st::nt_mode::automatic);
    CHECK(st::parse_nt_mode("on") == st::nt_mode::on);
    CHECK(st::parse_nt_mode("off") == st::nt_mode::off);
}

TEST_CASE("default size and automatic streaming stores follow the caches") {
    CHECK(st::session<double>::default_elements(std::size_t{32} << 20) == 16u << 20);
    CHECK(st::session<float>::default_elements(std::size_t{32} << 20) == 32u << 20);
    CHECK(st::session<double>::default_elements(0) == 1u << 20);  // unknown caches: the floor
    CHECK(st::session<double>::default_elements(64 << 10) == 1u << 20);

    st::options opt;
    opt.threads = 1;
    opt.passes = 2;
    opt.elements = 1 << 16;  // 1.5 MiB in all: inside a 32 MiB cache
    CHECK_FALSE(st::session<double>(opt, fake_machine()).non_temporal());
    opt.elements = 3 << 20;  // 72 MiB in all: past twice the cache
    CHECK(st::session<double>(opt, fake_machine()).non_temporal() ==
          st::detail::has_streaming_stores(
              st::detail::code_level(ec2bench::detail::active_isa())));
    opt.nt = st::nt_mode::off;
    CHECK_FALSE(st::session<double>(opt, fake_machine()).non_temporal());
    opt.nt = st::nt_mode::automatic;
    CHECK_FALSE(st::session<double>(opt, fake_machine(0)).non_temporal());  // unknown: don't guess
}

TEST_CASE("MemAvailable is read from meminfo") {
    char path[] = "/tmp/ec2bench-meminfo-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string text =
        "MemTotal:       24684096 kB\nMemFree:        24166216 kB\nMemAvailable:   24348244 kB\n";
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    CHECK(st::machine::read_mem_available(path) == std::size_t{24348244} * 1024);
    std::remove(path);
    CHECK(st::machine::read_mem_available("/nonexistent/meminfo") == 0u);
}

TEST_CASE("the thread sweep runs every thread count and validates each") {
    st::options opt;
    opt.elements = 10'000;
    opt.passes = 2;
    const auto sweep = st::thread_sweep<double>(opt, 0, fake_machine());
    REQUIRE(sweep.size() == ec2bench::detail::allowed_cpus().size());
    for (std::size_t i = 0; i < sweep.size(); ++i) {
        CHECK(sweep[i].threads == i + 1);
        CHECK(sweep[i].check.passed);
    }
}
