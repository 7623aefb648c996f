// giflib 5 from Debian's libgif-dev: LZW encoding and decoding of GIF89a files.
#include <gif_lib.h>
