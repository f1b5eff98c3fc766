// SPDX-License-Identifier: MIT
// A histogram as HdrHistogram defines it: its layout (lowest discernible value, highest trackable
// value, significant digits), its counts by HdrHistogram's index, and HdrHistogram's own answers
// (value at percentile, max, mean, ...), so that what we print from a log is what HdrHistogram's
// tools print from it.
#ifndef EC2BENCH_RESULTS_HDR_HISTOGRAM_HPP
#define EC2BENCH_RESULTS_HDR_HISTOGRAM_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace ec2bench::results::hdr {

/// The three numbers that fix HdrHistogram's buckets (its constructor's arguments). Values are
/// integers in the recorder's unit, nanoseconds for ec2bench.
struct layout {
    std::int64_t lowest_discernible_value = 1;
    std::int64_t highest_trackable_value = 3'600'000'000'000;  ///< one hour in nanoseconds
    int significant_digits = 3;                                 ///< 0 to 5
};

namespace detail {

inline unsigned floor_log2(std::uint64_t v) noexcept {
    return 63u - static_cast<unsigned>(__builtin_clzll(v | 1));
}

}  // namespace detail

/// HdrHistogram's integer histogram, for reading and writing its formats: counts by index
/// (HdrHistogram's countsArrayIndex), stored up to the highest non-empty index. Values and counts
/// are at most 2^63 - 1 (Java's long).
///
/// Bucket geometry, as HdrHistogram computes it: unit magnitude u = floor(log2(lowest)),
/// sub-bucket count 2^m with m the smallest such that 2^m >= 2 * 10^digits; index i < 2^m holds
/// values [i << u, (i + 1) << u); above, each power of two is cut into 2^(m-1) sub-buckets.
/// With u = 0 this is stats::log_linear_histogram<m - 1, ...>'s layout, index for index.
///
///     hdr::histogram acc({1, 3'600'000'000'000, 3});
///     acc.add(interval.counts);
///     auto p999 = acc.value_at_percentile(99.9);
class histogram {
public:
    /// Throws std::invalid_argument for a layout HdrHistogram would refuse.
    explicit histogram(const hdr::layout& l = {}) : layout_(l) {
        if (l.lowest_discernible_value < 1) {
            throw std::invalid_argument("hdr::histogram: lowest discernible value " +
                                        std::to_string(l.lowest_discernible_value) +
                                        " must be at least 1");
        }
        if (l.lowest_discernible_value > std::numeric_limits<std::int64_t>::max() / 2 ||
            l.highest_trackable_value < 2 * l.lowest_discernible_value) {
            throw std::invalid_argument("hdr::histogram: highest trackable value " +
                                        std::to_string(l.highest_trackable_value) +
                                        " must be at least twice the lowest discernible value " +
                                        std::to_string(l.lowest_discernible_value));
        }
        if (l.significant_digits < 0 || l.significant_digits > 5) {
            throw std::invalid_argument("hdr::histogram: significant digits " +
                                        std::to_string(l.significant_digits) +
                                        " must be from 0 to 5");
        }
        unit_magnitude_ = detail::floor_log2(static_cast<std::uint64_t>(l.lowest_discernible_value));
        std::uint64_t single_unit = 2;
        for (int d = 0; d < l.significant_digits; ++d)
            single_unit *= 10;
        unsigned m = 0;
        while ((std::uint64_t{1} << m) < single_unit)
            ++m;
        if (m + unit_magnitude_ > 62) {
            throw std::invalid_argument(
                "hdr::histogram: " + std::to_string(l.significant_digits) +
                " significant digits above a lowest discernible value of " +
                std::to_string(l.lowest_discernible_value) + " do not fit in 63 bits");
        }
        sub_bucket_half_count_magnitude_ = m - 1;
        resize_to_cover(static_cast<std::uint64_t>(l.highest_trackable_value));
    }

    const hdr::layout& bucket_layout() const noexcept { return layout_; }
    unsigned unit_magnitude() const noexcept { return unit_magnitude_; }
    /// log2 of half the sub-bucket count: stats::log_linear_histogram's SubBucketBits.
    unsigned sub_bucket_half_count_magnitude() const noexcept {
        return sub_bucket_half_count_magnitude_;
    }
    std::uint64_t sub_bucket_count() const noexcept {
        return std::uint64_t{2} << sub_bucket_half_count_magnitude_;
    }
    /// HdrHistogram's bucketCount: powers of two covered up to the highest trackable value.
    unsigned bucket_count() const noexcept { return bucket_count_; }
    /// HdrHistogram's countsArrayLength.
    std::size_t counts_length() const noexcept { return counts_length_; }

