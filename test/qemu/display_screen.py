#!/usr/bin/env python3
"""The display server in QEMU (docs/trusted-path.md, "Display"): the system boots with a ramfb
screen, both partitions have screens and run the fb scenario (duet-fbfill's pattern over all of
their /dev/fb0, writes past its end, devmem just below it, a strip's height below and past
its blocks). Once both are done, a QMP screendump (PNG, decoded here with zlib) must show:

- the top HV_DISPLAY_STRIP_ROWS rows exactly as the server's own code draws the focused
  partition's strip (display_strip_render: the same strip.c, psf.c and font, on the host), in
  its manifest colour — so no guest write reached a strip pixel;
- every pixel below exactly the focused guest's pattern (fbfill_pixel with its seed) — so the
  guest's framebuffer is the screen's rows right below the strip, and the other guest's pattern
  (another seed) is in a buffer of its own.

Then, when the system has a focus owner (the keyboard server says "keyboard: focus owner"),
Ctrl-T 2 on the serial console moves the one focus to work: the display server must follow
(its "display: showing work"), and a second screendump must show work's strip and pattern;
Ctrl-T 1 brings personal's back. Without an owner nothing can move the focus, and those cases
say SKIP.

usage: display_screen.py <arch> <kernel.elf> <display_strip_render> <work dir>
"""

import importlib.machinery
import os
import re
import struct
import subprocess
import sys
import time
import types
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from qmp import Qmp  # noqa: E402

DUET_QEMU = importlib.machinery.SourceFileLoader(
    "duet_qemu", os.path.join(ROOT, "scripts", "duet-qemu")).load_module()

WIDTH, HEIGHT, STRIP_ROWS, STRIDE = 1024, 768, 40, 4096  # hv/proto/display.h
GUEST_BYTES = (HEIGHT - STRIP_ROWS) * STRIDE
FB_GPA = {"aarch64": 0x10000000, "x86_64": 0xE0000000}
DRIVER = {"aarch64": "simple", "x86_64": "EFI VGA"}
PARTS = {"personal": (1, 0x2E7D32), "work": (2, 0xC62828)}  # seed, manifest colour
FOCUSED = "personal"  # the first partition with a screen has the focus at start


def fbfill_pixel(x, y, seed):
    """test/guest/fbfill.c's pattern, as 0xRRGGBB."""
    return ((x * 3 + y) & 0xFF) << 16 | ((x ^ (y * 5)) & 0xFF) << 8 | (seed & 0xFF)


