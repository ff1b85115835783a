#!/usr/bin/env python3
"""The network through the radio server (docs/network.md): the system boots with a virtio NIC
on the network simulator (tools/netsim, -netdev dgram on the loopback); both partitions bring
up their virtio-net device at the manifest's address and run the net scenario (pings, UDP and
TCP echo, a bulk transfer, the banner services, closed ports) against the simulator's router,
internet and corporate hosts.

Judged on three sides that the guests can't forge for each other: each guest's DUET-NET lines
(tagged by the console server), and the simulator's log of every frame it received. work
(manifest: corporate and internet) must reach everything; personal (internet only) must reach
the router and the internet and nothing on the corporate network, and the simulator must have
seen no frame of personal's (its MAC or its address) go to the corporate side: the policy is
enforced below the guest, before the link.

usage: linux_net.py <arch> <kernel.elf> <netsim> <work dir> <log>
"""

import os
import re
import select
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARTS = {
    "personal": ("52:54:00:00:02:0a", "192.0.2.10"),
    "work": ("52:54:00:00:02:14", "192.0.2.20"),
}
REACHES = {"work": ("inet", "corp"), "personal": ("inet",)}
# (case, line pattern, the network it needs: None for the router / the link itself)
CASES = [
    ("UP", r"up \S+ {mac} {ip}/24 via 192\.0\.2\.1 rc=0", None),
    ("PING-ROUTER", r"ping 192\.0\.2\.1 [1-3]/3 ok", None),
    ("PING-CORP-GW", r"ping 198\.51\.100\.1 [1-3]/3 ok", "corp"),
    ("PING-CORP", r"ping 198\.51\.100\.10 [1-3]/3 ok", "corp"),
    ("PING-INET", r"ping 203\.0\.113\.10 [1-3]/3 ok", "inet"),
    ("UDP-INET", r"udp 203\.0\.113\.10 7 ok", "inet"),
    ("TCP-INET", r"tcp-echo 203\.0\.113\.10 7 ok", "inet"),
    ("UDP-CORP", r"udp 198\.51\.100\.10 7 ok", "corp"),
    ("TCP-CORP", r"tcp-echo 198\.51\.100\.10 7 ok", "corp"),
    ("TCP-BULK", r"tcp-bulk 203\.0\.113\.10 7 65536 ok", "inet"),
    ("TCP-BANNER-INET", r"tcp-banner 203\.0\.113\.10 17 ok", "inet"),
    ("TCP-BANNER-CORP", r"tcp-banner 198\.51\.100\.10 17 ok", "corp"),
]
SIM_LINE = re.compile(r"^rx=\d+ t=\d+ len=\d+ smac=(\S+) dmac=\S+ src=(\S+) dst=(\S+) "
                      r"kind=(\S+)(?: flags=\S+)? route=(\S+) verdict=(\S+)$")


def free_udp_port():
    """A loopback UDP port nobody holds now, for QEMU's end (a small race, on loopback)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(arch, kernel, netsim, work, log):
    simlog = os.path.join(work, f"linux-net-{arch}.netsim.log")
    qemu_port = free_udp_port()
    sim = subprocess.Popen([netsim, "--listen", "127.0.0.1:0", "--peer", f"127.0.0.1:{qemu_port}",
                            "--log", simlog, "--duration", "600"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([sim.stdout], [], [], 30)
        line = sim.stdout.readline() if ready else ""
        m = re.match(r"netsim: listening on 127\.0\.0\.1:(\d+), peer", line.strip())
        if not m:
            sys.exit(f"linux_net: FAILED: the simulator did not start: {line!r}")
        r = subprocess.run(
            ["python3", os.path.join(ROOT, "scripts", "duet-qemu"), "test", "--arch", arch,
             "--kernel", kernel, "--name", f"linux-net-{arch}", "--log", log, "--timeout", "360",
             "--nic", f"{qemu_port}:{m.group(1)}",
             "--until", r"DUET-NET-DONE (personal|work)\b",
             "--until", r"DUET-NET-DONE (personal|work)\b"])
    finally:
        sim.terminate()
        try:
            sim.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sim.kill()
    return r.returncode, simlog


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    arch, kernel, netsim, work, log = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    rc, simlog = run(arch, kernel, netsim, work, log)
    text = open(log, errors="replace").read().split("\n")
    failed = 0

    def verdict(ok, case, what):
        nonlocal failed
        print(f"{'PASS' if ok else 'FAIL'}: {case}: {what}")
        failed += not ok

    verdict(rc == 0, "NET-RUN", "both partitions finished the net scenario")
    for name, (mac, ip) in PARTS.items():
        lines = [l.split(f"[{name}] DUET-NET {name} ", 1)[1].rstrip("\r")
                 for l in text if l.startswith(f"[{name}] DUET-NET {name} ")]
        for case, pat, needs in CASES:
            pat = pat.format(mac=re.escape(mac), ip=re.escape(ip))
            # \b, not $: a guest kernel's message can land on the end of the line (linux.cmake).
            reached = any(re.match(pat + r"\b", l) for l in lines)
            allowed = needs is None or needs in REACHES[name]
            what = ("reached, as its manifest allows" if allowed else
                    "not reached: its manifest does not allow it")
            verdict(reached == allowed, f"{name.upper()}-{case}", what)
    # The radio server's own record of what it refused (on the console server's log, a line the
    # guests can't write: it is untagged), with the policy's reason.
    drops = [l for l in text if re.match(r"^radio: personal: in [0-9]+ dropped \(.*\bunreachable [0-9]+", l)]
    verdict(bool(drops), "RADIO-DROPS-PERSONAL",
            "the radio server counted personal's frames to the corporate network as unreachable"
            + (f" ({drops[-1].strip()})" if drops else ""))
    work_drops = [l for l in text if re.match(r"^radio: work: in [0-9]+ dropped", l)]
    verdict(not any("unreachable" in l for l in work_drops), "RADIO-DROPS-WORK",
            "nothing of work's was refused as unreachable")
    seen = [SIM_LINE.match(l.strip()) for l in open(simlog, errors="replace")]
    seen = [m for m in seen if m]
    personal_mac, personal_ip = PARTS["personal"]
    leaked = [m.group(0) for m in seen if m.group(5) == "corporate" and
              (m.group(1) == personal_mac or m.group(2) == personal_ip)]
    verdict(not leaked, "SIM-PERSONAL-NOT-CORP",
            f"no frame of personal's reached the corporate side ({len(leaked)} did)")
    work_mac = PARTS["work"][0]
    verdict(any(m.group(5) == "corporate" and m.group(1) == work_mac and
                m.group(6) == "answered" for m in seen),
            "SIM-WORK-CORP", "the simulator answered work on the corporate side")
    verdict(any(m.group(5) == "internet" and m.group(1) == personal_mac and
                m.group(6) == "answered" for m in seen),
            "SIM-PERSONAL-INET", "the simulator answered personal on the internet side")
    print(f"linux_net: {'FAILED' if failed else 'ok'}: {failed} case(s) failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