    /// The index of the bucket holding v.
    std::size_t index_of(std::uint64_t v) const noexcept {
        const std::uint64_t mask = (sub_bucket_count() - 1) << unit_magnitude_;
        const unsigned msb = detail::floor_log2(v | mask);
        const unsigned bucket = msb - (sub_bucket_half_count_magnitude_ + unit_magnitude_);
        const std::uint64_t sub = v >> (bucket + unit_magnitude_);
        return static_cast<std::size_t>((std::uint64_t{bucket} << sub_bucket_half_count_magnitude_) +
                                        sub);
    }
    /// The smallest value of bucket i (HdrHistogram's valueFromIndex).
    std::uint64_t lowest_equivalent(std::size_t i) const noexcept {
        const std::uint64_t half = std::uint64_t{1} << sub_bucket_half_count_magnitude_;
        std::int64_t bucket = static_cast<std::int64_t>(i >> sub_bucket_half_count_magnitude_) - 1;
        std::uint64_t sub = (i & (half - 1)) + half;
        if (bucket < 0) {
            sub -= half;
            bucket = 0;
        }
        return sub << (static_cast<unsigned>(bucket) + unit_magnitude_);
    }
    /// How many values bucket i holds.
    std::uint64_t size_of_range(std::size_t i) const noexcept {
        const auto top = static_cast<unsigned>(i >> sub_bucket_half_count_magnitude_);
        return std::uint64_t{1} << (unit_magnitude_ + (top == 0 ? 0 : top - 1));
    }
    /// The largest value of bucket i (HdrHistogram's highestEquivalentValue).
    std::uint64_t highest_equivalent(std::size_t i) const noexcept {
        return lowest_equivalent(i) + size_of_range(i) - 1;
    }
    /// The middle of bucket i, rounded up (HdrHistogram's medianEquivalentValue).
    std::uint64_t median_equivalent(std::size_t i) const noexcept {
        return lowest_equivalent(i) + (size_of_range(i) >> 1);
    }

    /// The count of bucket i (0 past the last non-empty bucket).
    std::uint64_t count_at_index(std::size_t i) const noexcept {
        return i < counts_.size() ? counts_[i] : 0;
    }
    /// One past the highest non-empty index (0 when empty): the indices a V2 encoding carries.
    std::size_t used_length() const noexcept { return counts_.size(); }

