// SPDX-License-Identifier: MIT
// A log-linear histogram of unsigned integer values (nanoseconds, above all) with its layout
// fixed at compile time: HdrHistogram's buckets, recorded in a handful of instructions, with
// exact count, min, max and sum, exact merge and a stated relative-error bound.
#ifndef EC2BENCH_STATS_HISTOGRAM_HPP
#define EC2BENCH_STATS_HISTOGRAM_HPP

#include <ec2bench/detail/isa.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// record_batch() counts eight values at a time with AVX-512 F and CD (VPLZCNTQ) where the CPU has
// them (Intel from Skylake-SP: EC2's c5, m5, r5 and later; AMD from Zen 4: c7a, m7a, r7a and
// later), chosen at run time: that code is compiled for AVX-512 by its target attribute,
// whatever this translation unit's -march, under its own name (record_batch_avx512).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define EC2BENCH_STATS_X86 1
// Every feature of the avx512 level (detail::isa: x86-64-v4's), so translation units built for
// baseline or x86-64-v3 compile these functions alike.
#define EC2BENCH_STATS_TARGET_AVX512 \
    __attribute__((target("avx2,fma,bmi,bmi2,lzcnt,popcnt,movbe,f16c,avx512f,avx512cd,avx512bw,avx512dq,avx512vl")))
#else
#define EC2BENCH_STATS_X86 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define EC2BENCH_STATS_UNLIKELY(x) __builtin_expect(!!(x), 0)
// The recorder's state stays in registers only if nothing it calls takes its address: the
// slow path must be inlined even where the inliner's budget says otherwise.
#define EC2BENCH_STATS_ALWAYS_INLINE __attribute__((always_inline)) inline
#define EC2BENCH_STATS_ASSUME(x)           \
    do {                                   \
        if (!(x)) __builtin_unreachable(); \
    } while (false)
#else
#define EC2BENCH_STATS_ASSUME(x) static_cast<void>(0)
#define EC2BENCH_STATS_UNLIKELY(x) (x)
#define EC2BENCH_STATS_ALWAYS_INLINE inline
#endif

namespace ec2bench::stats {

/// An exact sum of up to 2^64 values of up to 2^64 - 1: 128 bits (a GCC and Clang extension).
__extension__ typedef unsigned __int128 uint128;

/// Which value of a bucket a quantile reports.
enum class bucket_point {
    upper,     ///< the largest value the bucket holds: never below the true value (HdrHistogram)
    midpoint,  ///< the bucket's middle: half the error, either side
    lower,     ///< the smallest value the bucket holds: never above the true value
};

namespace detail {

/// The number of leading zero bits of v | 1 (63 for 0 and 1, which the caller's tables treat
/// alike: both mean "shift 0"). The OR makes the builtin defined for 0 without a branch: with
/// LZCNT (x86-64-v3) the compiler emits OR and LZCNT, the OR also breaking LZCNT's false
/// dependency on its destination (Intel before Skylake); on baseline x86-64, OR, BSR and XOR.
/// The same tokens in every translation unit, whatever its -march.
constexpr std::uint64_t leading_zeros(std::uint64_t v) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<std::uint64_t>(static_cast<unsigned>(__builtin_clzll(v | 1)));
#else
    std::uint64_t n = 63;
    for (v |= 1; v >>= 1;)
        --n;
    return n;
#endif
}

#if EC2BENCH_STATS_X86
// GCC's vector extension: arithmetic and shifts as operators, which also avoids GCC 12's false
// -Wmaybe-uninitialized in the unmasked _mm512_* intrinsics (GCC bug 105593).
typedef std::uint64_t u64x8 __attribute__((vector_size(64)));
#endif

struct free_deleter {
    void operator()(void* p) const noexcept { std::free(p); }
};

/// The 1-based nearest rank of q among n values, ceil(nq) but at least 1: the rank that
/// quantile(..., inverted_cdf) selects, computed the same way.
inline std::uint64_t nearest_rank(std::uint64_t n, double q) noexcept {
    const double r = std::ceil(product(static_cast<double>(n), q));
    if (r < 1.0) return 1;
    if (r >= static_cast<double>(n)) return n;
    return static_cast<std::uint64_t>(r);
}

}  // namespace detail

