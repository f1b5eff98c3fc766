// SPDX-License-Identifier: MIT
// A persistent team of pinned threads with a barrier, so that no thread is created, woken from a
// cold sleep or migrated inside a timed region. C++17 has no std::barrier; this is one.
#ifndef EC2BENCH_DETAIL_THREAD_TEAM_HPP
#define EC2BENCH_DETAIL_THREAD_TEAM_HPP

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ec2bench::detail {

/// A hint to the core that this is a spin-wait loop (PAUSE on x86, YIELD on arm64).
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

/// The CPUs this process may run on (sched_getaffinity), in ascending order: respects taskset,
/// cgroups cpusets and container limits, unlike std::thread::hardware_concurrency().
inline std::vector<int> allowed_cpus() {
    std::vector<int> cpus;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
        for (int c = 0; c < CPU_SETSIZE; ++c) {
            if (CPU_ISSET(static_cast<std::size_t>(c), &set)) cpus.push_back(c);
        }
    }
    if (cpus.empty()) {
        const unsigned n = std::max(1u, std::thread::hardware_concurrency());
        for (unsigned c = 0; c < n; ++c) cpus.push_back(static_cast<int>(c));
    }
    return cpus;
}

/// Binds the calling thread to one CPU. Returns false (and leaves the thread as it was) when the
/// CPU is not available to it.
inline bool pin_this_thread(int cpu) noexcept {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return false;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<std::size_t>(cpu), &set);
    return ::pthread_setaffinity_np(::pthread_self(), sizeof(set), &set) == 0;
}

/// Blocks until `done()` holds: spins briefly (a wake-up costs microseconds, a timed region may
/// be shorter), then sleeps on the condition variable so an idle team costs no CPU.
/// `sleepers` lets the notifier skip the mutex when nobody sleeps. This is Dekker's handshake:
/// `done()` must read with seq_cst loads (the same instruction as acquire on x86-64 and arm64),
/// and the notifier publishes with a seq_cst store before wake_waiters(). No fences: GCC's
/// ThreadSanitizer does not support them.
template <class Done>
inline void spin_then_wait(Done done, std::mutex& m, std::condition_variable& cv,
                           std::atomic<unsigned>& sleepers) {
    // 50 us by the clock, not by a count: PAUSE takes 10 to 140 cycles across x86 cores and
    // arm64's YIELD is a no-op on Neoverse, so a fixed count spins for anything from 2 to 100 us.
    // Longer only burns a CPU another thread needs.
    timespec start{};
    ::clock_gettime(CLOCK_MONOTONIC, &start);
    for (unsigned i = 1;; ++i) {
        if (done()) return;
        cpu_relax();
        if ((i & 63) == 0) {
            timespec now{};
            ::clock_gettime(CLOCK_MONOTONIC, &now);
            const long long ns = (now.tv_sec - start.tv_sec) * 1'000'000'000LL +
                                 (now.tv_nsec - start.tv_nsec);
            if (ns > 50'000) break;
        }
    }
    sleepers.fetch_add(1, std::memory_order_seq_cst);
    {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, done);
    }
    sleepers.fetch_sub(1, std::memory_order_relaxed);
}

/// Wakes the waiters of spin_then_wait after the state they wait for was published (with a
/// seq_cst or release store that `done()` reads).
inline void wake_waiters(std::mutex& m, std::condition_variable& cv,
                         std::atomic<unsigned>& sleepers) {
    // Either this load sees the sleeper's increment and we notify, or the sleeper's seq_cst
    // predicate load (under the mutex) sees the state published before this call.
    if (sleepers.load(std::memory_order_seq_cst) == 0) return;
    { std::lock_guard<std::mutex> lock(m); }
    cv.notify_all();
}

/// A reusable barrier for a fixed number of threads (sense-reversing, centralised).
///
///     ec2bench::detail::barrier b(4);   // in each of the 4 threads:  b.arrive_and_wait();
class barrier {
public:
    explicit barrier(unsigned count) : count_(count) {
        if (count == 0) throw std::invalid_argument("barrier: count 0: must be at least 1");
    }
    barrier(const barrier&) = delete;
    barrier& operator=(const barrier&) = delete;

    unsigned count() const noexcept { return count_; }

    /// Waits until `count()` threads have arrived, then releases all of them. Every write made
    /// before arriving is visible to every thread after it returns.
    void arrive_and_wait() {
        const unsigned gen = generation_.load(std::memory_order_acquire);
        if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
            arrived_.store(0, std::memory_order_relaxed);
            generation_.store(gen + 1, std::memory_order_seq_cst);
            wake_waiters(m_, cv_, sleepers_);
            return;
        }
        spin_then_wait([&] { return generation_.load(std::memory_order_seq_cst) != gen; }, m_,
                       cv_, sleepers_);
    }

