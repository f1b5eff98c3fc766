// SPDX-License-Identifier: MIT
// Google Benchmark fixtures for STREAM: one benchmark per kernel and element type, each iteration
// one timed pass (manual time, measured inside the thread team), plus a triad thread sweep.
#ifndef EC2BENCH_GBENCH_STREAM_HPP
#define EC2BENCH_GBENCH_STREAM_HPP

#include <ec2bench/gbench/reporter.hpp>
#include <ec2bench/kernels/stream.hpp>

#include <ec2bench/gbench/compat.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace ec2bench::gbench {

/// What register_stream() registers.
struct stream_bench_options {
    /// Elements, threads, streaming stores, pages and scalar for every benchmark (passes is not
    /// used: Google Benchmark decides the iterations unless `passes` below is set).
    ec2bench::stream::options stream;
    bool doubles = true;
    bool floats = true;
    std::vector<ec2bench::stream::kernel> kernels{ec2bench::stream::all_kernels.begin(),
                                                  ec2bench::stream::all_kernels.end()};
    /// Also register stream/sweep/triad/double/threads:<t> for t = 1, 2, 4, ... and T (T =
    /// stream.threads or every CPU).
    bool sweep = true;
    /// Timed passes per benchmark (Google Benchmark iterations); unset: its own choice.
    std::optional<std::uint64_t> passes;
};

namespace detail {

/// Keeps the arrays of STREAM configurations alive across the benchmarks that share them
/// (allocating and first-touching gigabytes per benchmark would dominate the run). With the
/// suite's interleaved repetitions the configurations (double, float, the sweep's thread counts)
/// take turns, so several are kept, least recently used first out, while they all fit in half
/// of the memory there is to use (MemAvailable plus what the cache holds); a configuration that
/// does not fit beside the others frees them before it allocates.
class stream_session_cache {
public:
    template <class T>
    ec2bench::stream::session<T>& get(const ec2bench::stream::options& opt) {
        const ec2bench::stream::machine m = ec2bench::stream::machine::probe();
        // Threads 0 means every CPU we may run on: the same configuration as naming that count.
        const unsigned threads = opt.threads != 0 ? opt.threads : static_cast<unsigned>(m.cpus.size());
        const key k{sizeof(T), opt.elements, threads, static_cast<int>(opt.nt),
                    static_cast<int>(opt.pages), opt.pin, opt.scalar};
        ++clock_;
        for (auto& e : entries_) {
            if (e.k == k) {
                e.used = clock_;
                return *std::get<std::unique_ptr<ec2bench::stream::session<T>>>(e.s);
            }
        }
        const std::size_t n = opt.elements ? *opt.elements
                                           : ec2bench::stream::session<T>::default_elements(m.llc_total_bytes);
        const std::size_t need = 3 * n * sizeof(T);
        const auto held = [&] {
            std::size_t b = 0;
            for (const auto& e : entries_) b += e.bytes;
            return b;
        };
        // Unknown memory (0): keep nothing beside the new one, as before.
        while (!entries_.empty() &&
               (m.mem_available_bytes == 0 || held() + need > (m.mem_available_bytes + held()) / 2)) {
            const auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                                 [](const entry& x, const entry& y) { return x.used < y.used; });
            entries_.erase(oldest);
        }
        auto session = std::make_unique<ec2bench::stream::session<T>>(opt);
        auto& ref = *session;
        entries_.push_back(entry{k, session_ptr(std::move(session)), need, clock_});
        return ref;
    }
    void clear() { entries_.clear(); }
    /// Configurations held now (for tests).
    std::size_t size() const noexcept { return entries_.size(); }

private:
    struct key {
        std::size_t type = 0;
        std::optional<std::size_t> elements;
        unsigned threads = 0;
        int nt = 0, pages = 0;
        bool pin = false;
        double scalar = 0;
        bool operator==(const key& o) const {
            return std::tie(type, elements, threads, nt, pages, pin, scalar) ==
                   std::tie(o.type, o.elements, o.threads, o.nt, o.pages, o.pin, o.scalar);
        }
    };
    using session_ptr = std::variant<std::unique_ptr<ec2bench::stream::session<double>>,
                                     std::unique_ptr<ec2bench::stream::session<float>>>;
    struct entry {
        key k;
        session_ptr s;
        std::size_t bytes = 0;
        std::uint64_t used = 0;
    };
    std::vector<entry> entries_;
    std::uint64_t clock_ = 0;
};

template <class T>
inline const char* type_name() {
    return std::is_same_v<T, double> ? "double" : "float";
}

inline const char* pages_name(ec2bench::stream::page_backing p) {
    switch (p) {
        case ec2bench::stream::page_backing::hugetlb: return "hugetlb";
        case ec2bench::stream::page_backing::transparent_advised: return "thp";
        case ec2bench::stream::page_backing::ordinary: return "4k";
        case ec2bench::stream::page_backing::none: break;
    }
    return "none";
}

