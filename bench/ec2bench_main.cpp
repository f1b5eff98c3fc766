// ec2bench: the suite and its tools.
//
//   ec2bench run [--quick] [--out=PATH] [--dir=PATH] [--only=...] [--benchmark_* flags]
//   ec2bench probe [--include-identifiers]
//   ec2bench compare BASE.json NEW.json [--format=...] [--alpha=A]
//   ec2bench report FILE|DIR... [--format=...] [--sort=COLUMN]
#include <ec2bench/ec2bench.hpp>
#include <ec2bench/gbench.hpp>
#include <ec2bench/gbench/suite.hpp>
#include <ec2bench/results.hpp>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace eg = ec2bench::gbench;
namespace rs = ec2bench::results;
namespace sy = ec2bench::system;

constexpr const char* usage_text =
    "ec2bench %s: benchmarks for choosing and comparing machines (EC2 instances above all)\n"
    "\n"
    "usage:\n"
    "  ec2bench run [--quick] [--out=PATH] [--dir=PATH] [--only=FAMILIES] [--threads=T]\n"
    "               [--include-identifiers] [--benchmark_* flags]\n"
    "      Runs STREAM, the prime sieve, fsync I/O and the statistics benchmarks, prints a\n"
    "      table of the headline numbers and writes a results file.\n"
    "  ec2bench probe [--include-identifiers]\n"
    "      Prints the host and EC2 facts recorded with every result, as JSON.\n"
    "  ec2bench compare BASE.json NEW.json [--format=table|markdown|csv|json] [--alpha=0.05]\n"
    "      Compares two results files, benchmark by benchmark.\n"
    "  ec2bench report FILE|DIR... [--format=table|markdown|csv] [--sort=COLUMN]\n"
    "      One row per results file, with the headline numbers.\n"
    "\n"
    "Run `ec2bench run --help` (or probe, compare, report) for the flags of each.\n";

constexpr const char* run_help_text =
    "ec2bench run: the suite\n"
    "\n"
    "  --quick              under a minute, 5 repetitions (the default: a few minutes, 10)\n"
    "  --out=PATH           results file, or a directory for the default name (default:\n"
    "                       results/<instance type, or the architecture off EC2>-<UTC time>\n"
    "                       .json); written atomically\n"
    "  --dir=PATH           where the fsync benchmark writes its test file (default: the\n"
    "                       current directory); the file is removed on every exit path.\n"
    "                       Put it on the volume you want to measure.\n"
    "  --only=LIST          families to run, from stream,sieve,fsync,stats (default: all)\n"
    "  --threads=T          threads for STREAM and the all-core sieve (default: every CPU)\n"
    "  --include-identifiers  also record account id, instance id, IP addresses and host name\n"
    "  --benchmark_*        any Google Benchmark flag, e.g. --benchmark_repetitions=20\n"
    "                       --benchmark_filter=stream  --benchmark_format=json\n"
    "\n"
    "Ctrl-C keeps the benchmarks already finished in the results file (marked incomplete)\n"
    "and removes the fsync test file. Exit status: 0 all ran and validated, 1 some failed\n"
    "(their errors are in the file), 2 bad flags, 128+signal when interrupted.\n"
    "The EC2 probe honours AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT,\n"
    "AWS_EC2_METADATA_V1_DISABLED, AWS_METADATA_SERVICE_TIMEOUT and\n"
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS, and makes no network call off EC2.\n"
    "\n"
    "Google Benchmark's own flags follow.\n\n";

