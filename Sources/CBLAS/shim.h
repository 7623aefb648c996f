// OpenBLAS's CBLAS interface and its extensions (openblas_get_corename,
// openblas_set_num_threads), from Debian's libopenblas-dev.
#include <cblas.h>