/// One STREAM kernel benchmark: a dropped warm-up pass, then one timed pass per iteration, then
/// STREAM's validation. A failed validation is reported as an error, never as a rate. Extras
/// (under `name`, the registered name): facts isa, nt, pages; values elements, threads.
template <class T>
inline void stream_benchmark(benchmark::State& state,
                             const std::shared_ptr<stream_session_cache>& cache,
                             const ec2bench::stream::options& opt, ec2bench::stream::kernel k,
                             const std::string& name) {
    ec2bench::stream::session<T>* s = nullptr;
    std::string error;
    try {
        s = &cache->get<T>(opt);
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (s == nullptr) {
        state.SkipWithError(error.c_str());
        for (auto _ : state) {
        }
        // Recorded all the same (what the options say), so that every call has its record.
        run_extras x;
        x.facts["nt"] = std::string(ec2bench::stream::nt_mode_name(opt.nt));
        if (opt.elements) x.values["elements"] = static_cast<double>(*opt.elements);
        x.values["threads"] = static_cast<double>(opt.threads);
        record_extras(state, name, std::move(x));
        return;
    }
    run_extras x;
    // The instruction-set level whose code ran: the same for every pass of the session.
    x.facts["isa"] = std::string(ec2bench::detail::isa_name(s->isa()));
    x.facts["nt"] = s->non_temporal() ? "on" : "off";
    x.facts["pages"] = pages_name(s->pages());
    x.values["elements"] = static_cast<double>(s->elements());
    x.values["threads"] = static_cast<double>(s->threads());
    s->run_pass(k);  // dropped, as STREAM drops its first pass
    double best = std::numeric_limits<double>::infinity();
    for (auto _ : state) {
        const double sec = s->run_pass(k);
        state.SetIterationTime(sec);
        best = std::min(best, sec);
    }
    const ec2bench::stream::validation v = s->validate();
    if (!v.passed) {
        state.SkipWithError(("STREAM validation failed: " + v.message).c_str());
        record_extras(state, name, std::move(x));
        return;
    }
    const std::uint64_t bytes = ec2bench::stream::stream_bytes(k, s->elements(), sizeof(T));
    const std::uint64_t wa_bytes =
        ec2bench::stream::write_allocate_bytes(k, s->elements(), sizeof(T), s->non_temporal());
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
    state.counters["best_bytes_per_second"] = static_cast<double>(bytes) / best;
    state.counters["best_wa_bytes_per_second"] = static_cast<double>(wa_bytes) / best;
    state.counters["valid"] = 1;
    state.counters["elements"] = static_cast<double>(s->elements());
    state.counters["threads"] = static_cast<double>(s->threads());
    state.counters["nt"] = s->non_temporal() ? 1 : 0;
    state.SetLabel("isa=" + x.facts["isa"] + " nt=" + x.facts["nt"] + " pages=" + x.facts["pages"]);
    record_extras(state, name, std::move(x));
}

template <class T>
inline void register_stream_type(const stream_bench_options& o,
                                 const std::shared_ptr<stream_session_cache>& cache,
                                 std::vector<benchmark_handle>& out) {
    const auto finish = [&](benchmark_handle b) {
        b->UseManualTime()->Unit(benchmark::kMillisecond);
        if (o.passes) b->Iterations(static_cast<benchmark::IterationCount>(*o.passes));
        out.push_back(b);
    };
    for (const ec2bench::stream::kernel k : o.kernels) {
        const std::string name = std::string("stream/") +
                                 std::string(ec2bench::stream::kernel_name(k)) + "/" + type_name<T>();
        const ec2bench::stream::options opt = o.stream;
        finish(benchmark::RegisterBenchmark(name.c_str(),
                                            [cache, opt, k, name](benchmark::State& st) {
                                                stream_benchmark<T>(st, cache, opt, k, name);
                                            }));
    }
}

}  // namespace detail

/// Registers stream/<kernel>/<type> for each kernel and type asked for, and the triad thread
/// sweep stream/sweep/triad/double/threads:<t> (t = 1, 2, 4, ... T). Counters: bytes_per_second (Google Benchmark's,
/// over the mean pass), best_bytes_per_second (STREAM's best-of-N), best_wa_bytes_per_second
/// (counting write-allocate reads), valid, elements, threads, nt; label and extras facts `isa`
/// (the instruction-set level whose code ran), `nt` and `pages`.
///
///     ec2bench::gbench::stream_bench_options o;
///     o.stream.elements = 80'000'000;
///     ec2bench::gbench::register_stream(o);
inline std::vector<benchmark_handle> register_stream(
    const stream_bench_options& o) {
    auto cache = std::make_shared<detail::stream_session_cache>();
    std::vector<benchmark_handle> out;
    if (o.doubles) detail::register_stream_type<double>(o, cache, out);
    if (o.floats) detail::register_stream_type<float>(o, cache, out);
    if (o.sweep) {
        // 1, 2, 4, ... and T itself: each point allocates and first-touches the arrays again, so
        // a linear sweep would take minutes on a 192-CPU instance for little more information.
        const auto ncpu = static_cast<unsigned>(ec2bench::detail::allowed_cpus().size());
        const unsigned max_threads = o.stream.threads == 0 ? ncpu : o.stream.threads;
        std::vector<unsigned> points;
        for (unsigned t = 1; t < max_threads; t *= 2) points.push_back(t);
        points.push_back(max_threads);
        for (const unsigned t : points) {
            ec2bench::stream::options opt = o.stream;
            opt.threads = t;
            const std::string name = "stream/sweep/triad/double/threads:" + std::to_string(t);
            auto* b = benchmark::RegisterBenchmark(
                name.c_str(), [cache, opt, name](benchmark::State& st) {
                    detail::stream_benchmark<double>(st, cache, opt,
                                                     ec2bench::stream::kernel::triad, name);
                });
            b->UseManualTime()->Unit(benchmark::kMillisecond);
            if (o.passes) b->Iterations(static_cast<benchmark::IterationCount>(*o.passes));
            out.push_back(b);
        }
    }
    return out;
}

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_STREAM_HPP