int fail(const std::string& message, int code = 2) {
    std::fprintf(stderr, "ec2bench: %s\n", message.c_str());
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
            if (r.error_occurred) {
                error = r.error_message;
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
                     status.c_str());
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

/// Waits for SIGINT, SIGTERM or SIGHUP (blocked in every thread) and, when one comes before the
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
        const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
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

void print_summary(const nlohmann::json& doc, const std::string& out, std::size_t runs, std::size_t failed) {
    const auto heads = rs::headlines(doc);
    std::printf("\nec2bench %s on %s\n\n", ec2bench::version_string(), rs::describe(doc).c_str());
    rs::table t;
    t.headers = {"headline", "value", "unit", "benchmark"};
    t.right = {false, true, false, false};
    for (const auto& h : heads) {
        t.rows.push_back({h.label, h.error.empty() ? rs::number(h.value) : "failed", h.unit,
                          rs::display_name(h.benchmark)});
    }
    std::fputs(t.render().c_str(), stdout);
    for (const auto& [name, x] : doc["ec2bench"]["benchmarks"].items()) {
        for (const auto& w : x["warnings"]) {
            std::printf("warning (%s): %s\n", name.c_str(), w.get<std::string>().c_str());
        }
    }
    std::printf("\nresults: %s (%zu benchmarks%s)\n", out.c_str(), runs,
                failed ? fmt::format(", {} failed", failed).c_str() : "");
}

int cmd_run(int argc, char** argv) {
    bool quick = false;
    bool identifiers = false;
    std::string out;
    std::string dir = ".";
    std::set<std::string> only;
    unsigned threads = 0;

    // The command as given, for the results file, before parsing consumes any of it.
    std::vector<std::string> command{"ec2bench", "run"};
    for (int i = 1; i < argc; ++i) command.emplace_back(argv[i]);

    eg::flag_set flags("ec2bench run", "the suite");
    flags.help_text(run_help_text);
    flags.add_switch("quick", "under a minute, 5 repetitions", [&](std::string_view) { quick = true; })
        .add("out", "PATH", "results file", [&](std::string_view v) { out = std::string(v); })
        .add("dir", "PATH", "fsync directory", [&](std::string_view v) { dir = std::string(v); })
        .add("only", "LIST", "families", [&](std::string_view v) {
            std::string_view rest = v;
            while (!rest.empty()) {
                const auto comma = rest.find(',');
                const std::string f(rest.substr(0, comma));
                if (f != "stream" && f != "sieve" && f != "fsync" && f != "stats") {
                    throw std::invalid_argument("--only=" + std::string(v) + ": '" + f +
                                                "' is not one of stream, sieve, fsync, stats");
                }
                only.insert(f);
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
        })
        .add("threads", "T", "threads", [&](std::string_view v) {
            const auto t = eg::parse_count(v, "threads");
            if (t == 0 || t > 4096) {
                throw std::invalid_argument("--threads=" + std::string(v) + ": expected 1 to 4096");
            }
            threads = static_cast<unsigned>(t);
        })
        .add_switch("include-identifiers", "identifiers", [&](std::string_view) { identifiers = true; });

    // Google Benchmark names its executable after argv[0]; ours is "ec2bench", not "run".
    std::vector<char*> args(argv, argv + argc);
    std::string program = "ec2bench";
    args[0] = program.data();
    bool filtered = false, display_flag = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = args[static_cast<std::size_t>(i)];
        if (a.rfind("--benchmark_display_aggregates_only", 0) == 0) {
            // The results file is captured through the display reporter: this flag would drop
            // every repetition from it, and with them the U test of compare.
            return fail("--benchmark_display_aggregates_only is not supported by ec2bench run: "
                        "the results file keeps every repetition (use "
                        "--benchmark_report_aggregates_only to drop them everywhere)");
        }
        if (a.rfind("--benchmark_filter=", 0) == 0) filtered = true;
        if (a.rfind("--benchmark_format=", 0) == 0) display_flag = true;
    }
    const std::set<std::string> user_keys = eg::user_context_keys(argc, args.data());
    args.push_back(nullptr);
    if (const int rc = flags.parse(argc, args.data()); rc >= 0) return rc;

    // Signals go to one thread, which saves the results; block them before any thread exists.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);

    // The preset's repetitions as a flag before the user's, so that theirs wins: as a flag, not
    // per benchmark, because that would add "/repeats:N" to the names compare matches on.
    auto opts = eg::suite_preset(quick ? "quick" : "default");
    std::string repetitions = "--benchmark_repetitions=" + std::to_string(opts.repetitions);
    args.insert(args.begin() + 1, repetitions.data());
    ++argc;

    benchmark::Initialize(&argc, args.data());  // --help ends here, after Google Benchmark's own
    if (benchmark::ReportUnrecognizedArguments(argc, args.data())) return 2;

    if (!only.empty()) {
        opts.stream = only.count("stream") != 0;
        opts.sieve = only.count("sieve") != 0;
        opts.fsync = only.count("fsync") != 0;
        opts.stats = only.count("stats") != 0;
    }
    opts.stream_opts.stream.threads = threads;
    opts.sieve_opts.threads = threads;
    if (opts.fsync) {
        struct stat st{};
        if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            return fail("--dir=" + dir + ": not a directory (the fsync benchmark writes its file there)");
        }
    }
    opts.fsync_opts.run.directory = dir;

    run_state s;
    s.host = sy::probe_host(sy::host_probe_options{"/sys", "/proc", "/etc/os-release", identifiers});
    s.ec2 = probe_ec2(identifiers);
    // The file is named after the instance type; off EC2 after the architecture. Never after the
    // host name unless identifiers were asked for: on EC2 it encodes the private IP.
    std::string who = s.ec2.instance_type ? s.ec2.instance_type.value : s.host.architecture;
    if (!s.ec2.instance_type && identifiers) {
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
    s.meta.preset = quick ? "quick" : "default";
    s.meta.include_identifiers = identifiers;
    s.meta.command = command;

    eg::attach_context(s.host, s.ec2, user_keys);
    benchmark::AddCustomContext("ec2bench.preset", s.meta.preset);
    std::vector<benchmark::internal::Benchmark*> registered;
    try {
        registered = eg::register_all(opts);
    } catch (const std::exception& e) {
        return fail(e.what());
    }

    std::fprintf(stderr, "ec2bench %s (%s preset): %s; fsync in %s; results to %s\n",
                 ec2bench::version_string(), s.meta.preset.c_str(),
                 s.ec2.instance_type ? s.ec2.instance_type.value.c_str() : s.host.cpu_model.c_str(),
                 dir.c_str(), out.c_str());
    progress_reporter progress(filtered ? 0 : registered.size());
    benchmark::BenchmarkReporter* display = &progress;
#if defined(EC2BENCH_GBENCH_HAS_DEFAULT_DISPLAY_REPORTER)
    if (display_flag) display = benchmark::CreateDefaultDisplayReporter();
#else
    static_cast<void>(display_flag);
#endif
    eg::capture_reporter capture(display);
    s.capture = &capture;
    std::thread watcher(signal_thread, &s, set);

    benchmark::RunSpecifiedBenchmarks(&capture);

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
    const auto doc = rs::read_document(out);
    print_summary(doc, out, capture.benchmarks_reported(), capture.runs_failed());
    return capture.runs_failed() != 0 ? 1 : 0;
}

// --- probe, compare, report -------------------------------------------------------------------

int cmd_probe(int argc, char** argv) {
    bool identifiers = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--include-identifiers") {
            identifiers = true;
        } else if (a == "--help" || a == "-h") {
            std::puts("ec2bench probe [--include-identifiers]: the host and EC2 facts as JSON");
            return 0;
        } else {
            return fail("probe: unknown argument '" + std::string(a) + "' (allowed: --include-identifiers)");
        }
    }
    const auto host = sy::probe_host(sy::host_probe_options{"/sys", "/proc", "/etc/os-release", identifiers});
    const auto ec2 = probe_ec2(identifiers);
    const nlohmann::json j = {{"ec2bench_version", ec2bench::version_string()},
                              {"host", rs::to_json(host)},
                              {"ec2", rs::to_json(ec2, identifiers)}};
    std::puts(j.dump(2).c_str());
    return 0;
}

