// SPDX-License-Identifier: MIT
// The segmented sieve: one segment at a time, pre-sieved and crossed off by the sieving primes
// up to sqrt(hi), which a second sieve of the same kind feeds in ascending order.
#ifndef EC2BENCH_KERNELS_SIEVE_SEGMENTED_HPP
#define EC2BENCH_KERNELS_SIEVE_SEGMENTED_HPP

#include <ec2bench/kernels/sieve/buckets.hpp>
#include <ec2bench/kernels/sieve/count.hpp>
#include <ec2bench/kernels/sieve/cross_off.hpp>
#include <ec2bench/kernels/sieve/dispatch.hpp>
#include <ec2bench/kernels/sieve/options.hpp>
#include <ec2bench/kernels/sieve/presieve.hpp>
#include <ec2bench/kernels/sieve/wheel.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ec2bench::sieve::detail {

/// A segmented sieve over [lo, hi) (lo >= 7), one segment per next_segment() call. `Feed` yields
/// the sieving primes above 163 in ascending order (next() returns 0 past its limit).
template <class Feed>
class segmented_sieve {
public:
    segmented_sieve() = default;
    segmented_sieve(const segmented_sieve&) = delete;
    segmented_sieve& operator=(const segmented_sieve&) = delete;

    /// Sizes and instruction-set path for the next runs.
    void configure(const segment_sizes& z, const kernels& k) {
        sizes_ = z;
        kernels_ = &k;
        log2_segment_ = 0;
        while ((std::size_t{1} << log2_segment_) < z.segment_bytes) ++log2_segment_;
        if (buffer_.size() < z.segment_bytes / 8 + 16) buffer_.assign(z.segment_bytes / 8 + 16, 0);
        feed_.configure(z, k);
    }

    /// Starts over on [lo, hi), 7 <= lo < hi.
    void start(std::uint64_t lo, std::uint64_t hi) {
        first_byte_ = (lo - 7) / 30;
        end_byte_ = (hi - 1 - 7) / 30 + 1;
        first_mask_ = 0;
        last_mask_ = 0;
        const std::uint64_t first_base = 30 * first_byte_;
        const std::uint64_t last_base = 30 * (end_byte_ - 1);
        for (unsigned k = 0; k < 8; ++k) {
            if (first_base + wheel_offset[k] >= lo) first_mask_ |= 1u << k;
            if (wheel_offset[k] <= hi - 1 - last_base) last_mask_ |= 1u << k;
        }
        max_prime_ = isqrt(hi - 1);
        segment_lo_ = first_byte_;
        segment_ = 0;
        const std::uint64_t s = sizes_.segment_bytes;
        segments_ = (end_byte_ - first_byte_ + s - 1) / s;
        for (auto& v : small_) v.clear();
        for (auto& v : medium_) v.clear();
        // A large prime's next multiple is at most 7p/30 + 1 bytes past the current segment.
        std::size_t slots = 2;
        if (max_prime_ > sizes_.medium_limit) {
            const std::uint64_t ahead = (max_prime_ / 30) * 7 / s + 3;
            while (slots < ahead) slots *= 2;
        }
        buckets_.reset(slots);
        feed_.start(max_prime_);
        pending_ = feed_.next();
        length_ = 0;
    }