/// Counts of unsigned integer values in log-linear buckets: values below 2^(SubBucketBits+1)
/// each have their own bucket; above, every power-of-two range [2^e, 2^(e+1)) is cut into
/// 2^SubBucketBits equal buckets. This is HdrHistogram's layout: SubBucketBits = 10 is its
/// "3 significant digits". Values above MaxValue are counted in the top bucket and in
/// clamped(); their min, max and sum stay exact.
///
/// A reported quantile is the order statistic of nearest rank ceil(qn), read off its bucket:
/// at the bucket's upper edge it is never below the true value and at most 2^-SubBucketBits
/// above it, relatively; at its midpoint it is within 2^-(SubBucketBits+1) either side (see
/// relative_error_bound()). The smallest and largest ranks are exact (min and max), and values
/// below 2^(SubBucketBits+1) are exact.
///
/// Count is the type of one bucket's counter: std::uint64_t, or std::uint32_t for half the
/// memory; a 32-bit bucket that wraps is detected when quantiles are read (std::overflow_error).
///
/// Not thread-safe: give each thread its own histogram (or recorder over its own histogram)
/// and merge() them afterwards. A moved-from histogram may only be assigned to or destroyed.
///
///     ec2bench::stats::latency_histogram h;
///     h.record(t1 - t0);
///     double p99 = h.quantile(0.99);
template <unsigned SubBucketBits, std::uint64_t MaxValue, class Count = std::uint64_t>
class log_linear_histogram {
    static_assert(SubBucketBits >= 1 && SubBucketBits <= 24,
                  "SubBucketBits from 1 (50% buckets) to 24 (6e-6% buckets)");
    static_assert(std::is_same_v<Count, std::uint32_t> || std::is_same_v<Count, std::uint64_t>,
                  "Count is std::uint32_t or std::uint64_t");
    static_assert(MaxValue >= 1, "MaxValue must be at least 1");

public:
    using value_type = std::uint64_t;
    using count_type = Count;

private:
    /// Count, sum, extremes and the fast range [min, min + width): a value inside it needs no
    /// clamping and changes neither extreme, so record() tests one unsigned difference instead
    /// of three comparisons. width is 0 (nothing is inside) while empty, and while every value
    /// so far was clamped.
    struct tally {
        std::uint64_t count = 0;
        std::uint64_t sum_lo = 0;  // the 128-bit sum, in halves for record()
        std::uint64_t sum_hi = 0;
        // 0 - min, wrapping (1 while empty): v - min is then v + neg_min, one LEA where a
        // copy and a subtraction would take two.
        value_type neg_min = 1;
        value_type max = 0;
        std::uint64_t clamped = 0;
        std::uint64_t width = 0;

        EC2BENCH_STATS_ALWAYS_INLINE value_type min() const noexcept { return 0 - neg_min; }
        EC2BENCH_STATS_ALWAYS_INLINE void set_min(value_type m) noexcept { neg_min = 0 - m; }

        EC2BENCH_STATS_ALWAYS_INLINE uint128 sum() const noexcept {
            return (static_cast<uint128>(sum_hi) << 64) | sum_lo;
        }
        EC2BENCH_STATS_ALWAYS_INLINE void add_sum(uint128 s) noexcept {
            const uint128 total = sum() + s;
            sum_lo = static_cast<std::uint64_t>(total);
            sum_hi = static_cast<std::uint64_t>(total >> 64);
        }

        /// The slow path: v (recorded n times) is outside the fast range. Returns v clamped.
        EC2BENCH_STATS_ALWAYS_INLINE value_type widen(value_type v, std::uint64_t n) noexcept {
            set_min(v < min() ? v : min());
            max = v > max ? v : max;
            // Without branches: a branch here makes GCC copy v on the fast path for its merge.
            clamped += v > MaxValue ? n : 0;
            refresh();
            return v < MaxValue ? v : MaxValue;
        }

        /// Adds another tally (of values whose buckets were counted elsewhere).
        EC2BENCH_STATS_ALWAYS_INLINE void add(const tally& o) noexcept {
            if (o.count == 0) return;
            count += o.count;
            add_sum(o.sum());
            set_min(o.min() < min() ? o.min() : min());
            max = o.max > max ? o.max : max;
            clamped += o.clamped;
            refresh();
        }

