/* The console font the strip is drawn with, embedded at build time from Debian's
 * console-setup-linux (cmake/DuetFont.cmake): Lat15-Terminus32x16, a PSF2 font of 16x32 glyphs. */
#pragma once

extern const unsigned char strip_font_psf[];
extern const unsigned int strip_font_psf_size;
