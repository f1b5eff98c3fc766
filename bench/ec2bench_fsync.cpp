// ec2bench-fsync: durable-write latency, IOPS and throughput as Google Benchmark benchmarks.
#include "cli/cli.hpp"

#include <ec2bench/clock.hpp>
#include <ec2bench/gbench/fsync.hpp>
#include <ec2bench/results/hdr.hpp>
#include <ec2bench/version.hpp>

#include <benchmark/benchmark.h>

#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

/// --hlog: HdrHistogram's interval log (format 1.3) of every run's write+sync latencies in ns,
/// one line per interval tagged with the benchmark's name. Each line reaches the file (fflush)
/// as it is written, so a run cut short by a signal leaves a valid log of what it measured.
class hlog_file {
public:
    /// Opens (truncates) the file and writes the header; usage_error when it cannot.
    explicit hlog_file(const std::string& path) : path_(path) {
        file_ = std::fopen(path.c_str(), "we");
        if (file_ == nullptr) throw ec2bench::cli::usage_error(flag() + ": " + std::strerror(errno));
        // The log's StartTime (wall clock) and the monotonic reading at the same moment: runs
        // report their intervals on the monotonic clock, and timestamps are seconds after this.
        timespec wall{};
        ::clock_gettime(CLOCK_REALTIME, &wall);
        mono_start_ns_ = ec2bench::now_ns();
        const double start_s = static_cast<double>(wall.tv_sec) + static_cast<double>(wall.tv_nsec) * 1e-9;
        writer_.write_header(start_s,
                             std::string("[Logged with ec2bench-fsync ") + ec2bench::version_string() + "]",
                             start_s);
        flush();
    }
    hlog_file(const hlog_file&) = delete;
    hlog_file& operator=(const hlog_file&) = delete;
    ~hlog_file() {
        if (file_ != nullptr) std::fclose(file_);
    }

    /// One interval of a run; std::runtime_error when the file cannot take it (the run fails).
    void write(const std::string& benchmark, const ec2bench::fsync_io::interval& i) {
        const std::uint64_t at = i.phase_start_ns + i.start_ns;
        const double start_s =
            at >= mono_start_ns_ ? static_cast<double>(at - mono_start_ns_) * 1e-9 : 0.0;
        writer_.write_interval(start_s, static_cast<double>(i.length_ns) * 1e-9, i.total, benchmark);
        flush();
    }

    /// Closes the file; false (after saying why on stderr) when the last writes failed.
    bool close(const std::string& program) {
        const int rc = std::fclose(file_);
        file_ = nullptr;
        if (rc != 0) {
            std::fprintf(stderr, "%s: %s: %s\n", program.c_str(), flag().c_str(), std::strerror(errno));
            return false;
        }
        return true;
    }

private:
    std::string flag() const { return "--hlog=" + path_; }

    void flush() {
        const std::string text = buffer_.str();
        buffer_.str(std::string());
        if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0) {
            throw std::runtime_error(flag() + ": cannot write: " + std::strerror(errno));
        }
    }

    std::string path_;
    std::FILE* file_ = nullptr;
    std::uint64_t mono_start_ns_ = 0;
    std::ostringstream buffer_;
    ec2bench::results::hdr::interval_log_writer writer_{buffer_};
};

}  // namespace


