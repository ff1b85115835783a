#!/usr/bin/env python3
"""Tests of the security evaluation's oracles and reports (test/eval/harness, docs/eval.md): an
oracle that a guest's own line can satisfy, or that passes a starved victim, would make every
case that rests on it say nothing. Each case judges a small made-up run."""

import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eval"))

import catalogue  # noqa: E402
from harness import machine, oracles, report  # noqa: E402
from harness.oracles import CANARY, Context  # noqa: E402


def run_of(lines, ended="until", status=None, memory=None):
    r = machine.Run()
    r.lines = [(0.0, l) for l in lines]
    r.ended, r.status, r.memory = ended, status, memory or {}
    return r


def beats(first, count, step_us=25000, canary="ok"):
    return [f"[victim] EVAL-HEARTBEAT {n} t={n * step_us} canary={canary}"
            for n in range(first, first + count)]


START = "[attacker] EVAL-ATTACK DS-1 start 0x0 0x0"
DUET = Context("DS-1", bare=False, canary_addr=0x1000, values={"canary_host": 0x1000})
BARE = Context("DS-1", bare=True, canary_addr=0x1000)


class Audit(unittest.TestCase):
    oracle = oracles.Audit(r"^root: partition attacker stopped", "stopped")

    def test_root_line_holds(self):
        v = self.oracle.judge(DUET, run_of(["root: partition attacker stopped"]))
        self.assertTrue(v.ok)

    def test_a_guest_printing_it_does_not_count(self):
        v = self.oracle.judge(DUET, run_of(["[attacker] root: partition attacker stopped"]))
        self.assertFalse(v.ok)

    def test_vmm_line_counts_and_values_fill_in(self):
        o = oracles.Audit(r"^\[attacker:vmm\] .*unclaimed address 0x%(canary_host)x", "vmm")
        self.assertTrue(o.judge(DUET, run_of(
            ["[attacker:vmm] attacker: mmio: unclaimed address 0x1000 (read, 8 bytes)"])).ok)
        self.assertFalse(o.judge(DUET, run_of(
            ["[attacker:vmm] attacker: mmio: unclaimed address 0x2000 (read, 8 bytes)"])).ok)

    def test_bare_is_a_breach_by_configuration(self):
        v = self.oracle.judge(BARE, run_of(["root: partition attacker stopped"]))
        self.assertFalse(v.ok)
        self.assertTrue(v.by_configuration)


class Heartbeat(unittest.TestCase):
    oracle = oracles.VictimHeartbeat()

    def test_steady_victim_holds(self):
        v = self.oracle.judge(DUET, run_of(beats(1, 2) + [START] + beats(3, 16)))
        self.assertTrue(v.ok, v.detail)

    def test_starved_victim_is_a_breach(self):
        v = self.oracle.judge(DUET, run_of(beats(1, 2) + [START] + beats(3, 3)))
        self.assertFalse(v.ok)

    def test_a_long_gap_is_a_breach(self):
        lines = beats(1, 2) + [START] + beats(3, 8) + beats(40, 8)
        self.assertFalse(self.oracle.judge(DUET, run_of(lines)).ok)

    def test_a_changed_canary_is_a_breach(self):
        lines = beats(1, 2) + [START] + beats(3, 15) + beats(18, 1, canary="CHANGED")
        self.assertFalse(self.oracle.judge(DUET, run_of(lines)).ok)

    def test_beats_the_attacker_prints_do_not_count(self):
        fake = [l.replace("[victim]", "[attacker]") for l in beats(3, 16)]
        self.assertFalse(self.oracle.judge(DUET, run_of(beats(1, 2) + [START] + fake)).ok)


class Canary(unittest.TestCase):
    oracle = oracles.CanaryIntact()

    def test_unchanged(self):
        self.assertTrue(self.oracle.judge(DUET, run_of([], memory={0x1000: CANARY})).ok)

    def test_changed(self):
        self.assertFalse(self.oracle.judge(DUET, run_of([], memory={0x1000: 0xbad})).ok)

    def test_unread_while_running_is_a_breach(self):
        self.assertFalse(self.oracle.judge(DUET, run_of([])).ok)


class Forgery(unittest.TestCase):
    oracle = oracles.NoForgery()

    def test_under_the_tag_holds(self):
        v = self.oracle.judge(DUET, run_of(["[attacker] [victim] EVAL-FORGERY cr"]))
        self.assertTrue(v.ok)

    def test_a_line_of_its_own_is_a_breach(self):
        self.assertFalse(self.oracle.judge(DUET, run_of(["[victim] EVAL-FORGERY cr"])).ok)

    def test_carriage_return_and_escapes_are_a_breach(self):
        for line in ["[attacker] x\r[victim] EVAL-FORGERY", "[attacker] \x1b[1;1HEVAL-FORGERY"]:
            self.assertFalse(self.oracle.judge(DUET, run_of([line])).ok, repr(line))