    /// Sieves the next segment; false when there is none.
    bool next_segment() {
        if (segment_lo_ >= end_byte_) return false;
        const std::size_t n = static_cast<std::size_t>(
            std::min<std::uint64_t>(sizes_.segment_bytes, end_byte_ - segment_lo_));
        const std::uint64_t segment_end = segment_lo_ + n;
        while (pending_ != 0 && (pending_ * pending_ - 7) / 30 < segment_end) {
            add(pending_);
            pending_ = feed_.next();
        }
        unsigned char* s = data();
        const std::size_t block = sizes_.l1_bytes;
        const and_patterns_fn and_patterns = kernels_->and_patterns;
        for (std::size_t b = 0; b < n; b += block) {
            const std::size_t e = std::min(n, b + block);
            presieve(s + b, segment_lo_ + b, e - b, and_patterns);
            cross_small<0>(s, e, small_[0].data(), small_[0].data() + small_[0].size());
            cross_small<1>(s, e, small_[1].data(), small_[1].data() + small_[1].size());
            cross_small<2>(s, e, small_[2].data(), small_[2].data() + small_[2].size());
            cross_small<3>(s, e, small_[3].data(), small_[3].data() + small_[3].size());
            cross_small<4>(s, e, small_[4].data(), small_[4].data() + small_[4].size());
            cross_small<5>(s, e, small_[5].data(), small_[5].data() + small_[5].size());
            cross_small<6>(s, e, small_[6].data(), small_[6].data() + small_[6].size());
            cross_small<7>(s, e, small_[7].data(), small_[7].data() + small_[7].size());
        }
        for (auto& v : small_) {
            for (auto& p : v) p.index -= static_cast<std::uint32_t>(n);
        }
        cross_medium_all(s, n);
        cross_large(s, buckets_, segment_, segments_, log2_segment_, sizes_.segment_bytes);
        if (segment_lo_ == first_byte_) s[0] = static_cast<unsigned char>(s[0] & first_mask_);
        if (segment_end == end_byte_) s[n - 1] = static_cast<unsigned char>(s[n - 1] & last_mask_);
        for (std::size_t k = n; k % 8 != 0; ++k) s[k] = 0;
        current_lo_ = segment_lo_;
        length_ = n;
        segment_lo_ = segment_end;
        ++segment_;
        return true;
    }

    /// The segment just sieved: bit k of byte i is the number 30 * (first_byte() + i) +
    /// wheel_offset[k]; set bits are the primes. Zero-padded to whole 64-bit words.
    const unsigned char* bytes() const noexcept {
        return reinterpret_cast<const unsigned char*>(buffer_.data());
    }
    std::size_t size() const noexcept { return length_; }
    std::size_t words() const noexcept { return (length_ + 7) / 8; }
    std::uint64_t first_byte() const noexcept { return current_lo_; }

    /// The segment just sieved.
    segment_view view() const noexcept {
        return {bytes(), length_, current_lo_, kernels_->count_words};
    }

private:
    unsigned char* data() noexcept { return reinterpret_cast<unsigned char*>(buffer_.data()); }

    void add(std::uint64_t p) {
        const std::uint64_t start = std::max(p * p, 30 * segment_lo_ + 7);
        std::uint64_t q = ceil_div(start, p);
        q += residues.to_next[q % 30];
        std::uint64_t multiple = 0;
        if (multiply_overflows(p, q, multiple)) return;  // no multiple below 2^64
        const std::uint64_t byte = (multiple - 7) / 30;
        if (byte >= end_byte_) return;
        const std::uint64_t index = byte - segment_lo_;
        const unsigned j = residues.slot[q % 30];
        const unsigned c = residues.slot[p % 30];
        const auto d = static_cast<std::uint32_t>(p / 30);
        if (p <= sizes_.small_limit) {
            small_[c].push_back({d, static_cast<std::uint32_t>(index), j});
        } else if (p <= sizes_.medium_limit) {
            medium_[c * 8 + j].push_back({d, static_cast<std::uint32_t>(index)});
        } else {
            const std::uint64_t ahead = index >> log2_segment_;
            if (segment_ + ahead >= segments_) return;
            const std::uint64_t within = index & (sizes_.segment_bytes - 1);
            const auto slot = static_cast<std::size_t>((segment_ + ahead) & (buckets_.slots() - 1));
            buckets_.push(buckets_.ring()[slot],
                          {d, static_cast<std::uint32_t>(within << 6 | (c * 8 + j))});
        }
    }

