#!/usr/bin/env python3
"""Writes a ruleset of N rules with planted problems for `fwc lint` (and the optimizer):
duplicates, rules shadowed by two narrower ones together, redundant rules, and ordinary
distinct rules. With `mergeable`, also runs of rules that differ in one list only (ports, or
seven destination hosts: a table). With PLANTED=FILE in the environment, the planted lines'
numbers (1-based) and kinds go to FILE. Usage: gen_lint.py N [pf|ipfw] [mergeable]"""
import os
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
lang = sys.argv[2] if len(sys.argv) > 2 else "pf"
mergeable = len(sys.argv) > 3 and sys.argv[3] == "mergeable"
out = []
planted = []


def plant(kind):
    planted.append(f"{len(out)} {kind}")
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
        plant("shadowed")
        rules += 3
    elif kind == 1 and n - rules >= 2:
        # A duplicate.
        out.append(rule("block", "udp", "any", f"172.16.{a}.{b}", 53))
        out.append(rule("block", "udp", "any", f"172.16.{a}.{b}", 53))
        plant("duplicate")
        rules += 2
    elif kind == 2:
        # Redundant: the default (pf `block all`, ipfw's deny) decides these packets alike.
        out.append(rule("block", "icmp", f"192.168.{a}.{b}", "any", None))
        plant("redundant")
        rules += 1
    elif mergeable and kind == 3 and n - rules >= 4:
        # One host's web ports, a line each: one rule with a port list.
        for k, port in enumerate([80, 443, 8080, 8443]):
            out.append(rule("pass", "tcp", "any", f"172.24.{a}.{b}", port))
            if k:
                plant("merge")
        rules += 4
    elif mergeable and kind == 4 and n - rules >= 7:
        # Seven mail hosts, a line each: one rule with a table.
        for k in range(7):
            out.append(rule("pass", "tcp", "any", f"172.25.{a}.{b % 16 * 16 + k * 2}", 25))
            if k:
                plant("merge")
        rules += 7
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
if os.environ.get("PLANTED"):
    with open(os.environ["PLANTED"], "w") as f:
        f.write("\n".join(planted) + "\n")
