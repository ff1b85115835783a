#!/usr/bin/env python3
"""Attacks on the radio server from a partition (issue 16, docs/network.md "Attack tests"): in one
boot on the network simulator, personal (scenario net-attack) spoofs work's MAC and address,
sends to work directly, floods broadcasts, multicasts and ARP requests, and resets its virtio-net
device in the middle of a transfer; work (scenario net-measure) listens for anything of the
attacks' and times UDP echoes to the internet service before the flood, during it and around
personal's reset. The partitions can't see each other, so the test paces them through the
console (duet-qemu --send; Ctrl-T n moves the focus).

Judged on what the guests can't forge for each other: work's listener (an AF_PACKET socket that
must hear its own probe, so that silence means something), the simulator's log of every frame
it received, the radio server's drop line (untagged: no guest writes it), and the order of the
lines. Each attack's frames use their own UDP port, so the log tells them apart:

  4000 control: personal's own MAC and address to the internet service (must be answered)
  4001 work's MAC as source      -> spoof-mac     4002 work's address as source -> spoof-ip
  4003 both of work's            -> spoof-mac     4004 to work's MAC             -> peer
  4005 to work's address through the router -> peer
  4007 a frame of 2,042 bytes, larger than Ethernet's -> giant (the device's refusal)
  4006 the flood's broadcasts and multicasts -> broadcast (its ARP requests for the router pass)

The bound for the flood and the reset (the constants below; docs/network.md gives the runs
behind it): work's echo rate while personal floods, and around personal's reset, must be at
least RATE_SHARE of its rate before the flood, with no echo lost. personal runs below work
(priority 30 against 50), so what its flood can take from work here is through the radio path
alone: the CPU shares are the budget's business (linux-spin).

usage: net_attack.py <arch> <kernel.elf> <netsim> <work dir> <log>
       net_attack.py --judge <arch> <log> <netsim log>   (judges existing logs again)
"""

import os
import re
import select
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PERSONAL_MAC, PERSONAL_IP = "52:54:00:00:02:0a", "192.0.2.10"
WORK_MAC, WORK_IP = "52:54:00:00:02:14", "192.0.2.20"
RATE_SHARE = 0.5  # work's echo rate under attack, against its baseline
ATTACKS = [(4001, "SPOOF-MAC", "work's MAC as source"),
           (4002, "SPOOF-IP", "work's address as source"),
           (4003, "SPOOF-BOTH", "work's MAC and address as source"),
           (4004, "TO-PEER-MAC", "to work's MAC"),
           (4005, "TO-PEER-IP", "to work's address through the router")]
FLOOD_PORT = 4006
SIM_LINE = re.compile(r"^rx=\d+ t=\d+ len=\d+ smac=(\S+) dmac=(\S+) src=(\S+) dst=(\S+) "
                      r"kind=(\S+)(?: flags=\S+)? route=(\S+) verdict=(\S+)$")
RATE = re.compile(r"^\[work\] .*DUET-NET work DUET-NETTOOL rate (\w+) n=(\d+) lost=(\d+) ms=(\d+) "
                  r"per-s=(\d+) rtt-mean-us=(\d+) rtt-max-us=(\d+)\b")