    void cross_medium_all(unsigned char* s, std::size_t n) {
        for (auto& v : spare_) v.clear();
        for (unsigned w = 0; w < 64; ++w) {
            const auto& v = medium_[w];
            if (v.empty()) continue;
            const medium_prime* b = v.data();
            const medium_prime* e = b + v.size();
            const unsigned j = w % 8;
            switch (w / 8) {
                case 0: cross_medium<0>(s, n, b, e, j, spare_); break;
                case 1: cross_medium<1>(s, n, b, e, j, spare_); break;
                case 2: cross_medium<2>(s, n, b, e, j, spare_); break;
                case 3: cross_medium<3>(s, n, b, e, j, spare_); break;
                case 4: cross_medium<4>(s, n, b, e, j, spare_); break;
                case 5: cross_medium<5>(s, n, b, e, j, spare_); break;
                case 6: cross_medium<6>(s, n, b, e, j, spare_); break;
                default: cross_medium<7>(s, n, b, e, j, spare_); break;
            }
        }
        std::swap(medium_, spare_);
    }

    segment_sizes sizes_;
    const kernels* kernels_ = &baseline_kernels;
    unsigned log2_segment_ = 0;
    std::vector<std::uint64_t> buffer_;
    std::uint64_t first_byte_ = 0, end_byte_ = 0;
    unsigned first_mask_ = 0, last_mask_ = 0;
    std::uint64_t max_prime_ = 0;
    std::uint64_t segment_lo_ = 0, segment_ = 0, segments_ = 0;
    std::uint64_t current_lo_ = 0;
    std::size_t length_ = 0;
    std::uint64_t pending_ = 0;
    std::vector<small_prime> small_[8];
    std::vector<medium_prime> medium_[64];
    std::vector<medium_prime> spare_[64];
    bucket_store buckets_;
    Feed feed_;
};

/// The primes from 167 to 65535 (enough to sieve up to 2^32), computed once.
inline const std::vector<std::uint32_t>& base_primes() {
    static const std::vector<std::uint32_t> primes = [] {
        std::vector<std::uint32_t> out;
        std::vector<bool> composite(65536, false);
        for (std::uint32_t i = 2; i < 65536; ++i) {
            if (composite[i]) continue;
            if (i > presieve_max_prime) out.push_back(i);
            for (std::uint32_t m = i * i; m < 65536; m += i) composite[m] = true;
        }
        return out;
    }();
    return primes;
}

/// Sieving primes for a sieve below 2^32, from base_primes().
class table_feed {
public:
    void configure(const segment_sizes&, const kernels&) {}
    void start(std::uint64_t max_prime) {
        primes_ = &base_primes();
        next_ = 0;
        max_ = max_prime;
    }
    std::uint64_t next() noexcept {
        if (next_ == primes_->size() || (*primes_)[next_] > max_) return 0;
        return (*primes_)[next_++];
    }

private:
    const std::vector<std::uint32_t>* primes_ = nullptr;
    std::size_t next_ = 0;
    std::uint64_t max_ = 0;
};

/// Sieving primes up to 2^32 - 1, produced a segment at a time by a second sieve and read
/// straight from its bits.
class sieved_feed {
public:
    void configure(const segment_sizes& z, const kernels& k) { sieve_.configure(z, k); }
    void start(std::uint64_t max_prime) {
        bits_ = 0;
        word_ = 0;
        words_ = 0;
        active_ = max_prime > presieve_max_prime;
        if (active_) sieve_.start(presieve_max_prime + 1, max_prime + 1);
    }
    std::uint64_t next() {
        while (bits_ == 0) {
            if (++word_ < words_) {
                base_ += 240;
            } else {
                if (!active_ || !sieve_.next_segment()) {
                    active_ = false;
                    return 0;
                }
                word_ = 0;
                words_ = sieve_.words();
                base_ = 30 * sieve_.first_byte();
            }
            bits_ = load_word(sieve_.bytes() + 8 * word_);
        }
        const std::uint64_t p = base_ + bit_value.v[count_zeros_right(bits_)];
        bits_ &= bits_ - 1;
        return p;
    }

private:
    segmented_sieve<table_feed> sieve_;
    std::uint64_t bits_ = 0, base_ = 0;
    std::size_t word_ = 0, words_ = 0;
    bool active_ = false;
};

using main_sieve = segmented_sieve<sieved_feed>;

}  // namespace ec2bench::sieve::detail

#endif  // EC2BENCH_KERNELS_SIEVE_SEGMENTED_HPP
