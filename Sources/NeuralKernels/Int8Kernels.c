// int8 inference kernels: a product of int8 rows with int32 accumulation, in a
// portable loop and in AVX2, AVX-512BW and AVX-512 VNNI variants picked at run
// time from the CPU. Every variant computes the same integers exactly (int32
// arithmetic wraps in vector registers, and the exact sum fits, so even the VNNI
// path's shifted intermediate gives the exact result).
#include "NeuralKernels.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#define NK_X86 1
#endif

// MARK: - Portable

static void nk_int8_gemm_portable(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *b, int32_t *c) {
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            int32_t sum = 0;
            for (size_t l = 0; l < k; l++) sum += (int32_t)a[i * k + l] * (int32_t)b[j * k + l];
            c[i * n + j] = sum;
        }
    }
}

#ifdef NK_X86

// MARK: - AVX2: sign-extend 16 bytes to int16, vpmaddwd into 8 int32 lanes

__attribute__((target("avx2"))) static inline int32_t nk_sum8(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2")))
static void nk_int8_gemm_avx2(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *b, int32_t *c) {
    for (size_t i = 0; i < m; i++) {
        const int8_t *row = a + i * k;
        size_t j = 0;
        for (; j + 4 <= n; j += 4) {
            __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
            const int8_t *b0 = b + j * k;
            for (size_t l = 0; l < k; l += 16) {
                __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(row + l)));
                s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b0 + l)))));
                s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b0 + k + l)))));
                s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b0 + 2 * k + l)))));
                s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b0 + 3 * k + l)))));
            }
            c[i * n + j] = nk_sum8(s0);
            c[i * n + j + 1] = nk_sum8(s1);
            c[i * n + j + 2] = nk_sum8(s2);
            c[i * n + j + 3] = nk_sum8(s3);
        }
        for (; j < n; j++) {
            __m256i s = _mm256_setzero_si256();
            for (size_t l = 0; l < k; l += 16) {
                __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(row + l)));
                s = _mm256_add_epi32(s, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j * k + l)))));
            }
            c[i * n + j] = nk_sum8(s);
        }
    }
}

// MARK: - AVX-512BW: the same on 32 bytes at a time

__attribute__((target("avx512f,avx512bw")))
static void nk_int8_gemm_avx512bw(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *b, int32_t *c) {
    for (size_t i = 0; i < m; i++) {
        const int8_t *row = a + i * k;
        size_t j = 0;
        for (; j + 4 <= n; j += 4) {
            __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
            const int8_t *b0 = b + j * k;
            for (size_t l = 0; l < k; l += 32) {
                __m512i x = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(row + l)));
                s0 = _mm512_add_epi32(s0, _mm512_madd_epi16(x, _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(b0 + l)))));
                s1 = _mm512_add_epi32(s1, _mm512_madd_epi16(x, _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(b0 + k + l)))));
                s2 = _mm512_add_epi32(s2, _mm512_madd_epi16(x, _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(b0 + 2 * k + l)))));
                s3 = _mm512_add_epi32(s3, _mm512_madd_epi16(x, _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(b0 + 3 * k + l)))));
            }
            c[i * n + j] = _mm512_reduce_add_epi32(s0);
            c[i * n + j + 1] = _mm512_reduce_add_epi32(s1);
            c[i * n + j + 2] = _mm512_reduce_add_epi32(s2);
            c[i * n + j + 3] = _mm512_reduce_add_epi32(s3);
        }
        for (; j < n; j++) {
            __m512i s = _mm512_setzero_si512();
            for (size_t l = 0; l < k; l += 32) {
                __m512i x = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(row + l)));
                s = _mm512_add_epi32(s, _mm512_madd_epi16(x, _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(b + j * k + l)))));
            }
            c[i * n + j] = _mm512_reduce_add_epi32(s);
        }
    }
}

