// SPDX-License-Identifier: MIT
// Google Benchmark fixtures for the prime sieve: the count of the primes below a limit on T
// threads, and a thread sweep with speedup and scaling efficiency against one thread.
#ifndef EC2BENCH_GBENCH_SIEVE_HPP
#define EC2BENCH_GBENCH_SIEVE_HPP

#include <ec2bench/do_not_optimize.hpp>
#include <ec2bench/kernels/sieve.hpp>

#include <ec2bench/gbench/compat.hpp>
#include <ec2bench/gbench/reporter.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ec2bench::gbench {

/// What register_sieve registers.
struct sieve_bench_options {
    /// Count the primes in [start, limit).
    std::uint64_t limit = 10'000'000'000;
    /// The bottom of the interval: a high start with a short interval exercises the large
    /// sieving primes (sqrt(limit)) without sieving everything below.
    std::uint64_t start = 0;
    /// Threads of sieve/count and the top of the sweep; 0 means every CPU we may run on.
    unsigned threads = 0;
    /// Register sieve/sweep/threads:1, 2, 4, ... up to `threads`.
    bool sweep = true;
    /// Segment overrides; its `threads` field is ignored.
    sieve::options sieve;
};

/// A limit as a benchmark name shows it: "1e10", "2^32", else the digits.
///
///     ec2bench::gbench::sieve_limit_name(10'000'000'000);   // "1e10"
inline std::string sieve_limit_name(std::uint64_t n) {
    if (n >= 10) {
        std::uint64_t m = n;
        unsigned e = 0;
        while (m % 10 == 0) {
            m /= 10;
            ++e;
        }
        if (e >= 4 || (m == 1 && e >= 1)) return std::to_string(m) + "e" + std::to_string(e);
    }
    if (n >= 1024 && (n & (n - 1)) == 0) {
        unsigned k = 0;
        while ((std::uint64_t{1} << k) != n) ++k;
        return "2^" + std::to_string(k);
    }
    return std::to_string(n);
}

namespace detail {

/// The one-thread runs of a sweep (every repetition), for the speedup of the others.
struct sweep_base {
    double numbers = 0;
    double seconds = 0;
};

/// One sieve benchmark: counts [start, limit) per iteration with a persistent thread team.
/// Records the instruction-set path that ran as the fact `isa` under `name` (its registered name).
inline void run_sieve_count(benchmark::State& st, const std::string& name, std::uint64_t start,
                            std::uint64_t limit, sieve::options opt,
                            const std::shared_ptr<sweep_base>& single) {
    // Thread creation (a pids cgroup, RLIMIT_NPROC) or allocation can fail: a benchmark error,
    // not std::terminate taking the whole suite and its results file with it.
    std::optional<sieve::prime_sieve<>> s;
    sieve::count_result r;
    double seconds = 0;
    try {
        s.emplace(opt);
        // Outside the timing: threads woken, buffers and pre-sieve patterns built.
        s->count(start, start + std::min<std::uint64_t>(limit - start, 10'000'000));
        for (auto _ : st) {
            r = s->count(start, limit);
            // Ours, not benchmark::DoNotOptimize: Google Benchmark 1.7's "+m,r" constraint is
            // miscompiled by GCC 12 at -O3 on aarch64 (GCC bug 105519): the count read back was
            // an address (365114681616 primes below 1e7).
            ec2bench::do_not_optimize(r.count);
            seconds += r.seconds;
        }
    } catch (const std::exception& e) {
        st.SkipWithError(e.what());
        run_extras failed;  // every call has its record, a failed one too
        failed.facts["error"] = e.what();
        record_extras(st, name, std::move(failed));
        return;
    }
    run_extras x;
    x.facts["isa"] = std::string(r.isa);
    record_extras(st, name, std::move(x));
    const double numbers =
        static_cast<double>(limit - start) * static_cast<double>(st.iterations());
    // items_per_second by hand: SetItemsProcessed takes an int64, too small for 2^64 - 1.
    st.counters["items_per_second"] = benchmark::Counter(numbers, benchmark::Counter::kIsRate);
    st.counters["primes"] = static_cast<double>(r.count);
    st.SetLabel((start != 0 ? "start=" + sieve_limit_name(start) + " " : std::string()) +
                "limit=" + sieve_limit_name(limit) +
                " segment=" + std::to_string(r.sizes.segment_bytes / 1024) + "KiB" +
                " l1=" + std::to_string(r.sizes.l1_bytes / 1024) + "KiB");
    if (single && seconds > 0) {
        if (opt.threads == 1) {
            single->numbers += numbers;
            single->seconds += seconds;
        } else if (single->seconds > 0) {
            const double speedup = numbers / seconds / (single->numbers / single->seconds);
            st.counters["speedup"] = speedup;
            st.counters["efficiency"] = speedup / static_cast<double>(opt.threads);
        }
    }
    const std::int64_t known = start == 0 ? sieve::known_count_below(limit) : -1;
    if (known >= 0) {
        const bool valid = r.count == static_cast<std::uint64_t>(known);
        st.counters["valid"] = valid ? 1.0 : 0.0;
        if (!valid) {
            const std::string msg = "sieve: counted " + std::to_string(r.count) +
                                    " primes below " + sieve_limit_name(limit) + ", expected " +
                                    std::to_string(known);
            st.SkipWithError(msg.c_str());
        }
    }
}

}  // namespace detail

