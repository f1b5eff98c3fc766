// fsync_io's intervals (options::on_interval) and the run's whole histogram
// (result::total_histogram), checked against what the run itself reports and against its raw
// samples. The I/O calls sleep so that a run spans many intervals whatever the disk; nothing here
// asserts how long anything took, only what the sleeps guarantee at least.
#include <ec2bench/kernels/fsync_io.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <time.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace fio = ec2bench::fsync_io;
namespace st = ec2bench::stats;

namespace {

struct scratch : ec2bench_test::temp_dir {
    scratch() : temp_dir("ec2bench-fsync-interval-test", true) {}
};

void sleep_ns(long ns) {
    timespec t{0, ns};
    while (::nanosleep(&t, &t) != 0) {
    }
}

// Real calls, each write or sync made at least this slow.
struct slow_io : fio::posix_io {
    long write_ns = 0;
    long sync_ns = 0;
    ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) {
        if (write_ns != 0) sleep_ns(write_ns);
        return fio::posix_io::pwrite(fd, buf, n, off);
    }
    int fdatasync(int fd) {
        if (sync_ns != 0) sleep_ns(sync_ns);
        return fio::posix_io::fdatasync(fd);
    }
};

struct handed_out {
    std::uint64_t phase_start_ns, start_ns, length_ns, count;
};

using buckets = std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>>;

buckets buckets_of(const st::latency_histogram& h) {
    buckets out;
    h.for_each_bucket([&](const auto& b) { out.emplace_back(b.lower, b.upper, b.count); });
    return out;
}

void check_same(const st::latency_histogram& a, const st::latency_histogram& b) {
    CHECK(a.count() == b.count());
    CHECK(a.min() == b.min());
    CHECK(a.max() == b.max());
    CHECK(a.sum() == b.sum());
    CHECK(buckets_of(a) == buckets_of(b));
}

}  // namespace

TEST_CASE("on_interval hands out every recorded write once, in intervals of at most the length") {
    scratch d;
    fio::options o;
    o.directory = d.str();
    o.ops = 40;
    o.warmup_ops = 3;
    o.interval_seconds = 0.002;
    const std::uint64_t interval_ns = 2'000'000;
    slow_io io;
    bool one_per_interval = false;
    SUBCASE("a sync after every write, each at least 1 ms") { io.sync_ns = 1'000'000; }
    SUBCASE("each write longer than several intervals: the empty ones are skipped") {
        io.sync_ns = 300'000;
        o.ops = 12;
        o.interval_seconds = 0.0001;
        one_per_interval = true;
    }
    SUBCASE("no sync until the end: the last interval ends with the final sync") {
        o.sync_every = 0;
        io.write_ns = 1'000'000;
    }
    SUBCASE("a sync every 3 writes") {
        o.sync_every = 3;
        o.ops = 31;
        io.write_ns = 500'000;
        io.sync_ns = 500'000;
    }
    const std::uint64_t length_ns = static_cast<std::uint64_t>(o.interval_seconds * 1e9);
    CHECK(length_ns <= interval_ns);

    std::vector<handed_out> got;
    st::latency_histogram merged;
    o.on_interval = [&](const fio::interval& i) {
        got.push_back({i.phase_start_ns, i.start_ns, i.length_ns, i.total.count()});
        merged.merge(i.total);
    };
    const std::uint64_t before = ec2bench::now_ns();
    const fio::result r = fio::run(o, io);
    const std::uint64_t after = ec2bench::now_ns();

    REQUIRE(r.ops == o.ops);
    // Every write lasts at least 0.3 ms and an interval at most 2 ms: the run spans several.
    REQUIRE(got.size() >= 2);
    // Writes ending at least 0.3 ms apart with 0.1 ms intervals: one write in each, no empty one.
    if (one_per_interval) CHECK(got.size() == r.ops);
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < got.size(); ++k) {
        CAPTURE(k);
        const auto& g = got[k];
        CHECK(g.count > 0);
        total += g.count;
        CHECK(g.phase_start_ns == got[0].phase_start_ns);
        CHECK(g.start_ns % length_ns == 0);
        CHECK(g.length_ns > 0);
        CHECK(g.length_ns <= length_ns);
        if (k + 1 < got.size()) {
            CHECK(g.length_ns == length_ns);  // only the last is partial
            CHECK(g.start_ns + g.length_ns <= got[k + 1].start_ns);
        }
    }
    CHECK(total == r.ops);
    CHECK(got[0].phase_start_ns >= before);
    // The last interval ends with the run: within its seconds plus the callback's time.
    const auto& last = got.back();
    const double run_ns = (r.seconds + r.interval_callback_seconds) * 1e9;
    CHECK(static_cast<double>(last.start_ns + last.length_ns) <= run_ns + 1000);
    CHECK(last.phase_start_ns + last.start_ns + last.length_ns <= after);
    // The intervals add up to the run's histogram, bucket for bucket, min, max and sum exact.
    check_same(merged, r.total_histogram);
}

