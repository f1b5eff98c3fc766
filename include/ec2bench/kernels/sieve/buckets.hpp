// SPDX-License-Identifier: MIT
// The bucket store of the large sieving primes: for each segment of a ring, the primes whose next
// multiple falls in it, in 8 KiB buckets aligned to their size.
#ifndef EC2BENCH_KERNELS_SIEVE_BUCKETS_HPP
#define EC2BENCH_KERNELS_SIEVE_BUCKETS_HPP

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#if defined(__GNUC__) || defined(__clang__)
#define EC2BENCH_SIEVE_BUCKETS_INLINE inline __attribute__((always_inline))
#else
#define EC2BENCH_SIEVE_BUCKETS_INLINE inline
#endif

namespace ec2bench::sieve::detail {

/// A large sieving prime in a bucket: its next multiple is in the bucket's segment.
struct large_prime {
    std::uint32_t d;
    std::uint32_t packed;  ///< index << 6 | wheel index
};

/// The large primes waiting for each segment of a ring, in 8 KiB buckets aligned to their size.
/// A slot holds the write cursor of its newest bucket; a cursor on a bucket boundary is a full
/// bucket (or, when null, none), so a push costs one test and one store.
class bucket_store {
public:
    static constexpr std::size_t bucket_bytes = 8192;
    static constexpr std::size_t capacity = (bucket_bytes - 16) / sizeof(large_prime);

    struct bucket {
        bucket* next;  ///< the older, full bucket of the same slot
        void* unused;  ///< keeps the items 16-byte aligned
        large_prime item[capacity];
    };
    static_assert(sizeof(bucket) == bucket_bytes, "a bucket must fill its aligned block");

    bucket_store() = default;
    bucket_store(const bucket_store&) = delete;
    bucket_store& operator=(const bucket_store&) = delete;
    ~bucket_store() {
        for (void* slab : slabs_) ::operator delete(slab, std::align_val_t{bucket_bytes});
    }

    /// Drops every chain and sizes the ring for `slots` segments (a power of two).
    void reset(std::size_t slots) {
        for (large_prime*& cursor : ring_) {
            for (bucket* b = cursor == nullptr ? nullptr : bucket_of(cursor); b != nullptr;) {
                bucket* older = b->next;
                release(b);
                b = older;
            }
            cursor = nullptr;
        }
        ring_.assign(slots, nullptr);
    }

    std::size_t slots() const noexcept { return ring_.size(); }
    large_prime** ring() noexcept { return ring_.data(); }

    /// The bucket that holds the item before `cursor`.
    static bucket* bucket_of(const large_prime* cursor) noexcept {
        const auto a = reinterpret_cast<std::uintptr_t>(cursor - 1);
        return reinterpret_cast<bucket*>(a & ~std::uintptr_t{bucket_bytes - 1});
    }

    EC2BENCH_SIEVE_BUCKETS_INLINE void push(large_prime*& cursor, large_prime p) {
        if ((reinterpret_cast<std::uintptr_t>(cursor) & (bucket_bytes - 1)) == 0) {
            cursor = fresh(cursor);
        }
        *cursor++ = p;
    }

    void release(bucket* b) noexcept {
        b->next = free_;
        free_ = b;
    }

private:
    large_prime* fresh(large_prime* cursor) {
        if (free_ == nullptr) {
            // 64 buckets (512 KiB) at a time.
            void* slab = ::operator new(64 * bucket_bytes, std::align_val_t{bucket_bytes});
            slabs_.push_back(slab);
            for (std::size_t k = 0; k < 64; ++k) release(static_cast<bucket*>(slab) + k);
        }
        bucket* b = std::exchange(free_, free_->next);
        b->next = cursor == nullptr ? nullptr : bucket_of(cursor);
        return b->item;
    }

    std::vector<large_prime*> ring_;
    bucket* free_ = nullptr;
    std::vector<void*> slabs_;
};

}  // namespace ec2bench::sieve::detail

#undef EC2BENCH_SIEVE_BUCKETS_INLINE

#endif  // EC2BENCH_KERNELS_SIEVE_BUCKETS_HPP
