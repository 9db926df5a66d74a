#!/usr/bin/env python3
"""A capture of P packets (Ethernet, IPv4 and IPv6 TCP/UDP) in F flows whose addresses fall in
and around the networks gen_policy.py uses. Packets come in runs of one flow (RUN packets on
average, as traffic arrives in bursts); RUN 1 draws every packet's flow at random.
  gen_pcap.py PACKETS FLOWS OUT.pcap [RUN]"""
import random
import struct
import sys

packets, flows, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
run = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
rnd = random.Random(11)
frames = []
for _ in range(flows):
    proto = rnd.choice([6, 6, 6, 17])
    sport = rnd.randrange(1024, 65535)
    dport = rnd.choice([22, 25, 53, 80, 443, 8080, 3306, 9999])
    if rnd.random() < 0.85:
        src = bytes([rnd.choice([10, 172, 192, 198]), rnd.randrange(0, 40), rnd.randrange(0, 250), rnd.randrange(1, 255)])
        dst = bytes([192, 168, rnd.randrange(0, 40), rnd.randrange(1, 255)])
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 65535, 0, 0) if proto == 6 else struct.pack("!HHHH", sport, dport, 8, 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0, 64, proto, 0, src, dst)
        frames.append(b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + l4)
    else:
        src = bytes.fromhex("20010db8") + struct.pack("!HH", rnd.randrange(0, 40), rnd.randrange(0, 250)) + bytes(rnd.randrange(256) for _ in range(8))
        dst = bytes.fromhex("20010db8ffff0000") + bytes(rnd.randrange(256) for _ in range(8))
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 65535, 0, 0) if proto == 6 else struct.pack("!HHHH", sport, dport, 8, 0)
        ip = struct.pack("!IHBB16s16s", 0x60000000, len(l4), proto, 64, src, dst)
        frames.append(b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x86\xdd" + ip + l4)
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    i = 0
    while i < packets:
        fr = frames[rnd.randrange(flows)]
        n = 1 if run <= 1 else 1 + int(rnd.expovariate(1 / (run - 1)))
        for _ in range(min(n, packets - i)):
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(fr), len(fr)))
            f.write(fr)
            i += 1
