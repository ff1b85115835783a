"""A small client of QEMU's machine protocol (QMP) over a unix socket: what `scripts/hv key`,
`scripts/hv screenshot` and the keyboard and display tests use to act on a running Duet the
way a person at the machine would (docs/trusted-path.md). Only the standard library."""

import json
import os
import socket
import time

# QEMU's names for keys (QKeyCode, qapi/ui.json) that a combination may use beyond its letters,
# digits and function keys, under the names a person types.
KEY_ALIASES = {
    "ctrl": "ctrl", "lctrl": "ctrl", "rctrl": "ctrl_r",
    "alt": "alt", "lalt": "alt", "ralt": "alt_r", "altgr": "alt_r",
    "shift": "shift", "lshift": "shift", "rshift": "shift_r",
    "enter": "ret", "return": "ret", "esc": "esc", "escape": "esc",
    "space": "spc", "tab": "tab", "backspace": "backspace",
    "up": "up", "down": "down", "left": "left", "right": "right",
    "minus": "minus", "equal": "equal", "dot": "dot", "comma": "comma", "slash": "slash",
}


class QmpError(Exception):
    pass


def parse_combo(combo):
    """'ctrl-alt-f12' or 'ctrl+alt+f12' -> QEMU key names; one key is 'a', 'f1', 'enter'."""
    keys = []
    for name in combo.lower().replace("+", "-").split("-"):
        if not name:
            raise QmpError(f"empty key name in {combo!r}")
        if name in KEY_ALIASES:
            keys.append(KEY_ALIASES[name])
        elif len(name) == 1 and (name.isalpha() or name.isdigit()):
            keys.append(name)
        elif name[0] == "f" and name[1:].isdigit() and 1 <= int(name[1:]) <= 12:
            keys.append(name)
        else:
            raise QmpError(f"unknown key {name!r} in {combo!r}")
    return keys


class Qmp:
    """One QMP session: connects (retrying while QEMU starts), negotiates, runs commands."""

    def __init__(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError as e:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise QmpError(f"no QMP socket at {path}: {e}")
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rwb")
        greeting = self._read()
        if "QMP" not in greeting:
            raise QmpError(f"not a QMP greeting: {greeting}")
        self.command("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise QmpError("QEMU closed the QMP socket")
        return json.loads(line)

    def command(self, name, **arguments):
        msg = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        self.file.write(json.dumps(msg).encode() + b"\n")
        self.file.flush()
        while True:
            reply = self._read()
            if "event" in reply:
                continue  # asynchronous events are not answers
            if "error" in reply:
                raise QmpError(f"{name}: {reply['error'].get('desc', reply['error'])}")
            return reply.get("return")

    def send_key(self, combo, hold_ms=100):
        """Presses the keys of combo in order and releases them in reverse (QEMU's send-key)."""
        keys = [{"type": "qcode", "data": k} for k in parse_combo(combo)]
        self.command("send-key", keys=keys, **{"hold-time": hold_ms})

    def screendump(self, path):
        """The display's current picture as a PNG file (QEMU 7.1 and later)."""
        self.command("screendump", filename=os.path.abspath(path), format="png")

    def close(self):
        self.file.close()
        self.sock.close()
