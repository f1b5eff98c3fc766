#include <ec2bench/kernels/fsync_io.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <limits>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
namespace fio = ec2bench::fsync_io;

namespace {

// A scratch directory under the working directory (ctest runs in the build tree, on disk), so the
// tests exercise a real filesystem rather than a tmpfs /tmp.
struct scratch : ec2bench_test::temp_dir {
    scratch() : temp_dir("ec2bench-fsync-test", true) {}
};

fio::options small(const scratch& d, fio::sync_method m = fio::sync_method::fdatasync) {
    fio::options o;
    o.directory = d.str();
    o.method = m;
    o.ops = 20;
    o.warmup_ops = 3;
    return o;
}

std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string expected_contents(const fio::options& o, std::uint64_t blocks) {
    fio::detail::payload p(o.seed, o.block_size);
    std::string out(blocks * o.block_size, '\0');
    for (std::uint64_t i = 0; i < blocks; ++i) {
        p.fill(i, reinterpret_cast<unsigned char*>(out.data() + i * o.block_size));
    }
    return out;
}

bool direct_supported(const scratch& d) {
    const std::string p = d.str() + "/probe-direct";
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0600);
    if (fd >= 0) ::close(fd);
    ::unlink(p.c_str());
    return fd >= 0;
}

// The I/O policy for fault injection: real calls, except where a test asks for a failure.
struct fault_io : fio::posix_io {
    int open_errno = 0;
    long fail_write_at = -1;  // the n-th pwrite call (0-based) fails with write_errno
    int write_errno = 0;
    long fail_sync_at = -1;
    int sync_errno = 0;
    int eintr_writes = 0;     // the first n pwrite calls fail with EINTR
    int eintr_syncs = 0;
    bool half_writes = false; // every pwrite writes at most half of what it is asked
    int fallocate_errno = 0;
    long long free_bytes = -1;
    bool read_only = false;   // statvfs reports ST_RDONLY
    bool no_size = false;     // statvfs reports no blocks at all, as ramfs does
    int access_errno = 0;
    long writes = 0, syncs = 0, fsyncs = 0, fdatasyncs = 0, unlinks = 0;

    int open(const char* path, int flags, mode_t mode) {
        if (open_errno != 0) {
            errno = open_errno;
            return -1;
        }
        return fio::posix_io::open(path, flags, mode);
    }
    ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) {
        const long k = writes++;
        if (eintr_writes > 0) {
            --eintr_writes;
            errno = EINTR;
            return -1;
        }
        if (k == fail_write_at) {
            errno = write_errno;
            return -1;
        }
        if (half_writes && n > 1) n /= 2;
        return fio::posix_io::pwrite(fd, buf, n, off);
    }
    int sync_common(int fd, bool data) {
        const long k = syncs++;
        if (eintr_syncs > 0) {
            --eintr_syncs;
            errno = EINTR;
            return -1;
        }
        if (k == fail_sync_at) {
            errno = sync_errno;
            return -1;
        }
        return data ? fio::posix_io::fdatasync(fd) : fio::posix_io::fsync(fd);
    }
    int fsync(int fd) {
        ++fsyncs;
        return sync_common(fd, false);
    }
    int fdatasync(int fd) {
        ++fdatasyncs;
        return sync_common(fd, true);
    }
    int fallocate(int fd, off_t off, off_t len) {
        if (fallocate_errno != 0) {
            errno = fallocate_errno;
            return -1;
        }
        return fio::posix_io::fallocate(fd, off, len);
    }
    int unlink(const char* p) {
        ++unlinks;
        return fio::posix_io::unlink(p);
    }
    int statvfs(const char* p, struct statvfs* out) {
        const int rc = fio::posix_io::statvfs(p, out);
        if (rc == 0 && free_bytes >= 0) {
            out->f_bavail = static_cast<fsblkcnt_t>(free_bytes) / out->f_frsize;
        }
        if (rc == 0 && read_only) out->f_flag |= ST_RDONLY;
        if (rc == 0 && no_size) out->f_blocks = out->f_bfree = out->f_bavail = 0;
        return rc;
    }
    int access(const char* p, int mode) {
        if (access_errno != 0) {
            errno = access_errno;
            return -1;
        }
        return fio::posix_io::access(p, mode);
    }
};

std::string error_text(const fio::options& o, fault_io& io) {
    try {
        fio::run(o, io);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no exception)";
}

}  // namespace

