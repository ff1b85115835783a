/* The keyboard server's client partitions, granted by the root task (keyboard_clients.c): for the
 * keyboard server's start (keyboard_start.c) to call once the program is loaded and its endpoint
 * granted, before it starts. */
#pragma once

#include "partition.h"
#include <hv/proto/input.h>

/* Makes every partition of parts whose record has HV_PT_UI_KEYBOARD (and whose RAM is made:
 * mem_ready) a client of the keyboard server p, in table order, HV_INPUT_MAX_CLIENTS at most
 * (a partition past them is said on the console and gets no keyboard): device_grant_client
 * with HV_VMM_EVENT_KBD (its RAM, a shared page, its VMM's event notification), its record in
 * clients[c] and out->client[i] = c (the caller set every out->client to -1 first, as
 * radio_start.c does). *n: the clients made. HV_OK or the first grant's error.
 *
 * The VMMs get their caps from partition.c's give_device with
 *   {HV_VMM_SLOT_KEYBOARD, HV_VMM_SLOT_KEYBOARD_BELL, HV_VMM_KBD_SHARED_VA, HV_VMM_DEV_KBD}
 * once out->ready (the server answered). */
int root_keyboard_grant_clients(const struct root_program *p, const struct partition *parts,
                                unsigned nparts, const struct root_console *con,
                                struct hv_input_client clients[HV_INPUT_MAX_CLIENTS],
                                unsigned *n, struct root_device_clients *out);
