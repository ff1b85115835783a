#!/usr/bin/env python3
"""keys-bare-<arch> (docs/trusted-path.md, "Guests"): the guest side of the keyboard on bare QEMU
(no Duet): a Debian guest with QEMU's own virtio keyboard (virtio-keyboard-device on virt's
virtio-mmio, virtio-keyboard-pci on q35) runs the `keys` scenario (test/guest/scenarios.sh);
keys typed through QMP's send-key (scripts/qmp.py) must reach duet-evread's /dev/input/event*
read key by key, in order. Shows that the initramfs's virtio_input and evdev modules bind a
virtio-input keyboard and that duet-evread finds it by name and reads it: what the partitions'
own keyboard (the VMM's "Duet keyboard") relies on.

usage: keys_bare.py --arch A --kernel VMLINUZ --initramfs CPIO --out DIR [--timeout S]"""

import argparse
import os
import re
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "scripts"))
from qmp import Qmp, QmpError  # noqa: E402

GUEST = "work"
DEVICE_NAME = "QEMU Virtio Keyboard"
READY = re.compile(r"DUET-EVREAD " + GUEST + r" ready (/dev/input/event\d+)")
ABSENT = re.compile(r"DUET-EVREAD " + GUEST + r" absent")
KEY = re.compile(r"DUET-EVREAD " + GUEST + r" KEY (\d+) (\d+)")
INPUT = re.compile(r"DUET-INPUT " + GUEST + r" (event\d+) (.*)$")
MODULE_FAILED = re.compile(r"DUET-MODULE-FAILED " + GUEST + r" (virtio_input|evdev)\b")

# What is typed, and the evdev events each gives (Linux's input-event-codes.h): presses in
# order, releases in reverse (send-key's order).
TYPED = [
    ("a", [(30, 1), (30, 0)]),
    ("s", [(31, 1), (31, 0)]),
    ("shift-1", [(42, 1), (2, 1), (2, 0), (42, 0)]),
    ("ctrl-alt-f12", [(29, 1), (56, 1), (88, 1), (88, 0), (56, 0), (29, 0)]),
    ("enter", [(28, 1), (28, 0)]),
]


def qemu_command(arch, kernel, initramfs, qmp_path):
    # duet.keys: more than typed, so that the guest's own autorepeat (value 2, which QEMU's
    # keyboard asks for with EV_REP) can't end the read early; the test stops when it has all.
    args = ("panic=-1 duet.name=%s duet.scenario=keys duet.kbd=%s duet.keys=200,600"
            % (GUEST, DEVICE_NAME.replace(" ", "_")))
    if arch == "aarch64":
        # virtio_input needs VERSION_1: QEMU 7.2's virtio-mmio is legacy unless told.
        machine = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a76",
                   "-global", "virtio-mmio.force-legacy=false"]
        kbd = "virtio-keyboard-device"
        args = "console=ttyAMA0 " + args
    else:
        machine = ["qemu-system-x86_64", "-M", "q35", "-cpu", "qemu64"]
        kbd = "virtio-keyboard-pci"
        args = "console=ttyS0 nokaslr reboot=t " + args
    return machine + ["-m", "512", "-nic", "none", "-device", kbd,
                      "-kernel", kernel, "-initrd", initramfs, "-append", args,
                      "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                      "-qmp", "unix:%s,server=on,wait=off" % qmp_path]


class Console:
    """The guest's serial console: lines as they come, all of them logged."""

    def __init__(self, proc, log):
        self.proc, self.log, self.buf = proc, log, b""

    def lines(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return []
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            raise EOFError("QEMU ended")
        self.log.write(data)
        self.log.flush()
        self.buf += data
        *complete, self.buf = self.buf.split(b"\n")
        return [raw.decode("utf-8", "replace").rstrip("\r") for raw in complete]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True, choices=["aarch64", "x86_64"])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initramfs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    opts = ap.parse_args()
    os.makedirs(opts.out, exist_ok=True)
    qmp_path = os.path.join(opts.out, "keys-bare-%s.qmp" % opts.arch)
    if os.path.exists(qmp_path):
        os.unlink(qmp_path)
    console_log = os.path.join(opts.out, "keys-bare-%s.log" % opts.arch)
    cmd = qemu_command(opts.arch, opts.kernel, opts.initramfs, qmp_path)
    expected = [e for _, events in TYPED for e in events]
    checks = {}
    inputs, got, repeats, node = [], [], 0, None
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        with open(console_log, "wb") as log:
            con = Console(proc, log)
            # Until duet-evread has the keyboard open: then QEMU's keyboard is the active one
            # (its driver is up) and every key from now on reaches the node.
            while node is None and time.monotonic() - start < opts.timeout:
                for line in con.lines(0.5):
                    m = INPUT.search(line)
                    if m:
                        inputs.append(m.group(2).strip())
                    if MODULE_FAILED.search(line):
                        checks["KEYS-MODULES"] = (False, line)
                    if ABSENT.search(line):
                        raise EOFError("duet-evread found no '%s'" % DEVICE_NAME)
                    m = READY.search(line)
                    if m:
                        node = m.group(1)
            if node is None:
                raise EOFError("no DUET-EVREAD ready line in %.0f s" % opts.timeout)
            qmp = Qmp(qmp_path)
            for combo, _ in TYPED:
                qmp.send_key(combo, hold_ms=50)
                time.sleep(0.3)
            deadline = time.monotonic() + 60
            while len(got) < len(expected) and time.monotonic() < deadline:
                for line in con.lines(0.5):
                    m = KEY.search(line)
                    if not m:
                        continue
                    code, value = int(m.group(1)), int(m.group(2))
                    if value == 2:
                        repeats += 1  # the guest's own autorepeat of a held key
                    else:
                        got.append((code, value))
            qmp.close()
    except (EOFError, QmpError, OSError) as e:
        checks.setdefault("KEYS-RUN", (False, str(e)))
    finally:
        proc.kill()
        proc.wait()
    checks.setdefault("KEYS-MODULES", (True, "virtio_input and evdev loaded"))
    checks.setdefault("KEYS-RUN", (True, "QEMU ran, QMP answered"))
    checks["KEYS-DEVICE"] = (DEVICE_NAME in inputs and node is not None,
                             "input devices %s; evread on %s" % (inputs, node))
    checks["KEYS-EVENTS"] = (got == expected,
                             "%d of %d events in order (%d repeats ignored); got %s"
                             % (sum(1 for a, b in zip(got, expected) if a == b), len(expected),
                                repeats, got))
    failed = 0
    for name in ("KEYS-RUN", "KEYS-MODULES", "KEYS-DEVICE", "KEYS-EVENTS"):
        ok, what = checks[name]
        print("%s: %s-%s %s" % ("PASS" if ok else "FAIL", name, opts.arch, what))
        failed += not ok
    print("keys_bare: %.0f s, console log %s" % (time.monotonic() - start, console_log))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
