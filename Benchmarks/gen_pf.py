#!/usr/bin/env python3
"""Writes a pf.conf that loads exactly N rules (default 100,000), using macros, lists and tables."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = []
out.append('ext_if = "em0"')
out.append('int_if = "em1"')
out.append('web = "{ 80 443 }"')
out.append('dns = "{ 53 }"')
out.append('table <blocked> persist { 192.0.2.0/24 198.51.100.0/24 }')
out.append('table <admins> const { 203.0.113.0/28 2001:db8:a::/48 }')
out.append('set skip on lo0')
rules = 0
i = 0
while rules < n:
    a, b, c = (i >> 16) & 255, (i >> 8) & 255, i & 255
    kind = i % 8
    if kind == 0 and n - rules >= 2:
        out.append(f'pass in on $ext_if proto tcp from 10.{a}.{b}.{c} to any port $web')
        rules += 2
    elif kind == 1:
        out.append(f'block in quick on $ext_if from <blocked> to 10.{a}.{b}.{c}/32')
        rules += 1
    elif kind == 2:
        out.append(f'pass out on $int_if inet proto udp from 172.16.{b}.{c} port {1024 + c} to any port $dns keep state')
        rules += 1
    elif kind == 3:
        out.append(f'block return-rst in on $ext_if proto tcp from any to 10.{a}.{b}.{c} port {1 + i % 60000}:{2 + i % 60000}')
        rules += 1
    elif kind == 4:
        out.append(f'pass in inet6 proto tcp from <admins> to 2001:db8:{a:x}:{b:x}::{c:x} port ssh flags S/SA keep state (max-src-conn 10)')
        rules += 1
    elif kind == 5:
        out.append(f'match out on $ext_if inet from 10.{a}.{b}.0/24 to any nat-to ($ext_if)')
        rules += 1
    elif kind == 6:
        out.append(f'pass in on $ext_if inet proto icmp from 10.{a}.{b}.{c} icmp-type echoreq label "ping-{i}"')
        rules += 1
    else:
        out.append(f'block drop log on ! $int_if from any to 10.{a}.{b}.{c} tag t{i % 97}')
        rules += 1
    i += 1
sys.stdout.write('\n'.join(out) + '\n')