TEST_CASE("names and parsing of methods and preparations") {
    for (fio::sync_method m : fio::all_methods) CHECK(fio::parse_method(fio::method_name(m)) == m);
    CHECK(fio::parse_prepare("append") == fio::prepare_mode::append);
    CHECK(fio::parse_prepare("preallocate") == fio::prepare_mode::preallocate);
    CHECK(fio::parse_prepare("overwrite") == fio::prepare_mode::overwrite);
    CHECK_THROWS_WITH_AS(fio::parse_method("O_DSYNC"),
                         "fsync_io: method 'O_DSYNC': must be fsync, fdatasync, dsync, sync, "
                         "direct, direct+fdatasync or none",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(fio::parse_prepare("zero"),
                         "fsync_io: prepare 'zero': must be append, preallocate or overwrite",
                         std::invalid_argument);
}

TEST_CASE("the payload is deterministic, and no two blocks are equal") {
    fio::detail::payload p(42, 4096);
    fio::detail::payload q(42, 4096);
    std::vector<unsigned char> a(4096), b(4096);
    std::set<std::string> seen;
    for (std::uint64_t i = 0; i < 2000; ++i) {
        p.fill(i, a.data());
        q.fill(i, b.data());
        CHECK(a == b);
        seen.insert(std::string(a.begin(), a.end()));
    }
    CHECK(seen.size() == 2000u);
    // Random bytes: every byte value appears, none dominates (a compressor finds nothing).
    std::array<int, 256> counts{};
    for (std::uint64_t i = 0; i < 256; ++i) {
        p.fill(i, a.data());
        for (std::size_t k = 16; k < a.size(); ++k) ++counts[a[k]];
    }
    const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
    CHECK(*lo > 3400);  // expected 4080 each
    CHECK(*hi < 4800);
}

TEST_CASE("file contents are byte-exact for every method and preparation") {
    scratch d;
    const bool direct = direct_supported(d);
    for (fio::sync_method m : fio::all_methods) {
        if ((m == fio::sync_method::o_direct || m == fio::sync_method::o_direct_fdatasync) && !direct) {
            MESSAGE("O_DIRECT not supported here: skipped ", fio::method_name(m));
            continue;
        }
        for (fio::prepare_mode p : {fio::prepare_mode::append, fio::prepare_mode::preallocate,
                                    fio::prepare_mode::overwrite}) {
            CAPTURE(fio::method_name(m));
            CAPTURE(fio::prepare_name(p));
            fio::options o = small(d, m);
            o.prepare = p;
            o.keep_file = true;
            const fio::result r = fio::run(o);
            CHECK(r.ops == 20u);
            CHECK(r.warmup_ops == 3u);
            CHECK(r.bytes == 20u * 4096);
            CHECK(r.prepare == p);
            CHECK(r.method == m);
            CHECK(r.stopped_by == "ops");
            CHECK(r.iops > 0);
            CHECK(r.total.count == 20u);
            CHECK(r.write.count == 20u);
            const bool syncing = m == fio::sync_method::fsync || m == fio::sync_method::fdatasync ||
                                 m == fio::sync_method::o_direct_fdatasync;
            CHECK(r.syncs == (syncing ? 20u : 0u));
            CHECK(r.sync.count == (syncing ? 20u : 0u));
            CHECK(fs::path(r.path).parent_path() == d.path);
            CHECK(fs::path(r.path).filename().string().rfind(".ec2bench-fsync-", 0) == 0);
            const std::string bytes = slurp(r.path);
            CHECK(bytes == expected_contents(o, 23));
            // Independently of the generator: every block starts with (seed, index), little-endian.
            for (std::uint64_t i = 0; i < 23 && bytes.size() == 23 * 4096u; ++i) {
                std::uint64_t stamp[2];
                std::memcpy(stamp, bytes.data() + i * 4096, sizeof stamp);
                CHECK(stamp[0] == o.seed);
                CHECK(stamp[1] == i);
            }
            fs::remove(r.path);
            CHECK(d.files() == 0u);
        }
    }
}

TEST_CASE("the file is removed after a normal run") {
    scratch d;
    const fio::result r = fio::run(small(d));
    CHECK_FALSE(fs::exists(r.path));
    CHECK(d.files() == 0u);
}

TEST_CASE("syncing every N writes, or only at the end") {
    scratch d;
    fio::options o = small(d);
    o.ops = 10;
    o.sync_every = 4;
    fault_io io;
    fio::result r = fio::run(o, io);
    CHECK(r.syncs == 3u);  // after writes 4 and 8, then the final one for 9 and 10
    CHECK(r.sync.count == 3u);
    CHECK(r.total.count == 10u);
    o.sync_every = 0;
    r = fio::run(o, io);
    CHECK(r.syncs == 1u);
    CHECK(r.stopped_by == "ops");
    o.method = fio::sync_method::fsync;
    o.sync_every = 1;
    io = fault_io{};
    r = fio::run(o, io);
    CHECK(io.fsyncs == 13);  // 3 in the warm-up, 10 timed
    CHECK(io.fdatasyncs == 0);
}

TEST_CASE("bytes and seconds caps") {
    scratch d;
    fio::options o = small(d);
    o.ops = 0;
    o.bytes = 5 * 4096 + 1;  // rounds up to a whole block
    fio::result r = fio::run(o);
    CHECK(r.ops == 6u);
    CHECK(r.stopped_by == "bytes");
    o.bytes = 0;
    o.seconds = 0.05;
    o.method = fio::sync_method::none;
    o.max_file_bytes = 64 * 4096;
    r = fio::run(o);
    CHECK((r.stopped_by == "seconds" || r.stopped_by == "file size cap"));
    CHECK(r.ops <= 64u - 3u);
    CHECK(r.ops >= 1u);
}

TEST_CASE("reported percentiles agree with the raw samples") {
    scratch d;
    fio::options o = small(d, fio::sync_method::none);
    o.ops = 997;
    o.keep_samples = true;
    const fio::result r = fio::run(o);
    REQUIRE(r.samples.size() == 997u);
    std::vector<std::uint64_t> v = r.samples;
    std::sort(v.begin(), v.end());
    const auto nearest_rank = [&](double q) {
        const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
        return static_cast<double>(v[std::max<std::size_t>(k, 1) - 1]);
    };
    CHECK(r.total.exact);
    CHECK(r.total.p50_ns == nearest_rank(0.5));
    CHECK(r.total.p95_ns == nearest_rank(0.95));
    CHECK(r.total.p99_ns == nearest_rank(0.99));
    CHECK(r.total.p999_ns == nearest_rank(0.999));
    CHECK(r.total.min_ns == static_cast<double>(v.front()));
    CHECK(r.total.max_ns == static_cast<double>(v.back()));

    // Past the exact-sample budget, the histogram's percentiles stay within its bound.
    o.max_exact_samples = 10;
    o.seed = 7;
    const fio::result h = fio::run(o);
    CHECK_FALSE(h.total.exact);
    CHECK(h.total.count == 997u);
    CHECK(h.samples.empty());
}

TEST_CASE("bad options are refused with a message naming the input") {
    scratch d;
    fault_io io;
    fio::options o = small(d);
    o.directory = "";
    CHECK(error_text(o, io) ==
          "fsync_io: no directory given: name the one to test (the default is never /tmp)");
    o = small(d);
    o.block_size = 0;
    CHECK(error_text(o, io) == "fsync_io: block size 0: must be a positive multiple of 512, at most 64 MiB");
    o.block_size = 1000;
    CHECK(error_text(o, io) ==
          "fsync_io: block size 1000: must be a positive multiple of 512, at most 64 MiB");
    o = small(d);
    o.ops = 0;
    CHECK(error_text(o, io) == "fsync_io: no limit: set ops, bytes or seconds");
    o = small(d);
    o.ops = 1'000'000;
    o.max_file_bytes = 1 << 20;
    CHECK(error_text(o, io) == "fsync_io: the run would write 3.81 GiB in '" + d.str() +
                                   "', over the 1 MiB cap; lower ops, bytes or the block size, or "
                                   "raise the cap");
    o = small(d);
    o.ops = std::numeric_limits<std::uint64_t>::max();  // plus 3 warm-up writes would wrap to 2
    CHECK(error_text(o, io) == "fsync_io: 18446744073709551615 writes plus 3 warm-up writes "
                               "overflow a 64-bit count");
    o = small(d);
    o.seconds = std::numeric_limits<double>::infinity();
    CHECK(error_text(o, io) == "fsync_io: seconds inf: must be 0 (no time cap) or a finite positive number");
    o.seconds = -1;
    CHECK(error_text(o, io) ==
          "fsync_io: seconds -1.000000: must be 0 (no time cap) or a finite positive number");
    CHECK(d.files() == 0u);
}

TEST_CASE("directory errors: missing, not a directory, read-only, no permission") {
    scratch d;
    fault_io io;
    fio::options o = small(d);
    o.directory = d.str() + "/missing";
    CHECK(error_text(o, io) == "fsync_io: directory '" + o.directory +
                                   "' does not exist (ENOENT): create it or choose another");
    std::ofstream(d.path / "plain") << "x";
    o.directory = d.str() + "/plain";
    CHECK(error_text(o, io) == "fsync_io: '" + o.directory +
                                   "' is not a directory (ENOTDIR): name a directory");
    o.directory = d.str() + "/plain/sub";
    CHECK(error_text(o, io) ==
          "fsync_io: '" + o.directory +
              "' is not a directory (ENOTDIR): a component of the path is a file");
    fs::remove(d.path / "plain");

    o = small(d);
    io.open_errno = EROFS;
    CHECK(error_text(o, io) == "fsync_io: '" + d.str() +
                                   "' is on a read-only filesystem (EROFS): choose a writable directory");
    io.open_errno = EACCES;
    CHECK(error_text(o, io) == "fsync_io: cannot create a file in '" + d.str() +
                                   "' (EACCES): no permission; choose a directory you can write to");
    io.open_errno = EPERM;
    CHECK(error_text(o, io) == "fsync_io: cannot create a file in '" + d.str() +
                                   "' (EPERM): no permission; choose a directory you can write to");
    io.open_errno = EDQUOT;
    CHECK(error_text(o, io) == "fsync_io: cannot create a file in '" + d.str() +
                                   "' (EDQUOT): the disk or quota is full");
    CHECK(io.unlinks == 0);  // nothing was created, so nothing is removed
    if (::geteuid() != 0) {
        fault_io real;
        fs::permissions(d.path, fs::perms::owner_read | fs::perms::owner_exec);
        CHECK(error_text(o, real) == "fsync_io: cannot create a file in '" + d.str() +
                                         "' (EACCES): no permission; choose a directory you can write to");
        fs::permissions(d.path, fs::perms::owner_all);
    }
    CHECK(d.files() == 0u);
}

TEST_CASE("writability is judged before free space: EROFS, EACCES, then ENOSPC") {
    scratch d;
    fio::options o = small(d);
    const std::string read_only =
        "fsync_io: '" + d.str() + "' is on a read-only filesystem (EROFS): choose a writable directory";
    const std::string no_permission = "fsync_io: cannot create a file in '" + d.str() +
                                      "' (EACCES): no permission; choose a directory you can write to";
    SUBCASE("a read-only filesystem reports no free space, and is still called read-only") {
        fault_io io;
        io.read_only = true;  // statvfs's ST_RDONLY says it
        io.free_bytes = 0;
        CHECK(error_text(o, io) == read_only);
        io.read_only = false;  // or, without the flag, access(2)'s EROFS
        io.access_errno = EROFS;
        CHECK(error_text(o, io) == read_only);
        CHECK(io.writes == 0);
    }
    SUBCASE("no permission, on a full disk, is called no permission") {
        fault_io io;
        io.access_errno = EACCES;
        io.free_bytes = 0;
        CHECK(error_text(o, io) == no_permission);
    }
    // No early return in a subcase: doctest would never see the subcases after it.
    SUBCASE("a real directory without write permission") {
        if (::geteuid() != 0) {  // root may write anywhere
            fs::permissions(d.path, fs::perms::owner_read | fs::perms::owner_exec);
            fault_io io;
            io.free_bytes = 0;
            CHECK(error_text(o, io) == no_permission);
            fs::permissions(d.path, fs::perms::owner_all);
        }
    }
    SUBCASE("/proc is no storage, whoever asks") {
        struct statfs sfs{};
        REQUIRE(::statfs("/proc", &sfs) == 0);
        if (sfs.f_type == 0x9fa0) {
            fault_io io;
            o.directory = "/proc";
            CHECK(error_text(o, io) == "fsync_io: '/proc' is on proc, a kernel interface with no "
                                       "storage behind it (EOPNOTSUPP): choose a directory on a disk");
        }
    }
    CHECK(d.files() == 0u);
}

TEST_CASE("a full disk, a quota, EIO and EFBIG end the run with a message and no file left") {
    scratch d;
    fio::options o = small(d);
    SUBCASE("not enough free space before starting: the message states the margin") {
        fault_io io;
        io.free_bytes = 1 << 20;
        CHECK(error_text(o, io) == "fsync_io: not enough free space in '" + d.str() +
                                       "': the run writes 92 KiB and keeps a margin of 16 MiB "
                                       "free (5% of the file, at least 16 MiB), but 1 MiB is "
                                       "available (ENOSPC); free space there, or lower ops or the "
                                       "block size");
        // The margin is exactly 16 MiB here: one block less than file + margin fails, exactly
        // enough runs.
        io.free_bytes = 94208 + (16 << 20) - 4096;
        CHECK(error_text(o, io).rfind("fsync_io: not enough free space in '", 0) == 0);
        io.free_bytes = 94208 + (16 << 20);
        CHECK(error_text(o, io) == "(no exception)");
        const long writes_so_far = io.writes;
        // 512 MiB: the margin is 5% of the file, 26843545 bytes.
        o.ops = (std::uint64_t{512} << 20) / 4096 - 3;
        io.free_bytes = 520LL << 20;
        CHECK(error_text(o, io) == "fsync_io: not enough free space in '" + d.str() +
                                       "': the run writes 512 MiB and keeps a margin of 25.6 MiB "
                                       "free (5% of the file, at least 16 MiB), but 520 MiB is "
                                       "available (ENOSPC); free space there, or lower ops or the "
                                       "block size");
        CHECK(io.writes == writes_so_far);  // refused before the file was written
    }
    SUBCASE("a filesystem that reports no size (ramfs) is not judged by its free space") {
        fault_io io;
        io.no_size = true;
        CHECK(error_text(o, io) == "(no exception)");
    }
    SUBCASE("ENOSPC on the 6th write") {
        fault_io io;
        io.fail_write_at = 5;
        io.write_errno = ENOSPC;
        CHECK(error_text(o, io) == "fsync_io: no space left in '" + d.str() +
                                       "' after 5 of 23 writes (ENOSPC): free space, or lower ops "
                                       "or the block size");
        CHECK(io.unlinks == 1);
    }
    SUBCASE("EDQUOT") {
        fault_io io;
        io.fail_write_at = 10;
        io.write_errno = EDQUOT;
        CHECK(error_text(o, io) == "fsync_io: disk quota exceeded in '" + d.str() +
                                       "' after 10 of 23 writes (EDQUOT): raise the quota, or lower "
                                       "ops or the block size");
    }
    SUBCASE("EIO from a sync: the data's state is unknown") {
        fault_io io;
        io.fail_sync_at = 4;
        io.sync_errno = EIO;
        CHECK(error_text(o, io) ==
              "fsync_io: fdatasync failed in '" + d.str() +
                  "' after 5 writes (EIO): the device reported an I/O error and the state of the "
                  "written data is unknown; check the kernel log (dmesg) and the device");
    }
    SUBCASE("EIO from a write") {
        fault_io io;
        io.fail_write_at = 0;
        io.write_errno = EIO;
        CHECK(error_text(o, io) == "fsync_io: write failed in '" + d.str() +
                                       "' after 0 of 23 writes (EIO): the device reported an I/O "
                                       "error; check the kernel log (dmesg) and the device");
    }
    SUBCASE("EFBIG, injected") {
        fault_io io;
        io.fail_write_at = 7;
        io.write_errno = EFBIG;
        CHECK(error_text(o, io) == "fsync_io: file too large at 28672 bytes in '" + d.str() +
                                       "' (EFBIG): the file size limit (ulimit -f) or the "
                                       "filesystem's maximum is below the planned 94208 bytes; "
                                       "lower ops");
    }
    SUBCASE("EINVAL from an O_DIRECT write") {
        if (direct_supported(d)) {  // no early return: the subcases after this one would vanish
            fault_io io;
            o.method = fio::sync_method::o_direct_fdatasync;
            io.fail_write_at = 2;
            io.write_errno = EINVAL;
            CHECK(error_text(o, io) ==
                  "fsync_io: O_DIRECT write of 4096 bytes at offset 8192 rejected in '" + d.str() +
                      "' (EINVAL): the block size or alignment breaks the device's direct I/O rules");
        }
    }
    SUBCASE("fallocate unsupported") {
        fault_io io;
        io.fallocate_errno = EOPNOTSUPP;
        o.prepare = fio::prepare_mode::preallocate;
        CHECK(error_text(o, io).rfind("fsync_io: '" + d.str() + "' (", 0) == 0);
        CHECK(error_text(o, io).find(") does not support fallocate (EOPNOTSUPP): use prepare append "
                                     "or overwrite") != std::string::npos);
    }
    CHECK(d.files() == 0u);
}

TEST_CASE("a real EFBIG from RLIMIT_FSIZE leaves no file") {
    scratch d;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::signal(SIGXFSZ, SIG_IGN);  // so the write fails with EFBIG instead of killing us
        rlimit lim{16 * 4096, 16 * 4096};
        ::setrlimit(RLIMIT_FSIZE, &lim);
        fio::options o = small(d);
        try {
            fio::run(o);
        } catch (const fio::io_error& e) {
            const std::string expect = "fsync_io: file too large at 65536 bytes in '" + d.str() +
                                       "' (EFBIG): the file size limit (ulimit -f) or the "
                                       "filesystem's maximum is below the planned 94208 bytes; "
                                       "lower ops";
            ::_exit(e.code().value() == EFBIG && expect == e.what() ? 0 : 2);
        }
        ::_exit(1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(d.files() == 0u);
}

TEST_CASE("EINTR and short writes are survived, and counted") {
    scratch d;
    fio::options o = small(d);
    o.keep_file = true;
    fault_io io;
    io.eintr_writes = 3;
    io.eintr_syncs = 2;
    io.half_writes = true;
    const fio::result r = fio::run(o, io);
    CHECK(r.eintr_retries == 5u);
    CHECK(r.short_writes > 0u);
    CHECK(slurp(r.path) == expected_contents(o, 23));
    fs::remove(r.path);
}

TEST_CASE("storage facts: filesystem, device, O_DIRECT alignment, and tmpfs is flagged") {
    scratch d;
    fio::options o = small(d);
    const fio::result r = fio::run(o);
    struct statfs sfs{};
    REQUIRE(::statfs(d.str().c_str(), &sfs) == 0);
    CHECK(r.storage.filesystem == fio::detail::filesystem_name(static_cast<unsigned long>(sfs.f_type)));
    CHECK(r.storage.free_bytes > 0u);
    if (r.storage.filesystem == "tmpfs") {
        CHECK_FALSE(r.warnings.empty());
    } else {
        CHECK(r.warnings.empty());
    }

    if (fs::exists("/dev/shm")) {
        struct statfs shm{};
        if (::statfs("/dev/shm", &shm) == 0 && shm.f_type == 0x01021994) {
            fio::options t = o;
            t.directory = "/dev/shm";
            const fio::result tr = fio::run(t);
            CHECK(tr.storage.filesystem == "tmpfs");
            REQUIRE(tr.warnings.size() == 1u);
            CHECK(tr.warnings[0] == "'/dev/shm' is on tmpfs: a sync does nothing there, so these "
                                    "latencies are the page cache's, not durable storage's");
        }
    }
    if (direct_supported(d)) {
        o.method = fio::sync_method::o_direct_fdatasync;
        const fio::result dr = fio::run(o);
        CHECK(dr.storage.dio_offset_align >= 1u);
        CHECK(4096 % dr.storage.dio_offset_align == 0u);
    }
}

namespace {
// The signals whose default action would end a run: a run removes its file on each.
constexpr int cleaned_up_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// What a plain program starts with: default dispositions (doctest's crash handlers and a nohup
// or shell's SIG_IGN, inherited through fork, are not its own), nothing blocked, and no core
// dump from SIGQUIT into the build tree.
void plain_program() {
    for (int sig : cleaned_up_signals) ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

struct child_end {
    pid_t pid = -1;
    int status = 0;
};

// Runs a long fdatasync run in a child, waits for its file to appear, sends `sig`, and returns
// the child's pid and wait status.
child_end interrupt_child(const scratch& d, int sig, bool own_handler = false) {
    const pid_t child = ::fork();
    if (child == 0) {
        plain_program();
        if (own_handler) {
            // A program with a handler of its own: the kernel leaves it alone, and the
            // handler calls remove_active_files() (async-signal-safe) itself.
            ::signal(sig, [](int) {
                fio::remove_active_files();
                ::_exit(5);
            });
        }
        // Long enough to be interrupted (each write waits for the disk), small enough for the
        // free-space check.
        fio::options o = small(d);
        o.ops = 100'000;
        try {
            fio::run(o);
        } catch (...) {
            ::_exit(3);
        }
        ::_exit(4);
    }
    for (int i = 0; i < 500 && d.files() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(child, sig);
    child_end end;
    end.pid = child;
    ::waitpid(child, &end.status, 0);
    return end;
}

std::string only_file(const scratch& d) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(d.path)) names.push_back(e.path().filename().string());
    return names.size() == 1 ? names[0] : "(" + std::to_string(names.size()) + " files)";
}
}  // namespace

TEST_CASE("SIGINT, SIGTERM, SIGHUP or SIGQUIT in the middle of a run leaves no file") {
    for (int sig : cleaned_up_signals) {
        CAPTURE(sig);
        scratch d;
        const int status = interrupt_child(d, sig).status;
        CHECK(WIFSIGNALED(status));  // the signal is re-raised after cleaning up
        if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == sig);
        CHECK(d.files() == 0u);
    }
}

TEST_CASE("a program with its own handler keeps it, and cleans up through it") {
    for (int sig : cleaned_up_signals) {
        CAPTURE(sig);
        scratch d;
        const int status = interrupt_child(d, sig, true).status;
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 5);
        CHECK(d.files() == 0u);
    }
}

