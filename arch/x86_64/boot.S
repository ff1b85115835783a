/* x86_64 entry: from QEMU's multiboot loader in 32-bit protected mode to kernel_main in long
 * mode in the upper half. Multiboot spec 0.6.96 ch. 3; SDM vol. 3A 10.8.5 (entering IA-32e). */
#include "cpu.h"
#include <platform.h>

#define PHYS(sym) ((sym) - KERNEL_VIRT_BASE)

/* Multiboot header: the a.out kludge (flag 16) makes QEMU load the file by the addresses
 * below instead of refusing a 64-bit ELF. */
#define MULTIBOOT_HEADER_MAGIC 0x1badb002
#define MULTIBOOT_PAGE_ALIGN BIT(0)
#define MULTIBOOT_MEMORY_INFO BIT(1)
#define MULTIBOOT_AOUT_KLUDGE BIT(16)
#define MULTIBOOT_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_AOUT_KLUDGE)

#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80                       /* a 2 MiB page in a page directory */
#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)

    .section .text.boot, "ax"
    .code32
    /* Must lie in the first 8 KiB of the file, 4-byte aligned: it is the first thing in
     * the image, at file offset 0x1000. */
    .balign 4
multiboot_header:
    .long   MULTIBOOT_HEADER_MAGIC
    .long   MULTIBOOT_FLAGS
    .long   -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_FLAGS)
    .long   PHYS(multiboot_header)  /* header_addr */
    .long   __load_start_phys       /* load_addr: the file from here on is the image... */
    .long   __load_end_phys         /* load_end_addr: ...up to the end of .data */
    .long   __kernel_end_phys       /* bss_end_addr: the loader zeroes up to here */
    .long   _start32_phys           /* entry_addr */

    .global _start32
_start32:
    /* The loader gives EAX = multiboot magic, EBX = physical address of its info, flat
     * segments, paging off, interrupts off, no usable stack, GDT or IDT. */
    cli
    cld
    mov     %eax, %ebp
    mov     %ebx, %esi
    mov     $PHYS(boot_stack_top), %esp

    /* Long mode and NX are required (CPUID 80000001h EDX.LM/NX). */
    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      no_long_mode
    mov     $0x80000001, %eax
    cpuid
    and     $(CPUID_80000001_EDX_LM | CPUID_80000001_EDX_NX), %edx
    cmp     $(CPUID_80000001_EDX_LM | CPUID_80000001_EDX_NX), %edx
    jne     no_long_mode

    /* Boot tables: one page directory of 2 MiB pages maps the first GiB; it is reached
     * three ways: identity (for the mode switch), at PHYSMAP_BASE (for the loader's info
     * until kernel_pt_init) and at KERNEL_VIRT_BASE (where the kernel is linked). */
    mov     $PHYS(boot_pml4), %edi
    mov     $(4 * 4096 / 4), %ecx
    xor     %eax, %eax
    rep stosl
    mov     $PHYS(boot_pd), %edi
    mov     $(PTE_P | PTE_RW | PTE_PS), %eax
    mov     $512, %ecx
1:  mov     %eax, (%edi)
    add     $0x200000, %eax
    add     $8, %edi
    loop    1b
    movl    $(PHYS(boot_pd) + PTE_P + PTE_RW), PHYS(boot_pdpt_low)
    movl    $(PHYS(boot_pd) + PTE_P + PTE_RW), PHYS(boot_pdpt_high) + 8 * PDPT_INDEX(KERNEL_VIRT_BASE)
    movl    $(PHYS(boot_pdpt_low) + PTE_P + PTE_RW), PHYS(boot_pml4)
    movl    $(PHYS(boot_pdpt_low) + PTE_P + PTE_RW), PHYS(boot_pml4) + 8 * PML4_INDEX(PHYSMAP_BASE)
    movl    $(PHYS(boot_pdpt_high) + PTE_P + PTE_RW), PHYS(boot_pml4) + 8 * PML4_INDEX(KERNEL_VIRT_BASE)

    /* SDM 10.8.5: PAE on, CR3, EFER.LME, then CR0.PG activates long mode. Only bits the
     * CPU has are set (QEMU 7.2 mishandles reserved CR4 bits). NXE: the kernel's tables
     * mark data never-executable. */
    mov     %cr4, %eax
    or      $CR4_PAE, %eax
    mov     %eax, %cr4
    mov     $PHYS(boot_pml4), %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $(EFER_LME | EFER_NXE), %eax
    wrmsr
    mov     %cr0, %eax
    or      $(CR0_PG | CR0_WP), %eax
    mov     %eax, %cr0

    /* Still in compatibility mode until CS is a 64-bit code segment. */
    lgdt    PHYS(boot_gdt_ptr)
    ljmp    $KERNEL_CS, $PHYS(long_mode)

no_long_mode:
    /* No console driver yet: say why on COM1, polled, then fail the QEMU run. */
    mov     $PHYS(no_long_mode_msg), %esi
1:  movb    (%esi), %bl
    testb   %bl, %bl
    jz      3f
    mov     $(PLAT_COM1_PORT + 5), %dx  /* LSR */
2:  inb     %dx, %al
    testb   $0x20, %al                  /* THRE: transmitter ready */
    jz      2b
    mov     $PLAT_COM1_PORT, %dx
    movb    %bl, %al
    outb    %al, %dx
    inc     %esi
    jmp     1b
3:  mov     $PLAT_DEBUG_EXIT_PORT, %dx
    mov     $1, %eax
    outl    %eax, %dx
4:  hlt
    jmp     4b

    .code64
long_mode:
    mov     $KERNEL_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    xor     %eax, %eax
    mov     %eax, %fs
    mov     %eax, %gs
    /* Jump to the linked (upper-half) address; only absolute addresses from here on. */
    movabs  $upper_half, %rax
    jmp     *%rax

upper_half:
    movabs  $boot_stack_top, %rsp
    /* SDM 3.4.1.1: the upper halves of registers are undefined after the mode switch. */
    mov     %ebp, %ebp
    mov     %esi, %esi
    lea     __bss_start(%rip), %rdi
    lea     __bss_end(%rip), %rcx
    sub     %rdi, %rcx
    shr     $3, %rcx
    xor     %eax, %eax
    rep stosq
    mov     %ebp, x86_multiboot_magic(%rip)
    mov     %esi, x86_multiboot_info(%rip)
    xor     %ebp, %ebp                  /* ends the frame-pointer chain */
    /* Exceptions are reported from the first line of C on. */
    call    gdt_init
    call    idt_init
    call    syscall_init
    call    kernel_main
5:  hlt
    jmp     5b

    .section .rodata
    .balign 8
boot_gdt:
    .quad   0
    .quad   0x00af9b000000ffff          /* KERNEL_CS: 64-bit code, DPL 0 */
    .quad   0x00cf93000000ffff          /* KERNEL_DS: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
    .word   boot_gdt_end - boot_gdt - 1
    .long   PHYS(boot_gdt)
no_long_mode_msg:
    .asciz  "Duet: this CPU has no long mode or no NX; x86_64 needs both\r\n"

    .section .boot_tables, "aw", @nobits
    .balign 4096
boot_pml4:
    .space  4096
boot_pdpt_low:
    .space  4096
boot_pdpt_high:
    .space  4096
boot_pd:
    .space  4096

    .section .boot_stack, "aw", @nobits
    .balign 16
    .global boot_stack, boot_stack_top
boot_stack:
    .space  16384
boot_stack_top:
