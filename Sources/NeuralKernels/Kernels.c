#include "NeuralKernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

// Results must not depend on which clone runs: no contraction into FMA.
#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__clang__)
#define NK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NK_CLONES
#endif

// A square root with no errno path, so loops that use it vectorise.
static inline float nk_sqrt(float x) { return __builtin_elementwise_sqrt(x); }

NK_CLONES
void nk_rmsprop_step(float *restrict theta, const float *restrict gradient, float *restrict square,
                     float *restrict average, float *restrict buffer, size_t count, float lr, float a, float eps,
                     float mu, float decay) {
    // One branch-free loop per variant.
    if (average && !buffer) {
        for (size_t i = 0; i < count; i++) {
            float g = gradient[i] + decay * theta[i];
            float s = a * square[i] + (1 - a) * g * g;
            float m = a * average[i] + (1 - a) * g;
            square[i] = s;
            average[i] = m;
            theta[i] -= lr * g / (nk_sqrt(s - m * m) + eps);
        }
    } else if (!average && !buffer) {
        for (size_t i = 0; i < count; i++) {
            float g = gradient[i] + decay * theta[i];
            float s = a * square[i] + (1 - a) * g * g;
            square[i] = s;
            theta[i] -= lr * g / (nk_sqrt(s) + eps);
        }
    } else if (average) {
        for (size_t i = 0; i < count; i++) {
            float g = gradient[i] + decay * theta[i];
            float s = a * square[i] + (1 - a) * g * g;
            float m = a * average[i] + (1 - a) * g;
            square[i] = s;
            average[i] = m;
            float b = mu * buffer[i] + g / (nk_sqrt(s - m * m) + eps);
            buffer[i] = b;
            theta[i] -= lr * b;
        }
    } else {
        for (size_t i = 0; i < count; i++) {
            float g = gradient[i] + decay * theta[i];
            float s = a * square[i] + (1 - a) * g * g;
            square[i] = s;
            float b = mu * buffer[i] + g / (nk_sqrt(s) + eps);
            buffer[i] = b;
            theta[i] -= lr * b;
        }
    }
}

NK_CLONES
void nk_adam_step(float *restrict theta, const float *restrict gradient, float *restrict m, float *restrict v,
                  size_t count, float stepSize, float inverseCorrection2Root, float b1, float b2, float eps,
                  float decay) {
    for (size_t i = 0; i < count; i++) {
        float g = gradient[i] + decay * theta[i];
        float mi = b1 * m[i] + (1 - b1) * g;
        float vi = b2 * v[i] + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        theta[i] -= stepSize * mi / (nk_sqrt(vi) * inverseCorrection2Root + eps);
    }
}

NK_CLONES
void nk_relu_forward(const float *restrict x, float *restrict y, size_t count) {
    // Swift's max(x, 0): NaN passes through, −0 becomes +0.
    for (size_t i = 0; i < count; i++) y[i] = 0 >= x[i] ? 0 : x[i];
}

NK_CLONES
void nk_relu_backward(const float *restrict y, const float *restrict dy, float *restrict dx, size_t count) {
    for (size_t i = 0; i < count; i++) {
        float g = dy[i];
        dx[i] = y[i] > 0 ? g : 0;
    }
}

