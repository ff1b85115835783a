/* The keyboard server's client partitions (keyboard_clients.h): every partition the manifest
 * gives the keyboard, as the radio server's ports are granted (radio_start.c). */
#include "keyboard_clients.h"
#include "device_grant.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/partition.h>
#include <hv/string.h>

int root_keyboard_grant_clients(const struct root_program *p, const struct partition *parts,
                                unsigned nparts, const struct root_console *con,
                                struct hv_input_client clients[HV_INPUT_MAX_CLIENTS],
                                unsigned *n, struct root_device_clients *out)
{
    *n = 0;
    for (unsigned i = 0; i < nparts; i++) {
        const struct partition *part = &parts[i];
        if (!part->mem_ready || !(part->rec->ui.flags & HV_PT_UI_KEYBOARD))
            continue;
        if (*n >= HV_INPUT_MAX_CLIENTS) {
            hv_printf("root: partition %s: no keyboard: the keyboard server has %u clients at "
                      "most\n",
                      part->rec->name, *n);
            continue;
        }
        unsigned c = *n;
        int r = device_grant_client(p, part, c, con->input_ntfn[i], HV_VMM_EVENT_KBD, out);
        if (r)
            return r;
        memset(&clients[c], 0, sizeof(clients[c]));
        clients[c].partition = part->index;
        clients[c].ram_gpa = part->rec->ram_gpa;
        clients[c].ram_size = part->rec->ram_size;
        out->client[i] = (int)c;
        (*n)++;
    }
    return HV_OK;
}
