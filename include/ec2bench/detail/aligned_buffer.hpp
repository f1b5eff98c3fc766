// SPDX-License-Identifier: MIT
// Page-mapped, aligned, untouched storage for benchmark arrays, with optional huge pages.
#ifndef EC2BENCH_DETAIL_ALIGNED_BUFFER_HPP
#define EC2BENCH_DETAIL_ALIGNED_BUFFER_HPP

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace ec2bench::detail {

/// How a buffer asks the kernel for huge pages.
enum class huge_pages {
    none,         ///< ordinary pages; MADV_NOHUGEPAGE so the result does not depend on THP
    transparent,  ///< MADV_HUGEPAGE: THP where the system allows ("madvise" or "always")
    explicit_,    ///< MAP_HUGETLB from the reserved pool, falling back to transparent
};

/// What the buffer actually got.
enum class page_backing { none, ordinary, transparent_advised, hugetlb };

inline constexpr std::size_t huge_page_size = std::size_t{2} << 20;  // x86-64 and arm64 (4K granule)

/// `count` elements of T, aligned to `alignment` bytes, mapped with mmap and never touched here:
/// the first thread that writes a page decides its NUMA node, which STREAM relies on.
/// Elements are not initialised (fresh anonymous pages read as zero).
///
///     ec2bench::detail::aligned_buffer<double> a(80'000'000, 2 << 20, huge_pages::transparent);
template <class T>
class aligned_buffer {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_default_constructible_v<T>,
                  "aligned_buffer holds trivial types only: it never runs constructors");

public:
    aligned_buffer() noexcept = default;

    /// Throws std::invalid_argument for an alignment that is not a power of two at least
    /// alignof(T), std::length_error when count * sizeof(T) overflows, and std::system_error
    /// (ENOMEM) when the kernel refuses the mapping.
    explicit aligned_buffer(std::size_t count, std::size_t alignment = 64,
                            huge_pages policy = huge_pages::none)
        : count_(count) {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment < alignof(T)) {
            throw std::invalid_argument("aligned_buffer: alignment " + std::to_string(alignment) +
                                        " must be a power of two of at least " +
                                        std::to_string(alignof(T)));
        }
        if (count > std::numeric_limits<std::size_t>::max() / sizeof(T)) {
            throw std::length_error("aligned_buffer: " + std::to_string(count) + " elements of " +
                                    std::to_string(sizeof(T)) + " bytes overflow size_t");
        }
        if (count == 0) return;
        const std::size_t page = page_size();
        const std::size_t bytes = count * sizeof(T);
        if (policy == huge_pages::explicit_ && try_hugetlb(bytes, alignment)) return;
        if (alignment < page) alignment = page;
        map_aligned(bytes, alignment);
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
        if (policy == huge_pages::none) {
            ::madvise(map_, map_bytes_, MADV_NOHUGEPAGE);
            backing_ = page_backing::ordinary;
        } else {
            backing_ = ::madvise(map_, map_bytes_, MADV_HUGEPAGE) == 0
                           ? page_backing::transparent_advised
                           : page_backing::ordinary;
        }
#else
        backing_ = page_backing::ordinary;
#endif
    }

    aligned_buffer(const aligned_buffer&) = delete;
    aligned_buffer& operator=(const aligned_buffer&) = delete;
    aligned_buffer(aligned_buffer&& other) noexcept { swap(other); }
    aligned_buffer& operator=(aligned_buffer&& other) noexcept {
        aligned_buffer(std::move(other)).swap(*this);
        return *this;
    }
    ~aligned_buffer() {
        if (map_ != nullptr) ::munmap(map_, map_bytes_);
    }

    void swap(aligned_buffer& other) noexcept {
        std::swap(map_, other.map_);
        std::swap(map_bytes_, other.map_bytes_);
        std::swap(count_, other.count_);
        std::swap(backing_, other.backing_);
    }

    T* data() noexcept { return static_cast<T*>(map_); }
    const T* data() const noexcept { return static_cast<const T*>(map_); }
    std::size_t size() const noexcept { return count_; }
    std::size_t size_bytes() const noexcept { return count_ * sizeof(T); }
    bool empty() const noexcept { return count_ == 0; }
    T* begin() noexcept { return data(); }
    T* end() noexcept { return data() + count_; }
    const T* begin() const noexcept { return data(); }
    const T* end() const noexcept { return data() + count_; }
    T& operator[](std::size_t i) noexcept { return data()[i]; }
    const T& operator[](std::size_t i) const noexcept { return data()[i]; }

    /// What backs the memory: the request may have been refused or downgraded.
    page_backing backing() const noexcept { return backing_; }

    static std::size_t page_size() noexcept {
        const long p = ::sysconf(_SC_PAGESIZE);
        return p > 0 ? static_cast<std::size_t>(p) : std::size_t{4096};
    }

private:
    static std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

    bool try_hugetlb(std::size_t bytes, std::size_t alignment) {
#if defined(MAP_HUGETLB)
        // hugetlb mappings are aligned to the huge page size by the kernel.
        if (alignment > huge_page_size) return false;
        const std::size_t len = round_up(bytes, huge_page_size);
        void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
        if (p == MAP_FAILED) return false;  // no reserved pool: the caller falls back to THP
        map_ = p;
        map_bytes_ = len;
        backing_ = page_backing::hugetlb;
        return true;
#else
        static_cast<void>(bytes);
        static_cast<void>(alignment);
        return false;
#endif
    }

    void map_aligned(std::size_t bytes, std::size_t alignment) {
        const std::size_t page = page_size();
        const std::size_t len = round_up(bytes, page);
        if (len < bytes || len > std::numeric_limits<std::size_t>::max() - alignment) {
            throw std::length_error("aligned_buffer: " + std::to_string(bytes) +
                                    " bytes cannot be mapped");
        }
        // Over-map by the alignment, then return the unaligned head and the tail to the kernel.
        const std::size_t span = len + alignment - page;
        void* p = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                         0);
        if (p == MAP_FAILED) {
            throw std::system_error(errno, std::generic_category(),
                                    "aligned_buffer: cannot map " + std::to_string(bytes) +
                                        " bytes");
        }
        const auto base = reinterpret_cast<std::uintptr_t>(p);
        const std::uintptr_t aligned = (base + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
        const std::size_t head = aligned - base;
        const std::size_t tail = span - head - len;
        if (head != 0) ::munmap(p, head);
        if (tail != 0) ::munmap(reinterpret_cast<void*>(aligned + len), tail);
        map_ = reinterpret_cast<void*>(aligned);
        map_bytes_ = len;
    }

    void* map_ = nullptr;
    std::size_t map_bytes_ = 0;
    std::size_t count_ = 0;
    page_backing backing_ = page_backing::none;
};

}  // namespace ec2bench::detail

#endif  // EC2BENCH_DETAIL_ALIGNED_BUFFER_HPP
