/* What the kernel learns from its loader: RAM ranges and the command line. */
#pragma once

#include <kernel/types.h>

#define BOOT_MAX_RAM_REGIONS 16
#define BOOT_CMDLINE_MAX 256

struct mem_region {
    paddr_t base;
    uint64_t size;
};

struct boot_info {
    struct mem_region ram[BOOT_MAX_RAM_REGIONS];
    unsigned nram;
    char cmdline[BOOT_CMDLINE_MAX];
};

/* Sum of all RAM regions, in bytes. */
uint64_t boot_info_ram_total(const struct boot_info *bi);
/* Adds a RAM region; returns false (and keeps bi unchanged) when the table is full. */
bool boot_info_add_ram(struct boot_info *bi, paddr_t base, uint64_t size);
