// The fsync kernel's parts: the one message for a full disk or quota, at every step of a run,
// and the latencies reported through stats/ (the summaries' percentiles are the quantiles stats
// gives for the same records, and their histograms hold every record).
#include <ec2bench/kernels/fsync_io.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

namespace fio = ec2bench::fsync_io;

namespace {

struct scratch : ec2bench_test::temp_dir {
    scratch() : temp_dir("ec2bench-fsync-parts", true) {}
};

fio::options small(const scratch& d) {
    fio::options o;
    o.directory = d.str();
    o.ops = 20;
    o.warmup_ops = 3;
    return o;
}

// Real calls, except a full disk or quota where a test asks for one.
struct full_io : fio::posix_io {
    int open_errno = 0, fallocate_errno = 0, sync_errno = 0;
    int open(const char* path, int flags, mode_t mode) {
        if (open_errno != 0) {
            errno = open_errno;
            return -1;
        }
        return fio::posix_io::open(path, flags, mode);
    }
    int fallocate(int fd, off_t off, off_t len) {
        if (fallocate_errno != 0) {
            errno = fallocate_errno;
            return -1;
        }
        return fio::posix_io::fallocate(fd, off, len);
    }
    int fdatasync(int fd) {
        if (sync_errno != 0) {
            errno = sync_errno;
            return -1;
        }
        return fio::posix_io::fdatasync(fd);
    }
};

std::string error_text(const fio::options& o, full_io& io) {
    try {
        fio::run(o, io);
    } catch (const fio::io_error& e) {
        return std::string(e.what()) + " [" + std::to_string(e.code().value()) + "]";
    }
    return "(no exception)";
}

}  // namespace

TEST_CASE("the margin kept free: 5% of the file, at least 16 MiB") {
    using fio::detail::free_space_margin;
    CHECK(free_space_margin(0) == std::uint64_t{16} << 20);
    CHECK(free_space_margin(std::uint64_t{320} << 20) == std::uint64_t{16} << 20);  // 5% is 16 MiB
    CHECK(free_space_margin(std::uint64_t{512} << 20) == 26843545u);
    CHECK(free_space_margin(std::uint64_t{1} << 40) == (std::uint64_t{1} << 40) / 20);
}

TEST_CASE("out_of_space: one message for a full disk or quota, at every step") {
    using fio::detail::out_of_space;
    using fio::detail::space_step;
    fio::detail::space_context c;
    c.where = "'/data'";
    c.file_bytes = std::uint64_t{512} << 20;
    c.free_bytes = std::uint64_t{520} << 20;
    c.written_ops = 5;
    c.total_ops = 23;
    c.call = "fdatasync";
    const auto text = [&](int e, space_step s) {
        const fio::io_error err = out_of_space(e, s, c);
        CHECK(err.code().value() == e);
        return std::string(err.what());
    };
    CHECK(text(ENOSPC, space_step::before_start) ==
          "fsync_io: not enough free space in '/data': the run writes 512 MiB and keeps a margin "
          "of 25.6 MiB free (5% of the file, at least 16 MiB), but 520 MiB is available (ENOSPC); "
          "free space there, or lower ops or the block size");
    CHECK(text(ENOSPC, space_step::create) ==
          "fsync_io: cannot create a file in '/data' (ENOSPC): the disk or quota is full");
    CHECK(text(EDQUOT, space_step::create) ==
          "fsync_io: cannot create a file in '/data' (EDQUOT): the disk or quota is full");
    CHECK(text(ENOSPC, space_step::preallocate) ==
          "fsync_io: cannot preallocate 512 MiB in '/data' (ENOSPC): free space, or lower ops or "
          "the block size");
    CHECK(text(EDQUOT, space_step::preallocate) ==
          "fsync_io: cannot preallocate 512 MiB in '/data' (EDQUOT): raise the quota, or lower ops "
          "or the block size");
    CHECK(text(ENOSPC, space_step::write) ==
          "fsync_io: no space left in '/data' after 5 of 23 writes (ENOSPC): free space, or lower "
          "ops or the block size");
    CHECK(text(EDQUOT, space_step::write) ==
          "fsync_io: disk quota exceeded in '/data' after 5 of 23 writes (EDQUOT): raise the "
          "quota, or lower ops or the block size");
    CHECK(text(ENOSPC, space_step::sync) ==
          "fsync_io: fdatasync failed in '/data' (ENOSPC): the disk or quota filled while flushing");
    CHECK(text(EDQUOT, space_step::sync) ==
          "fsync_io: fdatasync failed in '/data' (EDQUOT): the disk or quota filled while flushing");
}

