// SPDX-License-Identifier: MIT
// Durable-write latency, IOPS and throughput: blocks written to a fresh file in a directory the
// user names, each made durable by the chosen method, with per-operation latencies of the write,
// the sync and both. The file is created exclusively under a name that says which process made
// it, never outside that directory, and removed on every path (normal end, error, exception,
// SIGINT, SIGTERM, SIGHUP, SIGQUIT); the file of a run killed outright (SIGKILL) is removed by
// the next run in the directory once that process is provably gone.
//
//     ec2bench::fsync_io::options opt;
//     opt.directory = "/data";
//     opt.method = ec2bench::fsync_io::sync_method::fdatasync;
//     opt.ops = 2000;
//     auto r = ec2bench::fsync_io::run(opt);
//     std::printf("%.0f IOPS, p99 %.0f us\n", r.iops, r.total.p99_ns / 1e3);
//
// run() is the sequence of steps; each step is a part in kernels/fsync_io/ (options, result,
// io, errors, checks, test_file and run_file, payload, writer, timed_phase), and what is not the
// kernel's own is shared in detail/ (storage.hpp: what the directory is on; signal_cleanup.hpp:
// the files removed on a signal).
#ifndef EC2BENCH_KERNELS_FSYNC_IO_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_HPP

#include <ec2bench/detail/signal_cleanup.hpp>
#include <ec2bench/detail/storage.hpp>
#include <ec2bench/kernels/fsync_io/checks.hpp>
#include <ec2bench/kernels/fsync_io/errors.hpp>
#include <ec2bench/kernels/fsync_io/run_file.hpp>
#include <ec2bench/kernels/fsync_io/io.hpp>
#include <ec2bench/kernels/fsync_io/options.hpp>
#include <ec2bench/kernels/fsync_io/payload.hpp>
#include <ec2bench/kernels/fsync_io/result.hpp>
#include <ec2bench/kernels/fsync_io/test_file.hpp>
#include <ec2bench/kernels/fsync_io/timed_phase.hpp>
#include <ec2bench/kernels/fsync_io/writer.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace ec2bench::fsync_io {

/// Removes every file that runs in progress have created, and refuses new runs from then on
/// (they throw io_error with EINTR): for a program about to exit on a signal. Waits at most
/// 200 ms for a run that was opening its file. Async-signal-safe: call it from your own
/// SIGINT/SIGTERM/SIGHUP/SIGQUIT handler or signal-handling thread (runs install a handler of
/// their own only where the disposition is the default).
inline void remove_active_files() noexcept { ec2bench::detail::active_files_registry().close(); }

/// Runs the benchmark. Throws std::invalid_argument for bad options, and io_error (a
/// std::system_error) for the I/O errors of the directory, each with a message that names the
/// directory and what to do. Whatever happens, the file is gone afterwards (unless keep_file
/// and the run succeeded).
template <class IO>
inline result run(const options& opt, IO& io) {
    const detail::plan p = detail::check_options(opt);
    const std::string where = "'" + opt.directory + "'";
    result r = detail::new_result(opt);
    const auto me = ec2bench::detail::this_process(opt.procfs_root);
    detail::check_directory(opt, io, p, me, r);

    r.path = detail::new_file_path(opt.directory, me);
    detail::run_file<IO> file(io, r.path, where);
    file.create(opt, where, r.storage.filesystem);
    if (detail::direct(opt.method)) detail::check_direct_io(opt, file.fd(), where, r.storage);

    // The pool is aligned for O_DIRECT whatever the method, and written from directly.
    const std::size_t mem_align = std::max<std::size_t>(4096, r.storage.dio_mem_align);
    detail::payload data(opt.seed, opt.block_size, mem_align);
    detail::writer<IO> w{io, file.fd(), opt, p, where, r};
    w.prepare(r.storage.filesystem, mem_align);
    w.warm_up(data);

    detail::latencies l(opt, p.planned_ops);
    detail::timed_phase(opt, p, w, data, l, r);
    file.close(where);
    detail::summarise(opt, l, r);
    if (opt.keep_file) r.path = file.keep(r.warnings);
    return r;
}

/// The same with the real system calls.
inline result run(const options& opt) {
    posix_io io;
    return run(opt, io);
}

}  // namespace ec2bench::fsync_io

#endif  // EC2BENCH_KERNELS_FSYNC_IO_HPP

