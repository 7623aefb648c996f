// SDL2 from Debian's libsdl2-dev. Included directly rather than through
// pkg-config: `pkg-config sdl2` adds -D_REENTRANT, which SwiftPM warns about on
// every build, and the headers sit in the default include path anyway.
#include <SDL2/SDL.h>