int main(int argc, char** argv) {
    namespace cli = ec2bench::cli;
    const std::string program = "ec2bench-fsync";
    namespace fio = ec2bench::fsync_io;
    ec2bench::gbench::fsync_bench_options o;
    o.run.directory = ".";
    std::vector<std::string> methods = {"fdatasync"};
    std::uint64_t seconds = 10, sync_every = o.run.sync_every;
    std::string prepare = "append", ops_text = "2000";
    std::string hlog_path, hlog_interval_text;
    double hlog_interval = 1.0;
    CLI::App app("durable-write latency, IOPS and MB/s: blocks written to a fresh file in --dir, "
                 "each made durable by --method",
                 program);
    cli::add_text(app, "--dir", o.run.directory,
                  "directory for the test file (default: the current directory; the file is "
                  "removed on every exit path)");
    cli::add_list(app, "--method", methods,
                  {"fsync", "fdatasync", "dsync", "sync", "direct", "direct+fdatasync", "none"},
                  "fsync, fdatasync, dsync (O_DSYNC), sync (O_SYNC), direct (O_DIRECT), "
                  "direct+fdatasync or none (default: fdatasync)",
                  "M[,M...]");
    cli::add_value(app, "--block-size", "SIZE[,SIZE...]",
                   "bytes per write, multiples of 512 up to 64M: 512, 4k, 16k, 1M (default: 4k)",
                   [&](const std::string& v) {
                       o.block_sizes.clear();
                       std::string_view rest = v;
                       while (true) {
                           const auto comma = rest.find(',');
                           const std::string s(rest.substr(0, comma));
                           const auto b = cli::parse_size(s, "block-size");
                           if (b == 0 || b % 512 != 0 || b > (std::uint64_t{64} << 20)) {
                               throw cli::usage_error("--block-size=" + v + ": " + s +
                                                      " must be a positive multiple of 512, at "
                                                      "most 64M");
                           }
                           o.block_sizes.push_back(static_cast<std::size_t>(b));
                           if (comma == std::string_view::npos) break;
                           rest.remove_prefix(comma + 1);
                       }
                   });
    cli::add_count(app, "--ops", o.run.ops, 1, std::numeric_limits<std::uint64_t>::max(),
                   "timed writes per run (default: 2000); the file they make must fit "
                   "--max-file-size",
                   "N", "", &ops_text);
    cli::add_count(app, "--seconds", seconds, 1, 86400,
                   "stop a run after S seconds whatever --ops says (default: 10)", "S");
    cli::add_choice(app, "--prepare", prepare, {"append", "preallocate", "overwrite"},
                    "file layout before the timed writes (default: append)");
    cli::add_count(app, "--sync-every", sync_every, 0, 1'000'000'000,
                   "sync after every N writes; 0: only at the end (default: 1)");
    cli::add_count(app, "--warmup", o.run.warmup_ops, 0, 1'000'000'000,
                   "untimed writes before the timed ones (default: 16)");
    cli::add_size(app, "--max-file-size", o.run.max_file_bytes, 512,
                  std::numeric_limits<std::uint64_t>::max(),
                  "refuse runs whose file would exceed SIZE (default: 1G)");
    cli::add_text(app, "--hlog", hlog_path,
                  "also write HdrHistogram's interval log (format 1.3) of every run's write+sync "
                  "latencies in ns to FILE, each line tagged with the benchmark's name; read it "
                  "with ec2bench hlog or HdrHistogram's tools",
                  "FILE");
    cli::add_value(app, "--hlog-interval", "SECONDS",
                   "the length of --hlog's intervals, from 0.001 to 3600 (default: 1)",
                   [&](const std::string& v) {
                       const auto x = cli::detail::real(v);
                       if (!x || !(*x >= 0.001 && *x <= 3600)) {
                           throw cli::usage_error("--hlog-interval=" + v +
                                                  ": expected seconds from 0.001 to 3600");
                       }
                       hlog_interval = *x;
                       hlog_interval_text = v;
                   });
    app.footer(std::string(cli::exit_status_help) +
               " SIGINT, SIGTERM, SIGHUP and SIGQUIT remove the test file before the program "
               "ends.\n\nGoogle Benchmark's own flags follow.");

    std::unique_ptr<hlog_file> hlog;
    int rc = cli::run_executable(
        app, argc, argv,
        [&] {
            o.methods.clear();
            for (const auto& m : methods) o.methods.push_back(fio::parse_method(m));
            o.run.prepare = fio::parse_prepare(prepare);
            o.run.seconds = static_cast<double>(seconds);
            o.run.sync_every = static_cast<unsigned>(sync_every);
            if (!hlog_interval_text.empty() && hlog_path.empty()) {
                throw cli::usage_error("--hlog-interval=" + hlog_interval_text +
                                       ": goes with --hlog=FILE");
            }
            cli::check_fsync_directory(o.run.directory);
            for (const std::size_t bs : o.block_sizes) {
                // The run's own limit, checked before anything starts: --ops=1e18 is a refused flag.
                const std::uint64_t most = o.run.max_file_bytes / bs;
                if (o.run.warmup_ops >= most || o.run.ops > most - o.run.warmup_ops) {
                    throw cli::usage_error(
                        "--ops=" + ops_text + ": with --warmup=" +
                        std::to_string(o.run.warmup_ops) + " and " + std::to_string(bs) +
                        "-byte blocks the file would exceed --max-file-size=" +
                        std::to_string(o.run.max_file_bytes) + "; expected at most " +
                        std::to_string(most > o.run.warmup_ops ? most - o.run.warmup_ops : 0) +
                        " (or raise --max-file-size)");
                }
            }
            // Opened before any run, so that a path that cannot be written is a refused flag.
            if (!hlog_path.empty()) {
                hlog = std::make_unique<hlog_file>(hlog_path);
                o.run.interval_seconds = hlog_interval;
                o.on_interval = [&hlog](const std::string& name, const fio::interval& i) {
                    hlog->write(name, i);
                };
            }
        },
        [&] {
            benchmark::AddCustomContext("ec2bench.fsync_directory", o.run.directory);
            ec2bench::gbench::register_fsync(o);
        });
    if (hlog && !hlog->close(program) && rc == cli::exit_ok) rc = cli::exit_failed;
    return rc;
}
