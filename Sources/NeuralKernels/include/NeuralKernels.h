// Elementwise loops of the neural backend that decide its speed: optimiser steps,
// ReLU and the LSTM cell. Each is compiled once per vector width (AVX-512,
// AVX2, baseline x86-64) and picked at load time from the CPU, so one binary
// runs on any x86-64 and still uses the widest vectors the machine has.
//
// Every variant gives bit-identical results: only exact IEEE operations
// (+ − × ÷ √, comparisons, bit casts), no fused multiply-add, the same order
// per element. Swift's own loops compile for baseline SSE2 only, which is why
// these live in C.
#ifndef NEURAL_KERNELS_H
#define NEURAL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// PyTorch's RMSprop step over `count` parameters. `average` (centred) and
/// `buffer` (momentum > 0) may be NULL.
void nk_rmsprop_step(float *theta, const float *gradient, float *square, float *average, float *buffer,
                     size_t count, float learningRate, float alpha, float epsilon, float momentum,
                     float weightDecay);

/// PyTorch's Adam step (not AMSGrad), bias corrections folded into `stepSize`
/// (lr / (1 − β₁ᵗ)) and `inverseCorrection2Root` (1 / √(1 − β₂ᵗ)).
void nk_adam_step(float *theta, const float *gradient, float *firstMoment, float *secondMoment, size_t count,
                  float stepSize, float inverseCorrection2Root, float beta1, float beta2, float epsilon,
                  float weightDecay);

/// y = max(x, 0).
void nk_relu_forward(const float *x, float *y, size_t count);

/// dx = y > 0 ? dy : 0, from the forward output y.
void nk_relu_backward(const float *y, const float *dy, float *dx, size_t count);

/// One row of an LSTM step. `gates` holds the pre-activations [i f g o] of
/// `hiddenSize` each and is overwritten with their activations; writes the new
/// cell, its tanh and the hidden state. The first hiddenSize rounded down to a
/// multiple of 8 use the polynomial exponential, the rest libm's expf (the split
/// the layer has always used, so trained results stay the same).
void nk_lstm_cell_forward(float *gates, const float *cellBefore, float *cell, float *cellTanh, float *hidden,
                          size_t hiddenSize);

/// The geometry of one convolution call: input [batch, inputChannels, height, width],
/// output [batch, outputChannels, outHeight, outWidth].
typedef struct {
    int32_t batch, inputChannels, height, width;
    int32_t outputChannels, kernelSize, stride, padding, outHeight, outWidth;
} nk_conv_shape;

/// Where one nonzero input scalar of a convolution sits: its channel's first
/// tap (channel · k²), its sample's first output position (sample · positions),
/// its row and column.
typedef struct {
    uint32_t firstTap, firstPosition;
    uint16_t row, column;
} nk_conv_entry;

/// Collects the nonzero scalars of the convolution input x (NCHW) in order and
/// returns how many there are. entries and values must hold one more than the
/// input's scalar count; rows and columns must fit 16 bits, taps and positions 32.
size_t nk_conv_nonzeros(const nk_conv_shape *shape, const float *x, nk_conv_entry *entries, float *values);

/// A convolution over the nonzero input scalars collected by nk_conv_nonzeros:
/// each adds its value times every filter tap it meets into output [batch,
/// positions, outputChannels] (zeroed first). No bias. The weight is tap-major
/// with each kernel row reversed: row (c·k + ki)·k + (k − 1 − kj) holds the
/// outputChannels weights of tap (c, ki, kj), so that the taps one input scalar
/// meets in a kernel row are consecutive rows.
void nk_sparse_conv_forward(const nk_conv_shape *shape, const nk_conv_entry *entries, const float *values,
                            size_t count, const float *reversedTapMajorWeight, float *positionMajorOutput);

/// The weight gradient of the same convolution, in the same reversed tap-major
/// layout (zeroed first), from the output gradient as [batch, positions,
/// outputChannels].
void nk_sparse_conv_weight_gradient(const nk_conv_shape *shape, const nk_conv_entry *entries, const float *values,
                                    size_t count, const float *positionMajorOutputGradient,
                                    float *reversedTapMajorWeightGradient);

