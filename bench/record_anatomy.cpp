// record-anatomy: what each part of a histogram record costs, measured beside the raw store.
//
// The recorder's fast path, written out in x86-64 assembly so that the compiler cannot move or
// merge anything, then the same loop with one part taken away or done another way. Every
// variant reads the same 65,536 lognormal latencies as ec2bench-stats, in the same loop shape,
// in one process with stats/sample_buffer/record (the floor) and stats/histogram/record (the
// recorder as compiled). Variants marked "timing only" do not count correctly; they measure
// what a design would cost, not one we could ship. See docs/performance.md (Statistics).
//
//     build/release/bench/record-anatomy --benchmark_filter='record$|anatomy/'
//         --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true
//         --benchmark_report_aggregates_only=true --benchmark_min_time=0.2

#include <ec2bench/detail/do_not_optimize.hpp>
#include <ec2bench/gbench/stats.hpp>
#include <ec2bench/stats/histogram.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

#if defined(__x86_64__) && defined(__BMI2__) && defined(__LZCNT__) && \
    (defined(__GNUC__) || defined(__clang__))
#define EC2BENCH_ANATOMY 1
#else
#define EC2BENCH_ANATOMY 0
#endif

namespace {

using histogram = ec2bench::stats::latency_histogram;

#if EC2BENCH_ANATOMY

/// The layout's tables as bucket_index() uses them: the shift and the offset per leading-zero
/// count, 65 entries each, laid out one after the other (offset at +520 bytes). Read off the
/// histogram's own layout (bucket width 2^shift, index of the octave's lowest value) rather than
/// computed again; lz = 64 is v = 0, bucket 0.
struct layout_tables {
    std::uint64_t shift[65];
    std::uint64_t offset[65];
};
constexpr layout_tables make_tables() {
    layout_tables t{};
    for (unsigned lz = 0; lz < 64; ++lz) {
        const std::uint64_t v = std::uint64_t{1} << (63 - lz);
        const std::size_t i = histogram::bucket_index(v);
        const std::uint64_t width = histogram::bucket_upper(i) - histogram::bucket_lower(i) + 1;
        t.shift[lz] = static_cast<std::uint64_t>(__builtin_ctzll(width));
        t.offset[lz] = i - (v >> t.shift[lz]);
    }
    return t;
}
alignas(64) constexpr layout_tables tables = make_tables();

constexpr bool tables_match_histogram() {
    for (unsigned e = 0; e < 42; ++e) {
        for (const std::uint64_t v :
             {std::uint64_t{1} << e, (std::uint64_t{3} << e) / 2, (std::uint64_t{2} << e) - 1}) {
            const std::uint64_t lz = static_cast<std::uint64_t>(__builtin_clzll(v));
            if ((v >> tables.shift[lz]) + tables.offset[lz] != histogram::bucket_index(v))
                return false;
        }
    }
    return true;
}
static_assert(tables_match_histogram(), "the assembly must index as latency_histogram does");

enum class variant {
    record,        ///< the recorder's fast path: 128-bit sum, range test, index, increment
    no_carry,      ///< without the 128-bit sum's carry (timing only: the sum is not exact)
    no_increment,  ///< the index summed into a register instead of incremented in memory
    no_tally,      ///< index and increment only: no count, sum or range test
    arith_index,   ///< the index by HdrHistogram's arithmetic instead of the tables
    double_index,  ///< the index from a double's exponent bits (timing only: not the layout's)
};

// The loop's skeleton: load, 128-bit sum, fast-range test (a value outside it skips the record:
// with these latencies and an open range, none does), the variant's body, the loop's branch.
#define EC2BENCH_HEAD               \
    "1:\n\t"                        \
    "mov (%[lat],%[j],8), %[v]\n\t" \
    "add %[v], %[sum_lo]\n\t"       \
    "adc $0, %[sum_hi]\n\t"         \
    "mov %[v], %[d]\n\t"            \
    "sub %[min], %[d]\n\t"          \
    "cmp %[width], %[d]\n\t"        \
    "jae 2f\n\t"
#define EC2BENCH_HEAD_NO_CARRY      \
    "1:\n\t"                        \
    "mov (%[lat],%[j],8), %[v]\n\t" \
    "add %[v], %[sum_lo]\n\t"       \
    "mov %[v], %[d]\n\t"            \
    "sub %[min], %[d]\n\t"          \
    "cmp %[width], %[d]\n\t"        \
    "jae 2f\n\t"
#define EC2BENCH_TABLE_INDEX         \
    "xor %k[lz], %k[lz]\n\t"         \
    "lzcnt %[v], %[lz]\n\t"          \
    "mov (%[tab],%[lz],8), %[t]\n\t" \
    "shrx %[t], %[v], %[i]\n\t"      \
    "add 520(%[tab],%[lz],8), %[i]\n\t"
#define EC2BENCH_INCREMENT "addq $1, (%[counts],%[i],8)\n\t"
#define EC2BENCH_TAIL    \
    "2:\n\t"             \
    "add $1, %[j]\n\t"   \
    "cmp %[n], %[j]\n\t" \
    "jne 1b\n\t"
#define EC2BENCH_OPERANDS                                                                  \
    : [j] "+r"(j), [v] "=&r"(v), [d] "=&r"(d), [lz] "=&r"(lz), [t] "=&r"(t), [i] "=&r"(i),   \
      [sum_lo] "+r"(sum_lo), [sum_hi] "+r"(sum_hi), [acc] "+r"(acc)                            \
    : [lat] "r"(lat), [counts] "r"(counts), [tab] "r"(&tables), [min] "r"(min),              \
      [width] "r"(width), [n] "r"(n)                                                          \
    : "cc", "memory", "xmm15"

template <variant V>
void anatomy(benchmark::State& state, const std::vector<std::uint64_t>& latencies) {
    // Counters for any 64-bit value's bucket, so that no variant needs a clamp.
    std::vector<std::uint64_t> buckets(
        histogram::bucket_index(std::numeric_limits<std::uint64_t>::max()) + 1, 0);
    const std::uint64_t* lat = latencies.data();
    std::uint64_t* counts = buckets.data();
    const std::uint64_t n = latencies.size();
    const std::uint64_t min = 0;
    const std::uint64_t width = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t sum_lo = 0, sum_hi = 0, acc = 0;
    for (auto _ : state) {
        std::uint64_t j = 0, v, d, lz, t, i;
        if constexpr (V == variant::record) {
            asm volatile(EC2BENCH_HEAD EC2BENCH_TABLE_INDEX EC2BENCH_INCREMENT EC2BENCH_TAIL
                             EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::no_carry) {
            asm volatile(EC2BENCH_HEAD_NO_CARRY EC2BENCH_TABLE_INDEX EC2BENCH_INCREMENT
                             EC2BENCH_TAIL EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::no_increment) {
            asm volatile(EC2BENCH_HEAD EC2BENCH_TABLE_INDEX
                         "add %[i], %[acc]\n\t" EC2BENCH_TAIL EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::no_tally) {
            asm volatile(
                "1:\n\t"
                "mov (%[lat],%[j],8), %[v]\n\t" EC2BENCH_TABLE_INDEX EC2BENCH_INCREMENT
                    EC2BENCH_TAIL EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::arith_index) {
            // shift = 53 - lzcnt(v | 1024) = max(msb - 10, 0); index = (v >> shift) + (shift << 10)
            asm volatile(EC2BENCH_HEAD
                         "mov %[v], %[t]\n\t"
                         "or $1024, %[t]\n\t"
                         "lzcnt %[t], %[lz]\n\t"
                         "mov $53, %[t]\n\t"
                         "sub %[lz], %[t]\n\t"
                         "shrx %[t], %[v], %[i]\n\t"
                         "shl $10, %[t]\n\t"
                         "add %[t], %[i]\n\t" EC2BENCH_INCREMENT EC2BENCH_TAIL EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::double_index) {
            // The exponent and the top 10 fraction bits of (double)v, masked to stay inside the
            // counters: the cost of this index, not the layout's numbering.
            asm volatile(EC2BENCH_HEAD
                         "vxorps %%xmm15, %%xmm15, %%xmm15\n\t"
                         "vcvtsi2sd %[v], %%xmm15, %%xmm15\n\t"
                         "vmovq %%xmm15, %[i]\n\t"
                         "shr $42, %[i]\n\t"
                         "and $32767, %[i]\n\t" EC2BENCH_INCREMENT EC2BENCH_TAIL EC2BENCH_OPERANDS);
        }
    }
    benchmark::DoNotOptimize(sum_lo);
    benchmark::DoNotOptimize(sum_hi);
    benchmark::DoNotOptimize(acc);
    benchmark::DoNotOptimize(counts);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

#undef EC2BENCH_HEAD
#undef EC2BENCH_HEAD_NO_CARRY
#undef EC2BENCH_TABLE_INDEX
#undef EC2BENCH_INCREMENT
#undef EC2BENCH_TAIL
#undef EC2BENCH_OPERANDS

#endif  // EC2BENCH_ANATOMY

/// A recorder that stores each value into a buffer of 64 and counts full buffers with
/// record_batch (eight at a time with AVX-512): does batching pay for the extra store?
void buffered_loop(benchmark::State& state, histogram& h, const std::uint64_t* lat, std::size_t n) {
    constexpr std::size_t size = 64;
    alignas(64) std::uint64_t buffer[size];
    std::size_t used = 0;
    for (auto _ : state) {
        for (std::size_t j = 0; j < n; ++j) {
            std::uint64_t v = lat[j];
            ec2bench::detail::do_not_optimize(v);
            buffer[used] = v;
            if (++used == size) {
                h.record_batch(buffer, size);
                used = 0;
            }
        }
    }
    h.record_batch(buffer, used);
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    // The floor and the recorder as compiled (and stats/histogram/quantiles, which the command
    // above filters out).
    ec2bench::gbench::stats_bench_options opt;
    opt.variants = false;
    opt.exact_sizes = {};
    ec2bench::gbench::register_stats(opt);
    static const auto latencies = ec2bench::gbench::detail::lognormal_latencies_ns(
        opt.latencies, opt.seed, opt.latency_sigma);
    const auto reg = [](const char* name, void (*fn)(benchmark::State&)) {
        benchmark::RegisterBenchmark(name, fn)->Unit(benchmark::kNanosecond);
    };
    reg("anatomy/buffered_record_batch", [](benchmark::State& state) {
        histogram h;
        ec2bench::detail::do_not_optimize(h);
        buffered_loop(state, h, latencies.data(), latencies.size());
        ec2bench::detail::do_not_optimize(h);
        state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(latencies.size()));
    });
#if EC2BENCH_ANATOMY
    reg("anatomy/record", [](benchmark::State& s) { anatomy<variant::record>(s, latencies); });
    reg("anatomy/no_carry", [](benchmark::State& s) { anatomy<variant::no_carry>(s, latencies); });
    reg("anatomy/no_increment",
        [](benchmark::State& s) { anatomy<variant::no_increment>(s, latencies); });
    reg("anatomy/no_tally", [](benchmark::State& s) { anatomy<variant::no_tally>(s, latencies); });
    reg("anatomy/arith_index",
        [](benchmark::State& s) { anatomy<variant::arith_index>(s, latencies); });
    reg("anatomy/double_index",
        [](benchmark::State& s) { anatomy<variant::double_index>(s, latencies); });
#else
    std::fprintf(stderr,
                 "record-anatomy: the assembly variants need x86-64 with BMI2 and LZCNT; only "
                 "the buffered recorder runs here\n");
#endif
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
