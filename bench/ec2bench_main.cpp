// ec2bench: the suite and its tools.
//
//   ec2bench run [--quick] [--out=PATH] [--dir=PATH] [--only=...] [--benchmark_* flags]
//   ec2bench probe [--include-identifiers]
//   ec2bench compare BASE... NEW [--threshold=5%] [--alpha=A] [--format=...]
//   ec2bench check FILE --slo 'BENCHMARK:METRIC<LIMIT'... [--strict]
//   ec2bench report FILE|DIR... [--group-by=...] [--price TYPE=USD] [--prices=FILE] [--format=...]
//   ec2bench hlog FILE [--tag=T] [--csv] [--list-tags]
#include "cli/cli.hpp"

#include <ec2bench/ec2bench.hpp>
#include <ec2bench/gbench.hpp>
#include <ec2bench/gbench/suite.hpp>
#include <ec2bench/results.hpp>
#include <ec2bench/results/fleet.hpp>
#include <ec2bench/results/fleet_render.hpp>
#include <ec2bench/results/html.hpp>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace eg = ec2bench::gbench;
namespace rs = ec2bench::results;
namespace sy = ec2bench::system;

#ifndef EC2BENCH_PRICES_RELATIVE_DIR
#define EC2BENCH_PRICES_RELATIVE_DIR "../share/ec2bench/prices"
#endif

/// One error line. Messages may quote what a file or a server said (an instance type, a
/// benchmark name), so control characters are escaped; text already escaped stays as it is.
int fail(const std::string& message, int code = 2) {
    std::fprintf(stderr, "ec2bench: %s\n", ec2bench::results::escape_controls(message).c_str());
    return code;
}

// --- facts ---------------------------------------------------------------------------------

sy::ec2_info probe_ec2(bool identifiers) {
    sy::ec2_probe_options o;
    o.include_identifiers = identifiers;
#if defined(EC2BENCH_HAS_CURL)
    o.transport = sy::curl_transport();
#endif
    return sy::probe_ec2(o);
}

// --- run ------------------------------------------------------------------------------------

std::string safe_file_part(std::string s) {
    for (char& c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '-' || c == '_';
        if (!ok) c = '_';
    }
    return s.empty() ? "host" : s;
}

/// Fails early, before minutes of benchmarks, when the results file cannot be written.
std::string check_writable_dir(const std::string& out) {
    const auto slash = out.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : out.substr(0, slash));
    std::string probe = dir + "/.ec2bench-probe-XXXXXX";
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) {
        return "cannot write the results file '" + out + "': " + std::strerror(errno) +
               " (directory '" + dir + "'); choose another with --out";
    }
    ::close(fd);
    ::unlink(probe.c_str());
    return "";
}

/// One line per benchmark while the suite runs: name, the family's primary number, status.
class progress_reporter : public benchmark::BenchmarkReporter {
public:
    explicit progress_reporter(std::size_t total) : total_(total) {}
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>& runs) override {
        if (runs.empty()) return;
        // With repetitions, Google Benchmark reports a benchmark's runs, then its aggregates in
        // a second call: one line per benchmark, from the first.
        if (runs.front().run_type == Run::RT_Aggregate) return;
        ++done_;
        const Run& first = runs.front();
        const std::string name = first.run_name.str();
        const rs::metric m = rs::metrics_for(name).front();
        // The repetitions that succeeded, as the results file has them, so that the median is
        // the final table's (results::median_of) and not a second computation of it.
        std::vector<nlohmann::json> ok;
        std::string error;
        for (const Run& r : runs) {
            if (eg::run_failed(r)) {
                error = eg::run_error_message(r);
                continue;
            }
            nlohmann::json& run = ok.emplace_back();
            for (const auto& [k, c] : r.counters) run[k] = c.value;
            run["real_time"] = r.GetAdjustedRealTime();
            run["time_unit"] = benchmark::GetTimeUnitString(r.time_unit);
            run["iterations"] = r.iterations;
        }
        rs::benchmark_runs group{name, {}, {}, error};
        for (const auto& run : ok) group.iterations.push_back(&run);
        const std::vector<double> values = rs::values_of(group, m);
        std::string status;
        if (!error.empty() && values.empty()) {
            status = "FAILED: " + error;
        } else if (const auto median = rs::median_of(group, m)) {
            status = rs::number(rs::presented(*median, m)) + " " + m.unit + " (" + m.label + ")";
            if (values.size() > 1) {
                // Presented values may run the other way (a rate shown as a time per item).
                const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
                const double a = rs::presented(*lo, m), b = rs::presented(*hi, m);
                status += fmt::format(", median of {} runs, {} to {}", values.size(),
                                      rs::number(std::min(a, b)), rs::number(std::max(a, b)));
            }
            if (!error.empty()) status += ", some FAILED: " + error;
        }
        const std::string count = total_ != 0 ? fmt::format("[{:>2}/{}]", done_, total_)
                                              : fmt::format("[{:>2}]", done_);
        std::fprintf(stderr, "%s %-44s %s\n", count.c_str(), rs::display_name(name).c_str(),
                     rs::escape_controls(status).c_str());
        std::fflush(stderr);
    }