TEST_CASE("a run that meets a full disk or quota says so through out_of_space, and leaves no file") {
    scratch d;
    fio::options o = small(d);
    const std::string where = "'" + d.str() + "'";
    SUBCASE("creating the file") {
        full_io io;
        io.open_errno = ENOSPC;
        CHECK(error_text(o, io) == "fsync_io: cannot create a file in " + where +
                                       " (ENOSPC): the disk or quota is full [" +
                                       std::to_string(ENOSPC) + "]");
    }
    SUBCASE("preallocating it") {
        full_io io;
        io.fallocate_errno = EDQUOT;
        o.prepare = fio::prepare_mode::preallocate;
        CHECK(error_text(o, io) == "fsync_io: cannot preallocate 92 KiB in " + where +
                                       " (EDQUOT): raise the quota, or lower ops or the block "
                                       "size [" + std::to_string(EDQUOT) + "]");
    }
    SUBCASE("flushing it") {
        full_io io;
        io.sync_errno = ENOSPC;
        CHECK(error_text(o, io) == "fsync_io: fdatasync failed in " + where +
                                       " (ENOSPC): the disk or quota filled while flushing [" +
                                       std::to_string(ENOSPC) + "]");
    }
    CHECK(d.files() == 0u);
}

TEST_CASE("the percentiles are stats' quantiles of the same records, and the histograms hold them all") {
    scratch d;
    fio::options o = small(d);
    o.ops = 200;
    o.method = fio::sync_method::none;  // page-cache writes: no waiting on the disk
    SUBCASE("past max_exact_samples: the histogram's quantiles") {
        o.max_exact_samples = 10;
        o.method = fio::sync_method::fdatasync;
        o.ops = 40;
        const fio::result r = fio::run(o);
        for (const fio::latency_summary* s : {&r.write, &r.sync, &r.total}) {
            CHECK_FALSE(s->exact);
            const auto& h = s->histogram();
            CHECK(s->count == h.count());
            CHECK(s->p50_ns == h.quantile(0.5));
            CHECK(s->p95_ns == h.quantile(0.95));
            CHECK(s->p99_ns == h.quantile(0.99));
            CHECK(s->p999_ns == h.quantile(0.999));
            CHECK(s->min_ns == static_cast<double>(h.min()));
            CHECK(s->max_ns == static_cast<double>(h.max()));
            CHECK(s->mean_ns == h.mean());
        }
        CHECK(r.write.histogram().count() == r.ops);
        CHECK(r.sync.histogram().count() == r.syncs);
        CHECK(r.total.histogram().count() == r.ops);
        // result::total_histogram, kept for compatibility, holds the same values.
        CHECK(r.total_histogram.count() == r.total.histogram().count());
        CHECK(r.total_histogram.sum() == r.total.histogram().sum());
        CHECK(r.total_histogram.quantile(0.9) == r.total.histogram().quantile(0.9));
    }
    SUBCASE("while exact: the quantiles of the raw records") {
        o.keep_samples = true;
        const fio::result r = fio::run(o);
        REQUIRE(r.total.exact);
        REQUIRE(r.samples.size() == r.ops);
        const auto q = ec2bench::stats::quantiles(r.samples, fio::latency_summary::quantiles);
        CHECK(r.total.p50_ns == q[0]);
        CHECK(r.total.p95_ns == q[1]);
        CHECK(r.total.p99_ns == q[2]);
        CHECK(r.total.p999_ns == q[3]);
        // The histogram has every record too: its quantiles within its bound of the exact ones.
        const double bound = ec2bench::stats::latency_histogram::relative_error_bound();
        CHECK(r.total.histogram().count() == r.ops);
        CHECK(r.total.histogram().quantile(0.99) >= r.total.p99_ns);
        CHECK(r.total.histogram().quantile(0.99) <= r.total.p99_ns * (1 + bound));
    }
}

TEST_CASE("latency_summary: the histogram is read-only and shared by copies") {
    const fio::latency_summary empty;
    CHECK(empty.histogram().empty());
    CHECK(fio::latency_summary::quantiles == std::array<double, 4>{0.5, 0.95, 0.99, 0.999});
    ec2bench::stats::latency_series s(4);
    for (std::uint64_t v : {40u, 10u, 30u, 20u}) s.record(v);
    const fio::latency_summary a = fio::latency_summary::of(s);
    const fio::latency_summary b = a;  // NOLINT: the copy is the point
    CHECK(&a.histogram() == &b.histogram());
    CHECK(a.count == 4u);
    CHECK(a.exact);
    CHECK(a.p50_ns == 20);   // nearest rank: the 2nd of 4
    CHECK(a.p999_ns == 40);
    CHECK(a.min_ns == 10);
    CHECK(a.mean_ns == 25);
    CHECK(a.histogram().count() == 4u);
    static_assert(std::is_same_v<decltype(a.histogram()), const ec2bench::stats::latency_histogram&>);
}
