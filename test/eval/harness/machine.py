"""One QEMU run of the evaluation harness: a fresh machine per case, its serial log kept with
each line's arrival time, console input typed when a line appears, a QMP socket to read guest
memory through QEMU's monitor (a channel no guest can write), and a bound on the time."""

import json
import os
import re
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BOARDS = {"aarch64": "qemu-virt", "x86_64": "qemu-q35"}
# QEMU counts instructions as time: the victim's clock (its heartbeat's gaps) and the budgets then
# follow the CPU the guests got, not the load of the machine running the harness.
ICOUNT = ["-icount", "shift=0,sleep=off"]


def platform_args(arch):
    """The platform's QEMU command line (platform/<board>/qemu.args), as scripts/duet-qemu."""
    with open(os.path.join(ROOT, "platform", BOARDS[arch], "qemu.args")) as f:
        args = [line.strip() for line in f]
    return [a for a in args if a and not a.startswith("#")]


def duet_command(arch, kernel, append=None):
    cmd = platform_args(arch) + ["-kernel", kernel] + ICOUNT
    if append:
        cmd += ["-append", append]
    return cmd


def bare_command(arch, kernel, append, ram_mib=1024, extra=()):
    """The partition's platform on plain QEMU with the same guest, loaded as QEMU loads a Linux
    kernel: AArch64 virt at EL1 (no virtualization=on: PSCI over HVC), x86_64 q35 with the
    platform's CPU model and exit device. -no-reboot: a reset ends QEMU, so it shows."""
    common = ["-m", str(ram_mib), "-nic", "none", "-kernel", kernel, "-append", append, "-no-reboot"] + ICOUNT
    if arch == "aarch64":
        return (["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a76"] +
                common + list(extra))
    return (["qemu-system-x86_64", "-M", "q35", "-cpu", "qemu64,+svm,+npt",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=4"] + common + list(extra))


class Qmp:
    """A minimal QMP client: the greeting, qmp_capabilities, one command per line; events are
    skipped."""

    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        end = time.monotonic() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self._reply()  # the greeting
        self.command("qmp_capabilities")

    def _line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise OSError("QMP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def _reply(self):
        while True:
            msg = self._line()
            if "event" not in msg:
                return msg

    def command(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        reply = self._reply()
        if "error" in reply:
            raise OSError(f"QMP {name}: {reply['error']}")
        return reply.get("return")

    def read_u64(self, addr):
        """Eight bytes of guest-physical (for Duet: host-physical) memory, through the monitor."""
        out = self.command("human-monitor-command", **{"command-line": f"xp /1gx {addr:#x}"})
        m = re.search(r":\s*0x([0-9a-fA-F]+)", out or "")
        if not m:
            raise OSError(f"monitor did not read {addr:#x}: {out!r}")
        return int(m.group(1), 16)

    def find(self, base, size, needle, chunk=64 << 20):
        """The first guest-physical (for Duet: host-physical) address in [base, base + size)
        holding needle, read through the monitor a chunk at a time; None when absent."""
        dump = f"/dev/shm/duet-eval-{os.getpid()}.bin"
        try:
            for at in range(base, base + size, chunk):
                self.command("pmemsave", val=at, size=min(chunk, base + size - at), filename=dump)
                with open(dump, "rb") as f:
                    data = f.read()
                i = data.find(needle)
                while i >= 0 and i % 8:
                    i = data.find(needle, i + 1)
                if i >= 0:
                    return at + i
        finally:
            if os.path.exists(dump):
                os.unlink(dump)
        return None

    def close(self):
        self.sock.close()


class Run:
    """The outcome of one machine: lines (each with its arrival time), QEMU's status (None when
    the harness stopped it), why it ended, seconds, and what the monitor read at the end."""

    def __init__(self):
        self.lines = []     # (seconds since start, text)
        self.status = None
        self.ended = ""     # "until", "exited", "timeout"
        self.seconds = 0.0
        self.memory = {}    # address -> value read through the monitor before the stop
        self.disk = {}      # (offset, length) -> bytes of the run's disk after the stop
        self.log = ""
        self.command = []
        self.qmp_path = None
        self.notes = []
        self._qmp = self._log = None

    def note(self, text):
        """A line of the harness's own, in the log (never judged as a guest's or the kernel's)."""
        self.notes.append(text)
        if self._log:
            self._log.write(f"{'':8} {text}\n")

    def monitor(self):
        """QEMU's monitor of this (running) machine, connected on first use."""
        if self._qmp is None:
            self._qmp = Qmp(self.qmp_path)
        return self._qmp

    def texts(self):
        return [t for _, t in self.lines]


def run_machine(cmd, log_path, timeout, driver, peek=()):
    """Runs QEMU with a serial console on a pipe. driver(run) is called after every new line and
    returns bytes to type, or None; it sets driver.done when the run has shown enough. Before
    stopping, the monitor reads each address of peek. Returns a Run."""
    qmp_path = log_path + ".qmp"
    if os.path.exists(qmp_path):
        os.unlink(qmp_path)
    full = cmd + ["-display", "none", "-serial", "stdio", "-monitor", "none",
                  "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    run = Run()
    run.log, run.command, run.qmp_path = log_path, full, qmp_path
    start = time.monotonic()
    proc = subprocess.Popen(full, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    os.set_blocking(proc.stdout.fileno(), False)
    pending = b""
    with open(log_path, "w") as log:
        run._log = log
        while True:
            data = None
            try:
                data = proc.stdout.read()
            except BlockingIOError:
                pass
            now = time.monotonic() - start
            if data:
                pending += data
                *complete, pending = pending.split(b"\n")
                for raw in complete:
                    text = raw.decode("utf-8", "replace").rstrip("\r")
                    run.lines.append((now, text))
                    log.write(f"{now:8.2f} {text}\n")
                    typed = driver(run)
                    if typed:
                        proc.stdin.write(typed)
                        proc.stdin.flush()
                log.flush()
            if proc.poll() is not None and not data:
                run.status, run.ended = proc.returncode, "exited"
                break
            if getattr(driver, "done", False):
                run.ended = "until"
                break
            if now > timeout:
                run.ended = "timeout"
                break
            if not data:
                time.sleep(0.05)
        peek = peek() if callable(peek) else peek
        if run.ended != "exited" and peek:
            try:
                for addr in peek:
                    run.memory[addr] = run.monitor().read_u64(addr)
            except OSError as e:
                log.write(f"harness: monitor read failed: {e}\n")
        if run._qmp:
            run._qmp.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        run.seconds = time.monotonic() - start
        log.write(f"harness: QEMU {run.ended} after {run.seconds:.1f}s"
                  f"{'' if run.status is None else f', exit status {run.status}'}\n")
    if os.path.exists(qmp_path):
        os.unlink(qmp_path)
    return run
