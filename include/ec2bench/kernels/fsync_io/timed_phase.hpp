// SPDX-License-Identifier: MIT
// The timed phase of an fsync run: each write timed with its sync, the three latency series
// recorded through stats/, and on_interval fed interval by interval.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_TIMED_PHASE_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_TIMED_PHASE_HPP

#include <ec2bench/detail/clock.hpp>
#include <ec2bench/kernels/fsync_io/checks.hpp>
#include <ec2bench/kernels/fsync_io/options.hpp>
#include <ec2bench/kernels/fsync_io/payload.hpp>
#include <ec2bench/kernels/fsync_io/result.hpp>
#include <ec2bench/kernels/fsync_io/writer.hpp>
#include <ec2bench/stats/histogram.hpp>
#include <ec2bench/stats/latency_series.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>

namespace ec2bench::fsync_io::detail {

/// on_interval's state, allocated before the clock starts: the current interval's histogram
/// (reset after each hand-out) and where that interval ends.
class interval_feed {
public:
    explicit interval_feed(const options& opt) : on_interval_(opt.on_interval) {
        if (!on_interval_) return;
        length_ns_ = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(opt.interval_seconds * 1e9));
        end_ = length_ns_;
        current_.emplace();
    }
    /// Counts a write whose sync returned at `t` (from the phase's start `start`), handing out
    /// the interval before when `t` is past it.
    void record(std::uint64_t start, std::uint64_t t, std::uint64_t latency_ns) {
        if (!current_) return;
        if (t - start >= end_) {
            hand_out(start, length_ns_);
            start_ = (t - start) / length_ns_ * length_ns_;
            end_ = start_ + length_ns_;
        }
        current_->record(latency_ns);
    }
    /// Hands out the last, partial interval of a phase that ended at `end`.
    void finish(std::uint64_t start, std::uint64_t end) {
        if (current_) hand_out(start, std::min(end - start, end_) - start_);
    }
    /// Time spent in on_interval so far, left out of the run's time.
    std::uint64_t callback_ns() const noexcept { return callback_ns_; }

private:
    void hand_out(std::uint64_t start, std::uint64_t length) {
        if (current_->empty()) return;
        const std::uint64_t c0 = ec2bench::detail::now_ns();
        on_interval_(interval{start, start_, length, *current_});
        current_->reset();
        callback_ns_ += ec2bench::detail::now_ns() - c0;
    }
    const std::function<void(const interval&)>& on_interval_;
    std::uint64_t length_ns_ = 0;
    std::uint64_t start_ = 0;  // from the phase's start
    std::uint64_t end_ = 0;
    std::uint64_t callback_ns_ = 0;
    std::optional<ec2bench::stats::latency_histogram> current_;
};

/// The three series of a run's timed writes.
struct latencies {
    ec2bench::stats::latency_series write, sync, total;
    latencies(const options& opt, std::uint64_t planned_ops)
        : write(opt.max_exact_samples), sync(opt.max_exact_samples), total(opt.max_exact_samples) {
        write.reserve(planned_ops);
        sync.reserve(planned_ops);
        total.reserve(planned_ops);
    }
};

/// The timed writes, each followed by its sync where one is due; the run ends when every
/// write is durable. Fills r's counts, rates and stopped_by.
template <class IO>
void timed_phase(const options& opt, const plan& p, writer<IO>& w, payload& data, latencies& l,
                 result& r) {
    const bool syncing = needs_sync_call(opt.method);
    const std::uint64_t time_cap_ns =
        opt.seconds > 0 ? static_cast<std::uint64_t>(opt.seconds * 1e9) : 0;
    interval_feed intervals(opt);
    r.stopped_by = p.capped_by_size ? "file size cap"
                                    : (opt.ops != 0 && p.planned_ops == opt.ops ? "ops" : "bytes");
    const std::uint64_t start = ec2bench::detail::now_ns();
    std::uint64_t end = start;
    std::uint64_t since_sync = 0;
    std::uint64_t recorded = 0;
    for (; recorded < p.planned_ops; ++recorded) {
        const std::uint64_t t0 = ec2bench::detail::now_ns();
        if (time_cap_ns != 0 && t0 - start - intervals.callback_ns() >= time_cap_ns) {
            r.stopped_by = "seconds";
            break;
        }
        w.write_block(opt.warmup_ops + recorded, data);
        const std::uint64_t t1 = ec2bench::detail::now_ns();
        std::uint64_t t2 = t1;
        if (syncing && opt.sync_every != 0 && ++since_sync == opt.sync_every) {
            w.sync_as_method();
            since_sync = 0;
            ++r.syncs;
            t2 = ec2bench::detail::now_ns();
            l.sync.record(t2 - t1);
        }
        l.write.record(t1 - t0);
        l.total.record(t2 - t0);
        end = t2;
        intervals.record(start, t2, t2 - t0);
    }
    if (syncing && (opt.sync_every == 0 || since_sync != 0)) {
        // The writes since the last sync are not durable yet: the run ends when they are.
        const std::uint64_t t1 = ec2bench::detail::now_ns();
        w.sync_as_method();
        ++r.syncs;
        end = ec2bench::detail::now_ns();
        l.sync.record(end - t1);
    }
    const std::uint64_t phase_callback_ns = intervals.callback_ns();  // the last is after the phase
    intervals.finish(start, end);
    r.ops = recorded;
    r.bytes = recorded * opt.block_size;
    r.seconds = static_cast<double>(end - start - phase_callback_ns) * 1e-9;
    r.interval_callback_seconds = static_cast<double>(phase_callback_ns) * 1e-9;
    if (r.seconds > 0) {
        r.iops = static_cast<double>(r.ops) / r.seconds;
        r.mb_per_second = static_cast<double>(r.bytes) / r.seconds / 1e6;
    }
}

/// The run's latency summaries, through stats/ (and the raw totals with keep_samples, taken
/// before the quantiles reorder them).
inline void summarise(const options& opt, latencies& l, result& r) {
    if (opt.keep_samples && l.total.exact() && l.total.samples().size() == r.ops) {
        r.samples = l.total.samples();
    }
    r.write = latency_summary::of(l.write);
    r.sync = latency_summary::of(l.sync);
    r.total = latency_summary::of(l.total);
    r.total_histogram = r.total.histogram();
}

}  // namespace ec2bench::fsync_io::detail

#endif  // EC2BENCH_KERNELS_FSYNC_IO_TIMED_PHASE_HPP
