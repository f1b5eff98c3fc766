// What each translation unit of the -march ODR test computes: the same work in both, so their
// results must be equal whichever flags each was built with.
#ifndef EC2BENCH_TESTS_ODR_ISA_TU_HPP
#define EC2BENCH_TESTS_ODR_ISA_TU_HPP

#include <ec2bench/kernels/stream.hpp>
#include <ec2bench/stats/histogram.hpp>

#include <cstdint>
#include <string>
#include <vector>

struct isa_tu_result {
    bool stream_valid = false;
    std::string stream_isa;
    std::vector<double> stream_a;  // the a array after the run: equal bits in both TUs
    bool simd_batch = false;
    std::vector<std::uint64_t> buckets;  // the histogram's non-empty buckets, lower and count
    std::uint64_t count = 0;
};

// Static (internal linkage): each translation unit has its own copy, compiled with its flags.
static inline isa_tu_result isa_tu_run() {
    isa_tu_result r;
    ec2bench::stream::options opt;
    opt.elements = 10'007;
    opt.threads = 1;
    opt.passes = 3;
    opt.pin = false;
    opt.nt = ec2bench::stream::nt_mode::on;
    ec2bench::stream::machine m;
    m.cpus = {0};
    m.llc_total_bytes = std::size_t{1} << 20;
    ec2bench::stream::session<double> s(opt, m);
    for (unsigned p = 0; p < opt.passes; ++p) {
        for (const auto k : ec2bench::stream::all_kernels) s.run_pass(k);
    }
    r.stream_valid = s.validate().passed;
    r.stream_isa = std::string(ec2bench::detail::isa_name(s.isa()));
    r.stream_a.assign(s.a(), s.a() + *opt.elements);

    ec2bench::stats::latency_histogram h;
    std::vector<std::uint64_t> v(10'000);
    std::uint64_t x = 88172645463325252u;
    for (auto& e : v) {  // xorshift64: the same values in both translation units
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        e = x >> (x % 64);
    }
    h.record_batch(v);
    r.simd_batch = h.simd_batch();
    r.count = h.count();
    h.for_each_bucket([&](const auto& b) {
        r.buckets.push_back(b.lower);
        r.buckets.push_back(b.count);
    });
    return r;
}

#endif  // EC2BENCH_TESTS_ODR_ISA_TU_HPP
