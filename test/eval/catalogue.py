"""The evaluation catalogue (docs/eval.md): every case with a stable ID, grouped by the SKPP/MILS
property groups, with what it attacks, the safe outcome, its oracles and its control. A case ID
never changes meaning; a retired case's ID is not reused.

Kinds of case:
- "guest": the attack guest (test/eval/guest) in partition `attacker` of the system eval-pair
  beside `victim`; the harness types "<ID> <args>" on the attacker's console.
- "ktest": a case of the in-QEMU test program's suite (test/qemu/ktest), in a fresh test image.
- "kmode": one of the kernel's own test modes (duet.test=...), in a fresh duet.elf.
- "ctest": an existing ctest test that boots its own system (its own checks), run whole.

Controls (--control): "bare" runs the same guest on plain QEMU with the partition's platform
(no Duet: nothing separates, nothing audits); "hog" runs it in eval-hog, where the manifest
gives the attacker the whole CPU above the victim on purpose; "keepregs" in eval-keepregs, whose
attacker VMM is built not to reset its vcpu after a guest reset; "granted" (rogue cases) aims
the attack at what the rogue holds on purpose. A control must be judged a breach.
"""

from harness.oracles import (Audit, AttackerClaim, CanaryIntact, DiskClean, Effective, MachineUp, NoForgery,
                             NoLine, NoRecord, Rejects, SuiteLine, VictimHeartbeat,
                             VictimRegisters, WorkRate)

# Retired IDs, never reused: DS-11/DS-12 were the kernel's own W^X modes (duet.test=wx-write,
# wx-exec): the kernel attacks itself, no guest or task can make it, and a control needs a
# kernel without W^X; they stay ctest tests (wx-write-<arch>, wx-exec-<arch>).
RETIRED = {"DS-11": "kernel text written at run time (ctest wx-write-<arch>)",
           "DS-12": "kernel data executed at run time (ctest wx-exec-<arch>)"}

GROUPS = [
    ("DS", "Data separation"),
    ("IF", "Information flow"),
    ("SA", "Sanitization"),
    ("FI", "Fault isolation"),
    ("LP", "Least privilege"),
    ("AV", "Availability"),
]
ARCHES = ("aarch64", "x86_64")

# The system eval-pair (test/eval/manifests/eval-pair-<arch>.dts.in): both partitions have 16 MiB
# at the platform's guest RAM base. The root task picks where their RAM is in host memory, so the
# harness finds the victim's canary there through QEMU's monitor (HOST_RAM: the platform's RAM).
RAM_BASE = {"aarch64": 0x40000000, "x86_64": 0x0}
RAM_SIZE = 16 << 20
HOST_RAM = {"aarch64": (0x40000000, 1 << 30), "x86_64": (0x0, 1 << 30)}
# Where bare QEMU's control puts the canary when no real run found the victim's (inside RAM).
BARE_CANARY = {"aarch64": 0x70085000, "x86_64": 0x3020e000}
PLANT_OFFSET = 8 << 20  # SA-1's pattern, inside the attacker's RAM, clear of its image


class Case:
    def __init__(self, id, group, title, attacks, expected, kind="guest", arches=ARCHES,
                 steps=None, oracles=None, control=None, ci=False, origin="", **extra):
        self.id, self.group, self.title = id, group, title
        self.attacks, self.expected, self.kind = attacks, expected, kind
        self.arches = arches
        # guest: the lines typed at each EVAL-READY (a rogue server's: none, it acts by itself)
        self.steps = [id] if steps is None else steps
        self.oracles = oracles or {}        # arch -> [oracle]
        self.control = control or {}        # arch -> "bare" | "hog" (absent: none yet)
        self.ci, self.origin, self.extra = ci, origin, extra

    def oracles_for(self, arch):
        o = self.oracles
        return o.get(arch, o.get("*", [])) if isinstance(o, dict) else o


def both(*oracles):
    return {"*": list(oracles)}


def vmm_denied(addr_regex):
    """The attacker's VMM logged the access as one it could not serve."""
    return Audit(rf"^\[attacker:vmm\] attacker: (mmio: unclaimed address|x86: unclaimed MMIO "
                 rf"(read|write)) 0x0*{addr_regex}",
                 f"the attacker's VMM recorded the access at 0x{addr_regex} as unclaimed")


def vmm_port_denied(port):
    return Audit(rf"^\[attacker:vmm\] attacker: x86: unknown port (read|write) 0x{port:x}\b",
                 f"the attacker's VMM recorded the access to port 0x{port:x} as unknown")


def root_event(what, pattern):
    return Audit(rf"^root: partition attacker {pattern}", f"the root task logged: attacker {what}")


SYSTEM = [MachineUp(), VictimHeartbeat(), CanaryIntact()]

