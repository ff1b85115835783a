/* Validating ELF64 executables before loading them: the kernel (root task) and the root task
 * (every other program of the boot image) use the same checks. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8

/* ELF e_machine values (System V ABI). */
#define ELF_MACHINE_X86_64 62
#define ELF_MACHINE_AARCH64 183

enum elf_seg_flags {
    ELF_SEG_R = 4,
    ELF_SEG_W = 2,
    ELF_SEG_X = 1,
};

struct elf_segment {
    uint64_t vaddr;   /* where the segment starts in the task's address space */
    uint64_t memsz;   /* bytes in memory; those past filesz are zero */
    uint64_t offset;  /* where its bytes start in the file */
    uint64_t filesz;
    unsigned flags;   /* enum elf_seg_flags */
};

struct elf_image {
    uint64_t entry;
    unsigned nsegments;
    struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/* Checks the ELF at image[0..size) and describes its loadable segments. The file must be a
 * little-endian ELF64 executable for `machine`, every segment must lie inside the file and
 * below `vaddr_limit`, segments must not overlap or be writable and executable at once, and
 * the entry point must be in an executable segment. HV_EFORMAT (or HV_ERANGE for addresses
 * beyond the limit, HV_ETRUNC for too many segments) otherwise; *out is then undefined. */
int elf_parse(const void *image, size_t size, uint16_t machine, uint64_t vaddr_limit,
              struct elf_image *out);
