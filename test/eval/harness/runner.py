"""Runs one case on one arch in a fresh machine, real or control, and judges it with its
oracles (docs/eval.md)."""

import os
import re
import struct
import subprocess
import time

from harness import disk, machine
from harness.oracles import (CANARY, Context, CtestVerdict, HEARTBEAT, MachineUp,
                             attacker_text)

AFTER_BEATS = 16        # victim beats (25 ms each) after the last step began before a run ends
HOG_WINDOW = 4.0        # hog controls: wall seconds after the attack began (>1 s of guest time)
# Wall seconds: a run ends long before them unless the machine hangs; under a load average of
# 10 on 2 cores a PC boot under -icount took 24 s and 16 beats 30 s more (DS-3, x86_64); a hog
# run ends HOG_WINDOW after its attack began, but its boot takes as long (AV-1, x86_64: 12 s
# was too short).
TIMEOUT = {"real": 150, "hog": 90, "bare": 60, "ktest": 90, "kmode": 30, "granted": 150,
           "keepregs": 150, "hog-resets": 240, "rootlog": 150}
KEY_WINDOW = 15.0       # hog-resets: wall seconds after the key for the other's reset
GUEST_FILE = {"aarch64": "arm64/eval-aarch64.img", "x86_64": "amd64/eval-x86_64.bzImage"}


class Result:
    """A case's outcome on one arch in one configuration ("real", "bare", "hog")."""

    def __init__(self, case, arch, config):
        self.case, self.arch, self.config = case, arch, config
        self.verdicts = []      # (oracle, Verdict)
        self.state = "SKIP"     # PASS (held), FAIL (breach or broken run), SKIP
        self.reason = ""
        self.seconds = 0.0
        self.log = ""
        self.broken = False     # the attack did not run: the run says nothing

    @property
    def breach(self):
        return any(v.ok is False for _, v in self.verdicts)


VICTIM_LINE = re.compile(r"^\[victim\] EVAL-VICTIM canary at 0x[0-9a-f]+ value 0x[0-9a-f]+ "
                         r"nonce 0x([0-9a-f]+)")
# The victim canary's host address each arch's last real run found: the bare control puts its
# canary there, so that DS-1 attacks the same address on both.
found_canary = {}


class GuestDriver:
    """Types each step at the attacker's next EVAL-READY (in a Duet system, once the victim has
    beaten: the attack then has a before), and says when the run has shown enough: in Duet,
    AFTER_BEATS victim beats after the last step began; on bare QEMU, the last attack's end."""

    def __init__(self, case, values, bare, wait_victim, host_ram, steps=None):
        self.steps, self.values, self.host_ram = steps or case.steps, values, host_ram
        self.id, self.bare, self.wait_victim = case.id, bare, wait_victim
        self.victim_up = not wait_victim
        self.ready_seen = 0
        self.typed = 0
        self.last_start = None
        self.beats_after = 0
        self.finished = False
        # hog: the victim is not expected to beat at all; the run ends HOG_WINDOW seconds after
        # the attack began instead of at the time limit (0: no such window).
        self.window = 0.0
        self.started_at = None
        # A case whose attack takes a while and then reports (SA-4's watch) runs to its end.
        self.until_done = case.extra.get("until_done", False)
        self.attack_done = False
        # Whose lines are the attacker's: a rogue server's are untagged (oracles.attacker_text).
        self.ctx_for_lines = Context(case.id, bare, server=case.kind == "rogue-server")

    def __call__(self, run):
        line = run.lines[-1][1]
        m = VICTIM_LINE.match(line)
        if m and not self.bare:
            self.find_canary(run, int(m.group(1), 16))
        if HEARTBEAT.match(line):
            self.victim_up = True
            if self.last_start is not None:
                self.beats_after += 1
                self.finished = self.beats_after >= AFTER_BEATS and (self.attack_done or
                                                                     not self.until_done)
        t = attacker_text(line, self.ctx_for_lines)
        if t is None:
            return None
        if t.startswith(f"EVAL-ATTACK {self.id} start") and self.typed == self.last_line_step():
            self.last_start = len(run.lines)
            self.started_at = time.monotonic()
        if self.last_start is not None and t.startswith(f"EVAL-ATTACK {self.id} done"):
            self.attack_done = True
            self.finished = self.finished or self.bare
        if t.startswith("EVAL-READY"):
            self.ready_seen += 1
        self.attacker_line = t
        return self.maybe_type()

    @property
    def done(self):
        """Polled by the machine's loop even when no line comes (a starved victim)."""
        return self.finished or (self.window > 0 and self.started_at is not None and
                                 time.monotonic() - self.started_at > self.window)

    def last_line_step(self):
        """How many steps are typed once the last attack line (not an inline step) is."""
        lines = [i for i, s in enumerate(self.steps) if not isinstance(s, tuple)]
        return lines[-1] + 1 if lines else 0

    def find_canary(self, run, nonce):
        """The victim's canary in host memory, by the canary and its nonce side by side."""
        needle = struct.pack("<QQ", CANARY, nonce)
        try:
            addr = run.monitor().find(*self.host_ram, needle)
        except OSError as e:
            run.note(f"harness: monitor search failed: {e}")
            return
        self.values["nonce"] = nonce
        if addr is not None:
            self.values["canary_host"] = addr
        run.note("harness: victim canary at host address "
                 + (f"{addr:#x}" if addr is not None else "NOT FOUND"))

    def maybe_type(self):
        """A step is a line typed at the attacker's next EVAL-READY, or (regex, bytes): bytes
        typed as they are once an attacker's line matches regex (while an attack runs)."""
        if self.typed >= len(self.steps) or not self.victim_up:
            return None
        step = self.steps[self.typed]
        if isinstance(step, tuple):
            line, self.attacker_line = getattr(self, "attacker_line", None), None
            if line is None or not re.search(step[0], line):
                return None
            self.typed += 1
            return step[1]
        if self.ready_seen <= self.typed - self.inline_steps():
            return None
        if any("{" + k in step and k not in self.values for k in ("canary_host", "nonce")):
            return None
        self.typed += 1
        return step.format(**self.values).encode() + b"\r"

    def inline_steps(self):
        return sum(isinstance(s, tuple) for s in self.steps[:self.typed])


