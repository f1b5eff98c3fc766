// SPDX-License-Identifier: MIT
// Files that must not outlive an interrupted program: their paths, kept where a signal handler
// can remove them (fixed slots, no allocation), and handlers for SIGINT, SIGTERM, SIGHUP and
// SIGQUIT installed only where the program left the default in place. The fsync kernel's test
// files use it; a program with its own signal handling calls fsync_io::remove_active_files().
#ifndef EC2BENCH_DETAIL_SIGNAL_CLEANUP_HPP
#define EC2BENCH_DETAIL_SIGNAL_CLEANUP_HPP

#include <limits.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <string>

namespace ec2bench::detail {

/// Paths of the files that runs in progress create, for removal from a signal handler or a
/// signal thread: fixed slots, no allocation, unlink(2) and nanosleep(2) only (both
/// async-signal-safe). A slot goes free -> claimed (path being written) -> creating (open(2) in
/// progress) -> created, and back to free when the run removes its file. close() refuses new
/// runs, so a run that starts after an interruption cannot leave a file behind.
class active_files {
public:
    static constexpr int slots = 32;
    enum : int { free_slot = 0, claimed = 1, creating = 2, created = 3 };

    /// Claims a slot for `path`: its index, -1 when there is none (the path is still removed
    /// by the run itself), or -2 after close() (the run must not start).
    int add(const std::string& path) noexcept {
        if (closed_.load(std::memory_order_seq_cst)) return -2;
        if (path.size() >= PATH_MAX) return -1;
        for (int i = 0; i < slots; ++i) {
            int expected = free_slot;
            if (state_[i].compare_exchange_strong(expected, claimed, std::memory_order_acq_rel)) {
                std::memcpy(paths_[i], path.c_str(), path.size() + 1);
                state_[i].store(creating, std::memory_order_seq_cst);
                // Closed meanwhile: the closer may have scanned before this slot was ready.
                if (closed_.load(std::memory_order_seq_cst)) {
                    state_[i].store(free_slot, std::memory_order_release);
                    return -2;
                }
                return i;
            }
        }
        return -1;
    }
    /// The file exists now (open(2) returned). False after close(): remove it and stop.
    bool created_ok(int slot) noexcept {
        if (slot >= 0) state_[slot].store(created, std::memory_order_seq_cst);
        return !closed_.load(std::memory_order_seq_cst);
    }
    void remove(int slot) noexcept {
        if (slot >= 0) state_[slot].store(free_slot, std::memory_order_release);
    }
    void unlink_all() noexcept {
        for (int i = 0; i < slots; ++i) {
            // A slot is only reused after its run removed it; a path read here is complete.
            const int st = state_[i].load(std::memory_order_acquire);
            if (st == creating || st == created) ::unlink(paths_[i]);
        }
    }
    /// Refuses new runs, removes every file, waits (at most `wait_ms`) for runs that were
    /// opening their file at that moment, and removes again.
    void close(int wait_ms = 200) noexcept {
        closed_.store(true, std::memory_order_seq_cst);
        unlink_all();
        for (int waited = 0; waited < wait_ms; ++waited) {
            bool busy = false;
            for (int i = 0; i < slots; ++i) {
                const int st = state_[i].load(std::memory_order_acquire);
                busy = busy || st == claimed || st == creating;
            }
            if (!busy) break;
            const timespec ms{0, 1'000'000};
            ::nanosleep(&ms, nullptr);
        }
        unlink_all();
    }

private:
    std::atomic<bool> closed_{false};
    std::atomic<int> state_[slots] = {};
    char paths_[slots][PATH_MAX] = {};
};

/// The one registry of the program, shared by every run and by the signal handler.
inline active_files& active_files_registry() noexcept {
    static active_files files;
    return files;
}

extern "C" inline void remove_files_and_reraise(int sig) {
    const int saved = errno;  // a handler must not change errno under the code it interrupted
    active_files_registry().close();
    ::signal(sig, SIG_DFL);
    errno = saved;
    ::raise(sig);
}

/// Installs remove_files_and_reraise for SIGINT, SIGTERM, SIGHUP and SIGQUIT while at least one
/// run is active, but only where the disposition is the default: a program with its own handler
/// (or a signal thread) keeps it, and calls remove_active_files() itself, and a signal the
/// process ignores (nohup's SIGHUP, a shell's SIGQUIT for background jobs) stays ignored.
class signal_guard {
public:
    signal_guard() {
        std::lock_guard<std::mutex> lock(state().m);
        if (state().depth++ == 0) {
            for (std::size_t i = 0; i < signals.size(); ++i) {
                struct sigaction current{};
                state().installed[i] = false;
                // SA_SIGINFO first: sa_handler shares a union with sa_sigaction.
                if (::sigaction(signals[i], nullptr, &current) == 0 &&
                    (current.sa_flags & SA_SIGINFO) == 0 && current.sa_handler == SIG_DFL) {
                    struct sigaction ours{};
                    ours.sa_handler = &remove_files_and_reraise;
                    sigemptyset(&ours.sa_mask);
                    ours.sa_flags = static_cast<int>(SA_RESETHAND);
                    state().installed[i] = ::sigaction(signals[i], &ours, nullptr) == 0;
                }
            }
        }
    }
    ~signal_guard() {
        std::lock_guard<std::mutex> lock(state().m);
        if (--state().depth == 0) {
            for (std::size_t i = 0; i < signals.size(); ++i) {
                if (!state().installed[i]) continue;
                struct sigaction current{};
                // Restore only our own: someone may have installed theirs since.
                if (::sigaction(signals[i], nullptr, &current) == 0 &&
                    current.sa_handler == &remove_files_and_reraise) {
                    ::signal(signals[i], SIG_DFL);
                }
            }
        }
    }
    signal_guard(const signal_guard&) = delete;
    signal_guard& operator=(const signal_guard&) = delete;

private:
    static constexpr std::array<int, 4> signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct shared {
        std::mutex m;
        int depth = 0;
        std::array<bool, signals.size()> installed{};
    };
    static shared& state() {
        static shared s;
        return s;
    }
};

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_SIGNAL_CLEANUP_HPP