TEST_CASE("a signal the process ignores stays ignored during a run (nohup)") {
    for (int sig : cleaned_up_signals) {
        CAPTURE(sig);
        scratch d;
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            plain_program();
            ::signal(sig, SIG_IGN);
            // Mid-run, the signal is still ignored, and arrives: an ignored signal must not end
            // the run (it would if the run had put a handler in place that re-raises).
            struct raising_io : fio::posix_io {
                int sig = 0;
                bool raised = false, still_ignored = false;
                ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) {
                    if (!raised && off == 4096 * 5) {
                        raised = true;
                        struct sigaction now{};
                        ::sigaction(sig, nullptr, &now);
                        still_ignored = (now.sa_flags & SA_SIGINFO) == 0 && now.sa_handler == SIG_IGN;
                        ::kill(::getpid(), sig);
                    }
                    return fio::posix_io::pwrite(fd, buf, n, off);
                }
            } io;
            io.sig = sig;
            try {
                fio::run(small(d), io);
            } catch (...) {
                ::_exit(3);
            }
            struct sigaction after{};
            ::sigaction(sig, nullptr, &after);
            const bool ok = io.raised && io.still_ignored && after.sa_handler == SIG_IGN;
            ::_exit(!ok ? 1 : d.files() != 0 ? 2 : 0);
        }
        int status = 0;
        ::waitpid(child, &status, 0);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        CHECK(d.files() == 0u);
    }
}