class Machine(unittest.TestCase):
    def test_exit_is_a_breach(self):
        self.assertFalse(oracles.MachineUp().judge(BARE, run_of([], ended="exited", status=0)).ok)

    def test_kernel_fatal_is_a_breach(self):
        self.assertFalse(oracles.MachineUp().judge(DUET, run_of(["FATAL: kernel exception"])).ok)

    def test_a_guest_fatal_line_is_not_the_kernel(self):
        self.assertTrue(oracles.MachineUp().judge(DUET, run_of(["[attacker] FATAL: x"])).ok)


class Rate(unittest.TestCase):
    oracle = oracles.WorkRate(r"DUET-SPIN personal")

    def timed(self, pairs):
        r = machine.Run()
        r.lines, r.ended = pairs, "until"
        return r

    def test_work_counting_on_holds(self):
        lines = [(1.0, "[personal] DUET-SPIN personal 1")] + [
            (1.0 + i / 2, f"[work] DUET-COUNT work {i}") for i in range(1, 21)]
        self.assertTrue(self.oracle.judge(DUET, self.timed(lines)).ok)

    def test_starved_work_is_a_breach(self):
        lines = [(1.0, "[personal] DUET-SPIN personal 1"), (2.0, "[work] DUET-COUNT work 1"),
                 (30.0, "root: partition personal: cpu 29000000 us of 29000000 us")]
        self.assertFalse(self.oracle.judge(DUET, self.timed(lines)).ok)

    def test_no_spinner_is_vacuous(self):
        self.assertFalse(self.oracle.judge(DUET, self.timed([(1.0, "[work] DUET-COUNT work 1")])).ok)


class Controls(unittest.TestCase):
    def result(self, verdicts):
        r = __import__("harness.runner", fromlist=["Result"]).Result(catalogue.find("DS-1"),
                                                                     "aarch64", "bare")
        r.verdicts, r.state = verdicts, "FAIL"
        return r

    def test_control_judged_only_by_the_configuration_is_broken(self):
        v = oracles.Verdict(False, "nothing audits", by_configuration=True)
        state, _ = report.control_line(self.result([(oracles.Audit("x", "y"), v)]))
        self.assertEqual(state, "FAIL")

    def test_control_with_the_attack_seen_passes(self):
        v = oracles.Verdict(False, "canary changed")
        state, _ = report.control_line(self.result([(oracles.CanaryIntact(), v)]))
        self.assertEqual(state, "PASS")

    def test_reports_are_written(self):
        r = self.result([(oracles.CanaryIntact(), oracles.Verdict(True, "ok"))])
        r.state = "PASS"
        with tempfile.TemporaryDirectory() as d:
            report.write_all(d, [(r, None)], catalogue, "1 case", False)
            self.assertEqual(sorted(os.listdir(d)), ["eval.html", "eval.junit.xml", "eval.tap"])
            with open(os.path.join(d, "eval.tap")) as f:
                self.assertTrue(f.read().startswith("TAP version 13\n1..1\nok 1 - DS-1"))


ROGUE = Context("IF-12", bare=False, rogue=True)
ROGUE_START = "[attacker] EVAL-ATTACK IF-12 start 0x0 0x0"


class RogueVmm(unittest.TestCase):
    """With a rogue VMM, the attacker's `[attacker:vmm]` lines are the attacker's own."""

    def test_its_vmm_lines_are_no_audit(self):
        o = oracles.Audit(r"unclaimed address", "vmm")
        line = "[attacker:vmm] attacker: mmio: unclaimed address 0x1000 (read, 8 bytes)"
        self.assertTrue(o.judge(DUET, run_of([line])).ok)
        self.assertFalse(o.judge(ROGUE, run_of([line])).ok)

    def test_its_vmm_lines_do_not_fail_the_kernel(self):
        v = oracles.MachineUp().judge(ROGUE, run_of(["[attacker:vmm] FATAL: forged"]))
        self.assertTrue(v.ok)

    def test_forged_text_under_its_vmm_tag_is_still_its_own(self):
        o = oracles.NoForgery()
        lines = ["[attacker:vmm] victim: EVAL-FORGERY x", "[attacker] [victim] EVAL-FORGERY y"]
        self.assertTrue(o.judge(ROGUE, run_of(lines)).ok)
        self.assertFalse(o.judge(DUET, run_of(lines[:1])).ok)

    def test_focus_record_only_from_the_server(self):
        o = oracles.NoRecord(r"^\[duet\] focus: victim", "focus")
        self.assertTrue(o.judge(ROGUE, run_of([ROGUE_START, "[attacker] [duet] focus: victim"])).ok)
        self.assertFalse(o.judge(ROGUE, run_of([ROGUE_START, "[duet] focus: victim"])).ok)
        self.assertTrue(o.judge(ROGUE, run_of(["[duet] focus: victim", ROGUE_START])).ok)