/// For each of `batch` matrices of rows × columns in source, writes its
/// transpose (columns × rows) to destination, adding offsets[j] (when not NULL)
/// to every element of column j.
void nk_transpose_add(const float *source, const float *offsets, float *destination, size_t batch, size_t rows,
                      size_t columns);

/// Row-major C += A·B with A m × k, B k × n, C m × n (leading dimensions lda,
/// ldb, ldc), for the few-row products BLAS handles poorly (an LSTM's recurrent
/// step at small batch). Fuses multiply-adds where the CPU has them, so its
/// results may differ in the last bits between CPUs, as BLAS kernels' do.
void nk_gemm_accumulate(size_t m, size_t n, size_t k, const float *a, size_t lda, const float *b, size_t ldb, float *c,
                        size_t ldc);

/// destination[i] = bit i of bytes (least significant bit first), as 0 or 1.
void nk_unpack_bits(const uint8_t *bytes, size_t count, float *destination);

// MARK: int8 inference (Int8Kernels.c)
//
// Integer results are exact on every path: products of int8 values summed in
// int32 (no saturation anywhere, for k up to 2^16), so every variant returns
// the same bits as the portable loop.

/// Which implementation of nk_int8_gemm runs: picked once from the CPU.
typedef enum {
    NK_INT8_PORTABLE = 0,   ///< plain C, any CPU
    NK_INT8_AVX2 = 1,       ///< sign-extend to int16, vpmaddwd (8 int32 lanes)
    NK_INT8_AVX512BW = 2,   ///< the same on 16 int32 lanes
    NK_INT8_AVX512VNNI = 3, ///< vpdpbusd on (x + 128) · w, minus 128 · Σw
} nk_int8_variant;

/// Whether this CPU can run `variant` (the portable one always).
int nk_int8_supported(nk_int8_variant variant);

/// The variant nk_int8_gemm uses on this CPU: the fastest supported one.
nk_int8_variant nk_int8_best_variant(void);

/// c[i·n + j] = Σ_l a[i·k + l] · b[j·k + l] in int32, for i < m, j < n: each
/// row of a (activations) against each row of b (weights, output-major).
/// `k` must be a multiple of 64 (pad both with zeros); `bRowSums[j]` must hold
/// Σ_l b[j·k + l] (nk_int8_row_sums), which the VNNI path needs to undo its
/// unsigned shift.
void nk_int8_gemm(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *b, const int32_t *bRowSums,
                  int32_t *c);

/// nk_int8_gemm on a given variant (tests compare every supported one with
/// the portable loop). The variant must be supported.
void nk_int8_gemm_variant(nk_int8_variant variant, size_t m, size_t n, size_t k, const int8_t *a, const int8_t *b,
                          const int32_t *bRowSums, int32_t *c);

/// Reorders b (n × k int8, k a multiple of 4) into the layout of
/// nk_int8_gemm_vnni_packed: blocks of 16 outputs (the last padded with zero
/// rows), and in each block, for each group of 4 inputs, the 16 outputs' 4 bytes
/// side by side (64 bytes: one vector). `packed` must hold ceil(n / 16) · 16 · k bytes.
void nk_int8_pack_vnni(size_t n, size_t k, const int8_t *b, int8_t *packed);

/// nk_int8_gemm on b packed by nk_int8_pack_vnni, computing 16 outputs per
/// vector with no horizontal sums (what makes small and batch-1 products fast).
/// Needs AVX-512 VNNI (nk_int8_supported(NK_INT8_AVX512VNNI)); exact like the others.
void nk_int8_gemm_vnni_packed(size_t m, size_t n, size_t k, const int8_t *a, const int8_t *packed,
                              const int32_t *bRowSums, int32_t *c);

/// rowSums[j] = Σ_l b[j·k + l] for j < n.
void nk_int8_row_sums(size_t n, size_t k, const int8_t *b, int32_t *rowSums);

/// Symmetric int8 quantisation of `count` floats with one scale: returns
/// s = max|x| / 127 (0 when every x is 0) and writes q[i] = round(x[i] / s)
/// (ties to even, clamped to ±127; all 0 when s is 0), so x ≈ s · q within s/2.
float nk_quantize_int8(const float *x, size_t count, int8_t *q);

#ifdef __cplusplus
}
#endif

#endif