TEST_CASE("a run killed with SIGKILL leaves its file, and the next run removes it") {
    scratch d;
    const child_end killed = interrupt_child(d, SIGKILL);
    REQUIRE(WIFSIGNALED(killed.status));
    CHECK(WTERMSIG(killed.status) == SIGKILL);
    const std::string left = only_file(d);
    CHECK(left.rfind(".ec2bench-fsync-" + std::to_string(killed.pid) + "-", 0) == 0);

    const fio::result r = fio::run(small(d));
    REQUIRE(r.warnings.size() == 1u);
    CHECK(r.warnings[0] == "removed a stale test file left by a killed run (pid " +
                               std::to_string(killed.pid) + "): " + left);
    CHECK(d.files() == 0u);
}

TEST_CASE("remove_active_files removes the file of a run in progress, and refuses new runs") {
    // In a child: the refusal lasts for the rest of the process.
    scratch d;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        fio::options o = small(d, fio::sync_method::none);
        struct watching_io : fio::posix_io {
            const scratch* dir = nullptr;
            bool checked = false;
            std::size_t seen_during = 0, after_remove = 0;
            ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) {
                if (!checked && off == 4096 * 10) {
                    checked = true;
                    seen_during = dir->files();
                    fio::remove_active_files();
                    after_remove = dir->files();
                }
                return fio::posix_io::pwrite(fd, buf, n, off);
            }
        } io;
        io.dir = &d;
        fio::run(o, io);  // finishes its writes into the unlinked file
        int code = io.seen_during == 1 && io.after_remove == 0 && d.files() == 0 ? 0 : 1;
        try {
            fio::run(o);
            code = 2;
        } catch (const fio::io_error& e) {
            const std::string expect = "fsync_io: interrupted: no new file is created in '" + d.str() +
                                       "' once remove_active_files() has run";
            if (e.code().value() != EINTR || expect != e.what()) code = 3;
        }
        ::_exit(d.files() == 0 ? code : 4);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(d.files() == 0u);
}