class VictimRegisters(unittest.TestCase):
    oracle = oracles.VictimRegisters()

    def test_kept_holds_changed_fails(self):
        ok = [START] + [b + " fp=ok sys=ok" for b in beats(1, 3)]
        self.assertTrue(self.oracle.judge(DUET, run_of(ok)).ok)
        bad = ok + ["[victim] EVAL-HEARTBEAT 4 t=100000 canary=ok fp=CHANGED sys=ok"]
        self.assertFalse(self.oracle.judge(DUET, run_of(bad)).ok)

    def test_no_beat_fails_and_a_forged_beat_does_not_count(self):
        forged = [START, "[attacker] [victim] EVAL-HEARTBEAT 1 t=1 canary=ok fp=ok sys=ok"]
        self.assertFalse(self.oracle.judge(DUET, run_of(forged)).ok)


class DiskClean(unittest.TestCase):
    oracle = oracles.DiskClean(b"MARK", "marker")

    def test_marker_found_or_not(self):
        r = run_of([])
        r.disk = {(0x1000, 16): b"\0" * 16}
        self.assertTrue(self.oracle.judge(DUET, r).ok)
        r.disk = {(0x1000, 16): b"\0" * 4 + b"MARK" + b"\0" * 8}
        self.assertFalse(self.oracle.judge(DUET, r).ok)

    def test_unread_disk_fails(self):
        self.assertFalse(self.oracle.judge(DUET, run_of([])).ok)


class Catalogue(unittest.TestCase):
    def test_ids_unique_and_grouped(self):
        ids = [c.id for c in catalogue.CASES]
        self.assertEqual(len(ids), len(set(ids)))
        groups = {g for g, _ in catalogue.GROUPS}
        for c in catalogue.CASES:
            self.assertTrue(c.id.startswith(c.group + "-"), c.id)
            self.assertIn(c.group, groups)

    def test_every_guest_case_has_an_unforgeable_oracle_and_a_control(self):
        for c in catalogue.CASES:
            if c.kind not in ("guest", "rogue"):
                continue
            for arch in c.arches:
                self.assertTrue(any(o.unforgeable for o in c.oracles_for(arch)), c.id)
                allowed = (("bare", "hog", "keepregs") if c.kind == "guest"
                           else ("granted", "hog"))
                self.assertIn(c.control.get(arch), allowed, f"{c.id} {arch}")

    def test_at_least_40_cases(self):
        self.assertGreaterEqual(len(catalogue.CASES), 40)

    def test_every_case_has_a_control_on_each_arch_and_retired_ids_stay_retired(self):
        for c in catalogue.CASES:
            for arch in c.arches:
                self.assertTrue(c.control.get(arch), f"{c.id} {arch} has no control")
            self.assertNotIn(c.id, catalogue.RETIRED)


class RogueServer(unittest.TestCase):
    """A rogue storage server's lines are those the console starts with `storage: ` (IF-30)."""
    CTX = Context("IF-30", bare=False, server=True)

    def test_its_tagged_eval_lines_are_its_report(self):
        self.assertEqual(oracles.attacker_text("storage: EVAL-ATTACK IF-30 start", self.CTX),
                         "EVAL-ATTACK IF-30 start")
        # Untagged: only in IF-30's control, where the server logs as the root task.
        self.assertEqual(oracles.attacker_text("EVAL-ATTACK IF-30 start", self.CTX),
                         "EVAL-ATTACK IF-30 start")
        self.assertFalse(oracles.trusted("storage: root: partition victim stopped", self.CTX))
        self.assertTrue(oracles.trusted("root: partition victim stopped", self.CTX))
        self.assertIsNone(oracles.attacker_text("[attacker] EVAL-READY 24 attacks", self.CTX))
        self.assertIsNone(oracles.attacker_text("root: partition victim stopped", self.CTX))

    def test_a_forged_line_without_the_servers_tag_is_a_breach(self):
        for forged in ("[victim] EVAL-FORGERY as the victim's", "root: EVAL-FORGERY as root's",
                       "EVAL-FORGERY untagged"):
            v = oracles.NoForgery().judge(self.CTX, run_of([forged]))
            self.assertFalse(v.ok, forged)
        v = oracles.NoForgery().judge(self.CTX, run_of(["storage: root: EVAL-FORGERY as root's",
                                                        "storage: [duet] EVAL-FORGERY"]))
        self.assertTrue(v.ok)


class Rejects(unittest.TestCase):
    oracle = oracles.Rejects(r"msr write 0xc0000080 -> (?!-5\b)", r"DONE", "refused")

    def test_breach_line_counts_without_the_end(self):
        v = self.oracle.judge(DUET, run_of(["msr write 0xc0000080 -> 8", "qemu: assertion"]))
        self.assertFalse(v.ok)
        self.assertFalse(v.by_configuration)

    def test_unfinished_without_a_breach_line_fails_but_proves_no_control(self):
        v = self.oracle.judge(DUET, run_of(["msr write 0xc0000080 -> -5"]))
        self.assertFalse(v.ok)
        self.assertTrue(v.by_configuration)
        self.assertTrue(self.oracle.judge(DUET, run_of(["msr write 0xc0000080 -> -5",
                                                        "DONE"])).ok)


if __name__ == "__main__":
    unittest.main()
