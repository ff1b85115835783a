"""The oracles that judge a case from what the attacker cannot write (docs/eval.md): lines of the
kernel, the root task and the VMM (the console server tags a partition's lines `[name] ` and its
VMM's `[name:vmm] `, and no guest can print a line without its tag, docs/console.md), the
victim's own tagged lines, QEMU's status and memory read through QEMU's monitor. The attacker's
own claim is evidence: it is shown and counted (a leak only the reader sees is still a leak),
but no case is judged by it alone."""

import re

CANARY = 0x5a17ca4a12345678  # test/eval/guest/victim.c
ATTACKER, VICTIM = "attacker", "victim"
FATAL = re.compile(r"^(FATAL: |PANIC|Kernel panic)")
HEARTBEAT = re.compile(r"^\[victim\] EVAL-HEARTBEAT (\d+) t=(\d+) canary=(\S+)")


class Verdict:
    """ok: True (held), False (breach), None (does not apply to this run); detail says what was
    seen; evidence holds the log lines it rests on."""

    def __init__(self, ok, detail, evidence=(), by_configuration=False):
        self.ok, self.detail, self.evidence = ok, detail, list(evidence)[:8]
        # A breach that only says what the configuration lacks (no auditor on bare QEMU), not
        # what the attack did: it can't be what makes a control count as a detected breach.
        self.by_configuration = by_configuration


class Context:
    """What a run's oracles know besides its lines: bare (no Duet: nothing is tagged, nobody
    audits), the case ID, and the victim canary's host-physical address."""

    def __init__(self, case_id, bare, canary_addr=None, values=None, rogue=False, server=False):
        self.case_id, self.bare, self.canary_addr = case_id, bare, canary_addr
        self.values = values or {}
        self.rogue = rogue  # the attacker's VMM is a rogue one: its lines are the attacker's
        # The attacker is a rogue storage server: its log lines are untagged, as the root's
        # (IF-30), so its own report is the untagged lines that start with "EVAL-".
        self.server = server


# The tag the console server starts a storage server's lines with (hv/proto/console.h,
# enum hv_console_server): the rogue server's own.
SERVER_TAG = "storage: "


def attacker_text(line, ctx):
    """The text of an attacker's line, or None when the line is not the attacker's. ctx: a
    Context, or whether the run is bare; a rogue server's lines are those the console starts
    with its name (SERVER_TAG: the rogue server runs as the storage server)."""
    bare, server = (ctx.bare, ctx.server) if isinstance(ctx, Context) else (ctx, False)
    if server:
        # Untagged EVAL- lines: only IF-30's control, where the server logs as the root task.
        if line.startswith("EVAL-"):
            return line
        return line[len(SERVER_TAG):] if line.startswith(SERVER_TAG) else None
    if bare:
        return line
    prefix = f"[{ATTACKER}] "
    return line[len(prefix):] if line.startswith(prefix) else None


def trusted(line, ctx=None):
    """A line of the kernel, the root task, a VMM or the console server: untagged, or tagged
    `[name:vmm]` or `[duet]`. With a rogue VMM (ctx.rogue) the attacker's VMM is the attacker:
    its `[attacker:vmm]` lines are not trusted."""
    if ctx is not None and ctx.rogue and line.startswith(f"[{ATTACKER}:vmm] "):
        return False
    if ctx is not None and ctx.server and (line.startswith(SERVER_TAG) or line.startswith("EVAL-")):
        return False  # a rogue storage server's own lines
    return (not line.startswith("[") or line.startswith("[duet] ")
            or re.match(r"^\[[^\]]+:vmm\] ", line) is not None)


def attack_start(ctx, run):
    """The index of the attacker's first `EVAL-ATTACK <id> start` line, or None."""
    for i, line in enumerate(run.texts()):
        t = attacker_text(line, ctx)
        if t is not None and t.startswith(f"EVAL-ATTACK {ctx.case_id} start"):
            return i
    return None


class MachineUp:
    name = "machine up"
    unforgeable = True
    describe = "QEMU still ran when the harness stopped it, and the kernel printed no FATAL"

    def judge(self, ctx, run):
        fatal = [l for l in run.texts() if (ctx.bare or trusted(l, ctx)) and FATAL.search(l)]
        if not ctx.bare and fatal:
            return Verdict(False, "the kernel failed", fatal)
        if run.ended == "exited":
            return Verdict(False, f"the whole machine stopped (QEMU exit status {run.status})",
                           run.texts()[-3:])
        return Verdict(True, f"QEMU ran until stopped ({run.ended})")