// MARK: - AVX-512 VNNI: vpdpbusd multiplies unsigned by signed bytes, so the
// activations are shifted by 128 (x ^ 0x80 = x + 128 as a byte) and 128 · Σw
// is taken off at the end.

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void nk_int8_gemm_vnni(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *b, const int32_t *sums,
                              int32_t *c) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    for (size_t i = 0; i < m; i++) {
        const int8_t *row = a + i * k;
        size_t j = 0;
        for (; j + 4 <= n; j += 4) {
            __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
            const int8_t *b0 = b + j * k;
            for (size_t l = 0; l < k; l += 64) {
                __m512i x = _mm512_xor_si512(_mm512_loadu_si512(row + l), flip);
                s0 = _mm512_dpbusd_epi32(s0, x, _mm512_loadu_si512(b0 + l));
                s1 = _mm512_dpbusd_epi32(s1, x, _mm512_loadu_si512(b0 + k + l));
                s2 = _mm512_dpbusd_epi32(s2, x, _mm512_loadu_si512(b0 + 2 * k + l));
                s3 = _mm512_dpbusd_epi32(s3, x, _mm512_loadu_si512(b0 + 3 * k + l));
            }
            // Unsigned arithmetic: the shifted sum may wrap; the difference is exact.
            c[i * n + j] = (int32_t)((uint32_t)_mm512_reduce_add_epi32(s0) - 128u * (uint32_t)sums[j]);
            c[i * n + j + 1] = (int32_t)((uint32_t)_mm512_reduce_add_epi32(s1) - 128u * (uint32_t)sums[j + 1]);
            c[i * n + j + 2] = (int32_t)((uint32_t)_mm512_reduce_add_epi32(s2) - 128u * (uint32_t)sums[j + 2]);
            c[i * n + j + 3] = (int32_t)((uint32_t)_mm512_reduce_add_epi32(s3) - 128u * (uint32_t)sums[j + 3]);
        }
        for (; j < n; j++) {
            __m512i s = _mm512_setzero_si512();
            for (size_t l = 0; l < k; l += 64) {
                __m512i x = _mm512_xor_si512(_mm512_loadu_si512(row + l), flip);
                s = _mm512_dpbusd_epi32(s, x, _mm512_loadu_si512(b + j * k + l));
            }
            c[i * n + j] = (int32_t)((uint32_t)_mm512_reduce_add_epi32(s) - 128u * (uint32_t)sums[j]);
        }
    }
}

// MARK: - AVX-512 VNNI on packed weights: each activation quadruple broadcast to
// all lanes, 16 outputs accumulated per vector, so no horizontal sums at all.

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void nk_int8_gemm_vnni_packed_impl(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *packed,
                                          const int32_t *sums, int32_t *c) {
    const size_t groups = k / 4, blocks = (n + 15) / 16;
    for (size_t i = 0; i < m; i++) {
        const int8_t *row = a + i * k;
        for (size_t block = 0; block < blocks; block++) {
            const int8_t *weights = packed + block * groups * 64;
            __m512i s0 = _mm512_setzero_si512(), s1 = s0;
            size_t g = 0;
            // Two accumulators so consecutive vpdpbusd do not wait on each other.
            for (; g + 2 <= groups; g += 2) {
                int32_t q0, q1;
                memcpy(&q0, row + 4 * g, 4);
                memcpy(&q1, row + 4 * g + 4, 4);
                s0 = _mm512_dpbusd_epi32(s0, _mm512_set1_epi32(q0 ^ (int32_t)0x80808080u), _mm512_loadu_si512(weights + g * 64));
                s1 = _mm512_dpbusd_epi32(s1, _mm512_set1_epi32(q1 ^ (int32_t)0x80808080u), _mm512_loadu_si512(weights + g * 64 + 64));
            }
            for (; g < groups; g++) {
                int32_t q;
                memcpy(&q, row + 4 * g, 4);
                s0 = _mm512_dpbusd_epi32(s0, _mm512_set1_epi32(q ^ (int32_t)0x80808080u), _mm512_loadu_si512(weights + g * 64));
            }
            size_t width = n - block * 16 < 16 ? n - block * 16 : 16;
            __mmask16 mask = (__mmask16)((1u << width) - 1u);
            __m512i correction = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(mask, sums + block * 16), 7);
            __m512i result = _mm512_sub_epi32(_mm512_add_epi32(s0, s1), correction);
            _mm512_mask_storeu_epi32(c + i * n + block * 16, mask, result);
        }
    }
}

