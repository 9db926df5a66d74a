#!/usr/bin/env python3
"""Writes a Handbook-style ipfw shell script with exactly N rules (default 100,000): variables,
auto-numbered and numbered rules, ports, state, tables, or-blocks and options."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = ['#!/bin/sh', 'ipfw -q -f flush', 'cmd="ipfw -q add"', 'pif="em0"', 'lan="em1"', 'ks="keep-state"',
       'ipfw -q table bad create type addr', 'ipfw -q nat 1 config if $pif same_ports reset']
templates = [
    '$cmd {num:05d} allow tcp from any to me {port} in via $pif setup $ks',
    '$cmd {num:05d} deny log ip from 10.{a}.{b}.{c}/32 to any in via $pif',
    '$cmd {num:05d} allow udp from 172.16.{b}.{c} 1024-65535 to any 53 out via $pif $ks',
    '$cmd {num:05d} reset tcp from any to 10.{a}.{b}.{c} 22,80,443 in recv $pif',
    '$cmd {num:05d} allow ip from {{ 10.{a}.{b}.0/24 or 192.168.{b}.{c} }} to any via $lan',
    '$cmd {num:05d} allow icmp from any to any icmptypes 0,3,8,11 // icmp {i}',
    '$cmd {num:05d} skipto {next} tcp from table\\(bad\\) to any tcpflags syn,!ack iplen 40-1500',
    '$cmd {num:05d} nat 1 ip from any to any out xmit $pif',
]
for i in range(n):
    num = 10 + (i * 6) // 10
    out.append(templates[i % 8].format(num=num, next=num + 1, port=1 + i % 60000, i=i,
                                       a=(i >> 16) & 255, b=(i >> 8) & 255, c=i & 255))
print("\n".join(out))
