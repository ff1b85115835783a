/* The real-mode half of the bzImage: the setup header a loader reads (Linux boot.rst, "The
 * Real-Mode Kernel Header"), and the code QEMU's Linux loader runs in real mode, which enters
 * the 32-bit boot protocol: protected mode, flat segments __BOOT_CS 0x10 / __BOOT_DS 0x18, ESI =
 * the zero page (this setup's own copy), a jump to code32_start. A Duet partition never runs it:
 * it enters the 64-bit entry. */
    .code16
    .section .setup.header, "ax"
    .org    0x1f1
setup_sects:        .byte   _setup_sects
root_flags:         .word   0
syssize:            .long   _syssize        // the protected-mode part, 16-byte units
ram_size:           .word   0
vid_mode:           .word   0xffff          // "normal"
root_dev:           .word   0
boot_flag:          .word   0xaa55
    // 0x200: the loader jumps here (setup segment + 0x20 : 0); over the rest of the header.
jump:               .byte   0xeb, setup_code - 1f
1:
header:             .ascii  "HdrS"
version:            .word   0x020c          // 2.12: xloadflags, the 64-bit entry
realmode_swtch:     .long   0
start_sys_seg:      .word   0x1000
kernel_version:     .word   0
type_of_loader:     .byte   0               // the loader fills it in
loadflags:          .byte   0x01            // LOADED_HIGH: the protected-mode part at 1 MiB
setup_move_size:    .word   0x8000
code32_start:       .long   0x100000        // where a loader puts the protected-mode part
ramdisk_image:      .long   0
ramdisk_size:       .long   0
bootsect_kludge:    .long   0
heap_end_ptr:       .word   0
ext_loader_ver:     .byte   0
ext_loader_type:    .byte   0
cmd_line_ptr:       .long   0
initrd_addr_max:    .long   0x37ffffff
kernel_alignment:   .long   0x200000
// A Duet partition's image builder requires relocatable: loaders then may place the kernel at
// another kernel_alignment multiple. The 32-bit entry copies itself to pref_address; the 64-bit
// entry must be entered at pref_address + 0x200 (both QEMU and Duet do).
relocatable_kernel: .byte   1
min_alignment:      .byte   21
xloadflags:         .word   0x0001          // XLF_KERNEL_64: the entry at 0x200 is 64-bit
cmdline_size:       .long   255
hardware_subarch:   .long   0
hardware_subarch_data: .quad 0
payload_offset:     .long   0
payload_length:     .long   0
setup_data:         .quad   0
pref_address:       .quad   0x200000
init_size:          .long   _init_size
handover_offset:    .long   0
    // 0x268: the end of a 2.12 header.

    .section .setup.text, "ax"
setup_code:
    cli
    cld
    // The setup's segment: the loader entered at (segment + 0x20):0 with DS = segment.
    movw    %cs, %ax
    subw    $0x20, %ax
    movw    %ax, %ds
    movzwl  %ax, %ebx
    shll    $4, %ebx                // the setup's linear address: the zero page
    leal    gdt16(%ebx), %eax
    movl    %eax, gdt16_ptr + 2
    lgdtl   gdt16_ptr
    movl    code32_start, %eax
    movl    %eax, far32
    movl    %ebx, %esi              // boot.rst 32-bit protocol: ESI = the zero page
    xorl    %ebx, %ebx              // ... and EBP, EDI, EBX zero
    xorl    %ebp, %ebp
    xorl    %edi, %edi
    movl    %cr0, %eax
    orl     $1, %eax                // PE
    movl    %eax, %cr0
    // DS still has its real-mode base here, so the far pointer is found; the 32-bit entry
    // loads its own flat data segments.
    ljmpl   *far32

    .balign 8
gdt16:
    .quad   0
    .quad   0
    .quad   0x00cf9a000000ffff      // 0x10: __BOOT_CS, 32-bit code, base 0, 4 GiB
    .quad   0x00cf92000000ffff      // 0x18: __BOOT_DS, data, base 0, 4 GiB
gdt16_end:
gdt16_ptr:
    .word   gdt16_end - gdt16 - 1
    .long   0                       // filled in: the table's linear address
far32:
    .long   0                       // code32_start
    .word   0x10
