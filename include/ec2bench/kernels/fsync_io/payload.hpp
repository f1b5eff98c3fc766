// SPDX-License-Identifier: MIT
// The contents an fsync run writes: deterministic, different in every block, incompressible.
#ifndef EC2BENCH_KERNELS_FSYNC_IO_PAYLOAD_HPP
#define EC2BENCH_KERNELS_FSYNC_IO_PAYLOAD_HPP

#include <ec2bench/detail/aligned_buffer.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ec2bench::fsync_io::detail {

/// Deterministic, incompressible block contents: a pool of random bytes (splitmix64 from the
/// seed), block i taken from pool slot i mod slots with its first 16 bytes replaced by (seed,
/// i), so no two blocks of a run are equal (dedupe cannot flatter) and none compresses.
/// block() stamps the slot in place and returns it, so a write needs no copy (the previous
/// stamp in a slot never matters: it is always rewritten before the slot is used). The pool is
/// aligned for O_DIRECT.
class payload {
public:
    payload(std::uint64_t seed, std::size_t block_size, std::size_t alignment = 4096)
        : seed_(seed),
          block_(block_size),
          slots_(pool_slots(block_size)),
          pool_(slots_ * block_size, std::max<std::size_t>(alignment, 64)) {
        std::uint64_t x = seed;
        unsigned char* p = pool_.data();
        for (std::size_t i = 0; i < pool_.size(); i += 8) {
            x += 0x9e3779b97f4a7c15ULL;  // splitmix64
            std::uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            z ^= z >> 31;
            std::memcpy(p + i, &z, std::min<std::size_t>(8, pool_.size() - i));
        }
    }
    /// Block `index`, ready to write (block_size bytes, aligned like the pool).
    const unsigned char* block(std::uint64_t index) noexcept {
        unsigned char* b = pool_.data() + (index % slots_) * block_;
        const std::uint64_t stamp[2] = {seed_, index};
        std::memcpy(b, stamp, std::min<std::size_t>(sizeof stamp, block_));
        return b;
    }
    /// Copies block `index` into `out` (block_size bytes): what the file must hold there.
    void fill(std::uint64_t index, unsigned char* out) noexcept {
        std::memcpy(out, block(index), block_);
    }
    std::size_t block_size() const noexcept { return block_; }

private:
    static std::size_t pool_slots(std::size_t block_size) {
        // 256 KiB of random bytes: more than a compressing filesystem sees at once (btrfs
        // compresses 128 KiB extents), little enough to stay in L2 while the kernel copies from
        // it; at least 16 blocks, at most 64 MiB. Dedupe is defeated by the per-block stamp.
        const std::size_t want = (std::size_t{256} << 10) / block_size;
        const std::size_t cap = std::max<std::size_t>(1, (std::size_t{64} << 20) / block_size);
        return std::max<std::size_t>(2, std::min(std::max<std::size_t>(want, 16), cap));
    }
    std::uint64_t seed_;
    std::size_t block_;
    std::size_t slots_;
    ec2bench::detail::aligned_buffer<unsigned char> pool_;
};

}  // namespace ec2bench::fsync_io::detail

#endif  // EC2BENCH_KERNELS_FSYNC_IO_PAYLOAD_HPP