private:
    std::size_t total_;
    std::size_t done_ = 0;
};

struct run_state {
    std::mutex m;
    bool finished = false;
    std::string out;
    rs::run_metadata meta;
    sy::host_info host;
    sy::ec2_info ec2;
    eg::capture_reporter* capture = nullptr;
};

void write_results(run_state& s, bool complete, const std::string& interrupted_by) {
    rs::run_metadata meta = s.meta;
    meta.complete = complete;
    meta.interrupted_by = interrupted_by;
    meta.finished_at = rs::utc_now_iso8601();
    const auto doc = rs::make_document(s.capture->json(), s.host, s.ec2, s.capture->extras(), meta);
    rs::write_document(s.out, doc);
}

/// Waits for SIGINT, SIGTERM, SIGHUP or SIGQUIT (blocked in every thread) and, when one comes before the
/// run is finished, removes the fsync file, saves what has finished and exits. SIGUSR1 from the
/// main thread ends it quietly.
void signal_thread(run_state* s, sigset_t set) {
    int sig = 0;
    while (::sigwait(&set, &sig) == 0) {
        if (sig == SIGUSR1) {
            // Only the main thread's "finished" ends this thread: a stray SIGUSR1 from outside
            // must not leave Ctrl-C blocked and unhandled for the rest of the run.
            std::lock_guard<std::mutex> lock(s->m);
            if (s->finished) return;
            continue;
        }
        // Removes the fsync file and refuses new ones, so the benchmarks that go on running
        // while the results are written cannot create another.
        ec2bench::fsync_io::remove_active_files();
        std::lock_guard<std::mutex> lock(s->m);
        if (s->finished) return;
        const char* name = sig == SIGINT    ? "SIGINT"
                           : sig == SIGTERM ? "SIGTERM"
                           : sig == SIGQUIT ? "SIGQUIT"
                                            : "SIGHUP";
        try {
            write_results(*s, false, name);
            std::fprintf(stderr, "\nec2bench: interrupted by %s: kept %zu finished benchmarks in %s\n",
                         name, s->capture->benchmarks_reported(), s->out.c_str());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "\nec2bench: interrupted by %s; the results file was not written: %s\n",
                         name, e.what());
        }
        std::fflush(stderr);
        ec2bench::fsync_io::remove_active_files();  // again: cheap, and closes any last window
        ::_exit(128 + sig);
    }
}

/// The headline table. To stderr when the user chose Google Benchmark's output format, so that
/// `--benchmark_format=json > out.json` stays one JSON document.
void print_summary(std::FILE* f, const nlohmann::json& doc, const std::string& out, std::size_t runs,
                   std::size_t failed) {
    const auto heads = rs::headlines(doc);
    std::fprintf(f, "\nec2bench %s on %s\n\n", ec2bench::version_string(),
                 rs::escape_for_terminal(rs::describe(doc)).c_str());
    rs::table t;
    t.headers = {"headline", "value", "unit", "benchmark"};
    t.right = {false, true, false, false};
    for (const auto& h : heads) {
        t.rows.push_back({h.label, h.error.empty() ? rs::number(h.value) : "failed", h.unit,
                          rs::display_name(h.benchmark)});
    }
    std::fputs(t.render().c_str(), f);
    for (const auto& [name, x] : rs::all_extras(doc)) {
        for (const auto& w : x.warnings) {
            std::fprintf(f, "warning (%s): %s\n", rs::escape_for_terminal(rs::display_name(name)).c_str(),
                         rs::escape_for_terminal(w).c_str());
        }
    }
    std::fprintf(f, "\nresults: %s (%zu benchmarks%s)\n", out.c_str(), runs,
                failed ? fmt::format(", {} failed", failed).c_str() : "");
}

struct run_args {
    bool quick = false;
    bool identifiers = false;
    std::string out;
    std::string dir = ".";
    std::vector<std::string> only;
    std::uint64_t threads = 0;
    std::string interleave = "on";
};

/// The signals that end a run, less those the process inherited as ignored (nohup ignores
/// SIGHUP): a blocked signal is never discarded, so sigwait would receive an ignored one.
sigset_t run_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
        struct sigaction current{};
        if (::sigaction(sig, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
        sigaddset(&set, sig);
    }
    sigaddset(&set, SIGUSR1);
    return set;
}

