import CBLAS

/// The one place `Neural` calls BLAS (OpenBLAS through its CBLAS interface).
///
/// Conventions, stated once for the whole module:
/// - Every matrix is **row-major** and contiguous in its rows: an `m × n` matrix
///   `A` keeps element `(i, j)` at `a[i * lda + j]`, with leading dimension
///   `lda ≥ n` (usually exactly `n`).
/// - `transposeA` means the stored matrix is used as its transpose: with
///   `transposeA == true` the storage holds `op(A)ᵀ`, a `k × m` matrix, whose
///   leading dimension defaults to `m`. Likewise for `B`.
/// - Shapes are always given for the *operands as used*: `op(A)` is `m × k`,
///   `op(B)` is `k × n`, `C` is `m × n`.
///
/// The number of threads follows `OPENBLAS_NUM_THREADS`.
public enum BLAS {
    /// `C ← alpha · op(A) · op(B) + beta · C` (single precision, row-major).
    ///
    /// With `beta == 0`, `C` is overwritten (its old contents, even NaN, are ignored).
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            scale(count: m * n, by: beta, c)
            return
        }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha,
            a, Int32(lda ?? (transposeA ? m : k)),
            b, Int32(ldb ?? (transposeB ? k : n)),
            beta,
            c, Int32(ldc ?? n))
    }

    /// `y ← alpha · op(A) · x + beta · y`, where `A` is stored as a row-major
    /// `rows × columns` matrix and `op(A)` is `A` or `Aᵀ`.
    public static func gemv(
        transpose: Bool = false, rows: Int, columns: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
        x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        if rows == 0 || columns == 0 { return }
        cblas_sgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
            Int32(rows), Int32(columns), alpha, a, Int32(lda ?? columns),
            x, 1, beta, y, 1)
    }

    /// `y ← alpha · x + y` over `count` contiguous scalars.
    public static func axpy(count: Int, alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        if count == 0 { return }
        cblas_saxpy(Int32(count), alpha, x, 1, y, 1)
    }

    /// `x ← alpha · x` over `count` contiguous scalars (`alpha == 0` writes zeros).
    public static func scale(count: Int, by alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        if count == 0 { return }
        if alpha == 0 {
            x.update(repeating: 0, count: count)
        } else {
            cblas_sscal(Int32(count), alpha, x, 1)
        }
    }
}
