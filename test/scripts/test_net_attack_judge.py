#!/usr/bin/env python3
"""Tests of test/qemu/net_attack.py's judge on made-up logs: a run where every attack was refused
passes, and each kind of leak (a spoofed frame on the link, a frame to work's MAC, a broadcast, an
attack frame work heard, a lost echo, a measurement outside the attack, a device that did not
come back) fails the case that is about it."""

import contextlib
import importlib.util
import io
import os
import tempfile
import unittest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qemu", "net_attack.py")
spec = importlib.util.spec_from_file_location("net_attack", PATH)
judge_mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(judge_mod)

P = "[personal] DUET-NET personal "
W = "[work] DUET-NET work "
LOG = [
    "[work] DUET-NETTOOL heard port=4010 kind=icmp smac=02:00:5e:00:02:01 src=203.0.113.10",
    P + "raw DUET-NETTOOL raw 4000 sent=4 answered=yes",
    *[P + f"raw DUET-NETTOOL raw {p} sent=4 answered=no" for p in (4001, 4002, 4003, 4004, 4005,
                                                                   4007)],
    "radio: personal: device dropped giant 4",
    W + "DUET-NETTOOL rate base n=5000 lost=0 ms=10000 per-s=500 rtt-mean-us=2000 rtt-max-us=9000",
    P + "flooding for 45 s",
    W + "measuring flood",
    W + "DUET-NETTOOL rate flood n=4000 lost=0 ms=10000 per-s=400 rtt-mean-us=2500 rtt-max-us=9000",
    P + "flood DUET-NETTOOL flood sent=100000 refused=0 ms=45000 per-s=2222",
    "radio: personal: in 65536 dropped (ethertype 9, spoof-mac 8, spoof-ip 4, broadcast 65507, "
    "peer 8), out 0 dropped",
    P + "resetting",
    W + "measuring reset",
    P + "unbound virtio0 mid-transfer rx_bytes=2000000 tx_bytes=10",
    P + "rebound virtio0",
    W + "DUET-NETTOOL rate reset n=8000 lost=0 ms=20000 per-s=400 rtt-mean-us=2500 rtt-max-us=9000",
    P + "back ping 192.0.2.1 3/3 ok",
]
SIM = ["rx=1 t=1 len=59 smac=52:54:00:00:02:0a dmac=02:00:5e:00:02:01 src=192.0.2.10 "
       "dst=203.0.113.10 kind=udp/4000 route=internet verdict=unreachable",
       "rx=2 t=2 len=42 smac=52:54:00:00:02:0a dmac=ff:ff:ff:ff:ff:ff src=192.0.2.10 "
       "dst=192.0.2.1 kind=arp/request route=router verdict=answered"]


def run(log, sim):
    with tempfile.TemporaryDirectory() as d:
        lp, sp = os.path.join(d, "log"), os.path.join(d, "sim")
        for path, lines in ((lp, log), (sp, sim)):
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            failed = judge_mod.judge("aarch64", 0, lp, sp)
        return failed, [l.split(":")[1].strip() for l in out.getvalue().splitlines()
                        if l.startswith("FAIL:")]


class Judge(unittest.TestCase):
    def test_clean_run_passes(self):
        self.assertEqual(run(LOG, SIM), (0, []))

    def test_spoofed_frame_on_the_link(self):
        sim = SIM + [SIM[0].replace("udp/4000", "udp/4002").replace("192.0.2.10", "192.0.2.20")]
        self.assertEqual(run(LOG, sim)[1], ["ATK-SPOOF-IP"])

    def test_frame_to_work_mac_on_the_link(self):
        sim = SIM + [SIM[0].replace("dmac=02:00:5e:00:02:01", "dmac=52:54:00:00:02:14")
                     .replace("kind=udp/4000", "kind=ipv4/2048")]
        self.assertEqual(run(LOG, sim)[1], ["ATK-TO-PEER-MAC"])

    def test_broadcast_on_the_link(self):
        sim = SIM + [SIM[1].replace("kind=arp/request", "kind=ipv4/2048")]
        self.assertEqual(run(LOG, sim)[1], ["ATK-FLOOD-CONTAINED"])

    def test_work_heard_an_attack(self):
        log = LOG + ["[work] DUET-NETTOOL heard port=4003 kind=icmp smac=x src=y"]
        self.assertEqual(run(log, SIM)[1], ["ATK-SPOOF-BOTH"])

    def test_lost_echo_during_reset(self):
        log = [l.replace("rate reset n=8000 lost=0", "rate reset n=8000 lost=1") for l in LOG]
        self.assertEqual(run(log, SIM)[1], ["ATK-RESET-RATE"])

    def test_slow_during_flood(self):
        log = [l.replace("rate flood n=4000 lost=0 ms=10000 per-s=400",
                         "rate flood n=2000 lost=0 ms=10000 per-s=200") for l in LOG]
        self.assertEqual(run(log, SIM)[1], ["ATK-FLOOD-RATE"])

    def test_measurement_outside_the_reset(self):
        log = [l for l in LOG if "measuring reset" not in l]
        log.insert(log.index(P + "rebound virtio0") + 1, W + "measuring reset")
        self.assertEqual(run(log, SIM)[1], ["ATK-RESET-RATE"])

    def test_device_not_back(self):
        log = [l for l in LOG if "back ping" not in l]
        self.assertEqual(run(log, SIM)[1], ["ATK-RESET-BACK"])

    def test_giant_on_the_link(self):
        sim = SIM + [SIM[0].replace("len=59", "len=2042").replace("udp/4000", "malformed")]
        self.assertEqual(run(LOG, sim)[1], ["ATK-OVERSIZE"])

    def test_giant_uncounted(self):
        log = [l for l in LOG if "device dropped" not in l]
        self.assertEqual(run(log, SIM)[1], ["ATK-OVERSIZE"])

    def test_uncounted(self):
        log = [l.replace("spoof-ip 4,", "spoof-ip 3,") for l in LOG]
        self.assertEqual(run(log, SIM)[1], ["ATK-RADIO-COUNTED"])


if __name__ == "__main__":
    unittest.main()