        EC2BENCH_STATS_ALWAYS_INLINE void refresh() noexcept {
            const value_type top = max < MaxValue ? max : MaxValue;
            // top - min + 1 wraps to 0 for the full 64-bit range: always slow, still right.
            width = count == 0 || min() > top ? 0 : top - min() + 1;
        }
    };

    /// Per leading-zero count of v: the shift that keeps a bucket's significant bits,
    /// and the index of the first bucket of that power of two minus (its lowest value >> shift).
    struct layout_tables {
        std::uint64_t shift[65];
        std::uint64_t offset[65];
    };
    static constexpr layout_tables make_layout() noexcept {
        layout_tables t{};
        for (unsigned lz = 0; lz < 65; ++lz) {  // lz = 64 is v = 0
            const unsigned msb = 63u - (lz < 64 ? lz : 63u);
            const unsigned shift = msb > SubBucketBits ? msb - SubBucketBits : 0u;
            t.shift[lz] = shift;
            t.offset[lz] = std::uint64_t{shift} << SubBucketBits;
        }
        return t;
    }
    static constexpr layout_tables layout = make_layout();

    /// One record: count, 128-bit sum, then either the fast path (v inside [min, min + width):
    /// no extreme changes, no clamp) or widen(). The fast path is what the recorder costs; GCC 12
    /// with LZCNT and BMI2 (x86-64-v3) compiles it to
    ///     lea   (v, neg_min), d       v - min
    ///     cmp   width, d ; jae slow   outside the fast range
    ///     mov   v, d ; or $1, d       leading_zeros(): v | 1
    ///     lzcnt d, d
    ///     mov   shift(, d, 8), i
    ///     shrx  i, v, i
    ///     add   offset(, d, 8), i
    ///     add   $1, (counts, i, 8)
    /// and baseline x86-64 to the same with BSR and an XOR for LZCNT and SHR by CL for SHRX.
    EC2BENCH_STATS_ALWAYS_INLINE static void record_into(tally& t, Count* counts,
                                                         value_type v) noexcept {
        ++t.count;
        // 128-bit add as add + adc: GCC otherwise spends a register and an xor on the zero.
        t.sum_lo += v;
        t.sum_hi += t.sum_lo < v;
        if (EC2BENCH_STATS_UNLIKELY(v + t.neg_min >= t.width)) {
            ++counts[bucket_index(t.widen(v, 1))];
        } else {
            // Inside the fast range v <= MaxValue; saying so lets GCC see the index in bounds.
            EC2BENCH_STATS_ASSUME(v <= MaxValue);
            ++counts[bucket_index(v)];
        }
    }

    /// Values per record_block_avx512() call: its sum of up to block_size values of at most
    /// MaxValue cannot wrap 64 bits when block_size * MaxValue < 2^64; wider layouts take the
    /// scalar loop.
    static constexpr std::size_t block_size = 64;