int cmd_run(const run_args& a, std::vector<std::string> gbench_flags,
            const std::vector<std::string>& command) {
    bool filtered = false, display_flag = false;
    for (const auto& f : gbench_flags) {
        if (f.rfind("--benchmark_display_aggregates_only", 0) == 0) {
            // The results file is captured through the display reporter: this flag would drop
            // every repetition from it, and with them the U test of compare.
            return fail("--benchmark_display_aggregates_only is not supported by ec2bench run: "
                        "the results file keeps every repetition (use "
                        "--benchmark_report_aggregates_only to drop them everywhere)");
        }
        if (f.rfind("--benchmark_filter=", 0) == 0) filtered = true;
        if (f.rfind("--benchmark_format=", 0) == 0) display_flag = true;
    }
    try {
        ec2bench::cli::check_gbench_flags(gbench_flags);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    const std::set<std::string> only(a.only.begin(), a.only.end());
    auto opts = eg::suite_preset(a.quick ? "quick" : "default");
    if (!only.empty()) {
        opts.stream = only.count("stream") != 0;
        opts.sieve = only.count("sieve") != 0;
        opts.fsync = only.count("fsync") != 0;
        opts.stats = only.count("stats") != 0;
    }
    if (a.threads != 0) {
        const auto cpus = ec2bench::detail::allowed_cpus().size();
        if (opts.stream && a.threads > cpus) {
            return fail("--threads=" + std::to_string(a.threads) + ": this process may run on " +
                        std::to_string(cpus) + " CPUs, and each STREAM thread needs its own: expected " +
                        ec2bench::cli::range_text(1, cpus));
        }
    }
    opts.stream_opts.stream.threads = static_cast<unsigned>(a.threads);
    opts.sieve_opts.threads = static_cast<unsigned>(a.threads);
    if (opts.fsync) {
        try {
            ec2bench::cli::check_fsync_directory(a.dir);
        } catch (const std::exception& e) {
            return fail(e.what());
        }
    }
    opts.fsync_opts.run.directory = a.dir;

    // Before Google Benchmark's own flags, so that the user's win: the preset's repetitions (as
    // a flag, not per benchmark, because that would add "/repeats:N" to the names compare
    // matches on), and repetitions interleaved across benchmarks, so that a slow phase of the
    // host spreads over many benchmarks instead of deciding one (docs/statistics.md).
    gbench_flags.insert(gbench_flags.begin(),
                        "--benchmark_repetitions=" + std::to_string(opts.repetitions));
    gbench_flags.insert(gbench_flags.begin(),
                        std::string("--benchmark_enable_random_interleaving=") +
                            (a.interleave == "on" ? "true" : "false"));
    const std::set<std::string> user_keys = [&] {
        std::vector<std::string> storage{"ec2bench"};
        storage.insert(storage.end(), gbench_flags.begin(), gbench_flags.end());
        std::vector<char*> argv;
        for (auto& x : storage) argv.push_back(x.data());
        argv.push_back(nullptr);
        return eg::user_context_keys(static_cast<int>(storage.size()), argv.data());
    }();

    // Signals go to one thread, which saves the results; block them before any thread exists.
    const sigset_t set = run_signals();
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);

    // Google Benchmark names its executable after argv[0]: "ec2bench", not "run".
    if (!ec2bench::cli::initialize_gbench("ec2bench", gbench_flags)) return 2;

    std::string out = a.out;
    run_state s;
    s.host = sy::probe_host(sy::host_probe_options{"/sys", "/proc", "/etc/os-release", a.identifiers});
    s.ec2 = probe_ec2(a.identifiers);
    // The file is named after the instance type; off EC2 after the architecture. Never after the
    // host name unless identifiers were asked for: on EC2 it encodes the private IP.
    std::string who = s.ec2.instance_type ? s.ec2.instance_type.value : s.host.architecture;
    if (!s.ec2.instance_type && a.identifiers) {
        char name[256] = {};
        ::gethostname(name, sizeof name - 1);
        who = name;
    }
    const std::string file_name = safe_file_part(who) + "-" + rs::utc_now_compact() + ".json";
    struct stat out_st{};
    if (out.empty()) {
        ::mkdir("results", 0755);
        out = "results/" + file_name;
    } else if (out.back() == '/' || (::stat(out.c_str(), &out_st) == 0 && S_ISDIR(out_st.st_mode))) {
        while (out.size() > 1 && out.back() == '/') out.pop_back();
        out += "/" + file_name;  // --out names a directory: the default name inside it
    }
    if (const std::string why = check_writable_dir(out); !why.empty()) return fail(why);
    s.out = out;
    s.meta.started_at = rs::utc_now_iso8601();
    s.meta.preset = a.quick ? "quick" : "default";
    s.meta.include_identifiers = a.identifiers;
    s.meta.command = command;

    eg::attach_context(s.host, s.ec2, user_keys);
    benchmark::AddCustomContext("ec2bench.preset", s.meta.preset);
    std::vector<eg::benchmark_handle> registered;
    try {
        registered = eg::register_all(opts);
    } catch (const std::exception& e) {
        return fail(e.what());
    }

    std::fprintf(stderr, "ec2bench %s (%s preset): %s; fsync in %s; results to %s\n",
                 ec2bench::version_string(), s.meta.preset.c_str(),
                 s.ec2.instance_type ? s.ec2.instance_type.value.c_str() : s.host.cpu_model.c_str(),
                 a.dir.c_str(), out.c_str());
    progress_reporter progress(filtered ? 0 : registered.size());
    benchmark::BenchmarkReporter* display = &progress;
#if defined(EC2BENCH_GBENCH_HAS_DEFAULT_DISPLAY_REPORTER)
    if (display_flag) display = ec2bench::cli::default_display_reporter();
#else
    static_cast<void>(display_flag);
#endif
    eg::capture_reporter capture(display);
    s.capture = &capture;
    std::thread watcher(signal_thread, &s, set);

    const std::size_t ran = benchmark::RunSpecifiedBenchmarks(&capture);

    int rc = 0;
    {
        std::lock_guard<std::mutex> lock(s.m);
        try {
            write_results(s, true, "");
        } catch (const std::exception& e) {
            // Minutes of measurements are not thrown away: try the working directory instead.
            const std::string first = e.what();
            s.out = "ec2bench-unsaved-" + rs::utc_now_compact() + ".json";
            try {
                write_results(s, true, "");
                std::fprintf(stderr, "ec2bench: %s\nec2bench: the results were written to %s instead\n",
                             first.c_str(), s.out.c_str());
            } catch (const std::exception& e2) {
                rc = fail(first + "; and in the working directory: " + e2.what(), 1);
            }
            out = s.out;
        }
        s.finished = true;
    }
    ::pthread_kill(watcher.native_handle(), SIGUSR1);
    watcher.join();
    benchmark::Shutdown();
    if (rc != 0) return rc;
    if (ran == 0) {
        return fail("no benchmark ran: --benchmark_filter matched none (list them with "
                    "--benchmark_list_tests); nothing measured in " + out);
    }
    const auto doc = rs::read_document(out);
    print_summary(display_flag ? stderr : stdout, doc, out, capture.benchmarks_reported(), capture.runs_failed());
    return capture.runs_failed() != 0 ? 1 : 0;
}