CASES = [
    # --- Data separation ------------------------------------------------------------------------
    Case("DS-1", "DS", "the victim partition's RAM, by its host-physical address",
         "reads the victim's canary at the host-physical address its RAM has, then overwrites it",
         "the access faults (AArch64) or reads all ones and goes nowhere (x86); the canary is "
         "unchanged and unread",
         steps=["DS-1 {canary_host:#x} {canary:#x}"],
         oracles=both(*SYSTEM, vmm_denied("%(canary_host)x"), AttackerClaim()),
         control={"aarch64": "bare", "x86_64": "bare"}, ci=True),
    Case("DS-2", "DS", "guest-physical memory just past the end of its RAM",
         "writes and reads back a pattern at its RAM's end and 1 MiB further",
         "nothing written there reads back; the VMM records the unclaimed addresses",
         steps=["DS-2 {ram_end:#x}"],
         oracles={"aarch64": SYSTEM + [vmm_denied("41"), AttackerClaim()],
                  "x86_64": SYSTEM + [vmm_denied("1[01]0"), AttackerClaim()]},
         control={"aarch64": "bare", "x86_64": "bare"}, ci=("aarch64",)),
    Case("DS-3", "DS", "a physical device's register window",
         "AArch64: the MagicValue of the first and last physical virtio-mmio transports "
         "(0x0a00_0000); x86_64: the host bridge's ID through the PCIe ECAM window (0xb000_0000)",
         "no physical device answers; the VMM records the unclaimed window",
         oracles={"aarch64": SYSTEM + [vmm_denied("a000000"), AttackerClaim()],
                  "x86_64": SYSTEM + [vmm_denied("b0000000"), AttackerClaim()]},
         control={"aarch64": "bare", "x86_64": "bare"}),
    # x86_64: the VMM emulates a fw_cfg describing the partition (servers/vmm/x86_64/devices/
    # fw_cfg.h); its answer is the partition's own device, so there the case checks that what it
    # describes is the partition (its RAM size), not the host (a first version took the
    # signature answering for a breach).
    Case("DS-4", "DS", "the host's firmware interface (fw_cfg)",
         "AArch64: selects fw_cfg's signature and reads it (MMIO 0x0902_0000); x86_64: reads the "
         "signature and the RAM size through ports 0x510/0x511, where its VMM has a fw_cfg of its "
         "own", "AArch64: fw_cfg does not answer, the VMM records the access; x86_64: the fw_cfg "
         "that answers describes the partition (16 MiB), not the host (1 GiB)",
         steps=["DS-4 {ram_size:#x}"],
         oracles={"aarch64": SYSTEM + [vmm_denied("9020008"), AttackerClaim()],
                  "x86_64": SYSTEM + [AttackerClaim()]},
         control={"aarch64": "bare", "x86_64": "bare"}),
    Case("DS-5", "DS", "a platform timer device not given to the partition",
         "AArch64: the PL031 RTC's ID and time (0x0901_0000); x86_64: the HPET's capabilities "
         "(0xfed0_0000)",
         "the device does not answer; the VMM records the access",
         oracles={"aarch64": SYSTEM + [vmm_denied("9010fe0"), AttackerClaim()],
                  "x86_64": SYSTEM + [vmm_denied("fed00000"), AttackerClaim()]},
         control={"aarch64": "bare", "x86_64": "bare"}),
    Case("DS-6", "DS", "the interrupt translation service of the physical GIC",
         "reads the ITS's implementer register (GITS_IIDR at 0x0808_0004), which routes the "
         "machine's MSIs", "the ITS does not answer; the VMM records the access",
         arches=("aarch64",),
         oracles={"aarch64": SYSTEM + [vmm_denied("8080004"), AttackerClaim()]},
         control={"aarch64": "bare"}),
    # Not on x86_64: a PC partition has a CMOS RTC, its VMM's (servers/vmm/x86_64/devices), so
    # the RTC answering there is no breach (a first version of this case said it was).
    Case("DS-7", "DS", "the machine's GPIO controller",
         "reads the PL061 GPIO's ID (0x0903_0000, QEMU virt's power button)",
         "the device does not answer; the VMM records the access", arches=("aarch64",),
         oracles={"aarch64": SYSTEM + [vmm_denied("9030fe0"), AttackerClaim()]},
         control={"aarch64": "bare"}),
    # --- Information flow -----------------------------------------------------------------------
    Case("IF-1", "IF", "the console: lines that pass as another partition's or the system's",
         "writes lines that try to start a terminal line of their own: a bare CR, erase-line, "
         "cursor-home, backspaces, a line past the 160-character cut, each followed by "
         "`[victim] `, `root: `, `[duet] ` or `[attacker:vmm] `",
         "every byte stays in the attacker's own line: each forged text appears after "
         "`[attacker] `",
         oracles=both(*SYSTEM, NoForgery()),
         control={"aarch64": "bare", "x86_64": "bare"}, ci=("aarch64",)),
    Case("IF-2", "IF", "keys typed for the victim",
         "listens on its UART while the console's focus moves to the victim (Ctrl-T 2) and a "
         "secret is typed", "the console server moves the focus (its own `[duet] focus: victim` "
         "line) and the secret never reaches the attacker",
         steps=["IF-2", (r"^EVAL-LISTEN IF-2", b"\x142s3cr3t\r")],
         oracles=both(*SYSTEM, Audit(r"^\[duet\] focus: victim", "the console server moved the "
                                     "focus to the victim"), AttackerClaim()),
         control={"aarch64": "bare", "x86_64": "bare"}),
    # --- Sanitization ---------------------------------------------------------------------------
    Case("SA-1", "SA", "its own RAM after a reset",
         "plants 64 KiB of a pattern in its RAM, resets its machine, and looks for it afterwards",
         "the root task reloads the partition into wiped RAM: nothing of the pattern is left",
         steps=["SA-1 {plant:#x} 0", "SA-1 {plant:#x} 1"],
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact(),
                      root_event("reset", r"resets \(1\)"), AttackerClaim()),
         control={"aarch64": "bare", "x86_64": "bare"}, bare_reboot=True, ci=True),
    # --- Fault isolation ------------------------------------------------------------------------
    Case("FI-1", "FI", "powering the machine off",
         "AArch64: PSCI SYSTEM_OFF over HVC; x86_64: QEMU's isa-debug-exit port 0xf4 (which the "
         "platform has), then ACPI S5",
         "only the attacker's partition stops; the machine and the victim run on",
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact(),
                      root_event("stopped", r"stopped\b")),
         control={"aarch64": "bare", "x86_64": "bare"}, ci=True),
    Case("FI-2", "FI", "resetting the machine",
         "AArch64: PSCI SYSTEM_RESET; x86_64: a full reset through the reset control register "
         "0xcf9",
         "only the attacker's partition resets (the root task reloads it); the victim runs on",
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact(),
                      root_event("reset", r"resets \(1\)")),
         control={"aarch64": "bare", "x86_64": "bare"}),
    Case("FI-3", "FI", "an exception the guest cannot take",
         "AArch64: vectors moved to an address with nothing behind it, then an undefined "
         "instruction (every vector fetch aborts); x86_64: an empty IDT and a breakpoint (a "
         "triple fault)",
         "the attacker's partition is stopped, reset or spins on its own budget; the machine and "
         "the victim run on",
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact()),
         control={"aarch64": "hog", "x86_64": "bare"}),
    # --- Least privilege ------------------------------------------------------------------------
    Case("LP-1", "LP", "the CPU's virtualization switch (EFER.SVME)",
         "sets EFER.SVME, the bit that makes VMRUN and the SVM instructions usable",
         "the write is refused (#GP) and EFER.SVME stays clear; the kernel records the refusal",
         arches=("x86_64",),
         oracles={"x86_64": SYSTEM + [Audit(r"^kernel: vcpu: a guest's WRMSR 0xc0000080 of "
                                            r"0x[0-9a-f]+ refused with #GP",
                                            "the kernel recorded the refused EFER write"),
                                      AttackerClaim()]},
         control={"x86_64": "bare"}, ci=("x86_64",)),
    Case("LP-2", "LP", "PCI configuration space through ports 0xcf8/0xcfc",
         "reads bus 0 device 0's vendor and device ID through configuration mechanism #1",
         "the host bridge does not answer (all ones)",
         arches=("x86_64",),
         oracles={"x86_64": SYSTEM + [AttackerClaim()]},
         control={"x86_64": "bare"}),
    Case("LP-3", "LP", "the host save area of SVM (VM_HSAVE_PA)",
         "points VM_HSAVE_PA, where VMRUN saves the host's state, into its own RAM",
         "the write is refused or ignored: the MSR does not read back the attacker's address",
         arches=("x86_64",),
         oracles={"x86_64": SYSTEM + [Audit(r"^\[attacker:vmm\] attacker: x86: wrmsr 0xc0010117 "
                                            r".*unknown: #GP", "the VMM refused the write"),
                                      AttackerClaim()]},
         control={"x86_64": "bare"}),
    # --- Availability ---------------------------------------------------------------------------
    Case("AV-1", "AV", "the CPU, spinning with interrupts masked",
         "masks interrupts and spins for good",
         "its budget ends its turn: the victim keeps its heartbeat",
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact()),
         control={"aarch64": "hog", "x86_64": "hog"}, ci=True),
    Case("AV-2", "AV", "the CPU and its VMM, by an exit flood",
         "exits to its VMM as fast as it can, for good (AArch64: PSCI_VERSION over HVC; "
         "x86_64: CPUID)",
         "the VMM's work is charged to the attacker's budget: the victim keeps its heartbeat",
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact()),
         control={"aarch64": "hog", "x86_64": "hog"}),
    Case("AV-4", "AV", "the console, by a flood of lines",
         "prints lines as fast as it can, for good",
         "the console server keeps the victim's lines going out (each writer has its share of "
         "the transmit queue; docs/console.md SEC-H4): the victim keeps its heartbeat",
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact(),
                      Effective(r"^EVAL-FLOOD 100 ", "the attacker printed 100 lines")),
         control={"aarch64": "hog", "x86_64": "hog"}),
    Case("AV-3", "AV", "the CPU, by an interrupt storm of its own timer",
         "sets its timer to fire at once and for good (AArch64: the virtual timer's compare value "
         "0; x86_64: the local APIC timer periodic with count 1) and takes every interrupt",
         "the interrupts it causes are handled on its budget: the victim keeps its heartbeat",
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact(),
                      Effective(r"EVAL-EVIDENCE AV-3 1000 timer interrupts taken",
                                "the storm took at least 1,000 interrupts")),
         control={"aarch64": "hog", "x86_64": "hog"}),
]