namespace {
// Field 22 of /proc/self/stat (the start time, clock ticks since boot), read independently of
// the kernel's parser.
std::uint64_t own_start_time() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    std::getline(in, line);
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 22; ++i) rest >> field;
    return std::stoull(field);
}

// A test file's name, as the documentation spells the pattern.
const std::regex test_file_pattern(
    R"(^\.ec2bench-fsync-([1-9][0-9]*)-(0|[1-9][0-9]*)-([0-9a-f]{16})-([0-9a-f]{16})\.tmp$)");

// The key (boot and pid namespace) in the name of a run's file, taken from a real run.
std::string key_of_a_run(const fio::options& o) {
    const fio::result r = fio::run(o);
    std::smatch m;
    const std::string name = fs::path(r.path).filename().string();
    REQUIRE(std::regex_match(name, m, test_file_pattern));
    return m[3].str();
}

std::string stale_name(long long pid, std::uint64_t start, const std::string& key,
                       const std::string& random = "0123456789abcdef") {
    return ".ec2bench-fsync-" + std::to_string(pid) + "-" + std::to_string(start) + "-" + key +
           "-" + random + ".tmp";
}

std::string removed(long long pid, const std::string& name) {
    return "removed a stale test file left by a killed run (pid " + std::to_string(pid) + "): " + name;
}

