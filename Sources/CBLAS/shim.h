// OpenBLAS's CBLAS interface and its extensions (openblas_get_corename,
// openblas_set_num_threads), from Debian's libopenblas-dev.
#include <cblas.h>

// A square root that never sets errno, so it lowers to a single sqrtss (or sqrtps
// in vectorised loops). Swift's Float.squareRoot() goes through C's sqrtf, whose
// errno path blocks vectorisation of the loops that use it.
static inline float neural_sqrtf(float x) { return __builtin_elementwise_sqrt(x); }
