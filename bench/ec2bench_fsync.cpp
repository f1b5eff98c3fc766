// ec2bench-fsync: durable-write latency, IOPS and throughput as Google Benchmark benchmarks.
#include "cli/cli.hpp"

#include <ec2bench/gbench/fsync.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>


int main(int argc, char** argv) {
    namespace cli = ec2bench::cli;
    const std::string program = "ec2bench-fsync";
    namespace fio = ec2bench::fsync_io;
    ec2bench::gbench::fsync_bench_options o;
    o.run.directory = ".";
    std::vector<std::string> methods = {"fdatasync"};
    std::uint64_t seconds = 10, sync_every = o.run.sync_every;
    std::string prepare = "append", ops_text = "2000";
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
    app.footer(std::string(cli::exit_status_help) +
               " SIGINT, SIGTERM, SIGHUP and SIGQUIT remove the test file before the program "
               "ends.\n\nGoogle Benchmark's own flags follow.");

    const auto args = cli::split_gbench_flags(argc, argv);
    if (const auto rc = cli::parse(app, args.ours, program)) {
        if (*rc == cli::exit_ok) cli::initialize_gbench(program, {"--help"});
        return *rc;
    }
    o.methods.clear();
    for (const auto& m : methods) o.methods.push_back(fio::parse_method(m));
    o.run.prepare = fio::parse_prepare(prepare);
    o.run.seconds = static_cast<double>(seconds);
    o.run.sync_every = static_cast<unsigned>(sync_every);
    try {
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
        cli::check_gbench_flags(args.gbench);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
        return cli::exit_usage;
    }
    if (!cli::initialize_gbench(program, args.gbench)) return cli::exit_usage;
    benchmark::AddCustomContext("ec2bench.fsync_directory", o.run.directory);
    ec2bench::gbench::register_fsync(o);
    const int rc = cli::run_benchmarks(program);
    benchmark::Shutdown();
    return rc;
}
