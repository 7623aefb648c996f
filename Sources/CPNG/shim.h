// libpng 1.6 from Debian's libpng-dev; the Viewer uses its simplified
// png_image API to write and read 8-bit RGB images.
#include <png.h>
