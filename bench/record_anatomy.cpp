// record-anatomy: what each part of a histogram record costs, measured beside the raw store.
//
// The recorder's fast path as the library's assembly had it until issue 17 (histogram.hpp's
// record_into is C++ now), in a loop written out in x86-64 assembly so that the compiler cannot
// move or merge anything, then
// the same loop with one part taken away or done another way. Every
// variant reads the same 65,536 lognormal latencies as ec2bench-stats, in the same loop shape,
// in one process with stats/sample_buffer/record (the floor) and stats/histogram/record (the
// recorder as compiled). Variants marked "timing only" do not count correctly; they measure
// what a design would cost, not one we could ship. See docs/performance.md (Statistics).
//
// Not built by default:
//     cmake --build --preset release --target record-anatomy
//     build/release/bench/record-anatomy --benchmark_filter='record$|anatomy/'
//         --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true
//         --benchmark_report_aggregates_only=true --benchmark_min_time=0.2

#include <ec2bench/detail/do_not_optimize.hpp>
#include <ec2bench/gbench/stats.hpp>
#include <ec2bench/stats/histogram.hpp>

#include <benchmark/benchmark.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
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
    xor_lzcnt,     ///< LZCNT into a register cleared first, as GCC compiles the C++ fast path
    mov_sub_xor,   ///< also v - min as MOV + SUB: the fast path as GCC compiled min, not -min
    no_carry,      ///< without the 128-bit sum's carry (timing only: the sum is not exact)
    no_increment,  ///< the index summed into a register instead of incremented in memory
    no_tally,      ///< index and increment only: no count, sum or range test
    arith_index,   ///< the index by HdrHistogram's arithmetic instead of the tables
    double_index,  ///< the index from a double's exponent bits (timing only: not the layout's)
};

// The loop's skeleton: load, 128-bit sum, fast-range test (a value outside it skips the record:
// with these latencies and an open range, none does), the variant's body, the loop's branch.
// Every loop starts on a 64-byte boundary, as GCC aligns its own: the same instructions placed
// differently measured 7% apart here.
#define EC2BENCH_HEAD                   \
    ".p2align 6\n\t"                    \
    "1:\n\t"                            \
    "mov (%[lat],%[j],8), %[v]\n\t"     \
    "add %[v], %[sum_lo]\n\t"           \
    "adc $0, %[sum_hi]\n\t"             \
    "lea (%[v],%[neg_min]), %[d]\n\t"   \
    "cmp %[width], %[d]\n\t"            \
    "jae 2f\n\t"
#define EC2BENCH_HEAD_NO_CARRY          \
    ".p2align 6\n\t"                    \
    "1:\n\t"                            \
    "mov (%[lat],%[j],8), %[v]\n\t"     \
    "add %[v], %[sum_lo]\n\t"           \
    "lea (%[v],%[neg_min]), %[d]\n\t"   \
    "cmp %[width], %[d]\n\t"            \
    "jae 2f\n\t"
#define EC2BENCH_HEAD_MOV_SUB           \
    ".p2align 6\n\t"                    \
    "1:\n\t"                            \
    "mov (%[lat],%[j],8), %[v]\n\t"     \
    "add %[v], %[sum_lo]\n\t"           \
    "adc $0, %[sum_hi]\n\t"             \
    "mov %[v], %[d]\n\t"                \
    "sub %[min], %[d]\n\t"              \
    "cmp %[width], %[d]\n\t"            \
    "jae 2f\n\t"
// The index as the library's assembly computes it: LZCNT into d, dead after the range test.
#define EC2BENCH_TABLE_INDEX          \
    "lzcnt %[v], %[d]\n\t"            \
    "mov (%[tab],%[d],8), %[t]\n\t"   \
    "shrx %[t], %[v], %[i]\n\t"       \
    "add 520(%[tab],%[d],8), %[i]\n\t"
