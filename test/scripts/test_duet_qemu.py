#!/usr/bin/env python3
"""Tests of scripts/duet-qemu's judge: the declared cases of an in-QEMU test (a case that is
missing, skipped, or undeclared fails it) and the one way every check splits the log into
lines. A judge that passes a broken run makes the tests behind it say nothing."""

import importlib.machinery
import importlib.util
import os
import types
import unittest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "duet-qemu")
loader = importlib.machinery.SourceFileLoader("duet_qemu", PATH)
spec = importlib.util.spec_from_loader("duet_qemu", loader)
dq = importlib.util.module_from_spec(spec)
loader.exec_module(dq)


def problems(results, case=None, case_skip=None):
    v = dq.Verdict()
    v.results = [(kind, cid, "text") for kind, cid in results]
    dq.judge_cases(types.SimpleNamespace(case=case, case_skip=case_skip), v)
    return v.problems


class Cases(unittest.TestCase):
    def test_all_declared_pass(self):
        self.assertEqual(problems([("PASS", "A-1"), ("SKIP", "B-1")], ["A-1"], ["B-1"]), [])

    def test_missing_case_fails(self):
        self.assertIn("case A-2 is missing", problems([("PASS", "A-1")], ["A-1", "A-2"]))

    def test_pass_turned_skip_fails(self):
        p = problems([("SKIP", "A-1")], ["A-1"])
        self.assertEqual(p, ["case A-1 was skipped; it must run and pass here"])

    def test_declared_skip_that_ran_fails(self):
        self.assertTrue(problems([("PASS", "B-1")], [], ["B-1"]))

    def test_undeclared_case_fails(self):
        self.assertIn("case C-1 is not declared by the test",
                      problems([("PASS", "A-1"), ("PASS", "C-1")], ["A-1"]))

    def test_twice_fails(self):
        self.assertTrue(problems([("PASS", "A-1"), ("PASS", "A-1")], ["A-1"]))

    def test_no_declaration_judges_nothing(self):
        self.assertEqual(problems([("PASS", "A-1")]), [])


class Lines(unittest.TestCase):
    def test_split_at_newline_only(self):
        # A bare CR (a redrawn prompt) stays inside its line, for UNTIL, SEND and the verdict.
        self.assertEqual(dq.split_lines(b"[p] / # \r[p] / # ls\r\nPASS: X-1: ok\r\n"),
                         ["[p] / # \r[p] / # ls", "PASS: X-1: ok", ""])


if __name__ == "__main__":
    unittest.main()
