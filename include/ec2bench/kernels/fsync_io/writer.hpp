// SPDX-License-Identifier: MIT
// The writes and syncs of an fsync run: EINTR retried, short writes completed, and every
// failure an io_error that says what happened and what to do.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_WRITER_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_WRITER_HPP

#include <ec2bench/kernels/fsync_io/checks.hpp>
#include <ec2bench/kernels/fsync_io/errors.hpp>
#include <ec2bench/kernels/fsync_io/io.hpp>
#include <ec2bench/kernels/fsync_io/options.hpp>
#include <ec2bench/kernels/fsync_io/payload.hpp>
#include <ec2bench/kernels/fsync_io/result.hpp>

#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ec2bench::fsync_io::detail {

/// The run's writes and syncs: EINTR retried, short writes completed, and every failure an
/// io_error that says what happened and what to do.
template <class IO>
struct writer {
    IO& io;
    int fd;
    const options& opt;
    const plan& p;
    const std::string& where;
    result& r;
    std::uint64_t written_ops = 0;  ///< since the last reset: for the messages

    /// Writes block `index` of `data` at its place in the file.
    void write_block(std::uint64_t index, payload& data) {
        const unsigned char* buf = data.block(index);
        const off_t offset = static_cast<off_t>(index * opt.block_size);
        std::size_t done = 0;
        while (done < opt.block_size) {
            const ssize_t n = io.pwrite(fd, buf + done, opt.block_size - done,
                                        offset + static_cast<off_t>(done));
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                if (done < opt.block_size) ++r.short_writes;
                continue;
            }
            const int e = n == 0 ? EIO : errno;
            if (e == EINTR) {
                ++r.eintr_retries;
                continue;
            }
            throw write_error(e, static_cast<std::uint64_t>(offset) + done, offset);
        }
        ++written_ops;
    }

    /// fdatasync(2) (data_only) or fsync(2).
    void sync(bool data_only) {
        for (;;) {
            const int rc = data_only ? io.fdatasync(fd) : io.fsync(fd);
            if (rc == 0) return;
            const int e = errno;
            if (e == EINTR) {
                ++r.eintr_retries;
                continue;
            }
            const char* call = data_only ? "fdatasync" : "fsync";
            if (e == EIO) {
                throw io_error(e, "fsync_io: " + std::string(call) + " failed in " + where +
                                      " after " + std::to_string(written_ops) +
                                      " writes (EIO): the device reported an I/O error and the "
                                      "state of the written data is unknown; check the kernel "
                                      "log (dmesg) and the device");
            }
            if (out_of_space_errno(e)) {
                space_context c = space();
                c.call = call;
                throw out_of_space(e, space_step::sync, c);
            }
            throw failed(e, std::string(call) + " failed in " + where);
        }
    }
    /// The sync of the method (fdatasync for every syncing method but fsync).
    void sync_as_method() { sync(opt.method != sync_method::fsync); }

    /// Lays the file out as opt.prepare says, untimed, and makes the layout (allocation or
    /// contents, and their metadata) durable before timing.
    void prepare(const std::string& filesystem, std::size_t mem_align) {
        if (opt.prepare == prepare_mode::append) return;
        if (opt.prepare == prepare_mode::preallocate) {
            preallocate(filesystem);
        } else {
            payload first(~opt.seed, opt.block_size, mem_align);
            for (std::uint64_t i = 0; i < p.total_ops; ++i) write_block(i, first);
            written_ops = 0;
        }
        sync(false);
    }

    /// The warm-up writes, synced as the timed ones are; the timed part starts with nothing
    /// pending.
    void warm_up(payload& data) {
        const bool syncing = needs_sync_call(opt.method);
        bool unsynced = false;
        for (std::uint64_t i = 0; i < opt.warmup_ops; ++i) {
            write_block(i, data);
            unsynced = true;
            if (syncing && opt.sync_every != 0 && (i + 1) % opt.sync_every == 0) {
                sync_as_method();
                unsynced = false;
            }
        }
        if (syncing && unsynced) sync_as_method();
    }

    /// fallocate(2) of the whole file.
    void preallocate(const std::string& filesystem) {
        if (io.fallocate(fd, 0, static_cast<off_t>(p.file_bytes)) == 0) return;
        const int e = errno;
        if (e == EOPNOTSUPP) {
            throw io_error(e, "fsync_io: " + where + " (" + filesystem +
                                  ") does not support fallocate (EOPNOTSUPP): use prepare "
                                  "append or overwrite");
        }
        if (out_of_space_errno(e)) throw out_of_space(e, space_step::preallocate, space());
        if (e == EFBIG) {
            throw io_error(e, "fsync_io: cannot preallocate " + std::to_string(p.file_bytes) +
                                  " bytes in " + where +
                                  " (EFBIG): the file size limit (ulimit -f) is lower; lower ops");
        }
        throw failed(e, "fallocate failed in " + where);
    }

private:
    /// What out_of_space() says about this run at this point.
    space_context space() const {
        space_context c;
        c.where = where;
        c.file_bytes = p.file_bytes;
        c.written_ops = written_ops;
        c.total_ops = p.total_ops;
        return c;
    }

    io_error write_error(int e, std::uint64_t at, off_t offset) const {
        const std::string after = " after " + std::to_string(written_ops) + " of " +
                                  std::to_string(p.total_ops) + " writes";
        if (out_of_space_errno(e)) return out_of_space(e, space_step::write, space());
        if (e == EFBIG) {
            return io_error(e, "fsync_io: file too large at " + std::to_string(at) + " bytes in " +
                                   where +
                                   " (EFBIG): the file size limit (ulimit -f) or the "
                                   "filesystem's maximum is below the planned " +
                                   std::to_string(p.file_bytes) + " bytes; lower ops");
        }
        if (e == EINVAL && direct(opt.method)) {
            return io_error(e, "fsync_io: O_DIRECT write of " + std::to_string(opt.block_size) +
                                   " bytes at offset " + std::to_string(offset) + " rejected in " +
                                   where +
                                   " (EINVAL): the block size or alignment breaks the device's "
                                   "direct I/O rules");
        }
        if (e == EIO) {
            return io_error(e, "fsync_io: write failed in " + where + after +
                                   " (EIO): the device reported an I/O error; check the kernel "
                                   "log (dmesg) and the device");
        }
        return failed(e, "write failed in " + where + after);
    }
};

}  // namespace ec2bench::fsync_io::detail

#endif  // EC2BENCH_KERNELS_FSYNC_IO_WRITER_HPP