/// Registers sieve/count/<limit>/threads:<T> (sieve/count/<start>-<limit>/threads:<T> when
/// start is not 0; start > limit throws std::invalid_argument) and, with `sweep`,
/// sieve/sweep/threads:<t> for t = 1, 2, 4, ... and T. Counters: items_per_second (numbers sieved per second), primes,
/// valid (1 or 0 where pi(limit) is published), and for the sweep with t > 1 speedup (against
/// all one-thread runs so far, repetitions included) and efficiency (speedup / t). Extras: the
/// fact `isa`, the pre-sieve and popcount path that ran (count_result::isa), or `error`.
///
///     ec2bench::gbench::sieve_bench_options o;  o.limit = 1'000'000'000;
///     ec2bench::gbench::register_sieve(o);
inline std::vector<benchmark_handle> register_sieve(const sieve_bench_options& o) {
    const unsigned top = o.threads != 0
                             ? o.threads
                             : static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
    const std::uint64_t limit = o.limit;
    const std::uint64_t start = o.start;
    if (start > limit) {
        throw std::invalid_argument("register_sieve: start " + std::to_string(start) +
                                    " > limit " + std::to_string(limit) +
                                    ": the interval [start, limit) must have start <= limit");
    }
    std::vector<benchmark_handle> out;
    auto add = [&](const std::string& name, unsigned t,
                   std::shared_ptr<detail::sweep_base> single) {
        sieve::options opt = o.sieve;
        opt.threads = t;
        auto* b = benchmark::RegisterBenchmark(
            name.c_str(), [name, start, limit, opt, single](benchmark::State& st) {
                detail::run_sieve_count(st, name, start, limit, opt, single);
            });
        b->UseRealTime()->Unit(benchmark::kMillisecond);
        out.push_back(b);
    };
    const std::string interval =
        (start != 0 ? sieve_limit_name(start) + "-" : std::string()) + sieve_limit_name(limit);
    add("sieve/count/" + interval + "/threads:" + std::to_string(top), top, nullptr);
    if (o.sweep) {
        auto single = std::make_shared<detail::sweep_base>();
        std::vector<unsigned> ts;
        for (unsigned t = 1; t < top; t *= 2) ts.push_back(t);
        ts.push_back(top);
        for (unsigned t : ts) add("sieve/sweep/threads:" + std::to_string(t), t, single);
    }
    return out;
}

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_SIEVE_HPP
