#!/usr/bin/env python3
"""netsim-bare-<arch> (docs/network.md): a Debian guest on bare QEMU (no Duet) with one
virtio-net NIC connected to the network simulator (tools/netsim) through -netdev dgram. The
guest's `net` scenario (test/guest/scenarios.sh) pings the router, the corporate gateway and
service and the internet host, does UDP and TCP echo, a bulk TCP echo, the banner service and
a closed port; this judges its DUET-NET lines, the simulator's line log and its pcap capture,
one PASS:/FAIL: line per check. Also the baseline the network benchmark runs against.

usage: netsim_bare.py --arch A --netsim BIN --kernel VMLINUZ --initramfs CPIO --out DIR
                      [--timeout S]"""

import argparse
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time

GUEST = "work"
GUEST_MAC = "52:54:00:00:02:14"  # work's MAC in the address plan (docs/network.md)
GUEST_IP = "192.0.2.20"
DONE = re.compile(r"DUET-NET-DONE " + GUEST + r"\b")
NET_LINE = re.compile(r"DUET-NET " + GUEST + r" (.*)$")

# What the guest must report, each line ending in "ok" (scenario_net's order).
GUEST_EXPECT = [
    ("NET-UP", r"up \S+ " + GUEST_MAC + r" 192\.0\.2\.20/24 via 192\.0\.2\.1 rc=0"),
    ("NET-PING-ROUTER", r"ping 192\.0\.2\.1 [1-3]/3 ok"),
    ("NET-PING-CORP-GW", r"ping 198\.51\.100\.1 [1-3]/3 ok"),
    ("NET-PING-CORP", r"ping 198\.51\.100\.10 [1-3]/3 ok"),
    ("NET-PING-INET", r"ping 203\.0\.113\.10 [1-3]/3 ok"),
    ("NET-UDP-INET", r"udp 203\.0\.113\.10 7 ok"),
    ("NET-TCP-INET", r"tcp-echo 203\.0\.113\.10 7 ok"),
    ("NET-UDP-CORP", r"udp 198\.51\.100\.10 7 ok"),
    ("NET-TCP-CORP", r"tcp-echo 198\.51\.100\.10 7 ok"),
    ("NET-UDP-CLOSED", r"udp-closed 203\.0\.113\.10 9 ok"),
    ("NET-TCP-BULK", r"tcp-bulk 203\.0\.113\.10 7 65536 ok"),
    ("NET-TCP-BANNER-INET", r"tcp-banner 203\.0\.113\.10 17 ok"),
    ("NET-TCP-BANNER-CORP", r"tcp-banner 198\.51\.100\.10 17 ok"),
    ("NET-TCP-CLOSED", r"tcp-closed 203\.0\.113\.10 23 ok"),
]

LOG_LINE = re.compile(r"^rx=(\d+) t=\d+ len=(\d+) smac=(\S+) dmac=(\S+) src=(\S+) dst=(\S+) "
                      r"kind=(\S+)(?: flags=(\S+))? route=(\S+) verdict=(\S+)$")


def qemu_command(arch, kernel, initramfs, netsim_port, qemu_port):
    netdev = ("dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=%d,"
              "remote.type=inet,remote.host=127.0.0.1,remote.port=%d" % (qemu_port, netsim_port))
    args = "panic=-1 duet.name=%s duet.scenario=net" % GUEST
    if arch == "aarch64":
        machine = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a76"]
        nic = "virtio-net-device"
        args = "console=ttyAMA0 " + args
    else:
        machine = ["qemu-system-x86_64", "-M", "q35", "-cpu", "qemu64"]
        nic = "virtio-net-pci"
        args = "console=ttyS0 nokaslr reboot=t " + args
    # -nic none: the board's own default NIC would be a second, unconnected interface.
    return machine + ["-m", "512", "-nic", "none", "-netdev", netdev,
                      "-device", "%s,netdev=n0,mac=%s" % (nic, GUEST_MAC),
                      "-kernel", kernel, "-initrd", initramfs, "-append", args,
                      "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"]


