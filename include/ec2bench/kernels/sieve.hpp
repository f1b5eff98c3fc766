// SPDX-License-Identifier: MIT
// The prime sieve: counts or visits the primes in [lo, hi) for 64-bit bounds with a segmented
// sieve of Eratosthenes on a mod-30 wheel (one byte per 30 numbers), pre-sieved by the primes up
// to 163, with separate crossing-off strategies for small, medium and large sieving primes and
// threads over dynamically claimed chunks. docs/sieve.md describes the algorithm.
//
// This header is the API; the parts, one job each, are under sieve/: the wheel (wheel.hpp), the
// pre-sieve (presieve.hpp), crossing off (cross_off.hpp) and the large primes' buckets
// (buckets.hpp), counting (count.hpp), the choice of instruction set (dispatch.hpp), the
// segmented sieve (segmented.hpp) and the sizes and chunks of a run (plan.hpp).
#ifndef EC2BENCH_KERNELS_SIEVE_HPP
#define EC2BENCH_KERNELS_SIEVE_HPP

#include <ec2bench/detail/clock.hpp>
#include <ec2bench/detail/thread_team.hpp>
#include <ec2bench/kernels/sieve/count.hpp>
#include <ec2bench/kernels/sieve/dispatch.hpp>
#include <ec2bench/kernels/sieve/options.hpp>
#include <ec2bench/kernels/sieve/plan.hpp>
#include <ec2bench/kernels/sieve/segmented.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace ec2bench::sieve {

/// A reusable sieve: keeps its threads (a pinned team) and their buffers between calls, so
/// repeated measurements pay for neither. Not for concurrent use from several threads. Each call
/// chooses its pre-sieve and popcount path from the CPU and EC2BENCH_ISA (count_result::isa
/// says which); a bad EC2BENCH_ISA makes every call throw std::invalid_argument.
///
///     ec2bench::sieve::prime_sieve<> s(opt);
///     auto r = s.count(0, 10'000'000'000);   // r.count == 455052511
template <class SegmentPolicy = cache_segments>
class prime_sieve {
public:
    explicit prime_sieve(const options& opt = {}) : opt_(opt) {
        SegmentPolicy::sizes(opt_, 0);  // validates the overrides now
        threads_ = opt.threads != 0
                       ? opt.threads
                       : static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
        workers_.resize(threads_);  // members fill in their own slots, concurrently
    }

    /// Threads this sieve uses at most.
    unsigned threads() const noexcept { return threads_; }

    /// Counts the primes in [lo, hi). Throws std::invalid_argument when lo > hi.
    count_result count(std::uint64_t lo, std::uint64_t hi) {
        count_result r;
        const std::uint64_t t0 = ec2bench::detail::now_ns();
        r.count = reduce(lo, hi, detail::prime_tally{}, &r).n;
        r.seconds = ec2bench::detail::seconds_between(t0, ec2bench::detail::now_ns());
        return r;
    }

    /// Folds every segment of [lo, hi) into a user counter, on all threads: each thread runs
    /// `c(segment)` on a value-initialised Counter for each segment_view of its chunks, and the
    /// result is `init += c` over the threads' counters. Counter needs a default constructor,
    /// `void operator()(const segment_view&)` and `operator+=`. 2, 3 and 5 are in no segment.
    ///
    ///     struct tally { std::uint64_t n = 0; void operator()(const segment_view& s) { n += s.count(); }
    ///                    tally& operator+=(const tally& o) { n += o.n; return *this; } };
    ///     auto t = s.reduce(0, 1'000'000, tally{});   // t.n == 78495: without 2, 3, 5
    template <class Counter>
    Counter reduce(std::uint64_t lo, std::uint64_t hi, Counter init) {
        return reduce(lo, hi, std::move(init), nullptr);
    }

