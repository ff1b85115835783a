#!/usr/bin/env python3
"""kbd-attack-<arch> (docs/trusted-path.md, "Tests"): while personal has the focus and reads its
keyboard (the `keys` scenario), work attacks its own "Duet keyboard" (the `kbd-attack`
scenario): each round it releases the device's virtio-mmio window from its kernel, floods it with
devmem (every register read; QueueSel, QueueNum, ring addresses, QueueReady, QueueNotify,
InterruptACK and Status of garbage), binds it again (a device reset) and unbinds/binds the
virtio_input driver; one key is typed (QMP) per round. Personal must read every key, in order,
nothing more; work none. After the attack one more key goes to personal, then Ctrl+Alt+F12 gives
work the focus and its re-bound keyboard must read the next key. No kernel, VMM or server fault.

--focus-attacker (the check that the test can fail) types Ctrl+Alt+F12 first: the keys then go
to the attacker and the test must FAIL.

usage: kbd_attack.py --arch A --kernel IMAGE.elf --log LOG [--timeout S] [--focus-attacker]
                     -- <more duet-qemu args>"""

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
# One key per attack round: q w e r t y u i (Linux codes 16..23); then o (24) to personal
# after the attack, p (25) to work after the focus moved.
ROUND_KEYS = ["q", "w", "e", "r", "t", "y", "u", "i"]
WANT = {"personal": [(c, v) for c in range(16, 25) for v in (1, 0)], "work": [(25, 1), (25, 0)]}
HARM = re.compile(r"^FATAL: |Kernel panic - not syncing|^root: partition (work|personal) "
                  r"(resets|stopped)|^keyboard: .*(broke a rule|stopped)|: vcpu \d+: fault|"
                  r"^\[(work|personal)\] .*(Unhandled fault|Oops|BUG: |general protection)")


def lines(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    return [l.rstrip("\r") for l in data.decode("utf-8", "replace").split("\n")[:-1]]


def wait_for(path, pattern, proc, timeout, after=None):
    """Until a complete line matches pattern (after the first line matching `after`, if given),
    or QEMU ended, or the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        have = lines(path)
        start = 0
        if after:
            start = next((i for i, l in enumerate(have) if re.search(after, l)), None)
        if start is not None and any(re.search(pattern, l) for l in have[start:]):
            return True
        time.sleep(0.2)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--focus-attacker", action="store_true")
    ap.add_argument("rest", nargs="*")
    opts = ap.parse_args()
    qmp_path = opts.log + ".qmp"
    for p in (qmp_path, opts.log):
        if os.path.exists(p):
            os.unlink(p)
    done = r"^\[work\] DUET-EVREAD work (KEY 25 0|done|timeout)"
    cmd = ["python3", os.path.join(ROOT, "scripts", "duet-qemu"), "test", "--arch", opts.arch,
           "--kernel", opts.kernel, "--log", opts.log, "--timeout", str(opts.timeout),
           "--qmp", qmp_path, "--until", done] + opts.rest
    proc = subprocess.Popen(cmd)
    steps = [(r"^\[personal\] DUET-EVREAD personal ready", None, None, opts.timeout)]
    if opts.focus_attacker:
        steps.append((r"^\[personal\] DUET-EVREAD personal ready", None, "ctrl-alt-f12", 60))
    for i, k in enumerate(ROUND_KEYS):
        steps.append((r"^\[work\] DUET-KATTACK work round %d " % (i + 2), None, k, opts.timeout))
    steps += [
        (r"^\[work\] DUET-EVREAD work ready", r"^\[work\] DUET-KATTACK work attack-done", "o",
         opts.timeout),
        (r"^\[personal\] DUET-EVREAD personal KEY 24 0", None, "ctrl-alt-f12", 60),
        (r"^\[duet\] focus: work$", None, "p", 60),
    ]
    problems = []
    try:
        qmp = None
        for pattern, after, combo, timeout in steps:
            if not wait_for(opts.log, pattern, proc, timeout, after):
                problems.append("no line matching %s before %s" % (pattern, combo))
                break
            if combo:
                qmp = qmp or Qmp(qmp_path)
                qmp.send_key(combo, hold_ms=50)
                print("kbd_attack: typed %s" % combo, flush=True)
        if qmp:
            qmp.close()
    except QmpError as e:
        problems.append("QMP: %s" % e)
    status = proc.wait()
    if status:
        problems.append("duet-qemu failed (%d)" % status)
    text = lines(opts.log)

    def verdict(ok, what, detail):
        print("%s: %s-%s %s" % ("PASS" if ok else "FAIL", what, opts.arch, detail), flush=True)
        if not ok:
            problems.append("%s: %s" % (what, detail))

    # The attack happened: every round ran, and the flood reached the device's window
    # (its MagicValue "virt" read back through devmem).
    rounds = [l for l in text if re.search(r"^\[work\] DUET-KATTACK work round \d+ ", l)]
    magic = [l for l in text if re.search(r"^\[work\] DUET-DEVMEM work 0x[0-9a-f]+ 32 -> rc=0 "
                                          r"0x74726976", l)]
    verdict(len(rounds) == 10 and len(magic) >= 10, "KATTACK-ATTACKED",
            "%d rounds, %d MagicValue reads through devmem" % (len(rounds), len(magic)))
    # The register page: the attacker's store of all ones to InterruptStatus never shows in
    # its load after it (a valid status is 0-3), in every round.
    isr = [l.split()[-1] for l in text
           if re.search(r"^\[work\] DUET-KATTACK work isr-after-store ", l)]
    verdict(len(isr) == 10 and all(re.fullmatch(r"0x0*[0-3]", v) for v in isr),
            "KATTACK-PAGE-READ-ONLY", "InterruptStatus after a store of 0xffffffff: %s" % isr)
    got = {"personal": [], "work": []}
    for l in text:
        m = KEY.search(l)
        if not m:
            continue
        if m.group(1) != m.group(2):
            problems.append("a line tagged %s names %s: %s" % (m.group(1), m.group(2), l))
        if int(m.group(4)) != 2:  # a repeat of the guest's own (none is offered) aside
            got[m.group(1)].append((int(m.group(3)), int(m.group(4))))
    for name, want in WANT.items():
        verdict(got[name] == want, "KATTACK-KEYS-" + name.upper(),
                "read %s, want %s" % (got[name], want))
    harm = [l for l in text if HARM.search(l)]
    verdict(not harm, "KATTACK-NO-HARM", "no kernel, VMM, server or guest fault, no reset"
            + (" (saw: %s)" % harm[0] if harm else ""))
    for p in problems:
        print("kbd_attack: FAILED: %s" % p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