def free_udp_port():
    """A loopback UDP port nobody holds now, for QEMU's end (a small race, on loopback)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_netsim(binary, qemu_port, pcap, log, duration):
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--peer", "127.0.0.1:%d" % qemu_port,
                             "--pcap", pcap, "--log", log, "--duration", str(duration)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline() if ready else ""
    m = re.match(r"netsim: listening on 127\.0\.0\.1:(\d+), peer 127\.0\.0\.1:%d$" % qemu_port,
                 line.strip())
    if not m:
        proc.kill()
        sys.exit("netsim_bare: the simulator did not start: %r %s" % (line, proc.stderr.read()))
    return proc, int(m.group(1))


def run_guest(cmd, timeout, console_log):
    """The guest's DUET-NET lines, and whether it said DONE before the timeout."""
    lines, done = [], False
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    buf = b""
    with open(console_log, "wb") as log:
        try:
            while not done and time.monotonic() - start < timeout:
                ready, _, _ = select.select([proc.stdout], [], [], 0.5)
                if not ready:
                    continue
                data = os.read(proc.stdout.fileno(), 65536)
                if not data:
                    break
                log.write(data)
                buf += data
                *complete, buf = buf.split(b"\n")
                for raw in complete:
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    m = NET_LINE.search(line)
                    if m:
                        lines.append(m.group(1).rstrip())
                    if DONE.search(line):
                        done = True
        finally:
            proc.kill()
            proc.wait()
    return lines, done, time.monotonic() - start