// The index as GCC compiles bucket_index(): LZCNT into a register it clears first.
#define EC2BENCH_XOR_INDEX            \
    "xor %k[lz], %k[lz]\n\t"          \
    "lzcnt %[v], %[lz]\n\t"           \
    "mov (%[tab],%[lz],8), %[t]\n\t"  \
    "shrx %[t], %[v], %[i]\n\t"       \
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
      [neg_min] "r"(neg_min), [width] "r"(width), [n] "r"(n)                                  \
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
    const std::uint64_t neg_min = 0 - min;
    const std::uint64_t width = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t sum_lo = 0, sum_hi = 0, acc = 0;
    for (auto _ : state) {
        std::uint64_t j = 0, v, d, lz, t, i;
        if constexpr (V == variant::record) {
            asm volatile(EC2BENCH_HEAD EC2BENCH_TABLE_INDEX EC2BENCH_INCREMENT EC2BENCH_TAIL
                             EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::xor_lzcnt) {
            asm volatile(EC2BENCH_HEAD EC2BENCH_XOR_INDEX EC2BENCH_INCREMENT EC2BENCH_TAIL
                             EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::mov_sub_xor) {
            asm volatile(EC2BENCH_HEAD_MOV_SUB EC2BENCH_XOR_INDEX EC2BENCH_INCREMENT
                             EC2BENCH_TAIL EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::no_carry) {
            asm volatile(EC2BENCH_HEAD_NO_CARRY EC2BENCH_TABLE_INDEX EC2BENCH_INCREMENT
                             EC2BENCH_TAIL EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::no_increment) {
            asm volatile(EC2BENCH_HEAD EC2BENCH_TABLE_INDEX
                         "add %[i], %[acc]\n\t" EC2BENCH_TAIL EC2BENCH_OPERANDS);
        } else if constexpr (V == variant::no_tally) {
            asm volatile(
                ".p2align 6\n\t"
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
    ec2bench::do_not_optimize(sum_lo);
    ec2bench::do_not_optimize(sum_hi);
    ec2bench::do_not_optimize(acc);
    ec2bench::do_not_optimize(counts);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

#undef EC2BENCH_HEAD
#undef EC2BENCH_HEAD_NO_CARRY
#undef EC2BENCH_HEAD_MOV_SUB
#undef EC2BENCH_XOR_INDEX
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

#if defined(__AVX512F__) && defined(__AVX512CD__) && defined(__x86_64__) && \
    (defined(__GNUC__) || defined(__clang__))
#define EC2BENCH_ANATOMY_STAGED 1

/// A staged recorder (timing only: no clamp, no extreme updates, the sum without carry): each
/// value is stored, as the floor stores it, into one half of a 64-value stage; when a half is
/// full the other one, filled 32 values ago (a wide load of values just stored would wait for
/// them to reach the cache), is counted eight at a time with AVX-512: extremes checked against
/// the fast range, sum, indices by VPLZCNTQ, then 32 increments. Does taking the tally and the
/// index off the per-value path pay for the store?
struct staged_state {
    std::uint64_t* counts;
    std::uint64_t neg_min = 0;
    std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t laps = 0;
    ec2bench::stats::detail::u64x8 sum{};
    alignas(512) std::uint64_t stage[64];
};

__attribute__((noinline)) std::uint64_t* staged_block(staged_state* s, std::uint64_t* pos) {
    using vec = ec2bench::stats::detail::u64x8;
    if (pos == s->stage + 64) pos = s->stage;
    if (s->laps++ == 0) return pos;  // the first half filled: nothing older to count yet
    vec x[4];
    std::memcpy(x, pos, sizeof x);
    __m512i lo = reinterpret_cast<__m512i>(x[0]);
    __m512i hi = lo;
    vec sum = x[0];
    for (int k = 1; k < 4; ++k) {
        lo = _mm512_maskz_min_epu64(0xff, lo, reinterpret_cast<__m512i>(x[k]));
        hi = _mm512_maskz_max_epu64(0xff, hi, reinterpret_cast<__m512i>(x[k]));
        sum += x[k];
    }
    const __mmask8 out =
        _mm512_cmplt_epu64_mask(lo, _mm512_set1_epi64(static_cast<long long>(0 - s->neg_min))) |
        _mm512_cmpgt_epu64_mask(hi, _mm512_set1_epi64(static_cast<long long>(s->top)));
    if (out != 0) std::abort();  // outside the fast range: not in this sketch
    s->sum += sum;
    const vec fill = vec{} + (std::uint64_t{1} << histogram::sub_bucket_bits);
    const vec top = vec{} + std::uint64_t{63 - histogram::sub_bucket_bits};
    alignas(64) std::uint64_t index[32];
    for (int k = 0; k < 4; ++k) {
        const vec shift =
            top - reinterpret_cast<vec>(_mm512_lzcnt_epi64(reinterpret_cast<__m512i>(x[k] | fill)));
        const vec b = (x[k] >> shift) + (shift << histogram::sub_bucket_bits);
        std::memcpy(index + 8 * k, &b, sizeof b);
    }
    std::uint64_t* c = s->counts;
#pragma GCC unroll 32
    for (int i = 0; i < 32; ++i)
        ++c[index[i]];
    return pos;
}

void staged_loop(benchmark::State& state, staged_state* s, const std::uint64_t* lat,
                 std::size_t n) {
    std::uint64_t* pos = s->stage;
    for (auto _ : state) {
        for (std::size_t j = 0; j < n; ++j) {
            std::uint64_t v = lat[j];
            ec2bench::detail::do_not_optimize(v);
            *pos = v;
            ++pos;
            if ((reinterpret_cast<std::uintptr_t>(pos) & 255) == 0) pos = staged_block(s, pos);
        }
    }
}
#else
#define EC2BENCH_ANATOMY_STAGED 0
#endif

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
#if EC2BENCH_ANATOMY_STAGED
    reg("anatomy/staged", [](benchmark::State& state) {
        std::vector<std::uint64_t> buckets(
            histogram::bucket_index(std::numeric_limits<std::uint64_t>::max()) + 1, 0);
        auto s = std::make_unique<staged_state>();
        s->counts = buckets.data();
        staged_loop(state, s.get(), latencies.data(), latencies.size());
        ec2bench::do_not_optimize(s->sum);
        ec2bench::do_not_optimize(buckets.data());
        state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(latencies.size()));
    });
#endif
#if EC2BENCH_ANATOMY
    reg("anatomy/record", [](benchmark::State& s) { anatomy<variant::record>(s, latencies); });
    reg("anatomy/xor_lzcnt",
        [](benchmark::State& s) { anatomy<variant::xor_lzcnt>(s, latencies); });
    reg("anatomy/mov_sub_xor",
        [](benchmark::State& s) { anatomy<variant::mov_sub_xor>(s, latencies); });
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
