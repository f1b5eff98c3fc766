// SPDX-License-Identifier: MIT
// What the ec2bench executables share around CLI11: Google Benchmark's flags passed through,
// options for counts and sizes in the notations of bench/cli/parse.hpp, checked against their
// allowed ranges before anything is allocated, one error line, and the exit status.
//
// Exit status, the same in every executable: 0 everything ran and validated, 1 a benchmark failed
// or did not validate, 2 bad flags or input, 128+N after signal N.
#ifndef EC2BENCH_BENCH_CLI_CLI_HPP
#define EC2BENCH_BENCH_CLI_CLI_HPP

#include "parse.hpp"

#include <ec2bench/detail/bytes_text.hpp>
#include <ec2bench/detail/meminfo.hpp>
#include <ec2bench/gbench/compat.hpp>

#include <CLI/CLI.hpp>
#include <benchmark/benchmark.h>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;

/// The exit-status paragraph every --help ends with.
inline constexpr const char* exit_status_help =
    "Exit status: 0 everything ran and validated, 1 a benchmark failed or did not validate, "
    "2 bad flags or input, 128+N after signal N.";

/// Bad flags or input: the message is the whole line printed; the exit status is 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// --- Google Benchmark's flags ---------------------------------------------------------------

/// Whether an argument is one of Google Benchmark's flags (always written --flag=value or
/// --flag), which go to benchmark::Initialize rather than to CLI11.
inline bool is_gbench_flag(std::string_view a) {
    return a.rfind("--benchmark_", 0) == 0 || a == "--v" || a.rfind("--v=", 0) == 0;
}

/// argv without the program name, split into our flags and Google Benchmark's.
struct split_args {
    std::vector<std::string> ours;
    std::vector<std::string> gbench;
};

inline split_args split_gbench_flags(int argc, const char* const* argv) {
    split_args s;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        (is_gbench_flag(a) ? s.gbench : s.ours).push_back(a);
    }
    return s;
}

namespace detail {

inline std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

inline std::optional<long long> integer(const std::string& v) {
    if (v.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const long long x = std::strtoll(v.c_str(), &end, 10);
    if (errno != 0 || end == v.c_str() || *end != '\0') return std::nullopt;
    return x;
}

inline std::optional<double> real(const std::string& v) {
    if (v.empty()) return std::nullopt;
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0' || !std::isfinite(x)) return std::nullopt;
    return x;
}

}  // namespace detail

/// Checks the values of Google Benchmark's flags that it would otherwise accept and then act on
/// badly: a negative repetition count aborts the process, an unknown format prints its usage and
/// exits 0, a broken filter regex runs nothing and exits 0. Throws usage_error naming the flag.
/// Flags it does not know are left to Google Benchmark (which refuses the unknown ones).
inline void check_gbench_flags(const std::vector<std::string>& flags) {
    for (const std::string& f : flags) {
        const auto eq = f.find('=');
        const std::string name = f.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const bool has_value = eq != std::string::npos;
        const std::string value = has_value ? f.substr(eq + 1) : "";
        const auto bad = [&](const std::string& allowed) {
            return usage_error(f + ": " + allowed);
        };
        if (name == "benchmark_repetitions") {
            const auto n = detail::integer(value);
            if (!n || *n < 1 || *n > 100000) throw bad("expected a whole number from 1 to 100000");
        } else if (name == "benchmark_min_time" || name == "benchmark_min_warmup_time") {
            // 1.7 takes seconds as a plain number; 1.8 also takes "2s" and "100x", which a 1.7
            // build refuses as unrecognised by itself.
            if (const auto x = detail::real(value)) {
                const bool warmup = name == "benchmark_min_warmup_time";
                if (*x < 0 || (!warmup && *x == 0) || *x > 1e6) {
                    throw bad(warmup ? "expected seconds from 0 to 1e6"
                                     : "expected seconds above 0, at most 1e6, such as 0.5");
                }
            } else if (value.empty()) {
                throw bad("expected seconds, such as 0.5");
            }
        } else if (name == "benchmark_format" || name == "benchmark_out_format") {
            if (value != "console" && value != "json" && value != "csv") {
                throw bad("expected console, json or csv");
            }
        } else if (name == "benchmark_time_unit") {
            if (value != "ns" && value != "us" && value != "ms" && value != "s") {
                throw bad("expected ns, us, ms or s");
            }
        } else if (name == "benchmark_list_tests" || name == "benchmark_report_aggregates_only" ||
                   name == "benchmark_display_aggregates_only" ||
                   name == "benchmark_enable_random_interleaving" ||
                   name == "benchmark_counters_tabular" || name == "benchmark_dry_run") {
            static const char* const ok[] = {"true", "false", "1", "0", "yes", "no", "t",
                                             "f",    "y",     "n", "on",  "off"};
            const std::string v = detail::lower(value);
            if (has_value && std::find(std::begin(ok), std::end(ok), v) == std::end(ok)) {
                throw bad("expected true or false");
            }
        } else if (name == "benchmark_filter") {
            // Google Benchmark compiles the filter as an extended regular expression; a leading
            // '-' negates it.
            const std::string re = !value.empty() && value[0] == '-' ? value.substr(1) : value;
            try {
                std::regex compiled(re, std::regex::extended);
                static_cast<void>(compiled);
            } catch (const std::regex_error& e) {
                throw bad(std::string("not a valid regular expression (") + e.what() + ")");
            }
        } else if (name == "benchmark_out") {
            if (value.empty()) throw bad("expected a file name");
            const auto slash = value.rfind('/');
            const std::string dir =
                slash == std::string::npos ? "." : (slash == 0 ? "/" : value.substr(0, slash));
            struct stat st{};
            if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
                throw bad("directory '" + dir + "' does not exist");
            }
            if (::access(dir.c_str(), W_OK) != 0) {
                throw bad("directory '" + dir + "' is not writable (" + std::strerror(errno) + ")");
            }
        }
    }
}