    /// Calls f(prime) for every prime in [lo, hi) in ascending order, on the calling thread
    /// (options::threads does not apply). When f returns bool, false stops the walk early.
    template <class F>
    void for_each(std::uint64_t lo, std::uint64_t hi, F&& f) {
        const segment_sizes z = SegmentPolicy::sizes(opt_, hi);
        const detail::plan p = detail::make_plan(lo, hi, 1, z);
        const detail::kernels& k = detail::active_kernels();
        for (std::uint64_t small : {2u, 3u, 5u}) {
            if (lo <= small && small < hi) {
                if constexpr (std::is_same_v<decltype(f(small)), bool>) {
                    if (!f(small)) return;
                } else {
                    f(small);
                }
            }
        }
        if (p.chunks == 0) return;
        detail::main_sieve& s = worker(0);
        s.configure(z, k);
        s.start(p.lo, p.hi);
        while (s.next_segment()) {
            if (!s.view().for_each(f)) return;
        }
    }

    /// Calls f(thread, prime) for every prime in [lo, hi), from all threads at once: each thread
    /// sees its chunks in ascending order, but chunks interleave across threads. f must be safe
    /// to call concurrently for different `thread` values (0 .. threads() - 1).
    template <class F>
    void for_each_parallel(std::uint64_t lo, std::uint64_t hi, F&& f) {
        const segment_sizes z = SegmentPolicy::sizes(opt_, hi);
        const detail::plan p = detail::make_plan(lo, hi, threads_, z);
        const detail::kernels& k = detail::active_kernels();
        for (std::uint64_t small : {2u, 3u, 5u}) {
            if (lo <= small && small < hi) f(0u, small);
        }
        if (p.chunks == 0) return;
        const auto members = static_cast<unsigned>(std::min<std::uint64_t>(threads_, p.chunks));
        std::atomic<std::uint64_t> next{0};
        auto body = [&](unsigned m) {
            detail::main_sieve& s = worker(m);
            s.configure(z, k);
            auto visit = [&](std::uint64_t prime) { f(m, prime); };
            for (std::uint64_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < p.chunks;) {
                const auto [l, h] = p.chunk(i);
                s.start(l, h);
                while (s.next_segment()) s.view().for_each(visit);
            }
        };
        if (members == 1) {
            body(0);
        } else {
            team(members).run(body);
        }
    }

private:
    template <class Counter>
    Counter reduce(std::uint64_t lo, std::uint64_t hi, Counter init, count_result* r) {
        const segment_sizes z = SegmentPolicy::sizes(opt_, hi);
        const detail::plan p = detail::make_plan(lo, hi, threads_, z);
        const detail::kernels& k = detail::active_kernels();
        const auto members = static_cast<unsigned>(
            std::min<std::uint64_t>(threads_, std::max<std::uint64_t>(p.chunks, 1)));
        if (r != nullptr) {
            r->isa = k.isa;
            r->sizes = z;
            r->chunks = p.chunks;
            r->threads = members;
        }
        if constexpr (std::is_same_v<Counter, detail::prime_tally>) init.n += p.below_seven;
        if (members == 1) {
            Counter c{};
            fold_chunks(worker(0), p, z, k, nullptr, c);
            init += c;
        } else {
            std::atomic<std::uint64_t> next{0};
            std::vector<Counter> partial(members);
            team(members).run([&](unsigned m) { fold_chunks(worker(m), p, z, k, &next, partial[m]); });
            for (const Counter& c : partial) init += c;
        }
        return init;
    }

    /// Sieves the chunks of `p` (all of them when `next` is null, else those claimed from it)
    /// into `c`.
    template <class Counter>
    void fold_chunks(detail::main_sieve& s, const detail::plan& p, const segment_sizes& z,
                     const detail::kernels& k, std::atomic<std::uint64_t>* next, Counter& c) {
        if (p.chunks == 0) return;
        s.configure(z, k);
        for (std::uint64_t i = 0;;) {
            if (next != nullptr) i = next->fetch_add(1, std::memory_order_relaxed);
            if (i >= p.chunks) break;
            const auto [l, h] = p.chunk(i);
            s.start(l, h);
            while (s.next_segment()) c(s.view());
            if (next == nullptr) ++i;
        }
    }

    /// Member m's sieve, created on first use by that member (so its pages are local to it).
    detail::main_sieve& worker(unsigned m) {
        if (!workers_[m]) workers_[m] = std::make_unique<detail::main_sieve>();
        return *workers_[m];
    }