    /// Whether the layout allows record_batch()'s eight-at-a-time path: MaxValue at most
    /// (2^64 - 1) / block_size, so a block's sum cannot wrap 64 bits.
    static constexpr bool simd_batch_layout =
        MaxValue <= std::numeric_limits<std::uint64_t>::max() / block_size;

#if EC2BENCH_STATS_X86
    /// record_batch() with AVX-512 F and CD: only called where active_isa() says the CPU has
    /// them. The result is what n record_into() calls give.
    EC2BENCH_STATS_TARGET_AVX512 static void record_batch_avx512(tally& t, Count* counts,
                                                                 const value_type* v,
                                                                 std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; i += block_size)
            record_block_avx512(t, counts, v + i, std::min(block_size, n - i));
    }

    /// Records v[0, n), n <= block_size, into t and counts, eight values at a time: bucket
    /// indices by VPLZCNTQ and VPSRLVQ, min, max and sum in vector registers, then the
    /// increments one by one from a small array; the last n % 8 values as record_into() does.
    EC2BENCH_STATS_TARGET_AVX512 static void record_block_avx512(tally& t, Count* counts,
                                                                 const value_type* v,
                                                                 std::size_t n) noexcept {
        std::size_t done = 0;
        {
            using vec = detail::u64x8;
            const vec fill = vec{} + (std::uint64_t{1} << SubBucketBits);
            const vec top = vec{} + std::uint64_t{63 - SubBucketBits};
            const __m512i limit = _mm512_set1_epi64(static_cast<long long>(MaxValue));
            __m512i lo = _mm512_set1_epi64(-1);
            __m512i hi = _mm512_setzero_si512();
            vec sum{};
            alignas(64) std::uint64_t index[block_size];
            done = n & ~std::size_t{7};
            for (std::size_t i = 0; i < done; i += 8) {
                __m512i x = _mm512_loadu_si512(v + i);
                lo = _mm512_maskz_min_epu64(0xff, lo, x);
                hi = _mm512_maskz_max_epu64(0xff, hi, x);
                const __mmask8 over = _mm512_cmpgt_epu64_mask(x, limit);
                if (EC2BENCH_STATS_UNLIKELY(over != 0)) {
                    // Clamped: counted in the top bucket, the sum keeps what was above it.
                    for (unsigned k = 0; k < 8; ++k) {
                        if ((over >> k) & 1u) {
                            ++t.clamped;
                            t.add_sum(v[i + k] - MaxValue);
                        }
                    }
                    x = _mm512_maskz_min_epu64(0xff, x, limit);
                }
                const vec c = reinterpret_cast<vec>(x);
                sum += c;
                // shift = max(msb - SubBucketBits, 0): the OR keeps the msb at or above it.
                const vec shift =
                    top -
                    reinterpret_cast<vec>(_mm512_lzcnt_epi64(reinterpret_cast<__m512i>(c | fill)));
                const vec b = (c >> shift) + (shift << SubBucketBits);
                std::memcpy(index + i, &b, sizeof b);
            }
            for (std::size_t i = 0; i < done; ++i)
                ++counts[index[i]];
            if (done != 0) {
                alignas(64) std::uint64_t lanes_lo[8];
                alignas(64) std::uint64_t lanes_hi[8];
                _mm512_store_si512(lanes_lo, lo);
                _mm512_store_si512(lanes_hi, hi);
                std::uint64_t s = 0;
                for (unsigned k = 0; k < 8; ++k) {
                    s += sum[k];
                    if (lanes_lo[k] < t.min()) t.set_min(lanes_lo[k]);
                    t.max = lanes_hi[k] > t.max ? lanes_hi[k] : t.max;
                }
                t.count += done;
                t.add_sum(s);
                t.refresh();
            }
        }
        tally local = t;  // a local the compiler keeps in registers, not t through a reference
        for (std::size_t i = done; i < n; ++i)
            record_into(local, counts, v[i]);
        t = local;
    }
#endif