std::set<std::string> names_in(const scratch& d) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(d.path)) out.insert(e.path().filename().string());
    return out;
}

// Above PID_MAX_LIMIT (4194304): no process ever has it, so kill(pid, 0) says ESRCH.
constexpr long long never_a_pid = 99'999'999;
}  // namespace

TEST_CASE("the file's name carries this process's pid and start time") {
    scratch d;
    const fio::result r = fio::run(small(d));
    std::smatch m;
    const std::string name = fs::path(r.path).filename().string();
    REQUIRE(std::regex_match(name, m, test_file_pattern));
    CHECK(m[1].str() == std::to_string(::getpid()));
    CHECK(m[2].str() == std::to_string(own_start_time()));
    CHECK(fs::path(r.path).parent_path() == d.path);
}

TEST_CASE("stale files: only provably dead runs' own files are removed, and reported") {
    scratch d;
    const fio::options o = small(d);
    const std::string key = key_of_a_run(o);
    const std::uint64_t start = own_start_time();
    const std::string other_key = key == "00000000000000aa" ? "00000000000000bb" : "00000000000000aa";

    const std::string dead = stale_name(never_a_pid, 12345, key);
    const std::string reused = stale_name(::getpid(), start + 1, key);  // our pid, not our start
    const std::vector<std::string> removed_ones{dead, reused};
    const std::vector<std::string> left_alone{
        stale_name(::getpid(), start, key),              // alive: this very process
        stale_name(never_a_pid, 12345, other_key),       // another boot, host or pid namespace
        ".ec2bench-fsync-notours.tmp",
        ".ec2bench-fsync-0" + dead.substr(16),           // a leading zero: not our spelling
        stale_name(never_a_pid, 12345, key, "0123456789ABCDEF"),
        stale_name(never_a_pid, 12345, key, "0123456789abcde"),
        dead + ".bak",
        dead.substr(0, dead.size() - 4),
        dead.substr(0, dead.size() - 4) + ".kept",       // a kept file
        "x" + dead,
    };
    for (const auto& n : removed_ones) d.write(n, "old");
    for (const auto& n : left_alone) d.write(n, "keep");
    const std::vector<std::string> expect_warnings{
        removed(never_a_pid, dead), removed(::getpid(), reused),
        "left alone a test file from another boot, host or container (remove it by hand once no "
        "run there is active): " +
            stale_name(never_a_pid, 12345, other_key)};
    // Named like a dead run's file, but not a regular file: a directory, and a symlink (whose
    // target must survive too).
    const std::string dead_dir = stale_name(never_a_pid, 1, key);
    const std::string dead_link = stale_name(never_a_pid, 2, key);
    fs::create_directory(d.path / dead_dir);
    d.write("target", "target");
    fs::create_symlink(d.path / "target", d.path / dead_link);
    // Someone else's, with a dead run's name: only root can make one to test with.
    const std::string foreign_owner = stale_name(never_a_pid, 3, key);
    const bool root = ::geteuid() == 0;
    if (root) {
        d.write(foreign_owner, "theirs");
        REQUIRE(::chown((d.path / foreign_owner).c_str(), 65534, 65534) == 0);
    }
    std::set<std::string> before = names_in(d);

    fio::options run = o;
    run.keep_file = true;  // so the run's own file is in the listing below, renamed
    const fio::result r = fio::run(run);
    CHECK(std::set<std::string>(r.warnings.begin(), r.warnings.end()) ==
          std::set<std::string>(expect_warnings.begin(), expect_warnings.end()));
    CHECK(r.warnings.size() == expect_warnings.size());

    std::set<std::string> after = names_in(d);
    CHECK(after.erase(fs::path(r.path).filename().string()) == 1u);
    before.erase(dead);
    before.erase(reused);
    CHECK(after == before);
    CHECK(slurp((d.path / "target").string()) == "target");
    for (const auto& n : left_alone) CHECK(slurp((d.path / n).string()) == "keep");
}