class VictimHeartbeat:
    """The victim's beats after the attack started: at least `beats`, and no gap in the
    victim's own clock longer than `gap_ms` (it beats every 25 ms and has 40 ms of every 100 ms
    of the CPU, so a gap of some 60 ms is its budget at work; 300 ms is three periods lost)."""
    name = "victim heartbeat"
    unforgeable = True

    def __init__(self, beats=16, gap_ms=300):
        self.beats, self.gap_ms = beats, gap_ms
        self.describe = (f"the victim beat at least {beats} times after the attack began, no "
                         f"gap over {gap_ms} ms of its clock, its canary never changed")

    def judge(self, ctx, run):
        if ctx.bare:
            return Verdict(None, "no victim on bare QEMU")
        start = attack_start(ctx, run)
        if start is None:
            return Verdict(None, "the attack did not start")
        texts = run.texts()
        before = [m for m in map(HEARTBEAT.match, texts[:start]) if m]
        after = [(i, m) for i, m in ((i, HEARTBEAT.match(l)) for i, l in enumerate(texts))
                 if m and i > start]
        changed = [texts[i] for i, m in after if m.group(3) != "ok"]
        if changed:
            return Verdict(False, "the victim saw its canary changed", changed)
        if len(after) < self.beats:
            return Verdict(False, f"{len(after)} beats after the attack began, {self.beats} "
                           "needed: the victim starved or stopped",
                           [texts[i] for i, _ in after[-3:]] or texts[-3:])
        stamps = ([int(before[-1].group(2))] if before else []) + [int(m.group(2)) for _, m in after]
        gaps = [(b - a) / 1000 for a, b in zip(stamps, stamps[1:])]
        worst = max(gaps) if gaps else 0
        if worst > self.gap_ms:
            return Verdict(False, f"a gap of {worst:.0f} ms in the victim's beats",
                           [texts[i] for i, _ in after[:3]])
        return Verdict(True, f"{len(after)} beats after the attack began, longest gap "
                       f"{worst:.0f} ms", [texts[i] for i, _ in after[:2]])


class VictimRegisters:
    """The victim's own registers (FP/SIMD and system, test/eval/guest/regs.h) kept its values at
    every beat after the attack began: nothing of another partition's reached them."""
    name = "victim registers"
    unforgeable = True
    describe = "every victim beat after the attack began found its FP/SIMD and system registers kept"
    BEAT = re.compile(r"^\[victim\] EVAL-HEARTBEAT \d+ t=\d+ canary=\S+ fp=(\S+) sys=(\S+)")

    def judge(self, ctx, run):
        if ctx.bare:
            return Verdict(None, "no victim on bare QEMU")
        start = attack_start(ctx, run)
        if start is None:
            return Verdict(None, "the attack did not start")
        beats = [(l, m) for l, m in ((l, self.BEAT.match(l)) for l in run.texts()[start:]) if m]
        if not beats:
            return Verdict(False, "no victim beat reported its registers after the attack began")
        changed = [l for l, m in beats if m.group(1) != "ok" or m.group(2) != "ok"]
        if changed:
            return Verdict(False, f"{len(changed)} beats found the victim's registers changed",
                           changed)
        return Verdict(True, f"{len(beats)} beats found its registers kept", [beats[0][0]])


class NoLine:
    """No line of the attacker's matches pattern: what only a breach would put on its console
    (DS-9: bytes its VMM read from past its RAM). The attacker's own channel: evidence."""
    name = "no breach output"
    unforgeable = False

    def __init__(self, pattern, done, what):
        self.pattern, self.done, self.describe = re.compile(pattern), re.compile(done), what

    def judge(self, ctx, run):
        texts = [t for t in (attacker_text(l, ctx) for l in run.texts()) if t is not None]
        if not any(self.done.search(t) for t in texts):
            return Verdict(None, f"no line matching /{self.done.pattern}/")
        hits = [t for t in texts if self.pattern.search(t)]
        if hits:
            return Verdict(False, f"{len(hits)} line(s) show it", hits)
        return Verdict(True, "none", [t for t in texts if self.done.search(t)][:2])


class DiskClean:
    """The victim's slice of the run's disk, read from the disk's file after QEMU stopped, holds
    nothing of what the attacker wrote (its marker)."""
    name = "victim's disk"
    unforgeable = True

    def __init__(self, marker, what):
        self.marker, self.describe = marker, what

    def judge(self, ctx, run):
        if not run.disk:
            return Verdict(False, "the disk was not read after the stop")
        (offset, length), data = next(iter(run.disk.items()))
        at = data.find(self.marker)
        line = f"disk file: {length} bytes at {offset:#x}"
        if at >= 0:
            return Verdict(False, f"the attacker's marker at byte {offset + at:#x} of the disk",
                           [f"{line}: {data[at:at + 48]!r}"])
        return Verdict(True, f"{length} bytes at {offset:#x} without the marker", [line])