GARBAGE_REFUSED = {
    "aarch64": [Rejects(r"DUET-ATTACK gicd-store-pair -> exit 0\b", r"DUET-GARBAGE-DONE \S+",
                        "the store pair to the GIC was refused")],
    "x86_64": [Rejects(r"DUET-ATTACK-NOTE msr write 0xc0000080 -> (?!-5\b)",
                       r"DUET-GARBAGE-DONE \S+", "the EFER.SVME write was refused")]}

# --- Cases brought in from the existing tests (issue 13's SEC-* findings and more) -------------
KTEST = "ktest"
# Their control (test/qemu/ktest/sec_tests.c, duet.test=sec-granted): the same attacks with the
# access given on purpose (SEC-C1: the thread keeps the other task's space; SEC-M2: the debug
# cap with the write right; SEC-M4: the virtual counter, which a task has) or, SEC-M3, the line
# written to the wedged UART around the kernel's restore: each check must report FAIL.
KTEST_GRANTED = dict(granted_suite="sec-granted", control={"aarch64": "granted", "x86_64": "granted"})
CASES += [
    Case("DS-10", "DS", "a VMM's memory after its address-space cap is revoked (SEC-C1)",
         "a thread whose address-space cap was revoked touches the memory it had",
         "it runs with no address space: the access faults", kind=KTEST, origin="SEC-C1",
         suite="sec", oracles=both(SuiteLine(r"^PASS: SEC-C1: ", "ktest reports SEC-C1 PASS")),
         **KTEST_GRANTED),
    Case("LP-10", "LP", "the kernel's debug console without its cap (SEC-M2)",
         "a task without the debug cap, then one with a read-only copy, call debug_putc",
         "HV_ENOENT, then HV_EPERM: only the root's cap writes untagged lines", kind=KTEST,
         origin="SEC-M2", suite="sec",
         oracles=both(SuiteLine(r"^PASS: SEC-M2: ", "ktest reports SEC-M2 PASS")), **KTEST_GRANTED),
    Case("AV-10", "AV", "the kernel's own console, by wedging the UART (SEC-M3)",
         "the console server disables the UART's transmitter, then the kernel prints",
         "the kernel restores the UART's line controls before each byte: its line still appears",
         kind=KTEST, origin="SEC-M3", suite="sec",
         oracles=both(SuiteLine(r"^PASS: SEC-M3: ", "ktest reports SEC-M3 PASS"),
                      SuiteLine(r"^SEC-M3: this line went through a UART",
                                "the kernel's line reached the terminal")), **KTEST_GRANTED),
    Case("LP-11", "LP", "the EL2 counter and timer controls from EL0 (SEC-M4)",
         "a task reads the physical counter and the EL2 physical timer's control",
         "both are undefined at EL0; the virtual counter works", kind=KTEST, origin="SEC-M4",
         suite="sec", arches=("aarch64",),
         oracles={"aarch64": [SuiteLine(r"^PASS: SEC-M4: ", "ktest reports SEC-M4 PASS")]},
         granted_suite="sec-granted", control={"aarch64": "granted"}),
    # The control: the same 2,048 resets with the looper given the whole CPU above the waiter
    # on purpose (eval-sec-m1-hog, test/eval/eval.cmake): the waiter's reset is never served.
    Case("AV-11", "AV", "the root task, by 2,048 resets (SEC-M1)",
         "a partition resets itself 2,048 times, then the other resets once",
         "every reset is served; the other partition starts again", kind="ctest",
         test="sec-m1-{arch}", origin="SEC-M1",
         control={"aarch64": "hog-resets", "x86_64": "hog-resets"}, hog_image="eval-sec-m1-hog",
         flood_done=r"^root: partition looper resets \(2048\)$", key=b"k",
         control_oracles=[SuiteLine(r"^root: partition waiter resets \(1\)$",
                                    "the waiter's reset was served after the flood")]),
    Case("DS-13", "DS", "guest-physical memory outside its RAM from Linux (/dev/mem)",
         "a Debian guest's root reads and writes /dev/mem at 4 GiB and past its RAM",
         "each access fails in the guest; the other partition counts on", kind="ctest",
         test="linux-devmem-{arch}", origin="duet-attack devmem-outside",
         # The control: the same guest on bare QEMU with 1 GiB, told mem=128M: the scenario's
         # read past the end of the RAM it knows returns what is there.
         control={"aarch64": "bare-linux", "x86_64": "bare-linux"}, image="linux-devmem",
         bare_until=r"DUET-DEVMEM-DONE \S+",
         control_oracles=[Rejects(r"DUET-DEVMEM \S+ 0x[0-9a-f]+ 32 -> rc=0 0x(?!FFFFFFFF\b)",
                                  r"DUET-DEVMEM-DONE \S+",
                                  "no read past the RAM's end returned data")]),
    Case("FI-10", "FI", "the VMM, with garbage in every emulated register (duet-attack)",
         "a Debian guest writes garbage to every device register and runs duet-attack "
         "(odd MMIO forms, ports, MSRs, hypercalls, REP INSB into the kernel)",
         "its VMM survives, the kernel refuses what it must; the other partition counts on",
         kind="ctest", test="linux-garbage-{arch}", origin="duet-attack garbage",
         # Beside the test's own checks, one attack whose refusal bare QEMU does not make:
         # AArch64's store pair to the GIC (the VMM can't emulate it: SIGBUS in the guest),
         # x86_64's EFER.SVME write (the kernel refuses it: -EIO). The control runs the same
         # guest on bare QEMU (mem= its RAM), where both go through.
         real_oracles=GARBAGE_REFUSED, control={"aarch64": "bare-linux", "x86_64": "bare-linux"},
         image="linux-garbage", bare_until=r"DUET-GARBAGE-DONE \S+",
         control_oracles=GARBAGE_REFUSED),
    Case("AV-12", "AV", "the CPU, by a Linux guest spinning above the other's priority",
         "a Debian guest at a higher priority spins for good", "its CPU share, charged by the "
         "kernel, stays its budget (40 % +- 5 %) while the other partition reboots and counts",
         kind="ctest", test="linux-spin-{arch}",
         origin="linux-spin",
         # The control: the same system with personal's budget the whole CPU (linux-spin-hog).
         control={"aarch64": "hog-linux", "x86_64": "hog-linux"}, hog_image="linux-spin-hog",
         hog_seconds=45,
         control_oracles=[WorkRate(r"DUET-SPIN personal [0-9]+\b")]),
]

