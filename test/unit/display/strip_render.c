/* display_strip_render: the strip the display server draws for a partition, rendered on the
 * host by the same code (servers/display/strip.c, psf.c and the embedded font), as a binary PPM
 * the in-QEMU display test compares a screenshot's top rows with (test/qemu/display_screen.py).
 *
 *   display_strip_render <name> <0xRRGGBB> <out.ppm> */
#include "psf.h"
#include "strip.h"
#include "strip_font.h"
#include <hv/proto/display.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: display_strip_render <name> <0xRRGGBB> <out.ppm>\n");
        return 2;
    }
    static uint8_t pixels[HV_DISPLAY_STRIP_ROWS * HV_DISPLAY_STRIDE];
    static struct psf_font font;
    enum psf_error pe = psf_open(&font, strip_font_psf, strip_font_psf_size);
    if (pe != PSF_OK) {
        fprintf(stderr, "display_strip_render: %s\n", psf_strerror(pe));
        return 1;
    }
    struct framebuffer fb = {.base = pixels,
                             .size = sizeof(pixels),
                             .width = HV_DISPLAY_WIDTH,
                             .height = HV_DISPLAY_STRIP_ROWS,
                             .stride = HV_DISPLAY_STRIDE,
                             .format = FB_XRGB8888};
    uint32_t rgb = (uint32_t)strtoul(argv[2], NULL, 16);
    if (strip_draw(&fb, HV_DISPLAY_STRIP_ROWS, &font, argv[1], (unsigned)strlen(argv[1]), rgb) !=
        STRIP_OK) {
        fprintf(stderr, "display_strip_render: strip_draw refused\n");
        return 1;
    }
    FILE *f = fopen(argv[3], "wb");
    if (!f) {
        perror(argv[3]);
        return 1;
    }
    fprintf(f, "P6\n%u %u\n255\n", HV_DISPLAY_WIDTH, HV_DISPLAY_STRIP_ROWS);
    for (unsigned y = 0; y < HV_DISPLAY_STRIP_ROWS; y++)
        for (unsigned x = 0; x < HV_DISPLAY_WIDTH; x++) {
            const uint8_t *p = pixels + y * HV_DISPLAY_STRIDE + x * 4; /* B, G, R, X */
            uint8_t rgb3[3] = {p[2], p[1], p[0]};
            fwrite(rgb3, 1, 3, f);
        }
    return fclose(f) ? 1 : 0;
}
