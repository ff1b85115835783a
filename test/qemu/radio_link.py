#!/usr/bin/env python3
"""The radio server's physical side (docs/network.md): the system boots with a virtio NIC on the
network simulator (tools/netsim, -netdev dgram on the loopback); the root task finds the NIC and
starts the radio server on it, which brings it up and asks who the router is with an ARP probe.
Passes when the server says the router's MAC (what the simulator answered) and the simulator's
log shows exactly that probe from the NIC's MAC, answered. Both sides are judged: the server's
line alone could not show the frame left through the NIC, nor the log alone that the answer
came back in.

usage: radio_link.py <arch> <kernel.elf> <netsim> <work dir> <log>
"""

import os
import re
import select
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NIC_MAC = "52:54:00:00:02:fe"  # scripts/duet-qemu's NIC_MAC
ROUTER_MAC = "02:00:5e:00:02:01"  # tools/netsim/plan.h


def fail(msg):
    print(f"radio_link: FAILED: {msg}")
    sys.exit(1)


def free_udp_port():
    """A loopback UDP port nobody holds now, for QEMU's end (a small race, on loopback)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    arch, kernel, netsim, work, log = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    simlog = os.path.join(work, f"radio-link-{arch}.netsim.log")
    qemu_port = free_udp_port()
    sim = subprocess.Popen([netsim, "--listen", "127.0.0.1:0", "--peer", f"127.0.0.1:{qemu_port}",
                            "--log", simlog, "--duration", "300"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([sim.stdout], [], [], 30)
        line = sim.stdout.readline() if ready else ""
        m = re.match(r"netsim: listening on 127\.0\.0\.1:(\d+), peer", line.strip())
        if not m:
            fail(f"the simulator did not start: {line!r}")
        r = subprocess.run(
            ["python3", os.path.join(ROOT, "scripts", "duet-qemu"), "test", "--arch", arch,
             "--kernel", kernel, "--name", f"radio-link-{arch}", "--log", log, "--timeout", "150",
             "--nic", f"{qemu_port}:{m.group(1)}",
             "--expect", rf"^radio: NIC at .* \(irq [0-9]+\): MAC {NIC_MAC}, ",
             "--until", rf"^radio: link up: router 192\.0\.2\.1 is at {ROUTER_MAC}$"])
        if r.returncode:
            fail("the radio server did not bring the link up (see the log above)")
    finally:
        sim.terminate()
        try:
            sim.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sim.kill()
    probes = [l for l in open(simlog, errors="replace")
              if f"smac={NIC_MAC}" in l and "kind=arp/request" in l]
    if not probes:
        fail(f"the simulator's log has no ARP request from {NIC_MAC}")
    if not any("route=router" in l and "verdict=answered" in l for l in probes):
        fail(f"the simulator did not answer the probe: {probes[0].strip()}")
    print(f"radio_link: ok: the probe left through the NIC and the answer came back "
          f"({len(probes)} probe(s) in the simulator's log)")


if __name__ == "__main__":
    main()
