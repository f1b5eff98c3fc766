// ec2bench-fsync: durable-write latency, IOPS and throughput as Google Benchmark benchmarks.
#include <ec2bench/gbench/flags.hpp>
#include <ec2bench/gbench/fsync.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::vector<std::string> split(std::string_view v) {
    std::vector<std::string> out;
    while (true) {
        const auto comma = v.find(',');
        out.emplace_back(v.substr(0, comma));
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    namespace eg = ec2bench::gbench;
    namespace fio = ec2bench::fsync_io;
    eg::fsync_bench_options o;
    o.run.directory = ".";
    eg::flag_set flags("ec2bench-fsync",
                       "durable-write latency, IOPS and MB/s: blocks written to a fresh file in "
                       "--dir, each made durable by --method");
    flags
        .add("dir", "PATH",
             "directory for the test file (default: the current directory; the file is "
             "removed on every exit path)",
             [&](std::string_view v) {
                 if (v.empty()) throw std::invalid_argument("--dir=: expected a directory");
                 o.run.directory = std::string(v);
             })
        .add("method", "M[,M...]",
             "fsync, fdatasync, dsync (O_DSYNC), sync (O_SYNC), direct (O_DIRECT), "
             "direct+fdatasync or none (default: fdatasync)",
             [&](std::string_view v) {
                 o.methods.clear();
                 for (const auto& m : split(v)) {
                     try {
                         o.methods.push_back(fio::parse_method(m));
                     } catch (const std::invalid_argument&) {
                         throw std::invalid_argument(
                             "--method=" + std::string(v) + ": '" + m +
                             "' is not one of fsync, fdatasync, dsync, sync, direct, "
                             "direct+fdatasync, none");
                     }
                 }
             })
        .add("block-size", "SIZE[,SIZE...]", "bytes per write: 512, 4k, 16k, 1M (default: 4k)",
             [&](std::string_view v) {
                 o.block_sizes.clear();
                 for (const auto& s : split(v)) {
                     const auto b = eg::parse_size(s, "block-size");
                     if (b == 0 || b % 512 != 0 || b > (std::uint64_t{64} << 20)) {
                         throw std::invalid_argument("--block-size=" + std::string(v) + ": " + s +
                                                     " must be a positive multiple of 512, at "
                                                     "most 64M");
                     }
                     o.block_sizes.push_back(static_cast<std::size_t>(b));
                 }
             })
        .add("ops", "N", "timed writes per run (default: 2000)",
             [&](std::string_view v) {
                 o.run.ops = eg::parse_count(v, "ops");
                 if (o.run.ops == 0) throw std::invalid_argument("--ops=0: expected at least 1");
             })
        .add("seconds", "S", "stop a run after S seconds whatever --ops says (default: 10)",
             [&](std::string_view v) {
                 const auto s = eg::parse_count(v, "seconds");
                 if (s == 0) throw std::invalid_argument("--seconds=0: expected at least 1");
                 o.run.seconds = static_cast<double>(s);
             })
        .add("prepare", "append|preallocate|overwrite",
             "file layout before the timed writes (default: append)",
             [&](std::string_view v) {
                 try {
                     o.run.prepare = fio::parse_prepare(v);
                 } catch (const std::invalid_argument&) {
                     throw std::invalid_argument("--prepare=" + std::string(v) +
                                                 ": expected append, preallocate or overwrite");
                 }
             })
        .add("sync-every", "N", "sync after every N writes; 0: only at the end (default: 1)",
             [&](std::string_view v) {
                 const auto n = eg::parse_count(v, "sync-every");
                 if (n > 1'000'000'000) {
                     throw std::invalid_argument("--sync-every=" + std::string(v) +
                                                 ": expected 0 to 1000000000");
                 }
                 o.run.sync_every = static_cast<unsigned>(n);
             })
        .add("warmup", "N", "untimed writes before the timed ones (default: 16)",
             [&](std::string_view v) { o.run.warmup_ops = eg::parse_count(v, "warmup"); })
        .add("max-file-size", "SIZE", "refuse runs whose file would exceed SIZE (default: 1G)",
             [&](std::string_view v) { o.run.max_file_bytes = eg::parse_size(v, "max-file-size"); });
    if (const int rc = flags.parse(argc, argv); rc >= 0) return rc;

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::AddCustomContext("ec2bench.fsync_directory", o.run.directory);
    eg::register_fsync(o);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
