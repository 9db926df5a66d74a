#!/usr/bin/env python3
"""Writes a ruleset of N rules with planted problems for `fwc lint` (and the optimizer):
duplicates, rules shadowed by two narrower ones together, redundant rules, and ordinary
distinct rules. Usage: gen_lint.py N [pf|ipfw]"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
lang = sys.argv[2] if len(sys.argv) > 2 else "pf"
out = []
rules = 0
i = 0


def rule(action, proto, src, dst, port):
    if lang == "pf":
        p = f" proto {proto}" if proto else ""
        prt = f" port {port}" if port else ""
        return f"{action} in quick on em0{p} from {src} to {dst}{prt}"
    act = "allow" if action == "pass" else "deny"
    prt = f" {port}" if port else ""
    # ipfw numbers rules 1..65534: spread over that range (shared above 65,534 rules).
    number = 1 + len(out) * 65533 // max(n, 1)
    return f"add {number} {act} {proto or 'ip'} from {src} to {dst}{prt} in via em0"


if lang == "pf":
    out += ["set skip on lo0", "antispoof for em0", "block all"]
while rules < n:
    a, b = (i >> 8) & 255, i & 255
    kind = i % 10
    if kind == 0 and n - rules >= 3:
        # Shadowed by the two halves before it.
        out.append(rule("pass", "tcp", f"10.{a}.{b}.0/25", "any", 22))
        out.append(rule("pass", "tcp", f"10.{a}.{b}.128/25", "any", 22))
        out.append(rule("pass", "tcp", f"10.{a}.{b}.0/24", "any", 22))
        rules += 3
    elif kind == 1 and n - rules >= 2:
        # A duplicate.
        out.append(rule("block", "udp", "any", f"172.16.{a}.{b}", 53))
        out.append(rule("block", "udp", "any", f"172.16.{a}.{b}", 53))
        rules += 2
    elif kind == 2:
        # Redundant: the default (pf `block all`, ipfw's deny) decides these packets alike.
        out.append(rule("block", "icmp", f"192.168.{a}.{b}", "any", None))
        rules += 1
    else:
        proto = ["tcp", "udp"][i % 2]
        plen = 24 + kind % 8
        net = b & ~((1 << (32 - plen)) - 1) & 255
        out.append(rule("pass", proto, f"10.{a}.{b}.{kind}", f"172.20.{a}.{net}/{plen}", 1024 + i % 50000))
        rules += 1
    i += 1
if lang == "pf":
    out.append("pass out on em0 all")
sys.stdout.write("\n".join(out) + "\n")