static inline float nk_bits_to_float(uint32_t bits) {
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static inline uint32_t nk_float_to_bits(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

// e^x: range reduction x = n·ln 2 + r, Cephes's degree-6 polynomial for e^r,
// 2^n built in the exponent bits; x clamped to [-87, 88]. The same operations,
// in the same order, as Neural's eight-lane `exponential` in VectorMath.swift.
static inline float nk_exp(float x) {
    float clamped = x < -87.0f ? -87.0f : x;
    clamped = clamped > 88.0f ? 88.0f : clamped;
    float shifted = clamped * 1.44269504f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = clamped - n * 0.693359375f + n * 2.1219444e-4f;
    float p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.16657959e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.0000001e-1f;
    float expR = p * r * r + r + 1;
    float scale = nk_bits_to_float((nk_float_to_bits(shifted) - 0x4B400000u + 127u) << 23);
    return expR * scale;
}

static inline float nk_sigmoid(float x) { return 1 / (1 + nk_exp(-x)); }

static inline float nk_tanh(float x) {
    float e = nk_exp(-2 * (x < 0 ? -x : x));
    float magnitude = (1 - e) / (1 + e);
    return x < 0 ? -magnitude : magnitude;
}

NK_CLONES
void nk_lstm_cell_forward(float *restrict z, const float *restrict cellBefore, float *restrict cell,
                          float *restrict cellTanh, float *restrict h, size_t n) {
    size_t vectorised = n - n % 8;
    for (size_t j = 0; j < vectorised; j++) {
        float i = nk_sigmoid(z[j]), f = nk_sigmoid(z[n + j]);
        float g = nk_tanh(z[2 * n + j]), o = nk_sigmoid(z[3 * n + j]);
        z[j] = i;
        z[n + j] = f;
        z[2 * n + j] = g;
        z[3 * n + j] = o;
        float newCell = f * cellBefore[j] + i * g;
        float squashed = nk_tanh(newCell);
        cell[j] = newCell;
        cellTanh[j] = squashed;
        h[j] = o * squashed;
    }
    for (size_t j = vectorised; j < n; j++) {
        float i = 1 / (1 + expf(-z[j])), f = 1 / (1 + expf(-z[n + j]));
        float g = 1 - 2 / (expf(2 * z[2 * n + j]) + 1), o = 1 / (1 + expf(-z[3 * n + j]));
        z[j] = i;
        z[n + j] = f;
        z[2 * n + j] = g;
        z[3 * n + j] = o;
        float newCell = f * cellBefore[j] + i * g;
        float squashed = 1 - 2 / (expf(2 * newCell) + 1);
        cell[j] = newCell;
        cellTanh[j] = squashed;
        h[j] = o * squashed;
    }
}

// destination += value · source over a short run (tens of floats): one vector at
// a time, not unrolled, so runs shorter than an unrolled body stay vectorised.
static inline void nk_multiply_add(float *restrict destination, float value, const float *restrict source,
                                   size_t count) {
#pragma clang loop vectorize_width(16) interleave_count(1)
    for (size_t i = 0; i < count; i++) destination[i] += value * source[i];
}

// The filter taps a nonzero input scalar meets, as runs. A run of one kernel row
// is `length` taps whose weights (stored with kj reversed, see the header) and
// whose output columns are both consecutive, so it is one contiguous
// multiply-add of length·C_out floats. With stride 1 a scalar meets one run per
// kernel row; with larger strides every tap is a run of its own.
typedef struct {
    int32_t *rowCount, *rowTap, *rowOutput;                  // per input row: (ki, oh) pairs
    int32_t *columnCount, *columnTap, *columnOutput, *columnLength;  // per input column: runs
} nk_tap_runs;

static void nk_build_tap_runs(const nk_conv_shape *shape, nk_tap_runs runs) {
    const int32_t k = shape->kernelSize, s = shape->stride, pad = shape->padding;
    for (int32_t ih = 0; ih < shape->height; ih++) {
        int32_t *count = &runs.rowCount[ih];
        *count = 0;
        for (int32_t ki = 0; ki < k; ki++) {
            const int32_t offset = ih + pad - ki;
            if (offset < 0 || offset % s != 0 || offset / s >= shape->outHeight) continue;
            runs.rowTap[ih * k + *count] = ki;
            runs.rowOutput[ih * k + *count] = offset / s;
            (*count)++;
        }
    }
    for (int32_t iw = 0; iw < shape->width; iw++) {
        int32_t *count = &runs.columnCount[iw];
        *count = 0;
        for (int32_t kj = k - 1; kj >= 0; kj--) {
            const int32_t offset = iw + pad - kj;
            if (offset < 0 || offset % s != 0 || offset / s >= shape->outWidth) continue;
            const int32_t slot = iw * k + *count;
            // With stride 1, the next tap continues the previous run.
            if (s == 1 && *count > 0) {
                runs.columnLength[slot - 1]++;
                continue;
            }
            runs.columnTap[slot] = k - 1 - kj;
            runs.columnOutput[slot] = offset / s;
            runs.columnLength[slot] = 1;
            (*count)++;
        }
    }
}

NK_CLONES
size_t nk_conv_nonzeros(const nk_conv_shape *shape, const float *restrict x, nk_conv_entry *restrict entries,
                        float *restrict values) {
    const uint32_t taps = (uint32_t)(shape->kernelSize * shape->kernelSize);
    const uint32_t positions = (uint32_t)(shape->outHeight * shape->outWidth);
    const int32_t width = shape->width;
    size_t found = 0;
    for (int32_t sample = 0; sample < shape->batch; sample++) {
        for (int32_t channel = 0; channel < shape->inputChannels; channel++) {
            for (int32_t row = 0; row < shape->height; row++, x += width) {
                // Most rows of a sparse image are empty: test the row before collecting.
                int nonzero = 0;
                for (int32_t column = 0; column < width; column++) nonzero |= x[column] != 0;
                if (!nonzero) continue;
                // Branch-free: every scalar is written, and only a nonzero one advances.
                for (int32_t column = 0; column < width; column++) {
                    entries[found] = (nk_conv_entry){(uint32_t)channel * taps, (uint32_t)sample * positions,
                                                     (uint16_t)row, (uint16_t)column};
                    values[found] = x[column];
                    found += x[column] != 0;
                }
            }
        }
    }
    return found;
}

// For every nonzero entry and every run of taps it meets (`weightRow`, the first
// tap's row of the kj-reversed weight; `position`, the first output position
// sample·P + oh·W_out + ow; `length` taps): the forward pass adds value × weight
// rows to output positions, the weight gradient value × output-gradient positions
// to weight rows. Inlined into each caller, where `weightGradient` is a constant.
static inline void nk_sparse_conv_runs(const nk_conv_shape *shape, const nk_conv_entry *restrict entries,
                                       const float *restrict values, size_t count, const float *restrict source,
                                       float *restrict destination, int weightGradient) {
    const int32_t k = shape->kernelSize, height = shape->height, width = shape->width;
    const size_t channels = (size_t)shape->outputChannels;
    int32_t rowCount[height], rowTap[height * k], rowOutput[height * k];
    int32_t columnCount[width], columnTap[width * k], columnOutput[width * k], columnLength[width * k];
    nk_build_tap_runs(shape, (nk_tap_runs){rowCount, rowTap, rowOutput, columnCount, columnTap, columnOutput,
                                           columnLength});
    for (size_t entry = 0; entry < count; entry++) {
        const float value = values[entry];
        const nk_conv_entry where = entries[entry];
        const int32_t ih = where.row, iw = where.column;
        for (int32_t r = 0; r < rowCount[ih]; r++) {
            const size_t kernelRow = where.firstTap + (size_t)(rowTap[ih * k + r] * k);
            const size_t outputRow = where.firstPosition + (size_t)(rowOutput[ih * k + r] * shape->outWidth);
            for (int32_t c = 0; c < columnCount[iw]; c++) {
                const size_t weightRow = kernelRow + (size_t)columnTap[iw * k + c];
                const size_t position = outputRow + (size_t)columnOutput[iw * k + c];
                const size_t length = (size_t)columnLength[iw * k + c] * channels;
                if (weightGradient) {
                    nk_multiply_add(destination + weightRow * channels, value, source + position * channels, length);
                } else {
                    nk_multiply_add(destination + position * channels, value, source + weightRow * channels, length);
                }
            }
        }
    }
}

NK_CLONES
void nk_sparse_conv_forward(const nk_conv_shape *shape, const nk_conv_entry *restrict entries,
                            const float *restrict values, size_t count, const float *restrict weight,
                            float *restrict output) {
    const size_t channels = (size_t)shape->outputChannels;
    memset(output, 0, sizeof(float) * channels * (size_t)shape->batch * (size_t)(shape->outHeight * shape->outWidth));
    nk_sparse_conv_runs(shape, entries, values, count, weight, output, 0);
}

NK_CLONES
void nk_sparse_conv_weight_gradient(const nk_conv_shape *shape, const nk_conv_entry *restrict entries,
                                    const float *restrict values, size_t count, const float *restrict outputGradient,
                                    float *restrict weightGradient) {
    const size_t channels = (size_t)shape->outputChannels;
    memset(weightGradient, 0,
           sizeof(float) * (size_t)shape->inputChannels * (size_t)(shape->kernelSize * shape->kernelSize) * channels);
    nk_sparse_conv_runs(shape, entries, values, count, outputGradient, weightGradient, 1);
}

typedef float nk_float8 __attribute__((ext_vector_type(8)));

// 8×8 tiles transposed in registers (through generic vector shuffles, which each
// clone lowers to its own instructions); anything else element by element.
NK_CLONES
void nk_transpose_add(const float *restrict source, const float *restrict offsets, float *restrict destination,
                      size_t batch, size_t rows, size_t columns) {
    const int tiled = rows % 8 == 0 && columns % 8 == 0;
    for (size_t b = 0; b < batch; b++) {
        const float *restrict from = source + b * rows * columns;
        float *restrict to = destination + b * rows * columns;
        if (!tiled) {
            for (size_t j = 0; j < columns; j++) {
                const float offset = offsets ? offsets[j] : 0;
                for (size_t i = 0; i < rows; i++) to[j * rows + i] = from[i * columns + j] + offset;
            }
            continue;
        }
        for (size_t i = 0; i < rows; i += 8) {
            for (size_t j = 0; j < columns; j += 8) {
                nk_float8 r[8], t[8], u[8], o[8];
                for (int line = 0; line < 8; line++) memcpy(&r[line], from + (i + line) * columns + j, sizeof r[line]);
                for (int pair = 0; pair < 4; pair++) {
                    t[2 * pair] = __builtin_shufflevector(r[2 * pair], r[2 * pair + 1], 0, 8, 1, 9, 4, 12, 5, 13);
                    t[2 * pair + 1] = __builtin_shufflevector(r[2 * pair], r[2 * pair + 1], 2, 10, 3, 11, 6, 14, 7, 15);
                }
                for (int half = 0; half < 2; half++) {
                    const int base = 4 * half;
                    u[base] = __builtin_shufflevector(t[base], t[base + 2], 0, 1, 8, 9, 4, 5, 12, 13);
                    u[base + 1] = __builtin_shufflevector(t[base], t[base + 2], 2, 3, 10, 11, 6, 7, 14, 15);
                    u[base + 2] = __builtin_shufflevector(t[base + 1], t[base + 3], 0, 1, 8, 9, 4, 5, 12, 13);
                    u[base + 3] = __builtin_shufflevector(t[base + 1], t[base + 3], 2, 3, 10, 11, 6, 7, 14, 15);
                }
                for (int line = 0; line < 4; line++) {
                    o[line] = __builtin_shufflevector(u[line], u[line + 4], 0, 1, 2, 3, 8, 9, 10, 11);
                    o[line + 4] = __builtin_shufflevector(u[line], u[line + 4], 4, 5, 6, 7, 12, 13, 14, 15);
                }
                for (int line = 0; line < 8; line++) {
                    const nk_float8 result = o[line] + (offsets ? offsets[j + line] : 0.0f);
                    memcpy(to + (j + line) * rows + i, &result, sizeof result);
                }
            }
        }
    }
}

NK_CLONES
void nk_unpack_bits(const uint8_t *restrict bytes, size_t count, float *restrict destination) {
    const size_t whole = count / 8;
    for (size_t byte = 0; byte < whole; byte++) {
        const uint32_t value = bytes[byte];
        for (uint32_t bit = 0; bit < 8; bit++) destination[byte * 8 + bit] = (float)((value >> bit) & 1u);
    }
    for (size_t index = whole * 8; index < count; index++) {
        destination[index] = (float)((bytes[index >> 3] >> (index & 7)) & 1u);
    }
}

typedef float nk_float16 __attribute__((ext_vector_type(16)));

// Row-major C += A·B for few rows: 4×32 tiles of C held in registers over the
// whole of K, so B streams from cache once per four rows and nothing is packed.
// The one kernel that may fuse multiply-adds (as the BLAS kernels it stands in
// for do): its results can differ between CPUs, never between runs on one.
NK_CLONES
void nk_gemm_accumulate(size_t m, size_t n, size_t k, const float *restrict a, size_t lda, const float *restrict b,
                        size_t ldb, float *restrict c, size_t ldc) {
#pragma clang fp contract(fast)
    const size_t tiledColumns = n - n % 32, tiledRows = m - m % 4;
    for (size_t j = 0; j < tiledColumns; j += 32) {
        for (size_t i = 0; i < tiledRows; i += 4) {
            nk_float16 sum[4][2];
            for (int r = 0; r < 4; r++) {
                memcpy(&sum[r][0], c + (i + r) * ldc + j, sizeof sum[r][0]);
                memcpy(&sum[r][1], c + (i + r) * ldc + j + 16, sizeof sum[r][1]);
            }
            for (size_t p = 0; p < k; p++) {
                nk_float16 low, high;
                memcpy(&low, b + p * ldb + j, sizeof low);
                memcpy(&high, b + p * ldb + j + 16, sizeof high);
                for (int r = 0; r < 4; r++) {
                    const float scale = a[(i + r) * lda + p];
                    sum[r][0] += scale * low;
                    sum[r][1] += scale * high;
                }
            }
            for (int r = 0; r < 4; r++) {
                memcpy(c + (i + r) * ldc + j, &sum[r][0], sizeof sum[r][0]);
                memcpy(c + (i + r) * ldc + j + 16, &sum[r][1], sizeof sum[r][1]);
            }
        }
        for (size_t i = tiledRows; i < m; i++) {
            nk_float16 low, high;
            memcpy(&low, c + i * ldc + j, sizeof low);
            memcpy(&high, c + i * ldc + j + 16, sizeof high);
            for (size_t p = 0; p < k; p++) {
                nk_float16 rowLow, rowHigh;
                memcpy(&rowLow, b + p * ldb + j, sizeof rowLow);
                memcpy(&rowHigh, b + p * ldb + j + 16, sizeof rowHigh);
                const float scale = a[i * lda + p];
                low += scale * rowLow;
                high += scale * rowHigh;
            }
            memcpy(c + i * ldc + j, &low, sizeof low);
            memcpy(c + i * ldc + j + 16, &high, sizeof high);
        }
    }
    for (size_t i = 0; i < m; i++) {
        for (size_t p = 0; p < k; p++) {
            const float scale = a[i * lda + p];
            for (size_t j = tiledColumns; j < n; j++) c[i * ldc + j] += scale * b[p * ldb + j];
        }
    }
}