// --- probe, compare, report -------------------------------------------------------------------

int cmd_probe(bool identifiers) {
    const auto host = sy::probe_host(sy::host_probe_options{"/sys", "/proc", "/etc/os-release", identifiers});
    const auto ec2 = probe_ec2(identifiers);
    const nlohmann::json j = {{"ec2bench_version", ec2bench::version_string()},
                              {"host", rs::to_json(host)},
                              {"ec2", rs::to_json(ec2, identifiers)}};
    std::puts(j.dump(2).c_str());
    return 0;
}

struct compare_args {
    std::vector<std::string> files;  ///< BASE... NEW
    std::string format = "table";
    rs::gate_options gate;
    std::uint64_t last = 0;
};

/// The gate: a regression is a change past --threshold in the metric's bad direction that the U
/// test finds significant at --alpha (docs/ci.md).
int cmd_compare(compare_args a) {
    if (a.files.size() < 2) {
        return fail("compare: expected two results files, BASE and NEW; got " + std::to_string(a.files.size()));
    }
    const std::string current_file = a.files.back();
    a.files.pop_back();
    rs::gate_result g;
    try {
        // A baseline directory may hold NEW itself (results/ and results/new.json): it must not
        // be pooled into its own baseline.
        std::vector<std::string> base_files;
        std::error_code ec;
        const auto current_path = std::filesystem::weakly_canonical(current_file, ec);
        for (const auto& input : a.files) {
            std::error_code ec1;
            const bool dir = std::filesystem::is_directory(input, ec1);
            for (const auto& f : rs::expand_inputs({input})) {
                // Only a file found in a directory: one named twice is compared with itself.
                std::error_code ec2;
                if (dir && !ec && std::filesystem::weakly_canonical(f, ec2) == current_path && !ec2) continue;
                base_files.push_back(f);
            }
        }
        if (base_files.empty()) return fail("compare: the baseline holds no results file other than NEW (" + current_file + ")");
        const nlohmann::json base = rs::read_baseline(base_files, static_cast<std::size_t>(a.last));
        const nlohmann::json current = rs::read_document(current_file);
        g = rs::gate(base, current, a.gate);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    std::string sources;
    for (const auto& f : a.files) sources += (sources.empty() ? "" : " ") + f;
    g.base_source = sources;
    g.current_source = current_file;
    std::fputs(rs::render(g, rs::parse_output_format(a.format)).c_str(), stdout);
    return g.exit_code;
}

struct check_args {
    std::string file;
    std::vector<std::string> slos;
    bool strict = false;
    std::string format = "table";
};

int cmd_check(const check_args& a) {
    rs::check_result c;
    try {
        std::vector<rs::objective> objectives;
        for (const auto& text : a.slos) objectives.push_back(rs::parse_objective(text));
        rs::check_options o;
        o.strict = a.strict;
        c = rs::check(rs::read_document(a.file), objectives, o);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    c.source = a.file;
    std::fputs(rs::render(c, rs::parse_output_format(a.format)).c_str(), stdout);
    return c.exit_code;
}

struct report_args {
    std::vector<std::string> inputs;
    std::string format = "table";
    std::string sort;  ///< a headline id or instance_type; empty: the first metric
    std::string better;
    std::string group_by = "instance_type";
    std::string today;  ///< UTC, YYYY-MM-DD: the date of --price overrides and of stale prices
    std::vector<rs::price_entry> overrides;  ///< --price, in order
    std::string prices_file, spot_prices_file, region, out;
};

/// The bundled price snapshot: beside the installed executable (../share/ec2bench/prices/), else,
/// for the executable of a build tree, in the source tree it was built from. Empty when neither.
std::string bundled_prices_path() {
    static const char* const name = "ec2-on-demand-us-east-1.csv";
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return "";
    const fs::path installed = exe.parent_path() / EC2BENCH_PRICES_RELATIVE_DIR / name;
    if (fs::is_regular_file(installed, ec)) return installed.lexically_normal().string();
#if defined(EC2BENCH_BUILD_BIN_DIR) && defined(EC2BENCH_SOURCE_PRICES_DIR)
    if (fs::equivalent(exe.parent_path(), EC2BENCH_BUILD_BIN_DIR, ec) && !ec) {
        const fs::path source = fs::path(EC2BENCH_SOURCE_PRICES_DIR) / name;
        if (fs::is_regular_file(source, ec)) return source.string();
    }
#endif
    return "";
}

/// Prints `text` on standard output, or writes it atomically to --out.
int emit(const report_args& a, const std::string& text) {
    if (a.out.empty()) {
        std::fputs(text.c_str(), stdout);
        return 0;
    }
    try {
        rs::write_file_atomically(a.out, text);
    } catch (const std::exception& e) {
        return fail(std::string("report --out: ") + e.what());
    }
    return 0;
}

int cmd_report(const report_args& a) {
    if (a.format == "github-action-benchmark") {
        // One file, one direction: github-action-benchmark's customBiggerIsBetter or
        // customSmallerIsBetter tool reads the array this prints.
        if (a.better.empty()) {
            return fail(
                "report --format=github-action-benchmark: --better=bigger or --better=smaller is "
                "required "
                "(one direction per benchmark-action step)");
        }
        if (a.inputs.size() != 1) {
            return fail("report --format=github-action-benchmark: expected one results file; got " +
                        std::to_string(a.inputs.size()));
        }
        std::string text;
        try {
            const auto doc = rs::read_document(a.inputs.front());
            text = rs::github_action_benchmark(doc, rs::parse_better_direction(a.better)).dump(2) +
                   "\n";
        } catch (const std::exception& e) {
            return fail(e.what());
        }
        return emit(a, text);
    }
    if (!a.better.empty())
        return fail("report: --better goes with --format=github-action-benchmark");

    rs::fleet_options o;
    o.grouping = rs::parse_group_by(a.group_by);
    o.region = a.region;
    o.today = a.today;
    o.sort_by = a.sort;
    o.prices.overrides = a.overrides;
    try {
        if (!a.prices_file.empty()) o.prices.prices_file = rs::load_price_csv(a.prices_file);
        if (!a.spot_prices_file.empty())
            o.prices.spot_prices = rs::load_spot_price_history(a.spot_prices_file);
        const std::string bundled = bundled_prices_path();
        if (!bundled.empty()) o.prices.bundled = rs::load_price_csv(bundled);
    } catch (const std::exception& e) {
        return fail(e.what());
    }

    const auto files = rs::expand_inputs(a.inputs);
    if (files.empty())
        return fail("report: no results files given (name files or directories of *.json)");
    // Read and summarised on every CPU: parsing JSON is most of a report's time, and only the
    // summaries (facts and values) are kept, not the documents.
    std::vector<std::optional<rs::fleet_file>> summaries(files.size());
    std::vector<std::string> errors(files.size());
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < files.size(); i = next++) {
            try {
                summaries[i] = rs::summarize_fleet_file(files[i], rs::read_document(files[i]));
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        }
    };
    const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1,
                                                        std::min<std::size_t>(files.size(), 16));
    std::vector<std::thread> team;
    for (std::size_t t = 1; t < threads; ++t)
        team.emplace_back(work);
    work();
    for (auto& t : team)
        t.join();

    std::vector<rs::fleet_file> read;
    std::vector<std::string> skipped;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (summaries[i]) {
            read.push_back(std::move(*summaries[i]));
        } else {
            std::fprintf(stderr, "ec2bench: skipped: %s\n", rs::escape_controls(errors[i]).c_str());
            skipped.push_back(errors[i]);
        }
    }
    if (read.empty()) {
        return fail("report: no results file could be read (" + std::to_string(files.size()) +
                    " given)");
    }
    rs::fleet_report report;
    try {
        report = rs::build_fleet_report(read, o);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    report.skipped = std::move(skipped);
    if (!o.prices.bundled) {
        report.warnings.push_back(
            "the bundled price snapshot was not found (expected in " +
            std::string(EC2BENCH_PRICES_RELATIVE_DIR) +
            " beside the executable): prices only from --price, --prices and --spot-prices");
    }
    const std::string text = a.format == "html"
                                 ? rs::render_html(report)
                                 : rs::render_fleet(report, rs::parse_fleet_format(a.format));
    const int rc = emit(a, text);
    if (rc != 0) return rc;
    return report.skipped.empty() ? 0 : 2;  // a file that is not a results file is bad input
}

