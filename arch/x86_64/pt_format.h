/* Descriptor formats of x86_64 page tables (4-level paging, 4 KiB pages, 48-bit VAs): the host's
 * own paging and AMD nested paging for guests. */
#pragma once

#include <kernel/pagetable.h>

/* The host's own paging (CR3): the kernel's tables and, later, tasks'. */
extern const struct pt_format x86_64_paging_format;

/* Nested page tables (SVM nCR3): guest-physical to host-physical, for guest vspaces. */
extern const struct pt_format x86_64_npt_format;
