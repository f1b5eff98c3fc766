#include <ec2bench/kernels/fsync_io.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
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
        return rc;
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

TEST_CASE("a full disk, a quota, EIO and EFBIG end the run with a message and no file left") {
    scratch d;
    fio::options o = small(d);
    SUBCASE("not enough free space before starting") {
        fault_io io;
        io.free_bytes = 1 << 20;
        CHECK(error_text(o, io) == "fsync_io: not enough free space in '" + d.str() +
                                       "': the run writes 94208 bytes and 1 MiB is available (ENOSPC); "
                                       "lower ops or the block size");
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
        if (!direct_supported(d)) return;
        fault_io io;
        o.method = fio::sync_method::o_direct_fdatasync;
        io.fail_write_at = 2;
        io.write_errno = EINVAL;
        CHECK(error_text(o, io) == "fsync_io: O_DIRECT write of 4096 bytes at offset 8192 rejected in '" +
                                       d.str() +
                                       "' (EINVAL): the block size or alignment breaks the device's "
                                       "direct I/O rules");
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
// Runs a long fdatasync run in a child, waits for its file to appear, sends `sig`, and returns
// the child's wait status.
int interrupt_child(const scratch& d, int sig, bool own_handler = false) {
    const pid_t child = ::fork();
    if (child == 0) {
        // A plain program: doctest's crash handlers, inherited through fork, are not its.
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
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
    int status = 0;
    ::waitpid(child, &status, 0);
    return status;
}
}  // namespace

TEST_CASE("SIGINT or SIGTERM in the middle of a run leaves no file") {
    for (int sig : {SIGINT, SIGTERM}) {
        CAPTURE(sig);
        scratch d;
        const int status = interrupt_child(d, sig);
        CHECK(WIFSIGNALED(status));  // the signal is re-raised after cleaning up
        if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == sig);
        CHECK(d.files() == 0u);
    }
}

TEST_CASE("a program with its own SIGINT handler keeps it, and cleans up through it") {
    scratch d;
    const int status = interrupt_child(d, SIGINT, true);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 5);
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
