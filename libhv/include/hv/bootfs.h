/* The boot image's file archive ("bootfs"): the root task, servers, VMM and guest payloads,
 * page-aligned so that their frames can be mapped where they lie. Format: docs/boot-image.md. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define BOOTFS_MAGIC "DUETBFS1"
#define BOOTFS_VERSION 1u
#define BOOTFS_NAME_MAX 48u
#define BOOTFS_ALIGN 4096u
#define BOOTFS_HEADER_SIZE 24u
#define BOOTFS_ENTRY_SIZE 64u

struct bootfs {
    const uint8_t *base;
    uint64_t size;
    uint32_t count;
};

struct bootfs_file {
    const char *name;      /* NUL-terminated, inside the archive */
    const uint8_t *data;
    uint64_t size;
};

/* Checks the whole archive at base[0..size): header, every entry's name, alignment and
 * bounds, and that no two files overlap. HV_EFORMAT otherwise. */
int bootfs_open(struct bootfs *fs, const void *base, uint64_t size);

/* The index-th file (HV_ERANGE past the end) or the file called `name` (HV_ENOENT). */
int bootfs_file_at(const struct bootfs *fs, uint32_t index, struct bootfs_file *out);
int bootfs_find(const struct bootfs *fs, const char *name, struct bootfs_file *out);