class CanaryIntact:
    name = "canary intact"
    unforgeable = True
    describe = "the victim's canary, read through QEMU's monitor at its host-physical address, unchanged"

    def judge(self, ctx, run):
        if ctx.canary_addr is None:
            return Verdict(None, "no canary in this run")
        if ctx.canary_addr not in run.memory:
            if run.ended == "exited":
                return Verdict(None, "QEMU ended before the monitor could read the canary")
            return Verdict(False, "the monitor could not read the canary")
        v = run.memory[ctx.canary_addr]
        line = f"monitor: xp {ctx.canary_addr:#x} = {v:#018x}"
        if v != CANARY:
            return Verdict(False, f"canary at {ctx.canary_addr:#x} is {v:#x}, "
                           f"was {CANARY:#x}", [line])
        return Verdict(True, f"canary at {ctx.canary_addr:#x} unchanged", [line])


class Audit:
    """A line of the kernel, root task or a VMM matching pattern: the denial was recorded where
    the attacker can't write. On bare QEMU there is no such writer: no record, a breach."""
    name = "audit record"
    unforgeable = True

    def __init__(self, pattern, what):
        self.pattern, self.describe = pattern, what

    def judge(self, ctx, run):
        if ctx.bare:
            return Verdict(False, "nothing audits on bare QEMU", by_configuration=True)
        # A pattern may name the run's values: %(canary_host)x.
        pattern = re.compile(self.pattern % ctx.values if "%(" in self.pattern else self.pattern)
        hits = [l for l in run.texts() if trusted(l, ctx) and pattern.search(l)]
        if not hits:
            return Verdict(False, f"no record matching /{pattern.pattern}/")
        return Verdict(True, f"{len(hits)} record(s)", hits)


class NoRecord:
    """No trusted line matches pattern: an action only the system can take did not happen (the
    console server's `[duet] focus: victim` when only the attacker tried to move the focus)."""
    name = "no such record"
    unforgeable = True

    def __init__(self, pattern, what):
        self.pattern, self.describe = re.compile(pattern), what

    def judge(self, ctx, run):
        if ctx.bare:
            return Verdict(None, "no system on bare QEMU")
        start = attack_start(ctx, run) or 0
        hits = [l for l in run.texts()[start:] if trusted(l, ctx) and self.pattern.search(l)]
        if hits:
            return Verdict(False, f"{len(hits)} record(s) of it", hits)
        return Verdict(True, "none after the attack began")


class NoForgery:
    """Every line holding the attacker's forged text starts with the attacker's own tag: none
    passes as another partition's, a VMM's, the root task's or the console server's."""
    name = "no forged line"
    unforgeable = True
    describe = "every line with the attacker's forged text starts with its own tag"

    def __init__(self, marker="EVAL-FORGERY"):
        self.marker = marker

    def judge(self, ctx, run):
        lines = [l for l in run.texts() if self.marker in l]
        if not lines:
            return Verdict(None, "no forged text reached the log")
        # What a terminal shows: a CR returns to the line's start; an escape or a backspace
        # drives the cursor. Safe only when the tag starts what is shown and nothing moves it.
        # A rogue VMM's own log lines carry its partition's VMM tag: still the attacker's.
        # A rogue server's lines are under its name, which the console adds (IF-30).
        own = (f"[{ATTACKER}] ", f"[{ATTACKER}:vmm] ") if ctx.rogue else (f"[{ATTACKER}] ",)
        own = (SERVER_TAG,) if ctx.server else own
        escaped = [l for l in lines if not (own and l.split("\r")[-1].startswith(own))
                   or "\x1b" in l or "\b" in l]
        if escaped:
            return Verdict(False, f"{len(escaped)} of {len(lines)} forged lines not under the "
                           "attacker's tag", escaped)
        return Verdict(True, f"all {len(lines)} forged lines under the attacker's tag", lines)


class Effective:
    """The attack did what it sets out to do (an attacker's line matching pattern), so that a
    case whose attack quietly does nothing can't pass: evidence, counted."""
    name = "attack effective"
    unforgeable = False

    def __init__(self, pattern, what):
        self.pattern, self.describe = re.compile(pattern), what

    def judge(self, ctx, run):
        hits = [t for t in (attacker_text(l, ctx) for l in run.texts())
                if t is not None and self.pattern.search(t)]
        if not hits:
            return Verdict(False, f"no attacker line matching /{self.pattern.pattern}/: the "
                           "attack did nothing (a vacuous run)")
        return Verdict(True, hits[-1], hits)