class DeferredDriver(GuestDriver):
    """The same, but a step held back for the victim's first beat is typed at that beat."""

    def __call__(self, run):
        typed = super().__call__(run)
        return typed if typed else self.maybe_type()


def run_guest_case(case, arch, config, opts, cat, log):
    values = {"canary": CANARY, "ram_end": cat.RAM_BASE[arch] + cat.RAM_SIZE,
              "ram_size": cat.RAM_SIZE,
              "plant": cat.RAM_BASE[arch] + cat.PLANT_OFFSET}
    bare = config == "bare"
    disk_copy = None
    if bare:
        ctx_canary = found_canary.get(arch, cat.BARE_CANARY[arch])
        values["canary_host"] = ctx_canary
        guest = os.path.join(opts.build, "guests", GUEST_FILE[arch])
        loader = ["-device", f"loader,addr={ctx_canary:#x},data={CANARY:#x},data-len=8"]
        cmd = machine.bare_command(arch, guest, "eval.role=attacker", extra=loader)
        if case.extra.get("bare_reboot"):
            cmd.remove("-no-reboot")
    else:
        # A rogue case runs in the images whose attacker has the rogue VMM (test/eval/rogue).
        # keepregs: the attacker's VMM built not to reset its vcpu after a guest reset.
        image = {"real": "eval-pair", "hog": "eval-hog", "granted": "eval-pair",
                 "keepregs": "eval-keepregs", "rootlog": "eval-pair"}[config]
        if case.kind == "rogue":
            image = image.replace("eval-pair", "eval-rogue").replace("eval-hog", "eval-rogue-hog")
        if case.extra.get("disk"):
            image = "eval-disk-granted" if config == "granted" else "eval-disk"
        # A rogue storage server's cases: both partitions its clients (their disk attached).
        if case.kind == "rogue-server":
            image = {"granted": "eval-rogue-server-granted",
                     "rootlog": "eval-rogue-server-rootlog"}.get(config, "eval-rogue-server")
        cmd = machine.duet_command(arch, os.path.join(opts.build, arch, "images", image + ".elf"))
        if case.extra.get("disk"):
            disk_copy = disk.private_copy(arch, log + ".disk")
            cmd += disk.qemu_args(arch, disk_copy)
            values["disk_region"] = disk.slice_start(disk_copy, case.extra["disk"], 16)
    # A case may type other lines in its control: bare_steps (SA-2's plant and look without the
    # reset that bare QEMU's would clear the registers with), granted_steps (a rogue case aimed
    # at what it was given on purpose).
    steps = case.extra.get(f"{config}_steps")
    driver = DeferredDriver(case, values, bare, config in ("real", "granted", "keepregs", "rootlog"),
                            cat.HOST_RAM[arch], steps)
    if config == "hog" or (case.kind == "rogue-server" and config == "granted"):
        driver.window = HOG_WINDOW  # the rogue server's control holds the VMMs: no beats
    canary = lambda: [values["canary_host"]] if "canary_host" in values else []  # noqa: E731
    run = machine.run_machine(cmd, log, TIMEOUT[config], driver, peek=canary)
    if "disk_region" in values:  # QEMU has stopped: its writes are in the file
        offset, length = values["disk_region"]
        with open(disk_copy, "rb") as f:
            f.seek(offset)
            run.disk[(offset, length)] = f.read(length)
        os.unlink(disk_copy)
    if config == "real" and "canary_host" in values:
        found_canary[arch] = values["canary_host"]
    return (run, Context(case.id, bare, values.get("canary_host"), values, case.kind == "rogue",
                         case.kind == "rogue-server"),
            driver.typed == len(driver.steps))