# --- Registers, devices and odd accesses (the second round of guest cases) ---------------------
REGS = [MachineUp(), VictimHeartbeat(), CanaryIntact(), VictimRegisters()]
CASES += [
    Case("SA-2", "SA", "its FP/SIMD registers after a reset",
         "fills every FP/SIMD register and the FP controls (V0-V31, FPCR, FPSR; XMM0-15, the x87 "
         "stack, FCW, MXCSR) with a pattern, resets its machine, and looks for the pattern and "
         "for the victim's values afterwards",
         "the vcpu is reset with its machine: nothing of the pattern, nothing of the victim's",
         steps=["SA-2 0", "SA-2 1"],
         oracles=both(*REGS, root_event("reset", r"resets \(1\)"), AttackerClaim()),
         control={"aarch64": "keepregs", "x86_64": "keepregs"}),
    Case("SA-3", "SA", "its system registers after a reset",
         "fills system registers a hypervisor must reset with the vcpu (AArch64: TPIDR_EL0/EL1, "
         "TPIDRRO_EL0, CONTEXTIDR, TTBR0/1, SP_EL0, CNTV_CVAL, DBGBVR0, DBGWVR0; x86_64: DR0-DR3, "
         "CR2, STAR, LSTAR, CSTAR, KERNEL_GS_BASE), resets its machine, and looks for them",
         "none of the values survives the reset, none of the victim's appears",
         steps=["SA-3 0", "SA-3 1"],
         oracles=both(*REGS, root_event("reset", r"resets \(1\)"), AttackerClaim()),
         control={"aarch64": "keepregs", "x86_64": "keepregs"}),
    Case("SA-4", "SA", "the victim's FP/SIMD registers, on the same CPU",
         "keeps a pattern in its FP/SIMD registers and, for 2 s of its clock (20 of the victim's "
         "budget periods), looks in them for the values the victim keeps in its own",
         "each partition's registers are switched with it: the attacker never sees the victim's "
         "values, and the victim's own stay (its beats say fp=ok)",
         bare_steps=["SA-4 1"], oracles=both(*REGS, AttackerClaim()), until_done=True,
         control={"aarch64": "bare", "x86_64": "bare"}),
    Case("SA-5", "SA", "the victim's system registers, on the same CPU",
         "keeps its values in the system registers of SA-3 and, for 2 s of its clock, looks in "
         "them for the victim's (the debug registers are switched lazily on AArch64, with the "
         "FPU on x86_64)",
         "never the victim's values; the victim's own stay (its beats say sys=ok)",
         bare_steps=["SA-5 1"], oracles=both(*REGS, AttackerClaim()), until_done=True,
         control={"aarch64": "bare", "x86_64": "bare"}),
    Case("AV-5", "AV", "its VMM's audit log, by a flood of unclaimed accesses",
         "reads a device window it was not given for good (AArch64 0x0a00_0000, x86_64 "
         "0xb000_0000): every access an exit, a decode and an audit in its VMM",
         "the VMM's work and its log lines are the attacker's share: the victim keeps its "
         "heartbeat",
         oracles={"aarch64": [MachineUp(), VictimHeartbeat(), CanaryIntact(), vmm_denied("a000000"),
                              Effective(r"^EVAL-EVIDENCE AV-5 1000 unclaimed", "1,000 accesses")],
                  "x86_64": [MachineUp(), VictimHeartbeat(), CanaryIntact(), vmm_denied("b0000000"),
                             Effective(r"^EVAL-EVIDENCE AV-5 1000 unclaimed", "1,000 accesses")]},
         control={"aarch64": "hog", "x86_64": "hog"}),
    Case("DS-8", "DS", "one store across the end of its RAM",
         "AArch64: a store pair (STP, no syndrome for the VMM) with 8 bytes in its RAM's last "
         "word and 8 past the end; x86_64: a quadword store with 4 bytes on each side; then reads "
         "past the end", "the part past the end goes nowhere: it does not read back",
         steps=["DS-8 {ram_end:#x}"],
         oracles={"aarch64": SYSTEM + [Audit(r"^\[attacker:vmm\] attacker: cpu 0: no syndrome "
                                             r"\(ISV=0\).* addr 0x41000000",
                                             "the VMM recorded the store it can't emulate"),
                                       AttackerClaim()],
                  "x86_64": SYSTEM + [vmm_denied("1000000"), AttackerClaim()]},
         control={"aarch64": "bare", "x86_64": "bare"}),
    Case("LP-4", "LP", "hypervisor instructions and machine-wide counters",
         "AArch64: the PMU (PMCR_EL0, the cycle counter PMCCNTR_EL0), which counts for the whole "
         "machine; x86_64: the SVM instructions CLGI/STGI, VMSAVE, VMLOAD and INVLPGA, after "
         "trying to set EFER.SVME", "each access is refused (undefined instruction / #UD)",
         oracles=both(*SYSTEM, AttackerClaim()),
         control={"aarch64": "bare", "x86_64": "bare"}),
    Case("FI-4", "FI", "resetting the machine through the keyboard controller",
         "pulses the reset line of the PC's keyboard controller (command 0xfe to port 0x64)",
         "only the attacker's partition resets (its VMM emulates the line); the victim runs on",
         arches=("x86_64",),
         oracles={"x86_64": [MachineUp(), VictimHeartbeat(), CanaryIntact(),
                             root_event("reset", r"resets \(1\)")]},
         control={"x86_64": "bare"}),
    Case("DS-9", "DS", "string output from across the end of its RAM",
         "REP OUTSB of 32 bytes to its UART from its RAM's last 8 bytes (a marker) on past the "
         "end, where it first tried to write", "its VMM gives out the 8 bytes of its RAM and "
         "nothing from past the end",
         arches=("x86_64",), steps=["DS-9 {ram_end:#x}"],
         oracles={"x86_64": SYSTEM + [Audit(r"^\[attacker:vmm\] attacker: string I/O buffer not "
                                            r"in RAM", "the VMM refused the string I/O"),
                                      NoLine(r"^EVAL-OUTS .*<INRAM>\|.", r"^EVAL-OUTS ",
                                             "no byte after the marker: nothing from past "
                                             "the RAM's end reached the console")]},
         control={"x86_64": "bare"}),
]