class AttackerClaim:
    name = "attacker's claim"
    unforgeable = False
    describe = "the attacker reports it was denied (evidence, counted: a leak only the reader sees)"

    def judge(self, ctx, run):
        claims, evidence = [], []
        for line in run.texts():
            t = attacker_text(line, ctx)
            if t is None:
                continue
            if t.startswith(f"EVAL-CLAIM {ctx.case_id} "):
                claims.append(t)
            elif t.startswith(f"EVAL-EVIDENCE {ctx.case_id} "):
                evidence.append(t)
        if not claims:
            return Verdict(None, "no claim (the attack does not return)", evidence)
        breach = [c for c in claims if " breach: " in c]
        if breach:
            return Verdict(False, breach[-1].split(": ", 1)[1], breach + evidence)
        return Verdict(True, claims[-1].split(": ", 1)[1], claims + evidence)


class SuiteLine:
    """Imported cases (ktest, the kernel's own modes, ctest tests): a line of a trusted test
    program or the kernel, or a ctest verdict, judged by pattern."""
    name = "suite result"
    unforgeable = True

    def __init__(self, pattern, what):
        self.pattern, self.describe = re.compile(pattern), what

    def judge(self, ctx, run):
        hits = [l for l in run.texts() if self.pattern.search(l)]
        if not hits:
            fails = [l for l in run.texts() if l.startswith("FAIL: ")]
            return Verdict(False, f"no line matching /{self.pattern.pattern}/",
                           fails or run.texts()[-4:])
        return Verdict(True, hits[0][:120], hits)


class Rejects:
    """No line matches pattern (a line only a breach prints: a Linux guest's /dev/mem read that
    returned data from outside its RAM), once the scenario reached its end (done)."""
    name = "no breach line"
    unforgeable = False

    def __init__(self, pattern, done, what):
        self.pattern, self.done, self.describe = re.compile(pattern), re.compile(done), what

    def judge(self, ctx, run):
        # A line that shows the breach counts whether or not the scenario got to its end (on bare
        # QEMU, FI-10's later port attacks abort QEMU itself); an unfinished scenario without one
        # is a failed run, but says nothing of the attack: it can't make a control a breach.
        hits = [l for l in run.texts() if self.pattern.search(l)]
        if hits:
            return Verdict(False, f"{len(hits)} line(s) show the access succeeded", hits)
        if not any(self.done.search(l) for l in run.texts()):
            return Verdict(False, f"the scenario did not finish (/{self.done.pattern}/): vacuous",
                           run.texts()[-3:], by_configuration=True)
        return Verdict(True, "no access succeeded")


class WorkRate:
    """Partition work's counts per wall second after a line matching `after` (the spinner's
    start), at least min_rate: what linux-spin's check-log --rate checks, on the harness's
    arrival times."""
    name = "work's rate"
    unforgeable = True

    def __init__(self, after, min_rate=1.0):
        self.after, self.min_rate = re.compile(after), min_rate
        self.describe = f"work counts at least {min_rate}/s after the spinner starts"

    def judge(self, ctx, run):
        start = next((t for t, l in run.lines if self.after.search(l)), None)
        if start is None:
            return Verdict(False, f"no line matching /{self.after.pattern}/: the spinner did not "
                           "start (vacuous)")
        counts = [(t, l) for t, l in run.lines if t > start and l.startswith("[work] DUET-COUNT ")]
        # To the run's end, not its last line: a starved machine may print nothing more.
        end = max(run.seconds, run.lines[-1][0] if run.lines else start)
        window = max(end - start, 1e-3)
        rate = len(counts) / window
        shown = [l for _, l in counts[-2:]] or [l for _, l in run.lines[-2:]]
        if rate < self.min_rate:
            return Verdict(False, f"work counted {len(counts)} times in {window:.1f}s after the "
                           f"spin began: {rate:.2f}/s < {self.min_rate}/s", shown)
        return Verdict(True, f"{rate:.2f} counts/s over {window:.1f}s", shown)


class QemuStatus:
    name = "QEMU status"
    unforgeable = True

    def __init__(self, failing, what):
        self.failing, self.describe = failing, what

    def judge(self, ctx, run):
        if run.ended != "exited":
            return Verdict(False, f"QEMU did not stop ({run.ended})")
        ok = (run.status != 0) == self.failing
        return Verdict(ok, f"QEMU exit status {run.status}")


class CtestVerdict:
    """An existing ctest test's own verdict: its driver judges the log with its own checks."""
    name = "ctest verdict"
    unforgeable = True
    describe = "the test's own checks pass (see its registration for what they are)"

    def judge(self, ctx, run):
        tail = [l for l in run.texts() if l.startswith("duet-qemu: FAILED") or
                l.startswith("check-log: ")][:6]
        if run.status != 0:
            return Verdict(False, f"ctest failed (status {run.status})", tail or run.texts()[-4:])
        return Verdict(True, "ctest passed", tail)