/// Hands Google Benchmark its flags. Returns false after printing its own error line for one it
/// does not know. `--help` among them prints Google Benchmark's flags and exits 0 (its way).
inline bool initialize_gbench(const std::string& program, std::vector<std::string> flags) {
    // Google Benchmark keeps argv[0] (the context's "executable"): the strings must outlive
    // this call.
    static std::vector<std::string> storage;
    storage.clear();
    storage.reserve(flags.size() + 1);
    storage.push_back(program);
    for (auto& f : flags) storage.push_back(std::move(f));
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    int argc = static_cast<int>(storage.size());
    benchmark::Initialize(&argc, argv.data());
    return !benchmark::ReportUnrecognizedArguments(argc, argv.data());
}

// --- our options ----------------------------------------------------------------------------

/// An option with a value, `--name=VALUE` or `--name VALUE`; the last one given wins (as with
/// Google Benchmark's flags). `set` throws usage_error or std::invalid_argument/out_of_range
/// with the whole message for a bad value.
inline CLI::Option* add_value(CLI::App& app, const std::string& name, const std::string& metavar,
                              const std::string& help, std::function<void(const std::string&)> set) {
    auto* o = app.add_option_function<std::string>(
        name,
        [set = std::move(set)](const std::string& v) {
            try {
                set(v);
            } catch (const std::logic_error& e) {  // invalid_argument, out_of_range
                throw CLI::ValidationError(e.what());
            } catch (const usage_error& e) {
                throw CLI::ValidationError(e.what());
            }
        },
        help);
    o->type_name(metavar);
    o->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    return o;
}

/// A repeatable option: `set` is called for every occurrence, in order (`--slo A --slo B`). Each
/// occurrence takes exactly one value, so `--price T=0.1 results/` leaves results/ to the
/// positional arguments. (add_value's TakeLast, or a string callback with TakeAll, would see only
/// one of several values.)
inline CLI::Option* add_repeated(CLI::App& app, const std::string& name, const std::string& metavar,
                                 const std::string& help, std::function<void(const std::string&)> set) {
    auto* o = app.add_option_function<std::vector<std::string>>(
        name,
        [set = std::move(set)](const std::vector<std::string>& values) {
            for (const auto& v : values) {
                try {
                    set(v);
                } catch (const std::logic_error& e) {
                    throw CLI::ValidationError(e.what());
                } catch (const usage_error& e) {
                    throw CLI::ValidationError(e.what());
                }
            }
        },
        help);
    o->type_name(metavar);
    o->allow_extra_args(false);
    return o;
}

