#!/usr/bin/env python3
"""One policy of N rules written for pf (quick rules) and for ipfw (numbered rules): the same
decisions, for `fwc diff` and `fwc trace` benchmarks.
  gen_policy.py N pf|ipfw"""
import random
import sys

n, lang = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(7)
rules = []
for i in range(n - 1):
    a, b = divmod(i, 250)
    kind = rnd.random()
    port = rnd.choice([22, 25, 53, 80, 110, 143, 443, 993, 3306, 5432, 8080])
    if kind < 0.6:
        rules.append(("block", "tcp", f"10.{a % 250}.{b}.0/24", "any", port, "in"))
    elif kind < 0.8:
        rules.append(("pass", "udp", "any", f"192.168.{a % 250}.{b}", port, "out"))
    elif kind < 0.9:
        rules.append(("block", "tcp", f"2001:db8:{a:x}:{b:x}::/64", "any", port, "in"))
    else:
        rules.append(("pass", "tcp", f"172.{16 + a % 16}.{b}.0/24", "any", port, "in"))

if lang == "pf":
    for action, proto, src, dst, port, d in rules:
        print(f"{action} {d} quick proto {proto} from {src} to {dst} port {port}" + (" no state" if action == "pass" else ""))
    print("pass no state")
else:
    print('fw="ipfw -q"')
    for k, (action, proto, src, dst, port, d) in enumerate(rules):
        act = "deny" if action == "block" else "allow"
        print(f"$fw add {(k + 1) * 5} {act} {proto} from {src} to {dst} {port} {d}")
    print(f"$fw add {5 * n} allow ip from any to any")