# --- A rogue VMM (test/eval/rogue): the root task starts it in place of the attacker's VMM ------
# Its lines (`[attacker] `, `[attacker:vmm] `) are the attacker's; the verdict rests on the
# kernel's, the root's, the console server's and the victim's lines and the victim's memory.
# Control "granted": the same attack aimed at what the rogue holds on purpose (a cap with the
# right, a live slot, its own RAM, the keyboard's focus keys typed by the user), which must be
# seen getting through; "hog": eval-rogue-hog, the attacker given the whole CPU.
def UNHANDLED_FAULT(addr):
    """The kernel's record of a fault nobody handles (kernel/thread.c): a page fault at addr."""
    return Audit(rf"^kernel: a thread faulted with no fault handler and is suspended: fault 1 at "
                 rf"0x{addr:x},", f"the kernel recorded the unhandled fault at {addr:#x}")


ROGUE = dict(kind="rogue", control={"aarch64": "granted", "x86_64": "granted"})
CASES += [
    Case("IF-10", "IF", "a rogue VMM: IPC and caps without the right",
         "signals its read-only notification; copies the console's, the root's and its own "
         "endpoint without grant (one with the victim's badge); configures a thread above its "
         "own priority; debug_putc, ioport_in, irq_get, dma_map and map on every slot; last, "
         "receives on the console "
         "server's endpoint (write only), which would take the victim's console calls",
         "each is refused (HV_EPERM, HV_ETYPE, HV_ENOENT); the victim's lines keep coming",
         steps=["IF-10 0"], granted_steps=["IF-10 1"],
         oracles=both(*SYSTEM, AttackerClaim()), ci=("aarch64",), **ROGUE),
    Case("IF-11", "IF", "a rogue VMM: empty, deleted, revoked-and-reused and random slots",
         "calls the storage server (the manifest gives the attacker no disk), slot 0, past its "
         "cnode, 2^40; a deleted slot, a revoked one, the same slot reused for another type, "
         "its root endpoint after deleting it, and 4,096 random slots",
         "every operation fails with a lookup or type error; nothing else happens",
         steps=["IF-11 0"], granted_steps=["IF-11 1"],
         oracles=both(*SYSTEM, AttackerClaim()), **ROGUE),
    Case("IF-12", "IF", "a rogue VMM: the console's tags and focus",
         "writes lines that start as the victim's, the server's and the root's (guest output and "
         "log calls), the focus keys (Ctrl-T 2, Ctrl-T n) as output, and a write call claiming "
         "more bytes than it carries", "every forged line stays under the attacker's tags; the "
         "focus does not move (no `[duet] focus:` line)",
         steps=["IF-12"], granted_steps=["IF-12", (r"^EVAL-LISTEN IF-12", b"\x142")],
         oracles=both(*SYSTEM, NoForgery(),
                      NoRecord(r"^\[duet\] focus: victim", "the console server did not move the "
                               "focus to the victim")), **ROGUE),
    Case("DS-20", "DS", "a rogue VMM: memory beyond its partition's RAM",
         "looks for the victim's canary and nonce in its mapping of its partition's RAM, then "
         "reads the word just past the mapping's end",
         "the canary is not there; the read faults and the kernel suspends the rogue (it has no "
         "fault handler); the victim runs on",
         steps=["DS-20 0 {nonce:#x}"], granted_steps=["DS-20 1 {nonce:#x}"],
         oracles=both(*SYSTEM, Effective(r"^EVAL-EVIDENCE DS-20 reading 0x", "the read was "
                                         "tried"), UNHANDLED_FAULT(0x1001000000), AttackerClaim()),
         ci=True, **ROGUE),
    Case("AV-20", "AV", "a rogue VMM: reset requests to the root task, for good",
         "asks the root task to wipe and reload its partition in a loop (16 MiB each)",
         "the root does the work on the attacker's budget: the victim keeps its heartbeat",
         kind="rogue", steps=["AV-20"],
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact(),
                      root_event("reset more than once", r"resets \((?:[2-9]|\d\d+)\)"),
                      Effective(r"^EVAL-EVIDENCE AV-20 1 reloads asked for \(last: error 0, "
                                r"label 0\)", "the first reload served")),
         control={"aarch64": "hog", "x86_64": "hog"}),
    Case("AV-21", "AV", "a rogue VMM: kernel objects within its reach, then two spinners",
         "fills its cnode with copies, queues interrupts on its vcpu until refused, then spins "
         "in two threads at its priority (above the victim's) for good",
         "its threads run on its partition's budget: the victim keeps its heartbeat",
         kind="rogue", steps=["AV-21"],
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact(),
                      Effective(r"^EVAL-EVIDENCE AV-21 a second thread spinning .*error 0;",
                                "both threads spin")),
         control={"aarch64": "hog", "x86_64": "hog"}),
]