def read_pcap(path):
    """(link type, [frame bytes]) of a classic little- or big-endian pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return None, []
    magic = struct.unpack_from("<I", data)[0]
    end = "<" if magic == 0xa1b2c3d4 else ">" if magic == 0xd4c3b2a1 else None
    if not end:
        return None, []
    linktype = struct.unpack_from(end + "I", data, 20)[0]
    frames, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack_from(end + "IIII", data, off)
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return linktype, frames


class Judge:
    def __init__(self):
        self.failures = 0

    def check(self, case, ok, what):
        print("%s: %s %s" % ("PASS" if ok else "FAIL", case, what))
        self.failures += 0 if ok else 1


def in_net(ip, prefix):
    return ip.startswith(prefix)


def judge_log(j, records, summary):
    def any_of(**want):
        return any(all(r[k] == v for k, v in want.items()) for r in records)

    j.check("SIM-ARP", any_of(kind="arp/request", smac=GUEST_MAC, route="router",
                              verdict="answered"), "the router answered the guest's ARP")
    for case, dst, route in (("SIM-ICMP-ROUTER", "192.0.2.1", "router"),
                             ("SIM-ICMP-CORP-GW", "198.51.100.1", "corporate"),
                             ("SIM-ICMP-CORP", "198.51.100.10", "corporate"),
                             ("SIM-ICMP-INET", "203.0.113.10", "internet")):
        j.check(case, any_of(kind="icmp/echo-request", src=GUEST_IP, dst=dst, route=route,
                             verdict="answered"), "echo to %s routed %s, answered" % (dst, route))
    j.check("SIM-UDP", any_of(kind="udp/7", dst="203.0.113.10", route="internet",
                              verdict="answered") and
            any_of(kind="udp/7", dst="198.51.100.10", route="corporate", verdict="answered"),
            "UDP echo answered on both sides")
    j.check("SIM-UDP-CLOSED", any_of(kind="udp/9", route="internet", verdict="unreachable"),
            "UDP to a closed port: ICMP port unreachable")
    j.check("SIM-TCP", any_of(kind="tcp/7", flags="S", dst="203.0.113.10", verdict="answered")
            and any_of(kind="tcp/7", flags="S", dst="198.51.100.10", verdict="answered"),
            "TCP SYNs to the echo services answered")
    j.check("SIM-TCP-CLOSED", any_of(kind="tcp/23", flags="S", verdict="unreachable"),
            "TCP SYN to a closed port: RST")
    # Routes follow the plan: every frame routed to a side was addressed into it.
    bad = [r for r in records
           if (r["route"] == "corporate" and not in_net(r["dst"], "198.51.100."))
           or (r["route"] == "internet" and not in_net(r["dst"], "203.0.113."))]
    j.check("SIM-ROUTES", not bad and records, "%d frames, %d routed against the plan"
            % (len(records), len(bad)))
    broken = [r for r in records if r["smac"] == GUEST_MAC and
              r["verdict"] in ("bad-checksum", "short", "bad-header")]
    j.check("SIM-GUEST-FRAMES-VALID", not broken,
            "%d of the guest's frames malformed" % len(broken))
    j.check("SIM-STOPPED", summary is not None and "stopped (SIGTERM)" in summary,
            summary or "no summary line")


def judge_pcap(j, pcap, records):
    linktype, frames = read_pcap(pcap)
    j.check("PCAP-FORMAT", linktype == 1, "pcap link type %s (1: Ethernet)" % linktype)
    j.check("PCAP-COUNT", len(frames) == len(records) and frames,
            "%d frames in the capture, %d log lines" % (len(frames), len(records)))
    mismatched = 0
    for frame, r in zip(frames, records):
        smac = ":".join("%02x" % b for b in frame[6:12])
        if len(frame) != int(r["len"]) or smac != r["smac"]:
            mismatched += 1
    j.check("PCAP-MATCHES-LOG", mismatched == 0 and frames,
            "%d frames differ from their log line (length, source MAC)" % mismatched)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", required=True, choices=("aarch64", "x86_64"))
    p.add_argument("--netsim", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--initramfs", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--timeout", type=float, default=300)
    o = p.parse_args()
    for f in (o.netsim, o.kernel, o.initramfs):
        if not os.path.exists(f):
            sys.exit("netsim_bare: %s is missing" % f)
    os.makedirs(o.out, exist_ok=True)
    base = os.path.join(o.out, "netsim-bare-%s" % o.arch)
    pcap, log = base + ".pcap", base + ".netsim.log"

    qemu_port = free_udp_port()
    sim, sim_port = start_netsim(o.netsim, qemu_port, pcap, log, int(o.timeout) + 60)
    try:
        cmd = qemu_command(o.arch, o.kernel, o.initramfs, sim_port, qemu_port)
        print("netsim_bare: " + " ".join(cmd), flush=True)
        lines, done, took = run_guest(cmd, o.timeout, base + ".log")
    finally:
        sim.send_signal(signal.SIGTERM)
        try:
            _, err = sim.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            sim.kill()
            _, err = sim.communicate()
    print("netsim_bare: guest %s after %.0f s; simulator exit %d: %s"
          % ("done" if done else "NOT done", took, sim.returncode, err.strip()), flush=True)

    j = Judge()
    j.check("NET-DONE", done, "the guest finished its probes")
    for case, pattern in GUEST_EXPECT:
        hit = [l for l in lines if re.fullmatch(pattern, l)]
        j.check(case, bool(hit), hit[0] if hit else "no line like '%s'" % pattern)
    failed = [l for l in lines if not l.endswith(" ok") and " rc=0" not in l]
    j.check("NET-NO-FAILS", not failed, "; ".join(failed) or "no probe failed")

    records, summary = [], None
    with open(log) as f:
        for line in f:
            m = LOG_LINE.match(line.rstrip("\n"))
            if m:
                records.append(dict(zip(("rx", "len", "smac", "dmac", "src", "dst", "kind",
                                         "flags", "route", "verdict"), m.groups())))
            elif line.startswith("netsim: stopped"):
                summary = line.strip()
    j.check("SIM-EXIT", sim.returncode == 0, "simulator exit status %d" % sim.returncode)
    judge_log(j, records, summary)
    judge_pcap(j, pcap, records)
    print("SUMMARY: %d failures; logs %s.{log,netsim.log,pcap}" % (j.failures, base))
    return 1 if j.failures else 0


if __name__ == "__main__":
    sys.exit(main())