TEST_CASE("the run's histogram holds every total latency, as the raw samples say") {
    scratch d;
    fio::options o;
    o.directory = d.str();
    o.ops = 50;
    o.warmup_ops = 2;
    o.keep_samples = true;
    slow_io io;
    const fio::result r = fio::run(o, io);
    REQUIRE(r.samples.size() == 50);
    st::latency_histogram oracle;
    for (const std::uint64_t ns : r.samples) oracle.record(ns);
    check_same(r.total_histogram, oracle);
    CHECK(static_cast<double>(r.total_histogram.max()) == r.total.max_ns);
    CHECK(static_cast<double>(r.total_histogram.min()) == r.total.min_ns);
    CHECK(r.interval_callback_seconds == 0);
}

TEST_CASE("on_interval's time is left out of the run's seconds and IOPS") {
    scratch d;
    fio::options o;
    o.directory = d.str();
    o.ops = 12;
    o.warmup_ops = 1;
    o.interval_seconds = 0.001;
    slow_io io;
    io.sync_ns = 1'000'000;
    std::size_t calls = 0;
    o.on_interval = [&](const fio::interval&) {
        ++calls;
        sleep_ns(3'000'000);
    };
    const std::uint64_t before = ec2bench::now_ns();
    const fio::result r = fio::run(o, io);
    const std::uint64_t after = ec2bench::now_ns();
    REQUIRE(calls >= 2);
    // Every hand-out but the last (after the timed phase) slept at least 3 ms inside the phase.
    CHECK(r.interval_callback_seconds >= 0.003 * static_cast<double>(calls - 1));
    CHECK(r.seconds + r.interval_callback_seconds <= static_cast<double>(after - before) * 1e-9);
    CHECK(r.iops == doctest::Approx(static_cast<double>(r.ops) / r.seconds));
}

TEST_CASE("an exception from on_interval ends the run and leaves no file") {
    scratch d;
    fio::options o;
    o.directory = d.str();
    o.ops = 20;
    o.interval_seconds = 1e-6;
    slow_io io;
    io.sync_ns = 100'000;
    o.on_interval = [](const fio::interval&) { throw std::runtime_error("the log is full"); };
    CHECK_THROWS_WITH_AS(fio::run(o, io), "the log is full", std::runtime_error);
    CHECK(d.files() == 0);
}

TEST_CASE("interval_seconds is checked when on_interval is set, and only then") {
    scratch d;
    fio::options o;
    o.directory = d.str();
    o.ops = 4;
    o.interval_seconds = 0;
    CHECK_NOTHROW(fio::run(o));  // no on_interval: the length is not used
    o.on_interval = [](const fio::interval&) {};
    CHECK_THROWS_WITH_AS(fio::run(o),
                         "fsync_io: interval_seconds 0: must be from 1e-9 to 1e9 with on_interval",
                         std::invalid_argument);
    o.interval_seconds = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS(fio::run(o),
                         "fsync_io: interval_seconds nan: must be from 1e-9 to 1e9 with on_interval",
                         std::invalid_argument);
    o.interval_seconds = 2e9;
    CHECK_THROWS_WITH_AS(fio::run(o),
                         "fsync_io: interval_seconds 2e+09: must be from 1e-9 to 1e9 with on_interval",
                         std::invalid_argument);
    CHECK(d.files() == 0);
}
