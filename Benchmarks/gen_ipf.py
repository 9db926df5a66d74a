#!/usr/bin/env python3
"""Writes an ipf.conf with exactly N rules (default 100,000): groups, lists, ports, state."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = ['ext = "em0";', 'int = "em1";']
rules = 0
i = 0
while rules < n:
    a, b, c = (i >> 16) & 255, (i >> 8) & 255, i & 255
    kind = i % 8
    if kind == 0 and n - rules >= 2:
        out.append(f'pass in quick on $ext proto tcp from 10.{a}.{b}.{c} to any port = {{80,443}} flags S keep state')
        rules += 2
    elif kind == 1:
        out.append(f'block in log quick on $ext from 10.{a}.{b}.{c}/32 to any')
        rules += 1
    elif kind == 2:
        out.append(f'pass out on $int proto udp from 172.16.{b}.{c} port > 1023 to any port = 53 keep state')
        rules += 1
    elif kind == 3:
        out.append(f'block return-rst in on $ext proto tcp from any to 10.{a}.{b}.{c} port {1 + i % 60000} >< {3 + i % 60000}')
        rules += 1
    elif kind == 4:
        out.append(f'block in on $ext proto tcp/udp all head g{i}')
        rules += 1
    elif kind == 5:
        out.append(f'pass in from 10.{a}.{b}.0/24 to any group g{i - 1}')
        rules += 1
    elif kind == 6:
        out.append(f'pass in proto icmp from 10.{a}.{b}.{c} to any icmp-type echo')
        rules += 1
    else:
        out.append(f'block out log first on $int from any to 10.{a}.{b}.{c} with frag')
        rules += 1
    i += 1
sys.stdout.write('\n'.join(out) + '\n')
