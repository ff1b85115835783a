#!/usr/bin/env python3
"""kbd-keys-<arch> (docs/trusted-path.md): keys typed on the machine's keyboard (QMP) reach the
partition with focus and no other, end to end through Duet: the i8042 (q35) or virtio keyboard
(virt), the keyboard server's core, each partition's "Duet keyboard" (its VMM's virtio-input
device) and duet-evread reading the guest's /dev/input/event* (the `keys` scenario). Both
partitions read their keyboard; "a" goes to personal (it has focus), Ctrl+Alt+F12 moves the
focus, "s" goes to work; then Ctrl-T 1 on the serial console (duet-qemu --send, from the
test's arguments) moves the same focus back and "d" goes to personal. Neither guest sees any
event of the combination.

usage: kbd_keys.py --arch A --kernel IMAGE.elf --log LOG [--timeout S] -- <more duet-qemu args>"""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from qmp import Qmp, QmpError  # noqa: E402

KEY = re.compile(r"^\[(personal|work)\] DUET-EVREAD (personal|work) KEY (\d+) (\d+)")
# What each partition must read, in order (Linux's key codes: a 30, s 31), repeats aside.
WANT = {"personal": [(30, 1), (30, 0), (32, 1), (32, 0)], "work": [(31, 1), (31, 0)]}


def lines(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    return [l.rstrip("\r") for l in data.decode("utf-8", "replace").split("\n")[:-1]]


def wait_for(path, patterns, proc, timeout):
    """Until every pattern matched some complete line (or QEMU ended, or the time ran out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        have = lines(path)
        if all(any(re.search(p, l) for l in have) for p in patterns):
            return True
        time.sleep(0.2)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("rest", nargs="*")
    opts = ap.parse_args()
    qmp_path = opts.log + ".qmp"
    for p in (qmp_path, opts.log):
        if os.path.exists(p):
            os.unlink(p)
    done = r"^\[personal\] DUET-EVREAD personal KEY 32 0"
    cmd = ["python3", os.path.join(ROOT, "scripts", "duet-qemu"), "test", "--arch", opts.arch,
           "--kernel", opts.kernel, "--log", opts.log, "--timeout", str(opts.timeout),
           "--qmp", qmp_path, "--until", done] + opts.rest
    proc = subprocess.Popen(cmd)
    steps = [
        ([r"^\[personal\] DUET-EVREAD personal ready", r"^\[work\] DUET-EVREAD work ready"],
         "a", opts.timeout),
        ([r"^\[personal\] DUET-EVREAD personal KEY 30 0"], "ctrl-alt-f12", 60),
        ([r"^\[duet\] focus: work$"], "s", 60),
        ([r"^\[duet\] focus: personal$"], "d", 60),  # after the console's Ctrl-T 1
    ]
    problems = []
    try:
        qmp = None
        for patterns, combo, timeout in steps:
            if not wait_for(opts.log, patterns, proc, timeout):
                problems.append("no line matching %s before %s" % (" and ".join(patterns), combo))
                break
            qmp = qmp or Qmp(qmp_path)
            qmp.send_key(combo, hold_ms=50)
            print("kbd_keys: typed %s" % combo, flush=True)
        if qmp:
            qmp.close()
    except QmpError as e:
        problems.append("QMP: %s" % e)
    status = proc.wait()
    if status:
        problems.append("duet-qemu failed (%d)" % status)
    got = {"personal": [], "work": []}
    for l in lines(opts.log):
        m = KEY.search(l)
        if not m:
            continue
        if m.group(1) != m.group(2):
            problems.append("a line tagged %s names %s: %s" % (m.group(1), m.group(2), l))
        if int(m.group(4)) != 2:  # a repeat of the guest's own (none is offered) aside
            got[m.group(1)].append((int(m.group(3)), int(m.group(4))))
    for name, want in WANT.items():
        ok = got[name] == want
        print("%s: KEYS-%s-%s read %s, want %s" % ("PASS" if ok else "FAIL", name.upper(),
                                                   opts.arch, got[name], want))
        if not ok:
            problems.append("%s read %s" % (name, got[name]))
    for p in problems:
        print("kbd_keys: FAILED: %s" % p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