# The rogue VMM as a storage client (eval-disk: attacker duet-personal, victim duet-work just
# after it on scripts/mkdisk's disk; eval-disk-granted, the control, swaps them).
CASES += [
    Case("DS-21", "DS", "a rogue storage client: requests outside its slice and its RAM",
         "copies its storage endpoint and doorbell with the victim's badge; polls its doorbell "
         "(its server thread's notification); speaks the block "
         "protocol itself with a queue it lays out in its RAM: rings past its "
         "RAM and 64 GiB below it; writes at its slice's end, across it, 16 sectors over it, at "
         "sector 2^55 (whose byte offset wraps to 0) and 2^64 - 1; a read at the end; a write "
         "from a buffer past its RAM — each carrying a marker",
         "the server refuses each (queue refused, or status IOERR) and writes nothing outside "
         "its slice: the victim's slice, read through QEMU after the run, has no marker",
         kind="rogue", disk="duet-work", steps=["DS-21 0"], granted_steps=["DS-21 1"],
         oracles=both(*SYSTEM, DiskClean(b"DUET-ROGUE-MARKER", "the victim's first 16 sectors "
                                         "hold no marker"),
                      Audit(r"storage: attacker: reset; so far \d+ requests",
                            "the storage server counted the attacker's requests"),
                      AttackerClaim()),
         control={"aarch64": "granted", "x86_64": "granted"}),
]