class UntilLine:
    def __init__(self, pattern):
        self.pattern, self.done = re.compile(pattern), False

    def __call__(self, run):
        self.done = self.done or bool(self.pattern.search(run.lines[-1][1]))


def run_kernel_case(case, arch, opts, log, config="real"):
    if case.kind == "ktest":
        kernel = os.path.join(opts.build, arch, "kernel", "duet-test.elf")
        # granted: the suite that runs the same attacks with the access given on purpose.
        suite = case.extra["granted_suite" if config == "granted" else "suite"]
        driver, append, timeout = UntilLine(r"^SUMMARY: "), f"duet.test={suite}", TIMEOUT["ktest"]
    else:
        kernel = os.path.join(opts.build, arch, "kernel", "duet.elf")
        driver, append, timeout = UntilLine(r"^(?!)"), f"duet.test={case.extra['mode']}", TIMEOUT["kmode"]
    run = machine.run_machine(machine.duet_command(arch, kernel, append), log, timeout, driver)
    return run, Context(case.id, False)


def run_ctest_case(case, arch, opts, log):
    name = case.extra["test"].format(arch=arch)
    start = time.monotonic()
    proc = subprocess.run(["ctest", "-R", f"^{name}$", "--output-on-failure"], cwd=opts.build,
                          capture_output=True, text=True)
    run = machine.Run()
    out = proc.stdout.splitlines() + proc.stderr.splitlines()
    test_log = os.path.join(opts.build, "qemu-logs", f"{name}.log")
    if os.path.exists(test_log):
        with open(test_log, errors="replace") as f:
            out += [l.rstrip("\r\n") for l in f]
    run.lines = [(0.0, l) for l in out]
    run.status, run.ended = proc.returncode, "exited"
    run.seconds, run.log = time.monotonic() - start, test_log
    if "No tests were found" in proc.stdout:
        run.status = None
    with open(log, "w") as f:
        f.write("\n".join(out) + "\n")
    return run, Context(case.id, False)


def run_linux_bare(case, arch, opts, log):
    """A Linux case's control: partition personal's Debian kernel, initramfs and command line on
    plain QEMU with the platform's 1 GiB of RAM (AArch64 virt at EL1, a PC through SeaBIOS),
    told with mem= that its RAM is the partition's: memory past the RAM it knows is there to be
    read, as it would be without stage 2 / nested paging. Runs until the scenario's end."""
    image = case.extra["image"]
    payload = os.path.join(opts.build, arch, "images", image, "payload")
    with open(os.path.join(payload, "bootfs.list")) as f:
        files = dict(l.rstrip("\n").split("=", 1) for l in f)
    kernel = next(p for n, p in files.items() if n.startswith("vmlinuz"))
    initramfs = next(p for n, p in files.items() if n.startswith("initramfs"))
    with open(os.path.join(opts.build, "test", "qemu", "manifests", f"{image}-{arch}.dts")) as f:
        personal = re.search(r"personal \{(.*?)\};", f.read(), re.S).group(1)
    bootargs = re.search(r'bootargs = "([^"]*)"', personal).group(1)
    ram = int(re.search(r"memory = <0x0 (0x[0-9a-f]+)>", personal).group(1), 16)
    cmd = machine.bare_command(arch, kernel, f"{bootargs} mem={ram >> 20}M",
                               extra=["-initrd", initramfs])
    cmd.remove("-icount")
    cmd.remove("shift=0,sleep=off")  # a Debian boot; nothing here is timed
    run = machine.run_machine(cmd, log, 120, UntilLine(case.extra["bare_until"]))
    return run, Context(case.id, True)