def png_rgb(path):
    """(width, height, rows of RGB bytes) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    at, idat, ihdr = 8, b"", None
    while at < len(data):
        n, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + n]
        at += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    w, h, depth, colour, _, _, interlace = ihdr
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"PNG depth {depth} colour type {colour} interlace {interlace}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        prev = line
        rows.append(bytes(line) if bpp == 3 else
                    bytes(v for k, v in enumerate(line) if k % 4 != 3))
    return w, h, rows


def ppm_rgb(path):
    data = open(path, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    body = data[m.end():]
    return w, h, [body[y * w * 3:(y + 1) * w * 3] for y in range(h)]


def boot(arch, kernel, work):
    """QEMU with the serial console on a pipe (typed into) and a log file (read)."""
    log = os.path.join(work, "serial.log")
    sock = os.path.join(work, "qmp.sock")
    for p in (log, sock):
        if os.path.exists(p):
            os.unlink(p)
    opts = types.SimpleNamespace(arch=arch, screen=True)
    cmd = (DUET_QEMU.machine_args(arch) + ["-kernel", kernel, "-display", "none",
           "-serial", "stdio", "-monitor", "none"] + DUET_QEMU.screen_args(opts) +
           ["-qmp", f"unix:{sock},server=on,wait=off"])
    print("display_screen: " + " ".join(cmd), flush=True)
    out = open(log, "wb")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT)
    return proc, log, sock


def check_screen(png, name, render, work, verdict, suffix=""):
    """The screendump png shows name's strip and its guest's pattern, and not the other's strip."""
    try:
        w, h, shot = png_rgb(png)
    except (OSError, ValueError, zlib.error) as e:
        verdict(False, "SCREENSHOT" + suffix, f"no usable screendump: {e}")
        return
    verdict((w, h) == (WIDTH, HEIGHT), "SCREENSHOT" + suffix, f"the screen is {w}x{h}")
    if (w, h) != (WIDTH, HEIGHT):
        return
    seed, colour = PARTS[name]
    expected = os.path.join(work, f"strip-{name}.ppm")
    subprocess.run([render, name, f"0x{colour:06x}", expected], check=True)
    _, _, strip = ppm_rgb(expected)
    bad = [(y, x) for y in range(STRIP_ROWS) for x in range(WIDTH)
           if shot[y][3 * x:3 * x + 3] != strip[y][3 * x:3 * x + 3]]
    ink = sum(1 for y in range(STRIP_ROWS) for x in range(WIDTH)
              if strip[y][3 * x:3 * x + 3] != bytes([colour >> 16, colour >> 8 & 255, colour & 255]))
    verdict(not bad and ink > 0, "STRIP" + suffix,
            f"the top {STRIP_ROWS} rows are {name}'s strip in 0x{colour:06x} pixel for pixel "
            f"({ink} text pixels; {len(bad)} differ" + (f", first at row {bad[0][0]} x {bad[0][1]})"
                                                        if bad else ")"))
    # The comparison tells the partitions apart: the other one's strip differs from the screen.
    other = next(n for n in PARTS if n != name)
    other_ppm = os.path.join(work, f"strip-{other}.ppm")
    subprocess.run([render, other, f"0x{PARTS[other][1]:06x}", other_ppm], check=True)
    _, _, other_strip = ppm_rgb(other_ppm)
    verdict(any(shot[y] != other_strip[y] for y in range(STRIP_ROWS)), "STRIP-NOT-OTHER" + suffix,
            f"the screen's strip is not {other}'s")
    wrong = 0
    first = None
    for y in range(STRIP_ROWS, HEIGHT):
        row = shot[y]
        for x in range(WIDTH):
            p = fbfill_pixel(x, y - STRIP_ROWS, seed)
            if row[3 * x:3 * x + 3] != bytes([p >> 16, p >> 8 & 255, p & 255]):
                wrong += 1
                first = first or (y, x, row[3 * x:3 * x + 3].hex())
    verdict(wrong == 0, "PATTERN" + suffix,
            f"rows {STRIP_ROWS}..{HEIGHT - 1} are {name}'s pattern (seed {seed}) "
            f"({wrong} pixels differ" + (f", first at row {first[0]} x {first[1]}: {first[2]})"
                                         if first else ")"))


def focus_switches(proc, log, q, work, text):
    """Ctrl-T 2 then Ctrl-T 1 on the serial console, each followed by a screendump once the
    display server says it shows the partition; only with a focus owner to move the focus."""
    if not re.search(r"^keyboard: focus owner", text, re.M):
        return [("SKIP: FOCUS-SWITCH", "no focus owner (keyboard server) in this system: "
                 "nothing can move the focus")], []
    results, shots = [], []
    for key, name, nth in ((b"2", "work", 1), (b"1", "personal", 2)):
        proc.stdin.write(b"\x14" + key)
        proc.stdin.flush()
        pattern = rf"^display: showing {name}"
        deadline = time.monotonic() + 30
        seen = 0
        while time.monotonic() < deadline:
            seen = len(re.findall(pattern, open(log, errors="replace").read(), re.M))
            if seen >= nth:
                break
            time.sleep(0.2)
        ok = seen >= nth
        results.append((f"{'PASS' if ok else 'FAIL'}: FOCUS-{name.upper()}",
                        f"Ctrl-T {key.decode()}: the display server followed the focus to {name}"))
        if ok:
            time.sleep(1)
            png = os.path.join(work, f"screen-{name}-{nth}.png")
            q.screendump(png)
            shots.append((png, name, f"-AFTER-CTRL-T-{key.decode()}"))
    return results, shots