private:
    const unsigned count_;
    alignas(64) std::atomic<unsigned> arrived_{0};
    alignas(64) std::atomic<unsigned> generation_{0};
    std::atomic<unsigned> sleepers_{0};
    std::mutex m_;
    std::condition_variable cv_;
};

/// A persistent team of threads. The caller of run() works as member 0; members 1..size()-1 are
/// threads created once, in the constructor, and (by default) each pinned to its own CPU from
/// allowed_cpus(), member i to the i-th allowed CPU (round-robin when there are more members
/// than CPUs). While run() executes, the caller is pinned to member 0's CPU too; its previous
/// affinity is restored when run() returns.
///
///     ec2bench::detail::thread_team team(4);
///     team.run([&](unsigned member) { work(member); team.barrier(); more_work(member); });
class thread_team {
public:
    /// `threads` 0 means one per allowed CPU.
    explicit thread_team(unsigned threads = 0, bool pin = true)
        : cpus_(allowed_cpus()),
          size_(threads == 0 ? static_cast<unsigned>(cpus_.size()) : threads),
          pin_(pin),
          barrier_(size_) {
        workers_.reserve(size_ - 1);
        try {
            for (unsigned m = 1; m < size_; ++m) workers_.emplace_back([this, m] { work(m); });
        } catch (...) {
            stop_workers();
            throw;
        }
    }
    thread_team(const thread_team&) = delete;
    thread_team& operator=(const thread_team&) = delete;
    ~thread_team() { stop_workers(); }

    unsigned size() const noexcept { return size_; }
    bool pinned() const noexcept { return pin_; }

    /// The CPU member `m` is bound to (when pinned()).
    int cpu_of(unsigned member) const noexcept {
        return cpus_[member % static_cast<unsigned>(cpus_.size())];
    }

    /// Calls fn(member) once on every member and returns when all have returned. If any member
    /// throws, the first exception is rethrown here after every member has finished; code that
    /// uses barrier() must therefore throw on all members or on none. Not reentrant.
    template <class Fn>
    void run(Fn&& fn) {
        using F = std::remove_reference_t<Fn>;
        job_ctx_ = const_cast<void*>(static_cast<const void*>(&fn));
        job_ = [](void* ctx, unsigned member) { (*static_cast<F*>(ctx))(member); };
        error_ = nullptr;
        pending_.store(size_ - 1, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_seq_cst);
        wake_waiters(m_, start_cv_, start_sleepers_);

        cpu_set_t saved;
        const bool restore = pin_ && ::pthread_getaffinity_np(::pthread_self(), sizeof(saved),
                                                              &saved) == 0 &&
                             pin_this_thread(cpu_of(0));
        invoke(0);
        if (restore) ::pthread_setaffinity_np(::pthread_self(), sizeof(saved), &saved);

        spin_then_wait([&] { return pending_.load(std::memory_order_seq_cst) == 0; }, m_,
                       done_cv_, done_sleepers_);
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

    /// Waits for every member of the team. Call only from inside run(), from every member.
    void barrier() { barrier_.arrive_and_wait(); }

private:
    void invoke(unsigned member) noexcept {
        try {
            job_(job_ctx_, member);
        } catch (...) {
            std::lock_guard<std::mutex> lock(m_);
            if (!error_) error_ = std::current_exception();
        }
    }

    void work(unsigned member) {
        if (pin_) pin_this_thread(cpu_of(member));
        unsigned seen = 0;
        for (;;) {
            spin_then_wait([&] { return generation_.load(std::memory_order_seq_cst) != seen; },
                           m_, start_cv_, start_sleepers_);
            seen = generation_.load(std::memory_order_acquire);
            if (stopping_.load(std::memory_order_acquire)) return;
            invoke(member);
            if (pending_.fetch_sub(1, std::memory_order_seq_cst) == 1) {
                wake_waiters(m_, done_cv_, done_sleepers_);
            }
        }
    }

    void stop_workers() noexcept {
        stopping_.store(true, std::memory_order_release);
        generation_.fetch_add(1, std::memory_order_seq_cst);
        wake_waiters(m_, start_cv_, start_sleepers_);
        for (auto& t : workers_) t.join();
        workers_.clear();
    }

    std::vector<int> cpus_;
    unsigned size_;
    bool pin_;
    ec2bench::detail::barrier barrier_;
    std::vector<std::thread> workers_;

    void (*job_)(void*, unsigned) = nullptr;
    void* job_ctx_ = nullptr;
    std::exception_ptr error_;

    alignas(64) std::atomic<unsigned> generation_{0};
    alignas(64) std::atomic<unsigned> pending_{0};
    std::atomic<bool> stopping_{false};
    std::atomic<unsigned> start_sleepers_{0};
    std::atomic<unsigned> done_sleepers_{0};
    std::mutex m_;
    std::condition_variable start_cv_;
    std::condition_variable done_cv_;
};

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_THREAD_TEAM_HPP
