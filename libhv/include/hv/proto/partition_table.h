/* The partition table: what the image builder (tools/mkimage) derived from the system
 * manifest, stored in the bootfs as HV_PT_FILE for the root task. Format: docs/manifest.md. */
#pragma once

#include <stdint.h>

/* Every integer is little-endian; every record has a fixed size so a reader checks
 * `count * size` against the file size once and then indexes. */
#define HV_PT_FILE "partitions"          /* its name in the bootfs */
#define HV_PT_MAGIC "DUETPT01"
/* 2: every load record carries the SHA-256 of its bytes (measured boot); 3: the disk record
 * (struct hv_pt_disk); 4: the network record (struct hv_pt_net); 5: the trusted-path record
 * (struct hv_pt_ui). A reader accepts its own version only. */
#define HV_PT_VERSION 5u
#define HV_PT_MAX_PARTITIONS 16u
#define HV_PT_NAME_MAX 32u               /* partition and console names, NUL-terminated */
#define HV_PT_FILE_MAX 48u               /* = BOOTFS_NAME_MAX */
#define HV_PT_MAX_LOADS 6u
/* A partition's VMM (and the root thread serving it) run this far above the partition, so an
 * exit is handled at once; the highest priority a partition may have leaves them room
 * (HV_PRIO_MAX 255 in hv/abi/syscall.h). */
#define HV_PT_VMM_PRIO_ABOVE 10u
#define HV_PT_PRIORITY_MAX (255u - HV_PT_VMM_PRIO_ABOVE)

#define HV_PT_ARCH_AARCH64 1u
#define HV_PT_ARCH_X86_64 2u

/* How the guest's kernel is entered (what the VMM sets up beyond the registers below). */
#define HV_PT_BOOT_ARM64_IMAGE 1u        /* Linux arm64 booting.rst: EL1, MMU off, x0 = DTB */
#define HV_PT_BOOT_ELF 2u                /* a bare ELF: PC = entry, registers as given */
#define HV_PT_BOOT_X86_BZIMAGE 3u        /* Linux x86 boot.rst 64-bit protocol: rsi = zero page */
/* Multiboot 0.6.96 §3.2: 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX = the
 * multiboot information the VMM writes in the boot scratch area. */
#define HV_PT_BOOT_X86_MULTIBOOT 4u
/* Xen's PVH boot ABI (arch-x86/hvm/start_info.h): 32-bit protected mode, paging off, EBX =
 * struct hvm_start_info, written by the VMM in the boot scratch area. */
#define HV_PT_BOOT_X86_PVH 5u

/* What a load record carries (the VMM copies each one the same way; the kind is for
 * logs and for the x86 zero page, whose fields point at the others). */
#define HV_PT_LOAD_KERNEL 1u
#define HV_PT_LOAD_INITRAMFS 2u
#define HV_PT_LOAD_DTB 3u
/* x86: NUL-terminated command line; for multiboot and PVH kernels it is followed by the
 * initramfs module's own string (its file name), NUL-terminated too. */
#define HV_PT_LOAD_CMDLINE 4u
#define HV_PT_LOAD_SETUP_HEADER 5u       /* x86: the bzImage's setup header, at zero page+0x1f1 */

struct hv_pt_header {
    char magic[8];                       /* HV_PT_MAGIC, not NUL-terminated */
    uint32_t version;                    /* HV_PT_VERSION */
    uint32_t arch;                       /* HV_PT_ARCH_* */
    uint32_t count;                      /* partition records following the header */
    uint32_t record_size;                /* sizeof(struct hv_pt_partition) */
    uint64_t total_size;                 /* header + count * record_size */
};

#define HV_PT_SHA256_SIZE 32u

/* Copy `size` bytes at `offset` of bootfs file `file` to guest-physical `gpa`. The rest of
 * the partition's RAM starts zeroed. */
struct hv_pt_load {
    char file[HV_PT_FILE_MAX];
    uint64_t offset;
    uint64_t size;
    uint64_t gpa;
    uint32_t kind;                       /* HV_PT_LOAD_* */
    uint32_t reserved;                   /* 0 */
    /* SHA-256 (FIPS 180-4) of file[offset, offset + size) as the image builder read it: the
     * root task starts no partition one of whose loads differs (docs/manifest.md). */
    uint8_t sha256[HV_PT_SHA256_SIZE];
};

/* Which slice of the storage server's disk the partition gets (docs/storage.md): a GPT
 * partition chosen by name or by unique GUID, read-only or read-write. The image builder checks
 * the form; the storage server checks it against the disk's GPT when it starts. */
#define HV_PT_DISK_NONE 0u               /* no disk: the guest sees no virtio-blk device */
#define HV_PT_DISK_BY_NAME 1u            /* gpt_name */
#define HV_PT_DISK_BY_GUID 2u            /* gpt_guid */
#define HV_PT_DISK_READ_ONLY 1u
#define HV_PT_DISK_READ_WRITE 2u
#define HV_PT_DISK_NAME_MAX 36u          /* a GPT name: 36 UTF-16 units; here printable ASCII */

struct hv_pt_disk {
    uint32_t select;                     /* HV_PT_DISK_NONE / BY_NAME / BY_GUID */
    uint32_t access;                     /* HV_PT_DISK_READ_ONLY / READ_WRITE (0 without a disk) */
    char gpt_name[HV_PT_DISK_NAME_MAX + 4]; /* NUL-terminated and NUL-padded; "" unless BY_NAME */
    /* The unique partition GUID in the GPT's on-disk byte order (UEFI §A: the first three
     * fields little-endian), so it compares bytewise with a GPT entry; zero unless BY_GUID. */
    uint8_t gpt_guid[16];
};

