/*
 * The DSDT of a Duet x86_64 partition (compiled by iasl at build time, see
 * ../sources.cmake). It declares what the fixed tables cannot: the virtio-mmio slots as
 * LNRO0005 devices (the only way Debian's amd64 kernel finds virtio-mmio: its virtio_mmio
 * driver matches ACPI LNRO0005 and device-tree nodes, never the command line), COM1, QEMU's
 * fw_cfg (QEMU0002), and the \_S5 sleep type that acpi_pm.c turns into a power-off. Addresses
 * and interrupts must agree with x86_layout.h, acpi_tables.h and acpi_pm.h; test_acpi checks
 * that they do.
 */
DefinitionBlock ("", "DSDT", 2, "DUET  ", "DUETPC  ", 0x00000001)
{
    Scope (\_SB)
    {
        /* COM1: I/O 0x3f8, ISA IRQ 4 (8250_pnp binds it; the legacy probe finds it too). */
        Device (COM1)
        {
            Name (_HID, EisaId ("PNP0501"))
            Name (_UID, 1)
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
                IRQNoFlags () {4}
            })
        }

        /* QEMU's firmware configuration device (devices/fw_cfg.c): the selector at 0x510, the
         * data byte at 0x511, no DMA interface. Named as QEMU names it, so that Linux's
         * qemu_fw_cfg driver finds it. */
        Device (FWCF)
        {
            Name (_HID, "QEMU0002")
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x0510, 0x0510, 0x01, 0x02)
            })
        }

        /* Which virtio-mmio slots have a device behind them: bit n for slot n, a word the VMM
         * writes into the ACPI area (ACPI_OFF_VIRTIO_SLOTS, x86_acpi_set_virtio_slots). An
         * empty slot is absent (_STA 0), so the guest neither probes nor complains about it. */
        OperationRegion (VPRS, SystemMemory, 0x000E03F0, 0x04)
        Field (VPRS, DWordAcc, NoLock, Preserve)
        {
            VSLT, 32
        }

        /* virtio-mmio slot n: 0x200 bytes at 0xd000_0000 + n * 0x200, IOAPIC GSI 16 + n,
         * level-triggered and active high (the transport's interrupt status is a level). */
        Device (VR00)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 0)
            Name (_CCA, One)
            Method (_STA, 0, NotSerialized)
            {
                If (VSLT & 0x01) { Return (0x0F) }
                Return (Zero)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000000, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {16}
            })
        }
        Device (VR01)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 1)
            Name (_CCA, One)
            Method (_STA, 0, NotSerialized)
            {
                If (VSLT & 0x02) { Return (0x0F) }
                Return (Zero)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000200, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {17}
            })
        }
        Device (VR02)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 2)
            Name (_CCA, One)
            Method (_STA, 0, NotSerialized)
            {
                If (VSLT & 0x04) { Return (0x0F) }
                Return (Zero)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000400, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {18}
            })
        }
        Device (VR03)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 3)
            Name (_CCA, One)
            Method (_STA, 0, NotSerialized)
            {
                If (VSLT & 0x08) { Return (0x0F) }
                Return (Zero)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000600, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {19}
            })
        }
        Device (VR04)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 4)
            Name (_CCA, One)
            Method (_STA, 0, NotSerialized)
            {
                If (VSLT & 0x10) { Return (0x0F) }
                Return (Zero)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000800, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {20}
            })
        }
        Device (VR05)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 5)
            Name (_CCA, One)
            Method (_STA, 0, NotSerialized)
            {
                If (VSLT & 0x20) { Return (0x0F) }
                Return (Zero)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000A00, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {21}
            })
        }
        Device (VR06)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 6)
            Name (_CCA, One)
            Method (_STA, 0, NotSerialized)
            {
                If (VSLT & 0x40) { Return (0x0F) }
                Return (Zero)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000C00, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {22}
            })
        }
        Device (VR07)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 7)
            Name (_CCA, One)
            Method (_STA, 0, NotSerialized)
            {
                If (VSLT & 0x80) { Return (0x0F) }
                Return (Zero)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000E00, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {23}
            })
        }
    }

    /* S5 (soft off): SLP_TYPa = SLP_TYPb = 5, what acpi_pm.c (ACPI_SLP_TYP_S5) acts on. */
    Name (_S5, Package (0x04) { 0x05, 0x05, Zero, Zero })
}
