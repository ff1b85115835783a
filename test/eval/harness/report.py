"""The harness's reports (docs/eval.md): the console lines (kvm-unit-tests style), TAP 13, JUnit
XML and one self-contained HTML page, all from the same results."""

import datetime
import html
import json
import os
import xml.etree.ElementTree as ET


def label(r):
    return f"{r.case.id}: [{r.arch}] {r.case.title}"


def control_line(c):
    """A control's result line: a control must be judged a breach; one that is not is a broken
    case."""
    if c.state == "SKIP":
        return "SKIP", c.reason
    if c.broken:
        return "FAIL", f"control ({c.config}) did not run the attack: {c.reason}"
    shown = [f"{o.name}: {v.detail}" for o, v in c.verdicts if v.ok is False and not v.by_configuration]
    if shown:
        return "PASS", f"control ({c.config}) judged a breach, as it must: {'; '.join(shown)}"
    return "FAIL", (f"control ({c.config}) saw no breach the attack caused: the case can't fail, "
                    f"it is broken ({c.reason})")


def console_lines(r, control):
    out = [f"{r.state}: {label(r)}: {r.reason} ({r.seconds:.1f}s)"]
    if control is not None:
        state, text = control_line(control)
        out.append(f"{state}: {r.case.id}-control: [{r.arch}] {text} ({control.seconds:.1f}s)")
    return out


def write_tap(path, rows):
    lines = ["TAP version 13", f"1..{sum(1 + (c is not None) for _, c in rows)}"]
    n = 0
    for r, c in rows:
        n += 1
        ok = "ok" if r.state != "FAIL" else "not ok"
        skip = f" # SKIP {r.reason}" if r.state == "SKIP" else ""
        lines.append(f"{ok} {n} - {label(r)}{skip}")
        # The YAML block: JSON strings are YAML strings.
        lines += ["  ---", f"  arch: {r.arch}", f"  group: {r.case.group}",
                  f"  seconds: {r.seconds:.1f}", f"  outcome: {json.dumps(r.reason)}",
                  "  oracles:"]
        for o, v in r.verdicts:
            word = "held" if v.ok else ("n/a" if v.ok is None else "breach")
            lines += [f"    - name: {json.dumps(o.name)}", f"      verdict: {word}",
                      f"      detail: {json.dumps(v.detail)}"]
        lines.append("  ...")
        if c is not None:
            n += 1
            state, text = control_line(c)
            ok = "ok" if state != "FAIL" else "not ok"
            skip = f" # SKIP {text}" if state == "SKIP" else ""
            lines.append(f"{ok} {n} - {r.case.id}-control: [{r.arch}] {text}{skip}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_junit(path, rows):
    suites = ET.Element("testsuites", name="duet-eval")
    by_group = {}
    for r, c in rows:
        by_group.setdefault(r.case.group, []).append((r, c))
    for group, items in by_group.items():
        suite = ET.SubElement(suites, "testsuite", name=group)
        count = fails = skips = 0
        for r, c in items:
            for kind, res in (("", r), ("-control", c)):
                if res is None:
                    continue
                count += 1
                tc = ET.SubElement(suite, "testcase", classname=f"eval.{r.arch}.{group}",
                                   name=f"{r.case.id}{kind} {r.case.title}",
                                   time=f"{res.seconds:.2f}")
                state, text = (res.state, res.reason) if not kind else control_line(res)
                if state == "FAIL":
                    fails += 1
                    ET.SubElement(tc, "failure", message=text)
                elif state == "SKIP":
                    skips += 1
                    ET.SubElement(tc, "skipped", message=text)
                out = ET.SubElement(tc, "system-out")
                out.text = "\n".join(f"{o.name}: {v.ok}: {v.detail}" for o, v in res.verdicts)
        suite.set("tests", str(count))
        suite.set("failures", str(fails))
        suite.set("skipped", str(skips))
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


CSS = """body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2em}
th,td{border:1px solid #bbb;padding:4px 6px;vertical-align:top;font-size:13px}
th{background:#eee;text-align:left}
.PASS{background:#dfd}.FAIL{background:#fdd}.SKIP{background:#eee}
.ok{color:#070}.bad{color:#b00;font-weight:bold}.na{color:#888}
pre{margin:2px 0;font-size:11px;white-space:pre-wrap;max-width:46em}"""


def verdict_cell(res):
    items = []
    for o, v in res.verdicts:
        cls = "ok" if v.ok else ("na" if v.ok is None else "bad")
        word = "held" if v.ok else ("n/a" if v.ok is None else "BREACH")
        tag = "" if o.unforgeable else " (evidence)"
        items.append(f"<div class='{cls}'>{html.escape(o.name)}{tag}: {word} — "
                     f"{html.escape(v.detail)}</div>")
        if v.evidence:
            items.append("<pre>" + html.escape("\n".join(v.evidence)) + "</pre>")
    return "".join(items)


def write_html(path, rows, cat, summary, control_run):
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Duet security evaluation"
           f"</title><style>{CSS}</style></head><body>",
           "<h1>Duet security evaluation</h1>",
           f"<p>{html.escape(summary)}<br>Generated {datetime.datetime.utcnow():%Y-%m-%d %H:%M} "
           "UTC by <code>scripts/hv eval</code> (docs/eval.md). Oracles marked (evidence) are the "
           "attacker's own report; every other oracle reads what the attacker cannot write.</p>"]
    for gid, gname in cat.GROUPS:
        items = [(r, c) for r, c in rows if r.case.group == gid]
        if not items:
            continue
        out.append(f"<h2>{gid}: {html.escape(gname)}</h2><table><tr><th>case</th><th>arch</th>"
                   "<th>attacks</th><th>expected safe outcome</th><th>result</th>"
                   "<th>oracles and evidence</th><th>time</th>"
                   + ("<th>control</th>" if control_run else "") + "</tr>")
        for r, c in items:
            origin = f"<br><small>from {html.escape(r.case.origin)}</small>" if r.case.origin else ""
            out.append(f"<tr><td><b>{r.case.id}</b><br>{html.escape(r.case.title)}{origin}</td>"
                       f"<td>{r.arch}</td><td>{html.escape(r.case.attacks)}</td>"
                       f"<td>{html.escape(r.case.expected)}</td>"
                       f"<td class='{r.state}'>{r.state}<br>{html.escape(r.reason)}</td>"
                       f"<td>{verdict_cell(r)}</td><td>{r.seconds:.1f}s</td>")
            if control_run:
                if c is None:
                    out.append("<td class='SKIP'>no control</td>")
                else:
                    state, text = control_line(c)
                    out.append(f"<td class='{state}'>{state}: {html.escape(text)}"
                               f"{verdict_cell(c) if c.state != 'SKIP' else ''}"
                               f"<br>{c.seconds:.1f}s</td>")
            out.append("</tr>")
        out.append("</table>")
    out.append("</body></html>")
    with open(path, "w") as f:
        f.write("\n".join(out))


def write_all(out_dir, rows, cat, summary, control_run):
    os.makedirs(out_dir, exist_ok=True)
    write_tap(os.path.join(out_dir, "eval.tap"), rows)
    write_junit(os.path.join(out_dir, "eval.junit.xml"), rows)
    write_html(os.path.join(out_dir, "eval.html"), rows, cat, summary, control_run)