class KeyAfterFlood:
    """Types key once a line matching flood_done appears (the flood's end), then ends the run at
    the other partition's served reset, or KEY_WINDOW seconds after the key."""

    def __init__(self, flood_done, key, served):
        self.flood_done, self.served = re.compile(flood_done), re.compile(served)
        self.key, self.typed_at, self.finished = key, None, False

    def __call__(self, run):
        line = run.lines[-1][1]
        if self.typed_at is None and self.flood_done.search(line):
            self.typed_at = time.monotonic()
            run.note("harness: the flood ended; typing the key")
            return self.key
        if self.typed_at is not None and self.served.search(line):
            self.finished = True
        return None

    @property
    def done(self):
        return self.finished or (self.typed_at is not None and
                                 time.monotonic() - self.typed_at > KEY_WINDOW)


def run_resets_hog(case, arch, opts, log):
    """AV-11's control: its system with the resetting partition given the whole CPU above the
    other on purpose (eval-sec-m1-hog); the key is typed for the other once the resets are done,
    as sec-m1 does."""
    image = os.path.join(opts.build, arch, "images", case.extra["hog_image"] + ".elf")
    driver = KeyAfterFlood(case.extra["flood_done"], case.extra["key"],
                           r"^root: partition waiter resets \(1\)$")
    run = machine.run_machine(machine.duet_command(arch, image), log, TIMEOUT["hog-resets"], driver)
    return run, Context(case.id, False)


def per_arch(oracles, arch):
    return oracles.get(arch, []) if isinstance(oracles, dict) else oracles


def run_linux_hog(case, arch, opts, log):
    """A Linux availability case's control: its system image with personal's budget taken off
    (<image>-hog, test/qemu/linux.cmake), for a bounded time after the spinner starts."""
    image = os.path.join(opts.build, arch, "images", case.extra["hog_image"] + ".elf")
    cmd = machine.platform_args(arch) + ["-kernel", image]  # as the Linux tests: no -icount
    run = machine.run_machine(cmd, log, case.extra["hog_seconds"], UntilLine(r"^(?!)"))
    return run, Context(case.id, False)


def run_case(case, arch, config, opts, cat):
    """Runs and judges one case; config is "real", or the case's control for this arch."""
    r = Result(case, arch, config)
    os.makedirs(opts.logs, exist_ok=True)
    log = os.path.join(opts.logs, f"{case.id}-{arch}-{config}.log")
    r.log = log
    complete = True
    if config in ("bare-linux", "hog-linux", "hog-resets"):
        run, ctx = {"bare-linux": run_linux_bare, "hog-linux": run_linux_hog,
                    "hog-resets": run_resets_hog}[config](case, arch, opts, log)
        oracles = per_arch(case.extra["control_oracles"], arch)
        # hog-resets: without the flood's end the key was never typed: nothing was shown.
        complete = config != "hog-resets" or any(
            re.search(case.extra["flood_done"], l) for l in run.texts())
    elif case.kind in ("guest", "rogue", "rogue-server"):
        if case.extra.get("disk") and not os.path.exists(disk.image(arch)):
            r.state, r.reason = "SKIP", f"no disk image {disk.image(arch)}: scripts/mkdisk --arch {arch}"
            return r
        run, ctx, complete = run_guest_case(case, arch, config, opts, cat, log)
        oracles = case.oracles_for(arch)
    elif case.kind in ("ktest", "kmode"):
        run, ctx = run_kernel_case(case, arch, opts, log, config)
        oracles = case.oracles_for(arch)
    else:
        run, ctx = run_ctest_case(case, arch, opts, log)
        if run.status is None:
            r.state, r.reason = "SKIP", f"no ctest test {case.extra['test'].format(arch=arch)}"
            return r
        # real_oracles: checks of the harness's own on the test's log, beside its verdict.
        oracles = [CtestVerdict()] + per_arch(case.extra.get("real_oracles", []), arch)
    r.seconds = run.seconds
    r.verdicts = [(o, o.judge(ctx, run)) for o in oracles]
    started = case.kind not in ("guest", "rogue", "rogue-server") or any(
        (attacker_text(l, ctx) or "").startswith(f"EVAL-ATTACK {case.id} start")
        for l in run.texts())
    if not started or not complete:
        r.state = "FAIL"
        why = "not every step was typed" if not complete else "no start line"
        if config == "hog-resets":
            why = "the resets did not reach the flood's end"
        r.reason = f"the attack did not run ({why}; QEMU {run.ended}): a vacuous run"
        if not any(isinstance(o, MachineUp) for o in oracles):
            r.verdicts.append((MachineUp(), MachineUp().judge(ctx, run)))
        r.broken = True
        return r
    r.state = "FAIL" if r.breach else "PASS"
    failed = [f"{o.name}: {v.detail}" for o, v in r.verdicts if v.ok is False]
    held = [o.name for o, v in r.verdicts if v.ok]
    r.reason = "; ".join(failed) if failed else f"{', '.join(held)} held"
    return r