# A rogue storage server (test/eval/rogue/rogue_server.c): the root task starts it in place of the
# storage server in eval-rogue-server, both partitions its clients. It acts by itself at its
# start (nothing is typed): LP-30 and IF-30 before the partitions start, FI-30 on its clients'
# VMMs' first calls. The console starts its log lines with `storage: ` (its badge's name,
# hv/proto/console.h), so none passes for the root task's, a partition's or a VMM's (IF-30).
# Control "granted": rogue-server-granted, which aims LP-30's calls at what it holds and never
# answers its VMMs' first calls; IF-30's "rootlog": the same rogue server logging through the
# root task's own cap, untagged, as every device server did before the badges.
SERVER = dict(kind="rogue-server", steps=[], disk="duet-work",
              control={"aarch64": "granted", "x86_64": "granted"})
CASES += [
    Case("LP-30", "LP", "a rogue storage server: the kernel and the root task beyond its caps",
         "maps its device frame over the kernel's half, at a non-canonical address and at 0; "
         "copies and polls the root's ready notification; configures its thread above its "
         "priority; sc_configure, irq_get and debug_putc on every slot; 33 unknown system calls; "
         "signals the root's notification 10,000 times; receives on its log endpoint",
         "every call is refused; the root starts the partitions once, and they run",
         oracles=both(*SYSTEM, AttackerClaim()), **SERVER),
    Case("IF-30", "IF", "a rogue storage server: lines as a partition's, the root's, the kernel's",
         "writes log lines that start `[victim] `, `[victim:vmm] `, `[duet] `, `root: ` and "
         "`Duet: `", "each line is shown under a tag that names the server",
         oracles=both(MachineUp(), VictimHeartbeat(), NoForgery()),
         **dict(SERVER, control={"aarch64": "rootlog", "x86_64": "rootlog"})),
    Case("FI-30", "FI", "a rogue storage server: its clients' VMMs, with bogus replies and events",
         "answers the VMMs' calls with absurd limits (capacity and queue size 2^64 - 1, every "
         "feature), a label of 0xffff, or no words; fills their shared pages with ones and "
         "signals their event notifications 100,000 times each",
         "each VMM refuses what it can't use and runs on: the victim keeps its heartbeat, no "
         "VMM faults and no partition stops",
         oracles=both(*SYSTEM, NoRecord(r"^kernel: a thread faulted with no fault handler",
                                        "no thread faulted unhandled (a VMM that crashed)"),
                      NoRecord(r"^root: partition victim stopped", "the victim did not stop"),
                      Effective(r"^EVAL-EVIDENCE FI-30 \d+ calls answered with garbage",
                                "the VMMs' calls were answered with garbage")),
         **SERVER),
]

