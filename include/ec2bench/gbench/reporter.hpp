// SPDX-License-Identifier: MIT
// Capturing Google Benchmark's own JSON while it prints to the console, and the per-run facts
// (strings, warnings) that fixtures attach beside Google Benchmark's numeric counters.
#ifndef EC2BENCH_GBENCH_REPORTER_HPP
#define EC2BENCH_GBENCH_REPORTER_HPP

#include <ec2bench/gbench/compat.hpp>

#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ec2bench::gbench {

/// What a fixture knows about one run beyond Google Benchmark's counters: strings (the
/// filesystem, the ISA used), numbers that are not rates, and warnings ("fsync is a no-op on
/// tmpfs"). The results file carries them, per repetition, under ec2bench.benchmarks.<run name>.
struct run_extras {
    std::map<std::string, std::string> facts;
    std::map<std::string, double> values;
    std::vector<std::string> warnings;
};

/// A benchmark's extras by its run name (Google Benchmark's run_name), one per repetition in
/// repetition order.
using extras_by_run = std::map<std::string, std::vector<run_extras>>;

/// The process-wide record of extras, by the name a benchmark was registered under (Google
/// Benchmark's runs, and therefore its registrations, are process-wide too).
///
/// Google Benchmark 1.7 reports a benchmark's repetitions together after the last one, and calls
/// the benchmark function several times in the first repetition while it looks for an iteration
/// count (the last call is the one reported); every later repetition is one call with that count.
/// So a fixture records once per call and the reporter takes the last N records for N
/// repetitions, checking each one's iteration count against its run. Random interleaving
/// (--benchmark_enable_random_interleaving) keeps working: it mixes benchmarks, never the order
/// of one benchmark's repetitions. A registered name must therefore be one benchmark: a family
/// with several arguments or thread counts would mix its instances' records under one name.
class extras_table {
public:
    static extras_table& instance() {
        static extras_table table;
        return table;
    }

    /// Records one call of a benchmark function. `iterations` is the count Google Benchmark will
    /// report for it, all threads together (state.max_iterations x state.threads());
    /// record_extras() below passes it for a fixture.
    void record(const std::string& registered_name, benchmark::IterationCount iterations,
                run_extras extras) {
        std::lock_guard<std::mutex> lock(m_);
        table_[registered_name].push_back({iterations, std::move(extras)});
    }

    /// The extras of a benchmark's repetitions, given the iteration counts Google Benchmark
    /// reported for them in order: the last records, one per repetition. Nothing when they do
    /// not match (fewer records, or an iteration count differs), so that a repetition never gets
    /// another's extras. Forgets everything recorded under the name.
    std::optional<std::vector<run_extras>> take(const std::string& registered_name,
                                                const std::vector<benchmark::IterationCount>& iterations) {
        return take_last(registered_name, iterations.size(),
                         [&](std::size_t i, benchmark::IterationCount n) { return n == iterations[i]; });
    }

    /// As take(), for `repetitions` runs that were reported only by their aggregates
    /// (--benchmark_report_aggregates_only): the last records, which must share one iteration
    /// count, as Google Benchmark's repetitions do.
    std::optional<std::vector<run_extras>> take_uniform(const std::string& registered_name,
                                                        std::size_t repetitions) {
        std::optional<benchmark::IterationCount> first;
        return take_last(registered_name, repetitions, [&](std::size_t, benchmark::IterationCount n) {
            if (!first) first = n;
            return n == *first;
        });
    }

    void clear() {
        std::lock_guard<std::mutex> lock(m_);
        table_.clear();
    }

private:
    struct call {
        benchmark::IterationCount iterations;
        run_extras extras;
    };

    template <class Matches>
    std::optional<std::vector<run_extras>> take_last(const std::string& registered_name, std::size_t n,
                                                     Matches matches) {
        std::vector<call> calls;
        {
            std::lock_guard<std::mutex> lock(m_);
            const auto it = table_.find(registered_name);
            if (it == table_.end()) return std::nullopt;
            calls = std::move(it->second);
            table_.erase(it);
        }
        if (n == 0 || calls.size() < n) return std::nullopt;
        std::vector<run_extras> out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            call& c = calls[calls.size() - n + i];
            if (!matches(i, c.iterations)) return std::nullopt;
            out.push_back(std::move(c.extras));
        }
        return out;
    }

    mutable std::mutex m_;
    std::map<std::string, std::vector<call>> table_;
};

/// Records a fixture's extras for this call of its benchmark function. Call it exactly once per
/// call, after the loop, on every path (a run that failed too, with what is known), or the
/// reporter cannot tell the repetitions apart and keeps no extras. Only thread 0 records.
///
///     ec2bench::gbench::run_extras x;
///     x.facts["filesystem"] = "xfs";
///     ec2bench::gbench::record_extras(state, "fsync/fdatasync/4096/append", std::move(x));
inline void record_extras(const benchmark::State& state, const std::string& registered_name,
                          run_extras extras) {
    if (state.thread_index() != 0) return;
    extras_table::instance().record(registered_name, state.max_iterations * state.threads(),
                                    std::move(extras));
}