#endif

void nk_int8_pack_vnni(size_t n, size_t k, const int8_t *b, int8_t *packed) {
    const size_t groups = k / 4, blocks = (n + 15) / 16;
    for (size_t block = 0; block < blocks; block++) {
        for (size_t g = 0; g < groups; g++) {
            for (size_t lane = 0; lane < 16; lane++) {
                size_t j = block * 16 + lane;
                for (size_t t = 0; t < 4; t++) {
                    packed[((block * groups + g) * 16 + lane) * 4 + t] = j < n ? b[j * k + 4 * g + t] : 0;
                }
            }
        }
    }
}

void nk_int8_gemm_vnni_packed(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *packed,
                              const int32_t *bRowSums, int32_t *c) {
#ifdef NK_X86
    nk_int8_gemm_vnni_packed_impl(m, n, k, a, packed, bRowSums, c);
#else
    (void)m; (void)n; (void)k; (void)a; (void)packed; (void)bRowSums; (void)c;
#endif
}

// MARK: - Dispatch

int nk_int8_supported(nk_int8_variant variant) {
    switch (variant) {
    case NK_INT8_PORTABLE: return 1;
#ifdef NK_X86
    case NK_INT8_AVX2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2");
    case NK_INT8_AVX512BW:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    case NK_INT8_AVX512VNNI:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vnni");
#endif
    default: return 0;
    }
}

nk_int8_variant nk_int8_best_variant(void) {
    // Computed once; a benign race at worst computes it twice with the same result.
    static int cached = -1;
    int best = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (best < 0) {
        best = NK_INT8_PORTABLE;
        for (int v = NK_INT8_AVX512VNNI; v > NK_INT8_PORTABLE; v--) {
            if (nk_int8_supported((nk_int8_variant)v)) { best = v; break; }
        }
        __atomic_store_n(&cached, best, __ATOMIC_RELAXED);
    }
    return (nk_int8_variant)best;
}

void nk_int8_gemm_variant(nk_int8_variant variant, size_t m, size_t n, size_t k, const int8_t *a, const int8_t *b,
                          const int32_t *bRowSums, int32_t *c) {
    switch (variant) {
#ifdef NK_X86
    case NK_INT8_AVX512VNNI: nk_int8_gemm_vnni(m, n, k, a, b, bRowSums, c); return;
    case NK_INT8_AVX512BW: nk_int8_gemm_avx512bw(m, n, k, a, b, c); return;
    case NK_INT8_AVX2: nk_int8_gemm_avx2(m, n, k, a, b, c); return;
#endif
    default: nk_int8_gemm_portable(m, n, k, a, b, c); return;
    }
}

void nk_int8_gemm(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *b, const int32_t *bRowSums, int32_t *c) {
    nk_int8_gemm_variant(nk_int8_best_variant(), m, n, k, a, b, bRowSums, c);
}

void nk_int8_row_sums(size_t n, size_t k, const int8_t *b, int32_t *rowSums) {
    for (size_t j = 0; j < n; j++) {
        int32_t sum = 0;
        for (size_t l = 0; l < k; l++) sum += b[j * k + l];
        rowSums[j] = sum;
    }
}

// MARK: - Quantising activations

#pragma clang fp contract(off)

float nk_quantize_int8(const float *x, size_t count, int8_t *q) {
    // The largest magnitude via the bit patterns: for non-negative floats their
    // order as integers is their order as numbers, and integer max vectorises.
    uint32_t largest = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        bits &= 0x7FFFFFFFu;
        largest = bits > largest ? bits : largest;
    }
    float maximum;
    memcpy(&maximum, &largest, sizeof maximum);
    if (maximum == 0) {
        memset(q, 0, count);
        return 0;
    }
    float scale = maximum / 127.0f;
    for (size_t i = 0; i < count; i++) {
        float v = x[i] / scale;
        // Round to nearest, ties to even: exact for |v| < 2^22, branch-free, vectorises.
        float r = (v + 12582912.0f) - 12582912.0f;
        r = r > 127.0f ? 127.0f : r;
        r = r < -127.0f ? -127.0f : r;
        q[i] = (int8_t)r;
    }
    return scale;
}