/// "--name=VALUE: ..." for messages.
inline std::string flag_value(const std::string& name, const std::string& value) {
    return name + "=" + value;
}

/// "from 1 to 4096", "at least 2", "at most 64": the allowed range in words.
inline std::string range_text(std::uint64_t lo, std::uint64_t hi, const std::string& unit = "") {
    const std::string u = unit.empty() ? "" : " " + unit;
    if (hi == std::numeric_limits<std::uint64_t>::max()) return "at least " + std::to_string(lo) + u;
    if (lo == 0) return "at most " + std::to_string(hi) + u;
    return "from " + std::to_string(lo) + " to " + std::to_string(hi) + u;
}

/// A count (1e10, 2^32, 80_000_000) from `lo` to `hi`; `why_hi` says where the upper limit
/// comes from when it is not obvious (" (half of MemAvailable)").
/// `text`, when given, keeps the value as written, for later messages ("--elements=1e12: ...").
inline CLI::Option* add_count(CLI::App& app, const std::string& name, std::uint64_t& target,
                              std::uint64_t lo, std::uint64_t hi, const std::string& help,
                              const std::string& metavar = "N", const std::string& why_hi = "",
                              std::string* text = nullptr) {
    return add_value(app, name, metavar, help, [&target, name, lo, hi, why_hi, text](const std::string& v) {
        const std::uint64_t n = parse_count(v, name.substr(2));
        if (n < lo || n > hi) {
            throw usage_error(flag_value(name, v) + ": expected " + range_text(lo, hi) + why_hi);
        }
        target = n;
        if (text != nullptr) *text = v;
    });
}

/// A size in bytes, fio's way (4k, 1M), from `lo` to `hi`.
inline CLI::Option* add_size(CLI::App& app, const std::string& name, std::uint64_t& target,
                             std::uint64_t lo, std::uint64_t hi, const std::string& help,
                             const std::string& metavar = "SIZE") {
    return add_value(app, name, metavar, help, [&target, name, lo, hi](const std::string& v) {
        const std::uint64_t n = parse_size(v, name.substr(2));
        if (n < lo || n > hi) {
            throw usage_error(flag_value(name, v) + ": expected " + range_text(lo, hi, "bytes"));
        }
        target = n;
    });
}

/// One of `choices`.
inline CLI::Option* add_choice(CLI::App& app, const std::string& name, std::string& target,
                               std::vector<std::string> choices, const std::string& help) {
    std::string listed;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        listed += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
    }
    std::string metavar;
    for (const auto& c : choices) metavar += (metavar.empty() ? "" : "|") + c;
    return add_value(app, name, metavar, help,
                     [&target, name, choices, listed](const std::string& v) {
                         if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
                             throw usage_error(flag_value(name, v) + ": expected " + listed);
                         }
                         target = v;
                     });
}