/// Forwards everything to a display reporter (the console, or nothing) and, at the same time,
/// renders Google Benchmark's own JSON into memory with its JSONReporter, so that a results file
/// can embed exactly Google Benchmark's format. Thread-safe to read while benchmarks run (a
/// signal-handling thread may snapshot it).
///
///     ec2bench::gbench::capture_reporter cap(benchmark::CreateDefaultDisplayReporter());
///     benchmark::RunSpecifiedBenchmarks(&cap);
///     std::string json = cap.json();
class capture_reporter : public benchmark::BenchmarkReporter {
public:
    using run = benchmark::BenchmarkReporter::Run;
    /// Called after each group of runs is reported (one benchmark, with its repetitions).
    using runs_callback = std::function<void(const std::vector<run>&)>;

    explicit capture_reporter(benchmark::BenchmarkReporter* display = nullptr,
                              runs_callback on_runs = {})
        : display_(display), on_runs_(std::move(on_runs)) {
        json_.SetOutputStream(&json_out_);
        json_.SetErrorStream(&json_err_);
    }

    bool ReportContext(const Context& context) override {
        std::lock_guard<std::mutex> lock(m_);
        json_.ReportContext(context);
        started_ = true;
        return display_ == nullptr || display_->ReportContext(context);
    }

    void ReportRuns(const std::vector<Run>& runs) override {
        {
            std::lock_guard<std::mutex> lock(m_);
            json_.ReportRuns(runs);
            if (!runs.empty() && runs.front().run_type != Run::RT_Aggregate) ++benchmarks_;
            take_extras(runs);
            for (const auto& r : runs) {
                if (run_failed(r)) ++errors_;
                ++reported_;
            }
        }
        if (display_ != nullptr) display_->ReportRuns(runs);
        if (on_runs_) on_runs_(runs);
    }

    void Finalize() override {
        {
            std::lock_guard<std::mutex> lock(m_);
            json_.Finalize();
            finalized_ = true;
        }
        if (display_ != nullptr) display_->Finalize();
    }

    /// Google Benchmark's JSON as written so far, closed into a valid document when the run has
    /// not finished (an interrupted run keeps the benchmarks that completed).
    std::string json() const {
        std::lock_guard<std::mutex> lock(m_);
        if (!started_) return "";
        std::string s = json_out_.str();
        if (!finalized_) s += "\n  ]\n}\n";
        return s;
    }

    bool finished() const {
        std::lock_guard<std::mutex> lock(m_);
        return finalized_;
    }
    std::size_t runs_reported() const {
        std::lock_guard<std::mutex> lock(m_);
        return reported_;
    }
    /// Benchmarks reported (a benchmark's repetitions and aggregates count once).
    std::size_t benchmarks_reported() const {
        std::lock_guard<std::mutex> lock(m_);
        return benchmarks_;
    }
    std::size_t runs_failed() const {
        std::lock_guard<std::mutex> lock(m_);
        return errors_;
    }
    /// Extras by run name (without the aggregate suffix), one per repetition in order. A
    /// benchmark whose records did not match its runs has none rather than another run's.
    extras_by_run extras() const {
        std::lock_guard<std::mutex> lock(m_);
        return extras_;
    }

private:
    // Called with m_ held, for one benchmark's runs: its repetitions, or its aggregates (after its
    // repetitions, or alone with --benchmark_report_aggregates_only).
    void take_extras(const std::vector<Run>& runs) {
        if (runs.empty()) return;
        const Run& first = runs.front();
        const std::string run_name = first.run_name.str();
        std::vector<benchmark::IterationCount> iterations;
        bool measured_memory = false;
        for (const auto& r : runs) {
            if (r.run_type == Run::RT_Aggregate) continue;
            iterations.push_back(r.iterations);
            measured_memory = measured_memory || memory_measured(r);
        }
        auto& table = extras_table::instance();
        std::optional<std::vector<run_extras>> taken;
        if (!iterations.empty()) {
            taken = table.take(first.run_name.function_name, iterations);
            // A memory manager adds one call per repetition after the reported one.
            if (measured_memory) taken.reset();
        } else if (extras_.count(run_name) == 0 && first.repetitions > 0) {
            taken = table.take_uniform(first.run_name.function_name,
                                       static_cast<std::size_t>(first.repetitions));
        }
        if (taken) extras_[run_name] = std::move(*taken);
    }

    benchmark::BenchmarkReporter* display_;
    runs_callback on_runs_;
    mutable std::mutex m_;
    benchmark::JSONReporter json_;
    std::ostringstream json_out_;
    std::ostringstream json_err_;
    extras_by_run extras_;
    bool started_ = false;
    bool finalized_ = false;
    std::size_t reported_ = 0;
    std::size_t benchmarks_ = 0;
    std::size_t errors_ = 0;
};

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_REPORTER_HPP