int cmd_compare(int argc, char** argv) {
    std::vector<std::string> files;
    std::string format = "table";
    double alpha = 0.05;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a.rfind("--format=", 0) == 0) {
            format = std::string(a.substr(9));
            if (format != "table" && format != "markdown" && format != "csv" && format != "json") {
                return fail("compare: --format=" + format + ": expected table, markdown, csv or json");
            }
        } else if (a.rfind("--alpha=", 0) == 0) {
            char* end = nullptr;
            const std::string v(a.substr(8));
            alpha = std::strtod(v.c_str(), &end);
            if (end == v.c_str() || *end != '\0' || !(alpha > 0 && alpha < 1)) {
                return fail("compare: --alpha=" + v + ": expected a number in (0, 1), e.g. 0.05");
            }
        } else if (a == "--help" || a == "-h") {
            std::puts("ec2bench compare BASE.json NEW.json [--format=table|markdown|csv|json] [--alpha=0.05]");
            return 0;
        } else if (a.rfind("--", 0) == 0) {
            return fail("compare: unknown flag '" + std::string(a) + "' (allowed: --format, --alpha)");
        } else {
            files.emplace_back(a);
        }
    }
    if (files.size() != 2) return fail("compare: expected two results files, BASE and NEW");
    nlohmann::json base, current;
    try {
        base = rs::read_document(files[0]);
        current = rs::read_document(files[1]);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    const auto c = rs::compare(base, current, alpha);
    if (format == "json") {
        std::puts(rs::to_json(c).dump(2).c_str());
        return 0;
    }
    if (format == "table") {
        std::printf("base:    %s (%s)\ncurrent: %s (%s)\n\n", files[0].c_str(), c.base_description.c_str(),
                    files[1].c_str(), c.current_description.c_str());
    }
    std::fputs(rs::comparison_table(c).render(rs::parse_table_format(format)).c_str(), stdout);
    if (format == "table") {
        for (const auto& n : c.only_in_base) std::printf("only in base: %s\n", n.c_str());
        for (const auto& n : c.only_in_current) std::printf("only in current: %s\n", n.c_str());
        for (const auto& n : c.notes) std::printf("note: %s\n", n.c_str());
    }
    return 0;
}