    /// Counts v n times. Like HdrHistogram with auto-resize, a value above the highest
    /// trackable value extends the layout. Throws std::out_of_range above 2^63 - 1 and
    /// std::overflow_error when the total count would pass 2^63 - 1.
    void record(std::uint64_t v, std::uint64_t n = 1) {
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            throw std::out_of_range("hdr::histogram::record: value " + std::to_string(v) +
                                    " is above 2^63 - 1");
        }
        if (n == 0) return;
        if (v > static_cast<std::uint64_t>(layout_.highest_trackable_value)) resize_to_cover(v);
        add_at_index(index_of(v), n);
    }

    /// Adds n to bucket i's count (for decoders). Throws std::out_of_range past
    /// counts_length(), std::overflow_error as record() does.
    void add_at_index(std::size_t i, std::uint64_t n) {
        if (i >= counts_length_) {
            throw std::out_of_range("hdr::histogram: index " + std::to_string(i) +
                                    " is past the layout's " + std::to_string(counts_length_) +
                                    " counts");
        }
        if (n == 0) return;
        constexpr auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        if (n > limit || total_ > limit - n) {
            throw std::overflow_error("hdr::histogram: the total count passes 2^63 - 1");
        }
        if (i >= counts_.size()) counts_.resize(i + 1, 0);
        counts_[i] += n;
        total_ += n;
    }

    /// Adds other's counts: index by index when the layouts share unit and sub-buckets, else
    /// each count at its bucket's lowest value (HdrHistogram's add()).
    void add(const histogram& other) {
        const bool same = other.unit_magnitude_ == unit_magnitude_ &&
                          other.sub_bucket_half_count_magnitude_ == sub_bucket_half_count_magnitude_;
        if (other.used_length() != 0 &&
            other.highest_equivalent(other.used_length() - 1) >
                static_cast<std::uint64_t>(layout_.highest_trackable_value)) {
            resize_to_cover(other.highest_equivalent(other.used_length() - 1));
        }
        for (std::size_t i = 0; i < other.counts_.size(); ++i) {
            if (other.counts_[i] == 0) continue;
            if (same) {
                add_at_index(i, other.counts_[i]);
            } else {
                record(other.lowest_equivalent(i), other.counts_[i]);
            }
        }
    }

    /// Forgets every count; the layout stays.
    void reset() noexcept {
        counts_.clear();
        total_ = 0;
    }

    std::uint64_t total_count() const noexcept { return total_; }
    bool empty() const noexcept { return total_ == 0; }

    /// The highest value of the highest non-empty bucket (HdrHistogram's getMaxValue); 0 when
    /// empty.
    std::uint64_t max() const noexcept {
        return counts_.empty() ? 0 : highest_equivalent(counts_.size() - 1);
    }
    /// The lowest value of the lowest non-empty bucket above 0 (getMinNonZeroValue); 2^63 - 1
    /// when there is none.
    std::uint64_t min_nonzero() const noexcept {
        for (std::size_t i = 1; i < counts_.size(); ++i) {
            if (counts_[i] != 0) return lowest_equivalent(i);
        }
        return static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    }
    /// getMinValue: 0 when bucket 0 holds a count or the histogram is empty.
    std::uint64_t min() const noexcept {
        if (total_ == 0 || count_at_index(0) != 0) return 0;
        return min_nonzero();
    }

    /// Each count at its bucket's median value, as HdrHistogram's getMean (0 when empty).
    double mean() const noexcept {
        if (total_ == 0) return 0.0;
        double sum = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            if (counts_[i] != 0)
                sum += static_cast<double>(median_equivalent(i)) * static_cast<double>(counts_[i]);
        }
        return sum / static_cast<double>(total_);
    }
    /// The population standard deviation about mean(), as getStdDeviation (0 when empty).
    double stddev() const noexcept {
        if (total_ == 0) return 0.0;
        const double m = mean();
        double sum = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            if (counts_[i] == 0) continue;
            const double d = static_cast<double>(median_equivalent(i)) - m;
            sum += d * d * static_cast<double>(counts_[i]);
        }
        return std::sqrt(sum / static_cast<double>(total_));
    }

    /// HdrHistogram's getValueAtPercentile (percentile from 0 to 100): the highest value of the
    /// bucket holding rank ceil(p n / 100) (at least 1), the lowest for p = 0; 0 when empty.
    std::uint64_t value_at_percentile(double percentile) const noexcept {
        // One ulp below, as HdrHistogram does, so that 99.9 of 1000 is rank 999, not 1000.
        const double p = std::min(
            std::max(std::nextafter(percentile, -std::numeric_limits<double>::infinity()), 0.0),
            100.0);
        const double fp = (p * static_cast<double>(total_)) / 100.0;
        auto rank = static_cast<std::uint64_t>(std::ceil(fp));
        rank = std::max<std::uint64_t>(rank, 1);
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen >= rank) {
                return percentile == 0.0 ? lowest_equivalent(i) : highest_equivalent(i);
            }
        }
        return 0;
    }

    /// The ratio HdrHistogram's DoubleHistogram records in the encoding header: 1 for integer
    /// histograms, carried through unchanged.
    double integer_to_double_ratio = 1.0;

private:
    // HdrHistogram's auto-resize: enough whole buckets to hold v, the highest trackable value
    // then the top of the last one.
    void resize_to_cover(std::uint64_t v) {
        std::uint64_t smallest_untrackable = sub_bucket_count() << unit_magnitude_;
        unsigned buckets = 1;
        while (smallest_untrackable <= v) {
            if (smallest_untrackable > static_cast<std::uint64_t>(
                                           std::numeric_limits<std::int64_t>::max()) / 2) {
                ++buckets;
                break;
            }
            smallest_untrackable <<= 1;
            ++buckets;
        }
        const bool grew = counts_length_ != 0;
        bucket_count_ = buckets;
        counts_length_ = static_cast<std::size_t>(buckets + 1)
                         << sub_bucket_half_count_magnitude_;
        if (grew) {
            layout_.highest_trackable_value = static_cast<std::int64_t>(
                std::min<std::uint64_t>(highest_equivalent(counts_length_ - 1),
                                        static_cast<std::uint64_t>(
                                            std::numeric_limits<std::int64_t>::max())));
        }
    }

    hdr::layout layout_;
    unsigned unit_magnitude_ = 0;
    unsigned sub_bucket_half_count_magnitude_ = 0;
    unsigned bucket_count_ = 0;
    std::size_t counts_length_ = 0;
    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
};

}  // namespace ec2bench::results::hdr

#endif  // EC2BENCH_RESULTS_HDR_HISTOGRAM_HPP