    ec2bench::detail::thread_team& team(unsigned members) {
        if (!team_ || team_->size() != members) {
            team_.reset();
            team_ = std::make_unique<ec2bench::detail::thread_team>(members);
        }
        return *team_;
    }

    options opt_;
    unsigned threads_ = 1;
    std::vector<std::unique_ptr<detail::main_sieve>> workers_;
    std::unique_ptr<ec2bench::detail::thread_team> team_;
};

/// The number of primes in [lo, hi), on every allowed CPU unless opt.threads says otherwise.
///
///     std::uint64_t n = ec2bench::sieve::count_primes(0, 10'000'000'000);   // 455052511
inline std::uint64_t count_primes(std::uint64_t lo, std::uint64_t hi, const options& opt = {}) {
    return prime_sieve<>(opt).count(lo, hi).count;
}

/// count_primes with the time it took and the sizes it used.
///
///     auto r = ec2bench::sieve::count_primes_timed(0, 1e10);   // r.count, r.seconds
inline count_result count_primes_timed(std::uint64_t lo, std::uint64_t hi,
                                       const options& opt = {}) {
    return prime_sieve<>(opt).count(lo, hi);
}

/// Calls f(prime) for every prime in [lo, hi), in ascending order, from the calling thread only.
/// When f returns bool, returning false stops early.
///
///     ec2bench::sieve::for_each_prime(0, 100, [&](std::uint64_t p) { primes.push_back(p); });
template <class F>
void for_each_prime(std::uint64_t lo, std::uint64_t hi, F&& f, const options& opt = {}) {
    options o = opt;
    o.threads = 1;
    prime_sieve<>(o).for_each(lo, hi, std::forward<F>(f));
}

/// Calls f(thread, prime) for every prime in [lo, hi) from opt.threads threads at once; see
/// prime_sieve::for_each_parallel for the order.
///
///     std::vector<std::uint64_t> sum(threads);
///     for_each_prime_parallel(0, 1e9, [&](unsigned t, std::uint64_t p) { sum[t] += p; }, opt);
template <class F>
void for_each_prime_parallel(std::uint64_t lo, std::uint64_t hi, F&& f, const options& opt = {}) {
    prime_sieve<>(opt).for_each_parallel(lo, hi, std::forward<F>(f));
}

/// pi(n - 1), the number of primes below n, where it is published (OEIS A006880 for powers of
/// ten up to 10^19, A007053 for powers of two up to 2^40); -1 otherwise.
///
///     ec2bench::sieve::known_count_below(10'000'000'000);   // 455052511
inline std::int64_t known_count_below(std::uint64_t n) noexcept {
    struct entry {
        std::uint64_t n;
        std::int64_t pi;
    };
    static constexpr entry table[] = {
        {1, 0},
        {10, 4},
        {100, 25},
        {1000, 168},
        {10000, 1229},
        {100000, 9592},
        {1000000, 78498},
        {10000000, 664579},
        {100000000, 5761455},
        {1000000000, 50847534},
        {10000000000u, 455052511},
        {100000000000u, 4118054813},
        {1000000000000u, 37607912018},
        {10000000000000u, 346065536839},
        {100000000000000u, 3204941750802},
        {1000000000000000u, 29844570422669},
        {10000000000000000u, 279238341033925},
        {100000000000000000u, 2623557157654233},
        {1000000000000000000u, 24739954287740860},
        {10000000000000000000u, 234057667276344607},
        {std::uint64_t{1} << 16, 6542},
        {std::uint64_t{1} << 20, 82025},
        {std::uint64_t{1} << 24, 1077871},
        {std::uint64_t{1} << 30, 54400028},
        {std::uint64_t{1} << 32, 203280221},
        {std::uint64_t{1} << 33, 393615806},
        {std::uint64_t{1} << 34, 762939111},
        {std::uint64_t{1} << 35, 1480206279},
        {std::uint64_t{1} << 36, 2874398515},
        {std::uint64_t{1} << 40, 41203088796},
    };
    for (const entry& e : table) {
        if (e.n == n) return e.pi;
    }
    return -1;
}

}  // namespace ec2bench::sieve

#endif  // EC2BENCH_KERNELS_SIEVE_HPP