# --- The fourth round: calls outside the allowed set, invalid guest states, a crashing VMM,
# revoke batches ----------------------------------------------------------------------------------
CASES += [
    # x86_64: bare QEMU raises #UD for VMMCALL as Duet's VMM does (no configuration answers it
    # differently), so the control rests on the VMware backdoor, which QEMU's vmport answers.
    Case("LP-5", "LP", "firmware and hypercall numbers outside the allowed set",
         "AArch64: from EL0, HVC #0, HVC #1 and SMC with PSCI_VERSION, a SiP ID, SYSTEM_RESET "
         "and SYSTEM_OFF; from EL1, 20 function IDs no partition is offered over HVC #0 (PSCI MIGRATE, "
         "SYSTEM_SUSPEND, SYSTEM_RESET2, MEM_PROTECT, the SiP, OEM and vendor-hypervisor "
         "services, yielding and malformed IDs), PSCI_VERSION, PSCI_FEATURES and SMCCC_VERSION "
         "over HVC #1 and over SMC (not the conduit), last SYSTEM_OFF over HVC #1; x86_64: "
         "VMMCALL and VMCALL with 12 hypercall numbers (KVM's, Xen's, Hyper-V's, all ones) from "
         "ring 0 and from ring 3, then "
         "the VMware backdoor (IN from port 0x5658 with its magic: GETVERSION, GETRAMSIZE)",
         "each is answered as unknown (AArch64: from EL0 each an undefined instruction taken "
         "to EL1; from EL1 NOT_SUPPORTED, SMC undefined, recorded by the "
         "VMM; x86_64: #UD, the backdoor's port unknown, recorded by the VMM) and does nothing: "
         "the machine and the victim run on",
         oracles={"aarch64": SYSTEM + [Audit(r"^\[attacker:vmm\] attacker: cpu 0: smc \(esr ",
                                             "the VMM recorded the SMC it refused"),
                                       AttackerClaim()],
                  "x86_64": SYSTEM + [vmm_port_denied(0x5658), AttackerClaim()]},
         control={"aarch64": "bare", "x86_64": "bare"}),
    # AArch64's control is "hog" as FI-3's: an illegal return is the CPU's own business at EL1
    # (bare QEMU raises the same exception), so what the case shows can fail is the last step,
    # a guest spinning in its own exceptions for good, which only the budget bounds.
    Case("FI-5", "FI", "invalid guest states: illegal exception returns, non-canonical addresses",
         "AArch64: ERET at EL1 to EL2h, EL2t, EL3h, AArch32 SVC and HYP, a reserved mode and "
         "with PSTATE.IL set, then one with its vectors moved to nothing; x86_64: a load, a "
         "store and a jump at two non-canonical addresses, then the jump with an empty "
         "IDT (a triple fault)",
         "each illegal return stays at EL1 and raises the Illegal Execution State exception, "
         "each non-canonical access #GP in the guest; the last step stops only the "
         "attacker (AArch64: it spins on its budget; x86_64: its VMM resets the partition, "
         "recorded by the root); the machine and the victim run on",
         steps=["FI-5 1"],
         oracles={"aarch64": SYSTEM + [Audit(r"^\[attacker:vmm\] attacker: cpu 0: exception class "
                                             r"not handled \(esr 0x82", "the VMM recorded the "
                                             "instruction abort of the vectors at nothing"),
                                       AttackerClaim()],
                  "x86_64": SYSTEM + [root_event("reset", r"resets \(1\)"), AttackerClaim()]},
         control={"aarch64": "hog", "x86_64": "bare"}),
]

# The fourth round's rogue VMM cases (test/eval/rogue/rogue_attacks.c), in eval-rogue.
CASES += [
    # The control ("granted", arg1 = 1) runs the same path without the crash: the kernel's
    # record is then absent and the rogue's claim says it ran on. (A configuration where a
    # VMM's crash takes the machine down would be a kernel without its fault path.)
    Case("FI-20", "FI", "a rogue VMM that crashes",
         "executes an undefined instruction in the VMM itself, which has no fault handler",
         "the kernel suspends the VMM and records the fault (its line for a fault nobody "
         "handles); the machine, the root and the victim run on",
         steps=["FI-20 0"], granted_steps=["FI-20 1"],
         oracles=both(*SYSTEM,
                      Audit(r"^kernel: a thread faulted with no fault handler and is suspended: "
                            r"fault 2 at ", "the kernel recorded the VMM's undefined instruction"),
                      NoRecord(r"^root: partition victim stopped", "the victim did not stop"),
                      AttackerClaim()), **ROGUE),
    Case("AV-22", "AV", "a rogue VMM: revoke batches of what it holds, for good",
         "fills its cnode with a chain of copies of its address-space cap, revokes them all in "
         "one call and unmaps through every slot, in a loop for good",
         "the kernel's work is charged to the attacker's budget: the victim keeps its heartbeat",
         kind="rogue", steps=["AV-22"],
         oracles=both(MachineUp(), VictimHeartbeat(), CanaryIntact(),
                      Effective(r"^EVAL-EVIDENCE AV-22 1000 revoke batches of [1-9]\d copies "
                                r"\(last: error 0,", "1,000 batches of at least 10 copies "
                                "revoked")),
         control={"aarch64": "hog", "x86_64": "hog"}),
]

# The CI subset (ctest eval-<arch>): one case per way the harness's machinery judges (canary
# and monitor, the VMM's audit of memory, sanitization across a reset, the machine's power, the
# console's tags, the budget, a rogue VMM's image with its granted control), each with its
# control, and the ktest SEC cases; under 90 s per arch. The Linux cases and SEC-M1 have ctest
# tests of their own.
# A case's ci is True (both arches) or the arches it is in the subset for: x86_64's boots take
# about twice as long (QEMU's SVM under -icount), so there the subset keeps the cases whose
# code differs per arch (nested paging, the vcpu's reset, the power paths, the timer and
# budget) and leaves DS-2, IF-1 and IF-10, which test arch-independent code (the VMM's memory
# bus, the console server, the kernel's cap checks), to aarch64; likewise the ktest cases.
# DS-20 is in on both: the kernel's record of a fault nobody handles (kernel/thread.c) is its
# audit oracle, and the fault path is each arch's own; LP-1 on x86_64 for the kernel's record
# of a refused EFER write (arch/x86_64/svm_vcpu.c).
KTEST_CI = ["DS-10", "LP-10", "AV-10", "LP-11"]
CI = [c.id for c in CASES if c.ci] + KTEST_CI


def in_ci(case, arch):
    # The ktest cases on aarch64 only: ctest's sec-<arch> runs the same suite on both arches
    # (this keeps the harness's ktest path exercised without booting it 3 more times on x86_64).
    if case.id in KTEST_CI:
        return arch == "aarch64"
    return case.ci is True or (bool(case.ci) and arch in case.ci)


def find(case_id):
    for c in CASES:
        if c.id == case_id:
            return c
    return None
