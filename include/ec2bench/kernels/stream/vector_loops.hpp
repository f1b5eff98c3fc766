// SPDX-License-Identifier: MIT
// The STREAM kernels over explicit vectors, written once and compiled once per instruction-set
// level: kernels/stream.hpp includes this file inside each level's namespace (detail::avx512,
// detail::avx2, detail::sse2, detail::neon), next to that level's `vec<T>` operations and, for
// the levels above the architecture's baseline, inside a target region (GCC's
// `#pragma GCC target`, Clang's `#pragma clang attribute`). Every function here therefore exists
// under one name per level, each compiled for exactly that level whatever the translation unit's
// -march, which is what lets one binary choose at run time and lets translation units built with
// different flags agree. Included on its own it only includes kernels/stream.hpp.
#if !defined(EC2BENCH_STREAM_VECTOR_LOOPS_BODY)
#include <ec2bench/kernels/stream.hpp>
#else
// No include guard: this part is meant to be read once per level. It uses only names that
// kernels/stream.hpp has declared before (kernel, std::size_t, std::uintptr_t) and the level's
// vec<T> with: width (T per vector), v, load, store, stream (non-temporal), set1, add, mul, fence.

// The kernels over [0, n) with ordinary scalar stores: the head before the first aligned
// vector and the tail after the last. Inside the level's region, so a compiler that vectorises
// them uses only that level's instructions.
template <class T>
inline void scalar_loop(kernel k, T* __restrict a, T* __restrict b, T* __restrict c, T s,
                        std::size_t n) {
    switch (k) {
        case kernel::copy:
            for (std::size_t j = 0; j < n; ++j) c[j] = a[j];
            break;
        case kernel::scale:
            for (std::size_t j = 0; j < n; ++j) b[j] = s * c[j];
            break;
        case kernel::add:
            for (std::size_t j = 0; j < n; ++j) c[j] = a[j] + b[j];
            break;
        case kernel::triad:
            for (std::size_t j = 0; j < n; ++j) a[j] = b[j] + s * c[j];
            break;
    }
}

template <bool Stream, class T>
inline void put(T* p, typename vec<T>::v x) {
    if constexpr (Stream) {
        vec<T>::stream(p, x);
    } else {
        vec<T>::store(p, x);
    }
}

/// One kernel over [0, n) with explicit vectors: a scalar head up to the destination's vector
/// alignment, whole vectors unrolled by two, a scalar tail. `Stream`: non-temporal stores, else
/// ordinary ones. Ordinary stores are explicit too: left to itself, the compiler turns the copy
/// loop into memcpy, and glibc's memcpy streams large copies, which would make "nt off" untrue
/// and the write-allocate byte count wrong.
template <bool Stream, class T>
inline void vector_loop(kernel k, T* a, T* b, T* c, T s, std::size_t n) {
    using V = vec<T>;
    constexpr std::size_t W = V::width;
    constexpr std::size_t vector_bytes = W * sizeof(T);
    // All three arrays share the alignment of their starts (the session allocates them so), so
    // the head is the same for every array.
    const auto misalign = reinterpret_cast<std::uintptr_t>(a) % vector_bytes;
    std::size_t head = misalign == 0 ? 0 : (vector_bytes - misalign) / sizeof(T);
    if (head > n) head = n;
    scalar_loop(k, a, b, c, s, head);
    std::size_t j = head;
    const std::size_t body_end = j + (n - j) / (2 * W) * (2 * W);
    const typename V::v vs = V::set1(s);
    switch (k) {
        case kernel::copy:
            for (; j < body_end; j += 2 * W) {
                const typename V::v x0 = V::load(a + j);
                const typename V::v x1 = V::load(a + j + W);
                put<Stream>(c + j, x0);
                put<Stream>(c + j + W, x1);
            }
            break;
        case kernel::scale:
            for (; j < body_end; j += 2 * W) {
                const typename V::v x0 = V::mul(vs, V::load(c + j));
                const typename V::v x1 = V::mul(vs, V::load(c + j + W));
                put<Stream>(b + j, x0);
                put<Stream>(b + j + W, x1);
            }
            break;
        case kernel::add:
            for (; j < body_end; j += 2 * W) {
                const typename V::v x0 = V::add(V::load(a + j), V::load(b + j));
                const typename V::v x1 = V::add(V::load(a + j + W), V::load(b + j + W));
                put<Stream>(c + j, x0);
                put<Stream>(c + j + W, x1);
            }
            break;
        case kernel::triad:
            for (; j < body_end; j += 2 * W) {
                const typename V::v x0 = V::add(V::load(b + j), V::mul(vs, V::load(c + j)));
                const typename V::v x1 =
                    V::add(V::load(b + j + W), V::mul(vs, V::load(c + j + W)));
                put<Stream>(a + j, x0);
                put<Stream>(a + j + W, x1);
            }
            break;
    }
    scalar_loop(k, a + j, b + j, c + j, s, n - j);
    // Streaming stores are weakly ordered: make them visible before the pass is timed as done.
    if constexpr (Stream) V::fence();
}

/// The level's entry point: one kernel over [0, n), streaming stores or ordinary ones.
template <class T>
inline void run(kernel k, T* a, T* b, T* c, T s, std::size_t n, bool non_temporal) {
    if (non_temporal) {
        vector_loop<true>(k, a, b, c, s, n);
    } else {
        vector_loop<false>(k, a, b, c, s, n);
    }
}
#endif