int cmd_report(int argc, char** argv) {
    std::vector<std::string> inputs;
    std::string format = "table";
    std::string sort = "instance_type";
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a.rfind("--format=", 0) == 0) {
            format = std::string(a.substr(9));
        } else if (a.rfind("--sort=", 0) == 0) {
            sort = std::string(a.substr(7));
        } else if (a == "--help" || a == "-h") {
            std::puts("ec2bench report FILE|DIR... [--format=table|markdown|csv] [--sort=COLUMN]");
            return 0;
        } else if (a.rfind("--", 0) == 0) {
            return fail("report: unknown flag '" + std::string(a) + "' (allowed: --format, --sort)");
        } else {
            inputs.emplace_back(a);
        }
    }
    rs::table_format tf{};
    try {
        tf = rs::parse_table_format(format);
    } catch (const std::exception& e) {
        return fail(std::string("report: ") + e.what());
    }
    if (!rs::valid_sort_column(sort)) {
        std::string cols = "instance_type";
        for (const auto& c : rs::report_columns()) cols += ", " + c.first;
        return fail("report: --sort=" + sort + ": expected one of " + cols);
    }
    const auto files = rs::expand_inputs(inputs);
    if (files.empty()) return fail("report: no results files given (name files or directories of *.json)");
    std::vector<rs::report_row> rows;
    int bad = 0;
    for (const auto& f : files) {
        try {
            rows.push_back(rs::report_row_of(f, rs::read_document(f)));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "ec2bench: skipped: %s\n", e.what());
            ++bad;
        }
    }
    std::fputs(rs::report_table(rows, sort).render(tf).c_str(), stdout);
    return bad != 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, usage_text, ec2bench::version_string());
        return 2;
    }
    const std::string_view cmd = argv[1];
    try {
        if (cmd == "run") return cmd_run(argc - 1, argv + 1);
        if (cmd == "probe") return cmd_probe(argc - 1, argv + 1);
        if (cmd == "compare") return cmd_compare(argc - 1, argv + 1);
        if (cmd == "report") return cmd_report(argc - 1, argv + 1);
    } catch (const std::exception& e) {
        return fail(e.what(), 1);
    }
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        std::printf(usage_text, ec2bench::version_string());
        return 0;
    }
    if (cmd == "--version") {
        std::printf("ec2bench %s\n", ec2bench::version_string());
        return 0;
    }
    std::fprintf(stderr, "ec2bench: unknown command '%s'\n\n", argv[1]);
    std::fprintf(stderr, usage_text, ec2bench::version_string());
    return 2;
}