def wait_for(log, patterns, proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = open(log, errors="replace").read() if os.path.exists(log) else ""
        if all(re.search(p, text, re.M) for p in patterns):
            return text
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    return open(log, errors="replace").read() if os.path.exists(log) else ""


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    arch, kernel, render, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    failed = 0

    def verdict(ok, case, what):
        nonlocal failed
        print(f"{'PASS' if ok else 'FAIL'}: {case}: {what}", flush=True)
        failed += not ok

    png = os.path.join(work, "screen.png")
    for old in os.listdir(work):
        if old.endswith((".png", ".ppm")):
            os.unlink(os.path.join(work, old))
    switches, shots, text = [], [], ""
    proc, log, sock = boot(arch, kernel, work)
    try:
        text = wait_for(log, [r"DUET-FB-DONE personal", r"DUET-FB-DONE work",
                              r"^display: showing personal"], proc, 300)
        # The pattern is written; give QEMU a moment, then look at the screen.
        time.sleep(1)
        q = Qmp(sock)
        q.screendump(png)
        # Both partitions still run afterwards.
        # (the shell's prompt may come first on the line: the counting runs beside the shell)
        text = wait_for(log, [r"\[work\].*DUET-COUNT work 2\b",
                              r"\[personal\].*DUET-COUNT personal 2\b"], proc, 60)
        switches, shots = focus_switches(proc, log, q, work, text)
        text = open(log, errors="replace").read()
        q.command("quit")
        q.close()
    finally:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    lines = text.split("\n")

    verdict(any(re.match(r"^display: 2 screen\(s\) of 1024x768, strip 40 rows, ramfb found", l)
                for l in lines), "DISPLAY-UP", "the display server found ramfb and made 2 screens")
    verdict(any(l.startswith("display: showing personal") for l in lines), "DISPLAY-SHOWS",
            "the display server points ramfb at personal's screen (the focus at start)")
    for name, (seed, _) in PARTS.items():
        tag = f"[{name}] DUET-FB {name} "
        mine = [l.split(tag, 1)[1].rstrip("\r") for l in lines if tag in l]
        verdict(any(l.startswith("fbcon ") for l in mine), f"{name.upper()}-FBCON",
                "the guest's fbcon took the framebuffer")
        want = (rf"fb0 id={re.escape(DRIVER[arch])}\S* xres=1024 yres=728 bpp=32 stride=4096 "
                rf"smem_start=0x{FB_GPA[arch]:x} smem_len={GUEST_BYTES}\b")
        verdict(any(re.match(want, l) for l in mine), f"{name.upper()}-FB0",
                f"/dev/fb0 is the screen's guest rows at 0x{FB_GPA[arch]:x}")
        m = [re.match(r"filled rows=(\d+) past-end=(\d+) straddle=(\d+)", l) for l in mine]
        m = [x for x in m if x]
        verdict(bool(m) and m[0].group(1) == "728" and m[0].group(2) in ("27", "28")
                and m[0].group(3) == "2048", f"{name.upper()}-FILL",
                "all 728 rows filled; a write past the end refused (EFBIG/ENOSPC), one across it cut"
                + (f" ({m[0].group(0)})" if m else ""))
        # Each of the six (three addresses, read and write) once at least: the console may
        # repeat a piece of a line two guests wrote at once.
        probes = {m.groups() for m in (re.search(rf"\[{name}\] DUET-DEVMEM {name} (0x[0-9a-f]+) 32"
                                                 r"( 0xffffffff)? -> rc=", l) for l in lines) if m}
        verdict(len(probes) == 6, f"{name.upper()}-DEVMEM",
                f"six devmem probes around the framebuffer ran ({len(probes)})")
        verdict(any(f"[{name}] DUET-FB-DONE {name}" in l for l in lines) and
                any(re.search(rf"\[{name}\].*DUET-COUNT {name} 2\b", l) for l in lines),
                f"{name.upper()}-ALIVE", "it finished and went on counting")

    check_screen(png, FOCUSED, render, work, verdict)
    for case, what in switches:
        print(f"{case}: {what}", flush=True)
        failed += case.startswith("FAIL")
    for png_path, name, suffix in shots:
        check_screen(png_path, name, render, work, verdict, suffix)
    print(f"display_screen: {'FAILED' if failed else 'ok'}: {failed} case(s) failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