/* The partition's port on the radio server's switch (docs/network.md): its MAC and IPv4
 * address, and the system's networks (named prefixes, the most specific one a destination falls
 * in is the one it belongs to) each marked reachable or not for this partition. Every record
 * repeats the whole network list so that one record is all the radio server needs to build the
 * partition's port; the image builder writes the same list, in the same order, into every
 * record, and the server refuses records that disagree. */
#define HV_PT_NET_NONE 0u                /* no network: the guest sees no virtio-net device */
#define HV_PT_NET_IPV4 1u                /* mac, ipv4 and networks are valid */
#define HV_PT_NET_MAX_NETWORKS 8u
#define HV_PT_NET_NAME_MAX 16u           /* a network's name, NUL-terminated */
#define HV_PT_NET_DENY 0u                /* the partition may not reach this network */
#define HV_PT_NET_ALLOW 1u               /* it may (later values: e.g. only through a VPN) */
#define HV_PT_NET_MAX_PORTS 8u           /* partitions with a network: the radio server's ports */

struct hv_pt_netdef {
    char name[HV_PT_NET_NAME_MAX];       /* NUL-terminated and NUL-padded */
    uint8_t prefix[4];                   /* IPv4 network address, network byte order, host bits 0 */
    uint8_t prefix_len;                  /* 0..32 */
    uint8_t reach;                       /* HV_PT_NET_DENY / HV_PT_NET_ALLOW */
    uint8_t reserved[2];                 /* 0 */
};

struct hv_pt_net {
    uint32_t kind;                       /* HV_PT_NET_NONE / HV_PT_NET_IPV4 */
    uint8_t mac[6];                      /* unicast, not all zero */
    uint8_t ipv4_prefix_len;             /* of the partition's own address: its link, 1..30 */
    uint8_t reserved0;                   /* 0 */
    uint8_t ipv4[4];                     /* network byte order */
    uint32_t flags;                      /* 0 (room for per-partition rules, e.g. VPN only) */
    uint32_t nnetworks;                  /* entries of networks[] used, the same in every record */
    struct hv_pt_netdef networks[HV_PT_NET_MAX_NETWORKS];
};

/* The trusted path (docs/trusted-path.md): whether the partition gets a virtio-input keyboard
 * fed by the keyboard server and a framebuffer shown by the display server, and the colour of
 * the strip that names it while it has focus. A partition with either may take the focus. */
#define HV_PT_UI_KEYBOARD 1u
#define HV_PT_UI_SCREEN 2u

struct hv_pt_ui {
    uint32_t flags;                      /* HV_PT_UI_*; 0: neither */
    uint32_t colour;                     /* 0x00RRGGBB; 0 without flags */
};

struct hv_pt_partition {
    char name[HV_PT_NAME_MAX];
    char console_name[HV_PT_NAME_MAX];   /* the console server's tag; = name by default */
    uint64_t ram_gpa;                    /* guest-physical RAM base (aarch64 0x4000_0000, x86 0) */
    uint64_t ram_size;
    uint64_t host_pa;                    /* backing host-physical base; 0: the root task picks */
    uint32_t budget;                     /* CPU budget in kernel ticks per `period` ticks */
    uint32_t period;
    uint32_t priority;
    uint32_t boot;                       /* HV_PT_BOOT_* */
    uint32_t nloads;
    uint32_t reserved0;                  /* 0 */
    struct hv_pt_load loads[HV_PT_MAX_LOADS];
    uint64_t entry;                      /* guest PC / RIP at the first vcpu_run */
    /* aarch64: x0..x3 (x0 = DTB, the rest 0, booting.rst); x86_64: rsi = args[1] = zero page,
     * the rest 0. */
    uint64_t args[4];
    /* x86_64 only (0 on aarch64): where the zero page (struct boot_params) goes, and the
     * area the VMM may use for the boot GDT and identity page tables of the 64-bit entry. */
    uint64_t zero_page_gpa;
    uint64_t boot_scratch_gpa;
    uint64_t boot_scratch_size;
    /* Repeats of the initramfs and command-line loads, for the zero page's fields. */
    uint64_t initrd_gpa, initrd_size;
    uint64_t cmdline_gpa, cmdline_size;  /* size includes the NUL */
    struct hv_pt_disk disk;              /* version 3 */
    struct hv_pt_net net;                /* version 4 */
    struct hv_pt_ui ui;                  /* version 5 */
};

_Static_assert(sizeof(struct hv_pt_header) == 32, "partition table header is 32 bytes");
_Static_assert(sizeof(struct hv_pt_load) == 112, "load record is 112 bytes");
_Static_assert(sizeof(struct hv_pt_disk) == 64, "disk record is 64 bytes");
_Static_assert(sizeof(struct hv_pt_netdef) == 24, "network definition is 24 bytes");
_Static_assert(sizeof(struct hv_pt_net) == 216, "network record is 216 bytes");
_Static_assert(sizeof(struct hv_pt_ui) == 8, "trusted-path record is 8 bytes");
_Static_assert(sizeof(struct hv_pt_partition) == 1168, "partition record is 1168 bytes");
