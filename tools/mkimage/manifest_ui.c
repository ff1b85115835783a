/* The manifest's trusted-path properties of a partition (keyboard, screen, colour:
 * docs/manifest.md) read into its struct hv_pt_ui, with their checks. */
#include <string.h>

#include "diag.h"
#include "mkimage.h"

int manifest_ui_prop(struct mk_partition *p, const char *prop, const uint8_t *v, uint32_t len)
{
    uint32_t flag = !strcmp(prop, "keyboard") ? HV_PT_UI_KEYBOARD
                    : !strcmp(prop, "screen") ? HV_PT_UI_SCREEN
                                              : 0;
    if (flag) {
        if (len != 0)
            return mk_error("partition '%s': '%s' takes no value (write '%s;')", p->name, prop,
                            prop);
        p->ui.flags |= flag;
        return 0;
    }
    if (strcmp(prop, "colour"))
        return 1;
    if (len != 4)
        return mk_error("partition '%s': colour must be one cell, <0xRRGGBB>", p->name);
    uint32_t c = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
    if (c > 0xffffff)
        return mk_error("partition '%s': colour 0x%x is not 0xRRGGBB", p->name, c);
    p->ui.colour = c;
    p->has_colour = true;
    return 0;
}

int manifest_ui_check(const struct mk_partition *p)
{
    /* The strip names the focused partition in its colour: a partition the user can focus
     * must say which, and a colour that nothing shows is a mistake worth hearing of. */
    if (p->ui.flags && !p->has_colour)
        return mk_error("partition '%s': a partition with a keyboard or a screen needs "
                        "colour = <0xRRGGBB> (the strip that names it is drawn in it)",
                        p->name);
    if (!p->ui.flags && p->has_colour)
        return mk_error("partition '%s': colour without 'keyboard' or 'screen'", p->name);
    return 0;
}