public:
    static constexpr unsigned sub_bucket_bits = SubBucketBits;
    static constexpr value_type max_value = MaxValue;

    /// The bucket of v (v <= MaxValue): shift = max(0, msb(v) - SubBucketBits) drops the bits
    /// below the bucket's resolution; (shift << SubBucketBits) + (v >> shift) is contiguous.
    static constexpr std::size_t bucket_index(value_type v) noexcept {
        // Two small tables indexed by the leading-zero count replace the arithmetic on the
        // shift: lzcnt, one load, shrx, one add from memory.
        const std::uint64_t lz = detail::leading_zeros(v);
        return static_cast<std::size_t>((v >> layout.shift[lz]) + layout.offset[lz]);
    }

    /// The number of buckets: enough for 0 to MaxValue.
    static constexpr std::size_t bucket_count = bucket_index(MaxValue) + 1;

    /// The smallest value bucket i holds.
    static constexpr value_type bucket_lower(std::size_t i) noexcept {
        const unsigned shift = shift_of(i);
        return static_cast<value_type>(i - (std::size_t{shift} << SubBucketBits)) << shift;
    }

    /// The largest value bucket i holds (for the top bucket this may exceed MaxValue).
    static constexpr value_type bucket_upper(std::size_t i) noexcept {
        return bucket_lower(i) + ((value_type{1} << shift_of(i)) - 1);
    }

    /// The largest relative error of a reported quantile against the true order statistic of
    /// that rank, for values up to MaxValue: 2^-SubBucketBits at a bucket's edge,
    /// 2^-(SubBucketBits+1) at its midpoint. Both bounds are strict.
    ///
    /// Why: a bucket of width w = 2^s > 1 starts at lo >= 2^(SubBucketBits+s), so a true value
    /// x in [lo, lo+w-1] is at most (w-1)/lo < 2^-SubBucketBits from either edge, relatively,
    /// and at most (w-1)/(2 lo) < 2^-(SubBucketBits+1) from the midpoint.
    static constexpr double relative_error_bound(bucket_point p = bucket_point::upper) noexcept {
        const double edge = 1.0 / static_cast<double>(std::uint64_t{1} << SubBucketBits);
        return p == bucket_point::midpoint ? edge / 2 : edge;
    }

    /// Throws std::invalid_argument for a bad EC2BENCH_ISA (see detail::active_isa()), read
    /// here so that record_batch()'s path is chosen once per histogram.
    log_linear_histogram() : counts_(allocate()), batch_isa_(batch_isa()) {}

    log_linear_histogram(const log_linear_histogram& other)
        : counts_(allocate()), batch_isa_(other.batch_isa_) {
        copy_from(other);
    }
    log_linear_histogram& operator=(const log_linear_histogram& other) {
        if (this != &other) copy_from(other);
        return *this;
    }
    log_linear_histogram(log_linear_histogram&&) noexcept = default;
    log_linear_histogram& operator=(log_linear_histogram&&) noexcept = default;
    ~log_linear_histogram() = default;

    /// Counts v once.
    void record(value_type v) noexcept { record_into(t_, counts_.get(), v); }

    /// Counts v n times (n = 0 records nothing).
    void record(value_type v, std::uint64_t n) noexcept {
        if (n == 0) return;
        t_.count += n;
        t_.add_sum(static_cast<uint128>(v) * n);
        v = t_.widen(v, n);
        counts_[bucket_index(v)] += static_cast<Count>(n);
    }

    /// Records into the histogram with count, sum, min and max in locals (registers, in a
    /// loop the compiler sees whole), published by flush() or the destructor. Until then the
    /// histogram's own count(), min(), ... lag behind.
    ///
    ///     { latency_histogram::recorder rec(h); for (...) rec.record(ns); }  // flushed here
    class recorder {
    public:
        explicit recorder(log_linear_histogram& h) noexcept : h_(&h), counts_(h.counts_.get()) {}
        recorder(const recorder&) = delete;
        recorder& operator=(const recorder&) = delete;
        // Inlined always: a destructor called out of line takes the recorder's address, and
        // then GCC keeps its count and sum in memory for the whole loop.
        EC2BENCH_STATS_ALWAYS_INLINE ~recorder() { flush(); }

        EC2BENCH_STATS_ALWAYS_INLINE void record(value_type v) noexcept {
            record_into(t_, counts_, v);
        }

        /// Publishes what was recorded so far into the histogram.
        EC2BENCH_STATS_ALWAYS_INLINE void flush() noexcept {
            h_->t_.add(t_);
            t_ = tally{};
        }

    private:
        log_linear_histogram* h_;
        Count* counts_;
        tally t_;
    };

    /// Records n values at `values`: where the CPU has AVX-512 (F, CD; see simd_batch()),
    /// eight at a time, else value by value as a recorder does. The counts and tally are the
    /// same either way.
    ///
    ///     h.record_batch(samples.data(), samples.size());
    void record_batch(const value_type* values, std::size_t n) noexcept {
#if EC2BENCH_STATS_X86
        if constexpr (simd_batch_layout) {
            if (batch_isa_ == ec2bench::detail::isa::avx512) {
                tally t;
                record_batch_avx512(t, counts_.get(), values, n);
                t_.add(t);
                return;
            }
        }
#endif
        recorder rec(*this);
        for (std::size_t i = 0; i < n; ++i)
            rec.record(values[i]);
    }

    /// Whether record_batch() counts eight values at a time: the CPU has AVX-512 F and CD (and
    /// EC2BENCH_ISA did not lower the level below avx512 when the histogram was made), and the
    /// layout allows it (simd_batch_layout).
    bool simd_batch() const noexcept {
        return EC2BENCH_STATS_X86 && simd_batch_layout &&
               batch_isa_ == ec2bench::detail::isa::avx512;
    }

    /// Records every value of a contiguous range of std::uint64_t.
    template <class Range>
    void record_batch(const Range& values) noexcept {
        using std::data;
        using std::size;
        record_batch(data(values), size(values));
    }

    /// Adds other's counts: afterwards this histogram is what recording both inputs would give.
    void merge(const log_linear_histogram& other) noexcept {
        if (other.t_.count == 0) return;
        const auto [lo, hi] = used_buckets(other.t_);
        Count* dst = counts_.get();
        const Count* src = other.counts_.get();
        for (std::size_t i = lo; i <= hi; ++i)
            dst[i] += src[i];
        t_.add(other.t_);
    }

    /// Forgets every value.
    void reset() noexcept {
        if (t_.count != 0) {
            const auto [lo, hi] = used_buckets(t_);
            std::memset(counts_.get() + lo, 0, (hi - lo + 1) * sizeof(Count));
        }
        t_ = tally{};
    }

    /// The number of values recorded, exact.
    std::uint64_t count() const noexcept { return t_.count; }
    bool empty() const noexcept { return t_.count == 0; }
    /// The smallest value recorded, exact (UINT64_MAX when empty).
    value_type min() const noexcept { return t_.min(); }
    /// The largest value recorded, exact, even when above MaxValue (0 when empty).
    value_type max() const noexcept { return t_.max; }
    /// The sum of the values recorded, exact (128 bits cannot overflow: at most 2^64 values of
    /// at most 2^64 - 1).
    uint128 sum() const noexcept { return t_.sum(); }
    /// The mean of the values recorded, from the exact sum (NaN when empty).
    double mean() const noexcept {
        return t_.count == 0 ? std::numeric_limits<double>::quiet_NaN()
                             : static_cast<double>(static_cast<long double>(t_.sum()) /
                                                   static_cast<long double>(t_.count));
    }
    /// How many values were above MaxValue and counted in the top bucket.
    std::uint64_t clamped() const noexcept { return t_.clamped; }

    /// The count in bucket i.
    Count bucket(std::size_t i) const noexcept { return counts_[i]; }

    /// The q-quantile (nearest rank, as quantile(..., inverted_cdf) on the raw values) read at
    /// `point` of its bucket, clamped to [min(), max()]. Throws std::domain_error for q outside
    /// [0, 1], std::invalid_argument when empty.
    ///
    ///     double p999 = h.quantile(0.999);
    double quantile(double q, bucket_point point = bucket_point::upper) const {
        return quantiles_of("log_linear_histogram::quantile", &q, 1, point)[0];
    }

    /// Several quantiles in one pass over the buckets, in the order of qs.
    ///
    ///     auto p = h.quantiles({0.5, 0.9, 0.99, 0.999});
    template <class QRange>
    std::vector<double> quantiles(const QRange& qs,
                                  bucket_point point = bucket_point::upper) const {
        const auto q = detail::probabilities(qs);
        return quantiles_of("log_linear_histogram::quantiles", q.data(), q.size(), point);
    }
    std::vector<double> quantiles(std::initializer_list<double> qs,
                                  bucket_point point = bucket_point::upper) const {
        return quantiles_of("log_linear_histogram::quantiles", qs.begin(), qs.size(), point);
    }

    /// One non-empty bucket: the values it holds, [lower, upper], and how many were recorded.
    struct bucket_info {
        value_type lower;
        value_type upper;
        std::uint64_t count;
    };

    /// Calls f(bucket_info) for every non-empty bucket in ascending order (for a results file).
    ///
    ///     h.for_each_bucket([&](const auto& b) { out << b.lower << ' ' << b.count << '\n'; });
    template <class F>
    void for_each_bucket(F&& f) const {
        if (t_.count == 0) return;
        const auto [lo, hi] = used_buckets(t_);
        for (std::size_t i = lo; i <= hi; ++i) {
            if (counts_[i] != 0) f(bucket_info{bucket_lower(i), bucket_upper(i), counts_[i]});
        }
    }