def free_udp_port():
    """A loopback UDP port nobody holds now, for QEMU's end (a small race, on loopback)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(arch, kernel, netsim, work, log):
    # Named after the run's log (linux-net-attack-<arch>, linux-net-attack-spent-<arch>), so
    # that the two tests never share a simulator log.
    simlog = os.path.join(work, os.path.splitext(os.path.basename(log))[0] + ".netsim.log")
    qemu_port = free_udp_port()
    sim = subprocess.Popen([netsim, "--listen", "127.0.0.1:0", "--peer", f"127.0.0.1:{qemu_port}",
                            "--log", simlog, "--duration", "900"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The typed lines (REGEX=TEXT): each waits for its own line after the previous was typed.
    # \x14 is Ctrl-T, the console's focus key; personal has the focus at boot.
    sends = [
        r"^\[personal\] .*DUET-NET personal waiting spoof\b=\x142",
        r"^\[work\] .*DUET-NET work waiting base\b=\x141spoof\r",
        r"^\[personal\] .*DUET-NET personal spoof done\b=\x142base\r",
        r"^\[work\] .*DUET-NETTOOL rate base\b=\x141flood\r",
        r"^\[personal\] .*DUET-NET personal flooding\b=\x142flood\r",
        r"^\[work\] .*DUET-NETTOOL rate flood\b=\x141reset\r",
        r"^\[personal\] .*DUET-NET personal resetting\b=\x142reset\r",
    ]
    try:
        ready, _, _ = select.select([sim.stdout], [], [], 30)
        line = sim.stdout.readline() if ready else ""
        m = re.match(r"netsim: listening on 127\.0\.0\.1:(\d+), peer", line.strip())
        if not m:
            sys.exit(f"net_attack: FAILED: the simulator did not start: {line!r}")
        cmd = ["python3", os.path.join(ROOT, "scripts", "duet-qemu"), "test", "--arch", arch,
               "--kernel", kernel, "--name", f"linux-net-attack-{arch}", "--log", log,
               "--timeout", "600", "--nic", f"{qemu_port}:{m.group(1)}",
               "--until", r"DUET-NET-DONE (personal|work)\b",
               "--until", r"DUET-NET-DONE (personal|work)\b"]
        for s in sends:
            cmd += ["--send", s]
        r = subprocess.run(cmd)
    finally:
        sim.terminate()
        try:
            sim.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sim.kill()
    return r.returncode, simlog


def judge(arch, rc, log, simlog):
    with open(log, errors="replace") as f:
        text = [l.rstrip("\r") for l in f.read().split("\n")]
    failed = 0

    def verdict(ok, case, what):
        nonlocal failed
        print(f"{'PASS' if ok else 'FAIL'}: {case}: {what}")
        failed += not ok

    def first(pattern, after=-1):
        """Index of the first line after `after` matching pattern, or None."""
        for i in range(after + 1, len(text)):
            if re.search(pattern, text[i]):
                return i
        return None

    verdict(rc == 0, "ATK-RUN", "both partitions got through every phase")
    harm = [l for l in text if re.search(r"^FATAL: |Kernel panic - not syncing|"
                                         r"^root: partition (work|personal) (resets|stopped)|"
                                         r"^radio: the NIC broke a rule|"
                                         r"^\[work\] .*(Unhandled fault|Oops|BUG: )", l)]
    verdict(not harm, "ATK-NO-HARM", "no fault, panic, partition reset or stopped NIC"
            + (f" (saw: {harm[0]})" if harm else ""))
    with open(simlog, errors="replace") as f:
        seen = [SIM_LINE.match(l.strip()) for l in f]
    seen = [m for m in seen if m]
    heard = {}
    for l in text:
        m = re.search(r"^\[work\] .*DUET-NETTOOL heard port=(\d+) kind=(\w+) smac=(\S+) src=(\S+)", l)
        if m:
            heard.setdefault(int(m.group(1)), m.group(0))
    verdict(4010 in heard, "ATK-LISTENER",
            "work's listener heard its own probe's answer (port 4010): its silence counts")

    def sim_port(port, mac=None):
        return [m.group(0) for m in seen if m.group(5) == f"udp/{port}" and
                (mac is None or m.group(1) == mac)]

    # The simulator reads UDP ports only in frames to the router's MAC; the others are caught by
    # their addresses: nothing on the link is ever sent to work's MAC or address (work does not
    # talk to itself, and the router answers work from its own MAC), and no broadcast or
    # multicast but an ARP request reaches it.
    to_work_mac = [m.group(0) for m in seen if m.group(2) == WORK_MAC]
    to_work_ip = [m.group(0) for m in seen if m.group(4) == WORK_IP]
    groups = [m.group(0) for m in seen if int(m.group(2).split(":")[0], 16) & 1 and
              not m.group(5).startswith("arp/")]
    extra = {4004: to_work_mac, 4005: to_work_ip}

    raw = {}
    for l in text:
        m = re.search(r"^\[personal\] .*DUET-NET personal raw DUET-NETTOOL raw (\d+) sent=(\d+) "
                      r"answered=(yes|no)\b", l)
        if m:
            raw.setdefault(int(m.group(1)), (int(m.group(2)), m.group(3)))
    ctl = raw.get(4000)
    verdict(ctl == (4, "yes") and sim_port(4000, PERSONAL_MAC), "ATK-SPOOF-CONTROL",
            f"personal's raw frames from its own addresses reached the simulator and were "
            f"answered ({ctl}, {len(sim_port(4000, PERSONAL_MAC))} in the simulator's log)")
    for port, case, what in ATTACKS:
        sent = raw.get(port)
        leaked = sim_port(port) + extra.get(port, [])
        verdict(sent is not None and sent[0] == 4 and sent[1] == "no" and not leaked and
                port not in heard, f"ATK-{case}",
                f"{what}: personal sent {sent[0] if sent else '?'} frames; the simulator saw "
                f"{len(leaked)}, work heard {'some' if port in heard else 'none'}, personal got "
                f"{'an answer' if sent and sent[1] == 'yes' else 'no answer'}")
    # A frame larger than Ethernet's: refused by personal's device, before the switch.
    sent = raw.get(4007)
    giants = [l for l in text if re.match(r"^radio: personal: device dropped\b", l)]
    m = re.search(r"\bgiant ([0-9]+)", giants[-1]) if giants else None
    big = [g.group(0) for g in seen if g.group(1) == PERSONAL_MAC and
           int(re.search(r"len=(\d+)", g.group(0)).group(1)) > 1514]
    verdict(sent is not None and sent[0] == 4 and sent[1] == "no" and not sim_port(4007) and
            not big and m is not None and int(m.group(1)) >= 4, "ATK-OVERSIZE",
            f"frames of 2,042 bytes: personal sent {sent[0] if sent else '?'}; the simulator saw "
            f"{len(sim_port(4007)) + len(big)}; the radio counted "
            f"{m.group(1) if m else 0} giants (>= 4)")
    # The radio server's own count (its last line for personal: the flood made many after the
    # spoofs): each reason at least what the attacks sent.
    drops = [l for l in text if re.match(r"^radio: personal: in [0-9]+ dropped \(", l)]
    last = drops[-1] if drops else ""

    def count(reason):
        m = re.search(rf"\b{reason} ([0-9]+)", last.split("), out")[0])
        return int(m.group(1)) if m else 0

    verdict(count("spoof-mac") >= 8 and count("spoof-ip") >= 4 and count("peer") >= 8 and
            count("broadcast") >= 100, "ATK-RADIO-COUNTED",
            f"the radio server counted them: spoof-mac {count('spoof-mac')} (>= 8), spoof-ip "
            f"{count('spoof-ip')} (>= 4), peer {count('peer')} (>= 8), broadcast "
            f"{count('broadcast')} (>= 100) [{last.strip()}]")

    # The flood: broadcasts and multicasts reach neither the link nor work.
    flood = next((re.search(r"DUET-NETTOOL flood sent=(\d+) refused=(\d+) ms=(\d+) per-s=(\d+)", l)
                  for l in text if re.search(r"^\[personal\] .*DUET-NET personal flood DUET", l)), None)
    verdict(flood is not None and int(flood.group(1)) >= 1000 and
            not sim_port(FLOOD_PORT) and not groups and FLOOD_PORT not in heard,
            "ATK-FLOOD-CONTAINED",
            (f"personal's flood: {flood.group(1)} frames in {flood.group(3)} ms "
             f"({flood.group(4)}/s)" if flood else "no flood line") +
            f"; the simulator saw {len(sim_port(FLOOD_PORT)) + len(groups)} broadcasts or "
            f"multicasts other than ARP requests, work "
            f"{'some' if FLOOD_PORT in heard else 'none'}")
    rates = {}
    for l in text:
        m = RATE.search(l)
        if m:
            rates.setdefault(m.group(1), [int(x) for x in m.groups()[1:]])
    base = rates.get("base")
    for phase, case, start, end in (
            ("flood", "ATK-FLOOD-RATE", r"DUET-NET personal flooding\b",
             r"DUET-NET personal flood DUET-NETTOOL"),
            ("reset", "ATK-RESET-RATE", r"DUET-NET personal resetting\b",
             r"DUET-NET personal rebound\b")):
        got = rates.get(phase)
        i_start = first(rf"^\[personal\] .*{start}")
        i_meas = first(rf"^\[work\] .*DUET-NET work measuring {phase}\b")
        i_rate = first(rf"^\[work\] .*DUET-NETTOOL rate {phase}\b")
        i_end = first(rf"^\[personal\] .*{end}")
        if phase == "reset":
            i_mid = first(r"^\[personal\] .*DUET-NET personal unbound ")
            during = None not in (i_meas, i_mid, i_end, i_rate) and i_meas < i_mid < i_end < i_rate
        else:
            during = None not in (i_start, i_meas, i_rate, i_end) and i_start < i_meas < i_rate < i_end
        ok = (base is not None and got is not None and during and got[1] == 0 and
              got[3] >= RATE_SHARE * base[3] and base[0] > 0)
        verdict(ok, case,
                f"work's UDP echoes during personal's {phase}: "
                + (f"{got[3]}/s, {got[1]} lost, rtt mean {got[4]} us max {got[5]} us; before the "
                   f"flood {base[3]}/s, {base[1]} lost, rtt mean {base[4]} us max {base[5]} us "
                   f"(ratio {got[3] / max(base[3], 1):.2f}, bound >= {RATE_SHARE}, none lost)"
                   if base and got else f"missing (base {base}, {phase} {got})")
                + ("" if during else "; the measurement did not lie inside the attack"))
    # The reset: mid-transfer (bytes had come in), and the device came back.
    unbound = next((re.search(r"unbound (\S+) mid-transfer rx_bytes=(\d+) tx_bytes=(\d+)", l)
                    for l in text if re.search(r"^\[personal\] .*DUET-NET personal unbound ", l)), None)
    verdict(unbound is not None and int(unbound.group(2)) > 100000, "ATK-RESET-MID-TRANSFER",
            f"personal reset its device with a download running ("
            + (f"{unbound.group(2)} bytes received" if unbound else "no line") + ", > 100000)")
    back = first(r"^\[personal\] .*DUET-NET personal back ping 192\.0\.2\.1 [1-3]/3 ok\b")
    verdict(back is not None, "ATK-RESET-BACK",
            "personal's own device came back after the reset (the router answered it)")
    print(f"net_attack: {'FAILED' if failed else 'ok'}: {failed} case(s) failed")
    return failed


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--judge":
        sys.exit(1 if judge(sys.argv[2], 0, sys.argv[3], sys.argv[4]) else 0)
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    arch, kernel, netsim, work, log = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    rc, simlog = run(arch, kernel, netsim, work, log)
    sys.exit(1 if judge(arch, rc, log, simlog) else 0)


if __name__ == "__main__":
    main()
