// Capturing Google Benchmark's own JSON while it prints to the console, and the per-run facts
// (strings, warnings) that fixtures attach beside Google Benchmark's numeric counters.
#ifndef EC2BENCH_GBENCH_REPORTER_HPP
#define EC2BENCH_GBENCH_REPORTER_HPP

#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ec2bench::gbench {

/// What a fixture knows about its run beyond Google Benchmark's counters: strings (the
/// filesystem, the ISA used), numbers that are not rates, and warnings ("fsync is a no-op on
/// tmpfs"). The results file carries them under ec2bench.benchmarks.<name>.
struct run_extras {
    std::map<std::string, std::string> facts;
    std::map<std::string, double> values;
    std::vector<std::string> warnings;
};

/// The process-wide table of extras, keyed by the name a benchmark was registered under (Google
/// Benchmark's runs, and therefore its registrations, are process-wide too).
class extras_table {
public:
    static extras_table& instance() {
        static extras_table table;
        return table;
    }
    void set(const std::string& registered_name, run_extras extras) {
        std::lock_guard<std::mutex> lock(m_);
        table_[registered_name] = std::move(extras);
    }
    bool get(const std::string& registered_name, run_extras& out) const {
        std::lock_guard<std::mutex> lock(m_);
        const auto it = table_.find(registered_name);
        if (it == table_.end()) return false;
        out = it->second;
        return true;
    }
    void clear() {
        std::lock_guard<std::mutex> lock(m_);
        table_.clear();
    }

private:
    mutable std::mutex m_;
    std::map<std::string, run_extras> table_;
};

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
            for (const auto& r : runs) {
                run_extras e;
                if (extras_table::instance().get(r.run_name.function_name, e)) {
                    extras_[r.benchmark_name()] = std::move(e);
                }
                if (r.error_occurred) ++errors_;
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
    /// Extras by reported benchmark name.
    std::map<std::string, run_extras> extras() const {
        std::lock_guard<std::mutex> lock(m_);
        return extras_;
    }

private:
    benchmark::BenchmarkReporter* display_;
    runs_callback on_runs_;
    mutable std::mutex m_;
    benchmark::JSONReporter json_;
    std::ostringstream json_out_;
    std::ostringstream json_err_;
    std::map<std::string, run_extras> extras_;
    bool started_ = false;
    bool finalized_ = false;
    std::size_t reported_ = 0;
    std::size_t benchmarks_ = 0;
    std::size_t errors_ = 0;
};

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_REPORTER_HPP