TEST_CASE("a kept file is renamed out of the pattern, so later runs leave it alone") {
    scratch d;
    fio::options o = small(d);
    o.keep_file = true;
    const fio::result kept = fio::run(o);
    const std::string name = fs::path(kept.path).filename().string();
    CHECK(name.size() > 5);
    CHECK(name.substr(name.size() - 5) == ".kept");
    CHECK(kept.warnings.empty());
    REQUIRE(fs::exists(kept.path));
    CHECK(slurp(kept.path) == expected_contents(o, 23));
    o.keep_file = false;
    const fio::result next = fio::run(o);
    CHECK(next.warnings.empty());
    CHECK(fs::exists(kept.path));
}

namespace {
// A fake /proc: this process's stat (with a command name full of spaces and parentheses), boot
// id and pid namespace, and the stat of any other pid a test adds.
struct fake_proc : ec2bench_test::temp_dir {
    explicit fake_proc(long long self_pid = ::getpid(), std::uint64_t self_start = 777)
        : temp_dir("ec2bench-fake-proc") {
        add(self_pid, self_start, "self");
        write("sys/kernel/random/boot_id", "0c7e0d1a-6d1f-4b5e-9a63-2f4a8b9c1d2e\n");
        fs::create_directories(path / "self/ns");
        fs::create_symlink("pid:[4026532199]", path / "self/ns/pid");
    }
    void add(long long pid, std::uint64_t start, const std::string& as = "") const {
        std::ostringstream line;
        line << pid << " (a (b) c) S 1 1 1 0 -1 4194560 100 0 0 0 5 1 0 0 20 0 1 0 " << start
             << " 123456 789 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
        write((as.empty() ? std::to_string(pid) : as) + "/stat", line.str());
    }
};
}  // namespace

