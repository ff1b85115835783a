/* The root-task kit's part of the machine's one focus (docs/trusted-path.md): the objects the
 * keyboard server (the owner), the console and the display share, made once at boot. */
#include <hv/abi/error.h>
#include <hv/proto/focus.h>
#include <hv/root.h>
#include <hv/string.h>

int root_focus_create(uint32_t first, struct root_focus *out)
{
    static struct hv_focus_page page; /* a page: kept off the stack */
    memset(out, 0, sizeof(*out));
    memset(&page, 0, sizeof(page));
    page.version = HV_FOCUS_VERSION;
    page.word = hv_focus_word(first, 0);
    out->first = first;
    out->page = root_page_new(&page, sizeof(page));
    out->ep = root_new(HV_OBJ_ENDPOINT, 0);
    out->console_ntfn = root_new(HV_OBJ_NOTIFICATION, 0);
    out->display_ntfn = root_new(HV_OBJ_NOTIFICATION, 0);
    if (!out->page || !out->ep || !out->console_ntfn || !out->display_ntfn)
        return HV_ENOMEM;
    return HV_OK;
}