/// A comma-separated list of distinct values, each one of `choices`; never empty.
inline CLI::Option* add_list(CLI::App& app, const std::string& name, std::vector<std::string>& target,
                             std::vector<std::string> choices, const std::string& help,
                             const std::string& metavar = "LIST") {
    return add_value(app, name, metavar, help, [&target, name, choices](const std::string& v) {
        std::string listed;
        for (const auto& c : choices) listed += (listed.empty() ? "" : ",") + c;
        std::vector<std::string> out;
        std::string_view rest = v;
        while (true) {
            const auto comma = rest.find(',');
            const std::string item(rest.substr(0, comma));
            if (std::find(choices.begin(), choices.end(), item) == choices.end()) {
                throw usage_error(flag_value(name, v) + ": '" + item + "' is not one of " + listed);
            }
            if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        target = std::move(out);
    });
}

/// A non-empty string (a path, say).
inline CLI::Option* add_text(CLI::App& app, const std::string& name, std::string& target,
                             const std::string& help, const std::string& metavar = "PATH") {
    return add_value(app, name, metavar, help, [&target](const std::string& v) { target = v; });
}

/// Parses our flags. Returns std::nullopt to go on, or the exit status after printing: 0 after
/// --help (the caller may add Google Benchmark's flags), 2 after one error line
/// "<program>: <message>" on `err`.
inline std::optional<int> parse(CLI::App& app, std::vector<std::string> args,
                                const std::string& program, std::FILE* err = stderr) {
    // CLI11 would say "--out: 1 required PATH missing" for --out=; say what is wrong instead.
    for (const auto& a : args) {
        if (a.size() > 3 && a.rfind("--", 0) == 0 && a.back() == '=' &&
            a.find('=') == a.size() - 1) {
            // The option of that name in the app or the subcommand named before it.
            const std::string name = a.substr(0, a.size() - 1);
            const CLI::Option* o = app.get_option_no_throw(name);
            for (const auto& word : args) {
                if (o != nullptr || &word == &a) break;
                for (CLI::App* sub : app.get_subcommands([&](CLI::App* c) { return c->check_name(word); })) {
                    o = sub->get_option_no_throw(name);
                }
            }
            if (o != nullptr) {
                std::fprintf(err, "%s: %s: an empty value; expected %s (see --help)\n",
                             program.c_str(), a.c_str(), o->get_type_name().c_str());
                return exit_usage;
            }
        }
    }
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    try {
        app.parse(args);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        return exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
        return exit_ok;
    } catch (const CLI::CallForVersion& e) {
        std::printf("%s\n", e.what());
        return exit_ok;
    } catch (const CLI::ParseError& e) {
        std::fprintf(err, "%s: %s (see --help)\n", program.c_str(), e.what());
        return exit_usage;
    }
    return std::nullopt;
}

// --- running ------------------------------------------------------------------------------

/// Forwards everything to a display reporter and counts the runs that failed, for the exit
/// status.
class counting_reporter : public benchmark::BenchmarkReporter {
public:
    explicit counting_reporter(benchmark::BenchmarkReporter* display) : display_(display) {}
    bool ReportContext(const Context& c) override { return display_->ReportContext(c); }
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs) failed_ += ec2bench::gbench::run_failed(r) ? 1u : 0u;
        display_->ReportRuns(runs);
    }
    void Finalize() override { display_->Finalize(); }
    std::size_t failed() const { return failed_; }

private:
    benchmark::BenchmarkReporter* display_;
    std::size_t failed_ = 0;
};

namespace detail {
// Google Benchmark 1.7 keeps the reporter it creates (a static it hands out again); later
// releases hand it over in a unique_ptr, kept here until the next call.
inline benchmark::BenchmarkReporter* keep_reporter(benchmark::BenchmarkReporter* r) { return r; }
template <class Owner>
benchmark::BenchmarkReporter* keep_reporter(Owner r) {
    static Owner kept;
    kept = std::move(r);
    return kept.get();
}
}  // namespace detail

/// Google Benchmark's own display reporter (honouring --benchmark_format where the release can).
/// Not an owning pointer; valid until the next call.
inline benchmark::BenchmarkReporter* default_display_reporter() {
#if defined(EC2BENCH_GBENCH_HAS_DEFAULT_DISPLAY_REPORTER)
    return detail::keep_reporter(benchmark::CreateDefaultDisplayReporter());
#else
    static benchmark::ConsoleReporter console;
    return &console;
#endif
}