private:
    /// The buckets of a non-empty tally's min and max (clamped): every count lies between.
    static std::pair<std::size_t, std::size_t> used_buckets(const tally& t) noexcept {
        return {bucket_index(std::min(t.min(), MaxValue)), bucket_index(std::min(t.max, MaxValue))};
    }

    static constexpr unsigned shift_of(std::size_t i) noexcept {
        const auto top = static_cast<unsigned>(i >> SubBucketBits);
        return top == 0 ? 0u : top - 1u;
    }

    static Count* allocate() {
        // calloc: large blocks come from mmap as zero pages, so only the buckets that are used
        // ever cost memory, and construction does not write 260 KiB.
        void* p = std::calloc(bucket_count, sizeof(Count));
        if (p == nullptr) throw std::bad_alloc();
        return static_cast<Count*>(p);
    }

    void copy_from(const log_linear_histogram& other) {
        std::memcpy(counts_.get(), other.counts_.get(), bucket_count * sizeof(Count));
        t_ = other.t_;
    }

    double value_at(std::size_t i, std::uint64_t rank, bucket_point point) const noexcept {
        if (rank == 1) return static_cast<double>(t_.min());
        if (rank == t_.count) return static_cast<double>(t_.max);
        const auto lo = static_cast<double>(std::max(bucket_lower(i), t_.min()));
        const auto hi = static_cast<double>(std::min(bucket_upper(i), t_.max));
        switch (point) {
            case bucket_point::upper:
                return hi;
            case bucket_point::lower:
                return lo;
            case bucket_point::midpoint:
                break;
        }
        const double mid =
            (static_cast<double>(bucket_lower(i)) + static_cast<double>(bucket_upper(i))) / 2;
        return std::min(std::max(mid, lo), hi);
    }

    std::vector<double> quantiles_of(const char* fn, const double* qs, std::size_t nq,
                                     bucket_point point) const {
        for (std::size_t i = 0; i < nq; ++i)
            detail::check_probability(fn, qs[i]);
        if (t_.count == 0) {
            throw std::invalid_argument(std::string(fn) +
                                        ": the histogram is empty: record at least one value");
        }
        // Targets in ascending rank; one pass over the buckets from min's to max's.
        std::vector<std::pair<std::uint64_t, std::size_t>> targets(nq);
        for (std::size_t i = 0; i < nq; ++i)
            targets[i] = {detail::nearest_rank(t_.count, qs[i]), i};
        std::sort(targets.begin(), targets.end());
        std::vector<double> out(nq);
        const auto [lo, hi] = used_buckets(t_);
        const Count* c = counts_.get();
        std::uint64_t seen = 0;
        std::size_t t = 0;
        std::size_t i = lo;
        // Blocks of 16 buckets are summed with SIMD and skipped whole until one holds the next
        // target rank; only that block is scanned bucket by bucket.
        constexpr std::size_t block = 16;
        while (t < nq && i <= hi) {
            const std::uint64_t next = targets[t].first;
            if (i + block <= hi + 1) {
                std::uint64_t s = 0;
                for (std::size_t j = 0; j < block; ++j)
                    s += c[i + j];
                if (seen + s < next) {
                    seen += s;
                    i += block;
                    continue;
                }
            }
            seen += c[i];
            while (t < nq && targets[t].first <= seen) {
                out[targets[t].second] = value_at(i, targets[t].first, point);
                ++t;
            }
            ++i;
        }
        if constexpr (sizeof(Count) < sizeof(std::uint64_t)) {
            // A 32-bit bucket that wrapped loses a multiple of 2^32 from the total.
            for (; i <= hi; ++i)
                seen += c[i];
            if (seen != t_.count || t < nq) {
                throw std::overflow_error(
                    std::string(fn) + ": a bucket's 32-bit count overflowed (" +
                    std::to_string(t_.count) + " values recorded, " + std::to_string(seen) +
                    " counted): use Count = std::uint64_t");
            }
        }
        return out;
    }

    /// The level record_batch() may use: AVX-512 or not, read at construction.
    static ec2bench::detail::isa batch_isa() { return ec2bench::detail::active_isa(); }

    std::unique_ptr<Count[], detail::free_deleter> counts_;
    ec2bench::detail::isa batch_isa_;
    tally t_;
};

/// Nanosecond latencies from 1 ns to one hour at HdrHistogram's 3 significant digits: buckets
/// at most 1/1024 of their value wide (relative error below 0.098% at a bucket's edge, 0.049%
/// at its midpoint), 33,421 buckets of 8 bytes (261 KiB, touched only where values fall).
using latency_histogram = log_linear_histogram<10, std::uint64_t{3'600'000'000'000}>;

}  // namespace ec2bench::stats

#undef EC2BENCH_STATS_UNLIKELY
#undef EC2BENCH_STATS_ALWAYS_INLINE
#undef EC2BENCH_STATS_ASSUME
#undef EC2BENCH_STATS_X86
#undef EC2BENCH_STATS_TARGET_AVX512

#endif  // EC2BENCH_STATS_HISTOGRAM_HPP