// --- hlog -----------------------------------------------------------------------------------

struct hlog_args {
    std::string file;
    rs::hdr::log_processor_options processor;
    std::string start_text = "0", end_text;  ///< as given, for messages
    bool list_tags = false;
};

/// HdrHistogram's HistogramLogProcessor on one interval log: the percentile distribution of the
/// selected intervals, or (--list-tags) the tags. Everything read from the file is escaped.
int cmd_hlog(const hlog_args& a) {
    namespace hdr = rs::hdr;
    using ec2bench::results::escape_for_terminal;
    if (a.file.empty()) {
        return fail("hlog: expected an interval log file (ec2bench-fsync --hlog=FILE writes one)");
    }
    const std::string shown = "'" + escape_for_terminal(a.file) + "'";
    struct stat st{};
    if (::stat(a.file.c_str(), &st) != 0) {
        return fail("hlog: cannot read " + shown + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return fail("hlog: " + shown + " is not a regular file; expected an interval log");
    }
    const auto open = [&](std::ifstream& in) {
        in.open(a.file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read " + shown + ": " + std::strerror(errno));
    };
    std::ostringstream out;  // printed only once the whole log has been read
    try {
        std::ifstream in;
        open(in);
        if (a.list_tags) {
            hdr::write_tags(out, hdr::list_tags(in, a.file));
        } else {
            try {
                hdr::process_log(in, out, a.file, a.processor);
            } catch (const hdr::format_error&) {
                throw;
            } catch (const std::runtime_error& e) {
                // No interval selected: name the tags there are, the likely fix.
                std::ifstream again;
                open(again);
                const auto found = hdr::list_tags(again, a.file);
                std::string hint;
                for (std::size_t i = 0; i < found.tags.size() && i < 10; ++i) {
                    hint += (i == 0 ? "" : ", ") + escape_for_terminal(found.tags[i]);
                }
                if (found.tags.size() > 10) hint += ", ...";
                if (hint.empty()) throw;
                throw std::runtime_error(std::string(e.what()) + "; its tags: " + hint +
                                         " (choose one with --tag, list them with --list-tags)");
            }
        }
    } catch (const std::exception& e) {
        return fail(std::string("hlog: ") + e.what());
    }
    std::fputs(out.str().c_str(), stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    namespace cli = ec2bench::cli;
    const std::string program = "ec2bench";
    // The command as given, for the results file.
    std::vector<std::string> command{"ec2bench"};
    for (int i = 1; i < argc; ++i) command.emplace_back(argv[i]);
    const auto args = cli::split_gbench_flags(argc, argv);

    CLI::App app("benchmarks for choosing and comparing machines (EC2 instances above all)", program);
    app.set_version_flag("--version", std::string("ec2bench ") + ec2bench::version_string());
    app.require_subcommand(0, 1);
    app.footer(cli::exit_status_help);

    run_args ra;
    auto* run = app.add_subcommand("run", "the suite: STREAM, the prime sieve, fsync I/O and the "
                                          "statistics benchmarks; prints the headline numbers and "
                                          "writes a results file");
    run->add_flag("--quick", ra.quick, "under a minute, 5 repetitions (default: a few minutes, 10)");
    cli::add_text(*run, "--out", ra.out,
                  "results file, or a directory for the default name (default: results/<instance "
                  "type, or the architecture off EC2>-<UTC time>.json); written atomically");
    cli::add_text(*run, "--dir", ra.dir,
                  "where the fsync benchmark writes its test file (default: the current "
                  "directory); removed on every exit path. Put it on the volume to measure.");
    cli::add_list(*run, "--only", ra.only, {"stream", "sieve", "fsync", "stats"},
                  "families to run, from stream,sieve,fsync,stats (default: all)");
    cli::add_count(*run, "--threads", ra.threads, 1, 4096,
                   "threads for STREAM and the all-core sieve (default: every CPU)", "T");
    cli::add_choice(*run, "--interleave", ra.interleave, {"on", "off"},
                    "interleave the repetitions of all benchmarks in random order, so that a slow "
                    "phase of the host spreads over many benchmarks (default: on)");
    run->add_flag("--include-identifiers", ra.identifiers,
                  "also record account id, instance id, IP addresses and host name");
    run->footer(
        "Any Google Benchmark flag may follow, e.g. --benchmark_repetitions=20 "
        "--benchmark_filter=stream --benchmark_format=json.\n\n"
        "SIGINT, SIGTERM, SIGHUP and SIGQUIT keep the benchmarks already finished in the results "
        "file (marked incomplete) and remove the fsync test file; a signal the process inherited "
        "as ignored (nohup) stays ignored. With --interleave=on a benchmark is finished (and "
        "printed) only when its last repetition is, so progress lines come towards the end and an "
        "interrupted run keeps fewer benchmarks; --interleave=off runs each benchmark's "
        "repetitions back to back.\n" +
        std::string(cli::exit_status_help) +
        "\nThe EC2 probe honours AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT, "
        "AWS_EC2_METADATA_V1_DISABLED, AWS_METADATA_SERVICE_TIMEOUT and "
        "AWS_METADATA_SERVICE_NUM_ATTEMPTS, and makes no network call off EC2.\n\n"
        "Google Benchmark's own flags follow.");

    bool probe_identifiers = false;
    auto* probe = app.add_subcommand("probe", "prints the host and EC2 facts recorded with every "
                                              "result, as JSON");
    probe->add_flag("--include-identifiers", probe_identifiers,
                    "also the account id, instance id, IP addresses and host name");

    compare_args ca;
    auto* compare = app.add_subcommand(
        "compare", "the regression gate: compares NEW against BASE metric by metric and fails on "
                   "a change past --threshold that the Mann-Whitney U test finds significant");
    compare->add_option("files", ca.files,
                        "BASE... NEW: the baseline (results files or directories, their "
                        "repetitions pooled) and the new results file, last");
    cli::add_choice(*compare, "--format", ca.format, {"table", "markdown", "csv", "json"},
                    "output format; markdown is sized for a pull-request comment (default: table)");
    cli::add_value(*compare, "--threshold", "PCT",
                   "the least change that counts, such as 5% or 0.05 (default: 5%)",
                   [&](const std::string& v) { ca.gate.threshold = rs::parse_threshold(v); });
    cli::add_value(*compare, "--alpha", "A", "significance level of the U test, in (0, 1) (default: 0.05)",
                   [&](const std::string& v) { ca.gate.alpha = rs::parse_alpha(v); });
    cli::add_value(*compare, "--metrics", "headline|all|LIST",
                   "the metrics gated: the suite's headline numbers (default), every metric, or a "
                   "list of metric keys",
                   [&](const std::string& v) { ca.gate.metrics = rs::parse_metric_selection(v); });
    cli::add_value(*compare, "--inconclusive", "fail|pass",
                   "a metric with too few repetitions to reach --alpha exits 2 (fail, default) or "
                   "is let through (pass)",
                   [&](const std::string& v) { ca.gate.inconclusive = rs::parse_inconclusive_policy(v); });
    cli::add_count(*compare, "--last", ca.last, 1, 1'000'000,
                   "pool only the N newest baseline files, by start time (default: all)");
    compare->footer("Exit status: 0 no regression, 1 a regression (or a benchmark failed in NEW), "
                    "2 bad input or a metric that cannot be judged (too few repetitions: see "
                    "--inconclusive). Improvements never fail. docs/ci.md says how to gate CI.");

    check_args cka;
    auto* check = app.add_subcommand("check", "service-level objectives: checks a results file's "
                                              "medians against limits");
    check->add_option("file", cka.file, "the results file");
    cli::add_repeated(*check, "--slo", "'BENCHMARK:METRIC<LIMIT'",
                      "an objective, repeatable: <, <=, > or >=; e.g. 'fsync/fdatasync/4096/append:p99_us<2000'",
                      [&](const std::string& v) { cka.slos.push_back(v); });
    check->add_flag("--strict", cka.strict,
                    "the whole 95% interval of the median must meet the limit, not only the median");
    cli::add_choice(*check, "--format", cka.format, {"table", "markdown", "csv", "json"},
                    "output format (default: table)");
    check->footer("Exit status: 0 every objective met, 1 one violated, 2 bad input or an "
                  "objective that cannot be judged.");

    report_args rpa;
    rpa.today = rs::utc_now_iso8601().substr(0, 10);
    auto* report = app.add_subcommand(
        "report",
        "pools results files by instance type: medians with 95% intervals, ranks with ties, "
        "prices and performance per dollar (docs/report.md)");
    report->add_option("inputs", rpa.inputs, "results files, or directories of *.json")->required();
    cli::add_choice(
        *report, "--format", rpa.format,
        {"table", "markdown", "csv", "json", "html", "github-action-benchmark"},
        "output format: html is one self-contained page; github-action-benchmark prints that "
        "action's custom JSON for one file and one --better direction (default: table)");
    cli::add_choice(*report, "--better", rpa.better, {"bigger", "smaller"},
                    "with --format=github-action-benchmark: the metrics where bigger (rates) or "
                    "smaller (latencies, times) is better");
    cli::add_choice(
        *report, "--group-by", rpa.group_by, {"instance_type", "cpu", "file"},
        "what is pooled: files of one instance type (off EC2: of one CPU model and logical "
        "CPU count), of one CPU, or each file alone (default: instance_type)");
    cli::add_repeated(*report, "--price", "TYPE=USD",
                      "US dollars per hour of an instance type, in every region and market; "
                      "repeatable, first in the lookup order (e.g. --price m7g.large=0.0816)",
                      [&](const std::string& v) { rpa.overrides.push_back(rs::parse_price_override(v, rpa.today)); });
    cli::add_text(
        *report, "--prices", rpa.prices_file,
        "prices CSV (instance_type,region,market,usd_per_hour,effective_date,source), e.g. from "
        "scripts/ec2-prices; second in the lookup order",
        "FILE");
    cli::add_text(
        *report, "--spot-prices", rpa.spot_prices_file,
        "JSON of aws ec2 describe-spot-price-history --product-descriptions Linux/UNIX, reduced "
        "to medians; third in the lookup order, before the bundled on-demand snapshot",
        "FILE");
    cli::add_value(*report, "--region", "R",
                   "the region of results files that record none (default: none)",
                   [&](const std::string& v) {
                       if (!rs::detail::valid_region(v)) {
                           throw cli::usage_error("--region=" + rs::quote_for_message(v) +
                                                  ": expected a region such as us-east-1");
                       }
                       rpa.region = v;
                   });
    cli::add_text(*report, "--out", rpa.out,
                  "write the report to FILE (atomically) instead of standard output", "FILE");
    report->footer(
        "Exit status: 0 every file read, 2 bad flags or a file that is not a results file "
        "(the others are still reported).");
    std::vector<std::string> sort_columns{"instance_type"};
    for (const auto& c : rs::report_columns())
        sort_columns.push_back(c.first);
    cli::add_choice(
        *report, "--sort", rpa.sort, sort_columns,
        "order of the groups: by rank in a metric, or by name (default: the first metric)");

    hlog_args ha;
    auto* hlog = app.add_subcommand(
        "hlog", "an HdrHistogram interval log's percentile distribution, as HistogramLogProcessor "
                "prints it, or its tags (ec2bench-fsync --hlog=FILE writes such a log)");
    hlog->add_option("file", ha.file, "the interval log (.hlog, format 1.2 or 1.3)");
    cli::add_value(*hlog, "--tag", "TAG",
                   "only the intervals with this tag, such as fsync/fdatasync/4096/append "
                   "(default: only the untagged ones, as HistogramLogProcessor)",
                   [&](const std::string& v) { ha.processor.tag = v; });
    const auto seconds_flag = [](const std::string& name, double& target, std::string& text) {
        return [name, &target, &text](const std::string& v) {
            const auto x = cli::detail::real(v);
            if (!x || *x < 0) {
                throw cli::usage_error("hlog: " + name + "=" + v +
                                       ": expected seconds after the log's start time, 0 or more");
            }
            target = *x;
            text = v;
        };
    };
    cli::add_value(*hlog, "--start", "S",
                   "only intervals starting at least S seconds after the log's start (default: 0)",
                   seconds_flag("--start", ha.processor.range_start_s, ha.start_text));
    cli::add_value(*hlog, "--end", "S",
                   "only intervals starting at most S seconds after the log's start (default: all)",
                   seconds_flag("--end", ha.processor.range_end_s, ha.end_text));
    cli::add_value(*hlog, "--unit-ratio", "R",
                   "values are divided by R: 1e6 prints ms of a log in ns (default), 1e3 us, 1 ns",
                   [&](const std::string& v) {
                       const auto x = cli::detail::real(v);
                       if (!x || !(*x > 0)) {
                           throw cli::usage_error("hlog: --unit-ratio=" + v +
                                                  ": expected a positive number, such as 1e6 or 1e3");
                       }
                       ha.processor.value_unit_ratio = *x;
                   });
    cli::add_value(*hlog, "--ticks", "N",
                   "percentile lines per half of the remaining distance to 100%, from 1 to 1000 "
                   "(default: 5)",
                   [&](const std::string& v) {
                       const auto n = cli::detail::integer(v);
                       if (!n || *n < 1 || *n > 1000) {
                           throw cli::usage_error("hlog: --ticks=" + v + ": expected from 1 to 1000");
                       }
                       ha.processor.ticks_per_half = static_cast<int>(*n);
                   });
    hlog->add_flag("--csv", ha.processor.csv, "the distribution as CSV (no summary lines)");
    hlog->add_flag("--list-tags", ha.list_tags, "print the tags the log's intervals carry instead");
    hlog->footer("Exit status: 0 printed, 2 bad flags, a file that cannot be read, a malformed "
                 "log or no interval selected.");

    if (!args.ours.empty() && args.ours.front()[0] != '-' &&
        app.get_subcommands([&](CLI::App* c) { return c->check_name(args.ours.front()); }).empty()) {
        return fail("unknown command '" + args.ours.front() +
                    "': expected run, probe, compare, check, report or hlog (see --help)");
    }
    if (const auto rc = cli::parse(app, args.ours, program)) {
        if (*rc == cli::exit_ok && run->parsed()) cli::initialize_gbench(program, {"--help"});
        return *rc;
    }
    if (!run->parsed() && !args.gbench.empty()) {
        return fail(args.gbench.front() + ": Google Benchmark's flags are for ec2bench run only");
    }
    try {
        if (run->parsed()) return cmd_run(ra, args.gbench, command);
        if (probe->parsed()) return cmd_probe(probe_identifiers);
        if (compare->parsed()) return cmd_compare(ca);
        if (check->parsed()) {
            if (cka.file.empty()) return fail("check: expected a results file");
            if (cka.slos.empty()) return fail("check: expected at least one --slo 'BENCHMARK:METRIC<LIMIT'");
            return cmd_check(cka);
        }
        if (report->parsed()) return cmd_report(rpa);
        if (hlog->parsed()) {
            if (ha.processor.range_end_s < ha.processor.range_start_s) {
                return fail("hlog: --end=" + ha.end_text + " is before --start=" + ha.start_text +
                            ": expected start <= end");
            }
            return cmd_hlog(ha);
        }
    } catch (const std::exception& e) {
        return fail(e.what(), 1);
    }
    return fail("no command given: expected run, probe, compare, check, report or hlog (see --help)");
}