TEST_CASE("stale files judged through an injected /proc") {
    scratch d;
    fake_proc proc;
    fio::options o = small(d);
    o.procfs_root = proc.str();
    // The name comes from the fake tree: its start time, and a key of its boot id and namespace.
    const fio::result first = fio::run(o);
    std::smatch m;
    const std::string first_name = fs::path(first.path).filename().string();
    REQUIRE(std::regex_match(first_name, m, test_file_pattern));
    CHECK(m[1].str() == std::to_string(::getpid()));
    CHECK(m[2].str() == "777");
    const std::string key = m[3].str();
    CHECK(key != key_of_a_run(small(d)));  // the real boot id and namespace give another key

    const long long gone = never_a_pid, alive = never_a_pid - 1, reused = never_a_pid - 2;
    proc.add(alive, 500);   // in the fake tree, running since tick 500
    proc.add(reused, 501);  // in the fake tree, a later process under the same pid
    const std::string gone_file = stale_name(gone, 500, key);
    const std::string alive_file = stale_name(alive, 500, key);
    const std::string reused_file = stale_name(reused, 500, key);
    // Absent from the fake tree but running in truth (hidepid hides a process this way): not
    // proof of death.
    const std::string hidden_file = stale_name(::getppid(), 500, key);
    for (const auto& n : {gone_file, alive_file, reused_file, hidden_file}) d.write(n, "x");

    const fio::result r = fio::run(o);
    CHECK(std::set<std::string>(r.warnings.begin(), r.warnings.end()) ==
          std::set<std::string>{removed(gone, gone_file), removed(reused, reused_file)});
    CHECK(names_in(d) == std::set<std::string>{alive_file, hidden_file});

    SUBCASE("a /proc that cannot vouch for this process: random names, nothing removed") {
        for (const char* missing : {"self/stat", "sys/kernel/random/boot_id", "self/ns/pid"}) {
            CAPTURE(missing);
            fake_proc broken;
            fs::remove(broken.path / missing);
            fio::options b = o;
            b.procfs_root = broken.str();
            d.write(gone_file, "x");
            const fio::result br = fio::run(b);
            CHECK(br.warnings.empty());
            const std::string name = fs::path(br.path).filename().string();
            CHECK(std::regex_match(name, std::regex(R"(^\.ec2bench-fsync-[0-9a-f]{16}\.tmp$)")));
            CHECK(fs::exists(d.path / gone_file));
        }
        // Mounted for another pid namespace: its self is not us, and no pid there can be judged.
        fake_proc elsewhere(::getpid() + 1);
        fio::options b = o;
        b.procfs_root = elsewhere.str();
        CHECK(fio::run(b).warnings.empty());
        CHECK(fs::exists(d.path / gone_file));
    }
}

TEST_CASE("parsing /proc/<pid>/stat and test file names") {
    using ec2bench::detail::parse_proc_stat;
    const auto p = parse_proc_stat(
        "4242 (we) ird) 1 2) R 1 4242 4242 0 -1 4194304 90 0 0 0 0 0 0 0 20 0 1 0 987654 1 2 3\n");
    REQUIRE(p);
    CHECK(p->pid == 4242);
    CHECK(p->start_time == 987654u);
    CHECK_FALSE(parse_proc_stat(""));
    CHECK_FALSE(parse_proc_stat("4242 (x) R 1 2 3"));  // too few fields
    CHECK_FALSE(parse_proc_stat("0 (x) R 1 4242 4242 0 -1 4194304 90 0 0 0 0 0 0 0 20 0 1 0 9 1"));
    CHECK_FALSE(parse_proc_stat("42 (x) R 1 4242 4242 0 -1 4194304 90 0 0 0 0 0 0 0 20 0 1 0 9x 1"));

    using fio::detail::test_file_name;
    test_file_name n;
    n.maker.pid = 31337;
    n.maker.start_time = 42;
    n.maker.key = 0xabc;
    n.random = 0x1f;
    CHECK(n.str() == ".ec2bench-fsync-31337-42-0000000000000abc-000000000000001f.tmp");
    const auto back = test_file_name::parse(n.str());
    REQUIRE(back);
    CHECK(back->maker.pid == 31337);
    CHECK(back->maker.start_time == 42u);
    CHECK(back->maker.key == 0xabcu);
    CHECK(back->random == 0x1fu);
    for (const char* foreign :
         {".ec2bench-fsync-31337-42-0000000000000abc-000000000000001f",
          ".ec2bench-fsync-31337-42-0000000000000abc-000000000000001f.tmp.x",
          ".ec2bench-fsync-31337-042-0000000000000abc-000000000000001f.tmp",
          ".ec2bench-fsync-+31337-42-0000000000000abc-000000000000001f.tmp",
          ".ec2bench-fsync-0-42-0000000000000abc-000000000000001f.tmp",
          ".ec2bench-fsync-2147483648-42-0000000000000abc-000000000000001f.tmp",
          ".ec2bench-fsync-31337-42-abc-000000000000001f.tmp",
          ".ec2bench-fsync-31337-42-0000000000000ABC-000000000000001f.tmp",
          ".ec2bench-fsync-31337-42-0000000000000abc-000000000000001f-1.tmp",
          ".ec2bench-fsync-31337-42-0000000000000abc.tmp", ".ec2bench-fsync-notours.tmp",
          ".ec2bench-fsync-.tmp", "ec2bench-fsync-31337-42-0000000000000abc-000000000000001f.tmp"}) {
        CAPTURE(foreign);
        CHECK_FALSE(test_file_name::parse(foreign));
    }
}