/// Runs the registered benchmarks that the filter selects and returns the exit status: 0, 1
/// when a run failed (its error is in the output), 2 when the filter selected none.
inline int run_benchmarks(const std::string& program) {
    counting_reporter counting(default_display_reporter());
    const std::size_t ran = benchmark::RunSpecifiedBenchmarks(&counting);
    if (ran == 0) {
        std::fprintf(stderr, "%s: no benchmark ran: --benchmark_filter matched none (list them "
                             "with --benchmark_list_tests)\n",
                     program.c_str());
        return exit_usage;
    }
    if (counting.failed() != 0) {
        std::fprintf(stderr, "%s: %zu run%s failed (see above)\n", program.c_str(),
                     counting.failed(), counting.failed() == 1 ? "" : "s");
        return exit_failed;
    }
    return exit_ok;
}

/// The directory checks that make a bad --dir a refused flag (exit 2) rather than a failed
/// benchmark; the run repeats them, with the free space, when it starts.
inline void check_fsync_directory(const std::string& dir, const std::string& flag_name = "--dir") {
    const std::string flag = flag_name + "=" + dir;
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0) {
        const int e = errno;
        throw usage_error(flag + ": " +
                               (e == ENOENT ? std::string("does not exist; expected an existing directory")
                                            : std::string(std::strerror(e))));
    }
    if (!S_ISDIR(st.st_mode)) throw usage_error(flag + ": not a directory; expected a directory");
    struct statvfs vfs{};
    if (::statvfs(dir.c_str(), &vfs) == 0) {
        if ((vfs.f_flag & ST_RDONLY) != 0) {
            throw usage_error(flag + ": on a read-only filesystem (EROFS); expected a writable directory");
        }
        // proc, sysfs and their like report no blocks at all: nothing there is stored.
        if (vfs.f_blocks == 0) {
            throw usage_error(flag + ": on a filesystem without storage (it has no blocks, as "
                                          "/proc and /sys); expected a directory on a disk");
        }
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        throw usage_error(flag + ": not writable by this user (" + std::strerror(errno) +
                               "); expected a writable directory");
    }
}

/// The whole life of a plain Google Benchmark executable: our flags (CLI11; --help adds Google
/// Benchmark's), the checks of Google Benchmark's flags, then `prepare` (more checks and the
/// options' last touches, files opened; it throws usage_error or std::invalid_argument for bad
/// input), Google Benchmark's initialisation, `register_all`, the run. Returns the exit status.
///
///     return cli::run_executable(app, argc, argv, [&] { check(o); }, [&] { register_sieve(o); });
inline int run_executable(CLI::App& app, int argc, char** argv, const std::function<void()>& prepare,
                          const std::function<void()>& register_all) {
    const std::string program = app.get_name();
    const auto args = split_gbench_flags(argc, argv);
    if (const auto rc = parse(app, args.ours, program)) {
        if (*rc == exit_ok) initialize_gbench(program, {"--help"});
        return *rc;
    }
    try {
        check_gbench_flags(args.gbench);
        prepare();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
        return exit_usage;
    }
    if (!initialize_gbench(program, args.gbench)) return exit_usage;
    register_all();
    const int rc = run_benchmarks(program);
    benchmark::Shutdown();
    return rc;
}

// --- limits ---------------------------------------------------------------------------------

/// /proc/meminfo's MemAvailable in bytes, or 0 when unknown (then memory is not a limit here;
/// the allocation itself still fails cleanly). The library's one reader, so that the flag and
/// the kernel judge memory the same way.
inline std::uint64_t mem_available_bytes(const std::string& meminfo = "/proc/meminfo") {
    return ec2bench::detail::mem_available_bytes(meminfo);
}

/// "21.9 GiB": the library's one formatter (ec2bench::detail::bytes_text).
inline std::string bytes_text(double b) { return ec2bench::detail::bytes_text(b); }

/// The most items of `item_bytes` each that `copies` arrays may hold in the available memory,
/// or `fallback` when MemAvailable is unknown.
inline std::uint64_t max_items_in_memory(std::uint64_t item_bytes, std::uint64_t copies,
                                         std::uint64_t fallback) {
    const std::uint64_t avail = mem_available_bytes();
    if (avail == 0) return fallback;
    return std::max<std::uint64_t>(1, avail / (item_bytes * copies));
}

}  // namespace ec2bench::cli

#endif  // EC2BENCH_BENCH_CLI_CLI_HPP
