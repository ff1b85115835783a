/* The image builder's model: a system manifest read into plain structs, each partition's
 * kernel format, and the guest-physical layout derived from them (docs/manifest.md). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/proto/partition_table.h>

#define MK_PAGE 4096ull /* the unit of guest loads and of the boot archive */
#define MK_MAX_PATH 1024
#define MK_MAX_BOOTARGS 1024
#define MK_MAX_SEARCH 8
#define MK_MAX_FILES (2 * HV_PT_MAX_PARTITIONS * HV_PT_MAX_LOADS)

enum mk_arch { MK_AARCH64 = HV_PT_ARCH_AARCH64, MK_X86_64 = HV_PT_ARCH_X86_64 };

/* One partition as the manifest states it (before any file is opened). */
struct mk_partition {
    char name[HV_PT_NAME_MAX];
    char console_name[HV_PT_NAME_MAX];
    char kernel[HV_PT_FILE_MAX];         /* file names, looked up in the search path */
    char initramfs[HV_PT_FILE_MAX];      /* "" when the partition has none */
    char bootargs[MK_MAX_BOOTARGS];
    uint64_t memory, memory_base, host_address;
    uint32_t budget, period, priority;
    struct hv_pt_disk disk;              /* select NONE when the partition has no disk */
    struct hv_pt_net net;                /* kind NONE when the partition has no network */
    struct hv_pt_ui ui;                  /* flags 0 when it has neither keyboard nor screen */
    bool has_colour;
    char reach[HV_PT_NET_MAX_NETWORKS][HV_PT_NET_NAME_MAX]; /* net-reach, resolved at the end */
    unsigned nreach;
    bool has_net_mac, has_net_address, has_net_reach;
    /* Which properties were present, for the "missing property" check. */
    bool has_memory, has_memory_base, has_kernel, has_bootargs, has_budget, has_priority,
        has_compatible;
};

struct mk_system {
    enum mk_arch arch;
    unsigned count;
    struct mk_partition part[HV_PT_MAX_PARTITIONS];
    /* /networks, in manifest order (reach fields unused here: they are per partition). */
    unsigned nnetworks;
    struct hv_pt_netdef networks[HV_PT_NET_MAX_NETWORKS];
    bool seen_networks;
};

/* What a kernel file is and how it must be placed (filled by kernel_probe). */
struct mk_kernel {
    uint32_t boot;                       /* HV_PT_BOOT_* */
    uint64_t file_size;
    /* arm64 Image: load at a 2 MiB-aligned base + text_offset; needs image_size bytes. */
    uint64_t text_offset, image_size;
    /* ELF: up to 8 segments, copied to their physical addresses. */
    unsigned nsegs;
    struct { uint64_t offset, filesz, memsz, paddr; } seg[8];
    uint64_t entry;
    bool raw;                            /* arm64: a raw binary, loaded as an old Image */
    uint64_t pvh_entry;                  /* x86 ELF: its PVH note's entry, 0 without one */
    /* x86 bzImage: the protected-mode part and the setup header. */
    uint64_t pm_offset, pref_address, init_size, setup_header_size, cmdline_max, initrd_max;
};

/* A host file going into the bootfs, stored once however many partitions use it. */
struct mk_file {
    char name[HV_PT_FILE_MAX];
    char path[MK_MAX_PATH];
    uint64_t size;
};

struct mk_image {
    struct mk_system sys;
    /* arm64 ELF kernels: the DTB goes at the start of RAM, below the first segment, as QEMU
     * puts it; this many bytes are free there (0: the DTB goes at the end of RAM). */
    uint64_t dtb_room[HV_PT_MAX_PARTITIONS];
    unsigned nfiles;
    struct mk_file files[MK_MAX_FILES];
    struct hv_pt_partition pt[HV_PT_MAX_PARTITIONS];
};

/* Options from the command line. */
struct mk_options {
    enum mk_arch arch;
    const char *manifest;                /* .dts (compiled with dtc) or .dtb */
    const char *out_dir;
    const char *search[MK_MAX_SEARCH];
    unsigned nsearch;
    uint64_t platform_ram;               /* bytes */
    uint64_t reserve;                    /* bytes the hypervisor keeps besides the payload */
};

/* manifest.c: reads a manifest DTB into sys and checks each property's form. */
int manifest_parse(const void *dtb, size_t size, enum mk_arch arch, struct mk_system *sys);

/* manifest_disk.c: the disk properties. manifest_disk_prop returns 1 for a property that is
 * not one of them, 0 when taken, -1 (reported) when malformed; the checks run once the
 * partition's, then every partition's, properties are known. */
int manifest_disk_prop(struct mk_partition *p, const char *prop, const uint8_t *v, uint32_t len);
int manifest_disk_check(const struct mk_partition *p);
int manifest_disk_check_all(const struct mk_system *sys);

/* manifest_net.c: the network properties, the same way: a partition's (net-mac, net-address,
 * net-reach), the /networks node's, then the checks across partitions, which also fill each
 * partition's struct hv_pt_net. */
int manifest_net_prop(struct mk_partition *p, const char *prop, const uint8_t *v, uint32_t len);
int manifest_networks_prop(struct mk_system *sys, const char *prop, const uint8_t *v,
                           uint32_t len);
int manifest_net_check_all(struct mk_system *sys);

/* manifest_ui.c: keyboard, screen and colour (the trusted path), the same way. */
int manifest_ui_prop(struct mk_partition *p, const char *prop, const uint8_t *v, uint32_t len);
int manifest_ui_check(const struct mk_partition *p);

/* kernel_probe.c: recognises the kernel file at path for the arch. */
int kernel_probe(const char *part, const char *path, enum mk_arch arch, struct mk_kernel *k);

/* layout.c: checks memory against the platform and each other, places every load. */
int layout_check_memory(const struct mk_system *sys, const struct mk_options *opt,
                        uint64_t payload);
int layout_partition(struct mk_image *img, unsigned i, const struct mk_kernel *k,
                     uint64_t initrd_size, const char *dtb_file, const char *cmdline_file);

/* The bytes of an x86 partition's command-line load (its size with the final NUL, or cap + 1
 * when it does not fit): the command line, and for multiboot and PVH kernels the initramfs
 * module's string after it. */
uint64_t layout_x86_cmdline(const struct mk_partition *p, uint32_t boot, char *out, size_t cap);

/* guest_dt.c: writes the arm64 guest device tree (.dts) and compiles it with dtc. */
int guest_dt_write(const struct hv_pt_partition *p, const char *bootargs, const char *dts_path,
                   const char *dtb_path);

/* dtc.c: runs dtc; any warning is an error naming `what`. */
int dtc_compile(const char *what, const char *in, const char *in_format, const char *out);

/* measure.c: each load record's SHA-256, from the files as they are now. */
int measure_loads(struct mk_image *img);

/* table.c: the partition table file. */
int table_write(const struct mk_image *img, const char *path);

/* mkimage.c: the whole build; options.c: its command line. For main() and the unit tests. */
int mk_read_file(const char *what, const char *path, uint8_t **out, size_t *size);
int mkimage_run(const struct mk_options *opt);
int mkimage_parse_args(int argc, char **argv, struct mk_options *opt);
