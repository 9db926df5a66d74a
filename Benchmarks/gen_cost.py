#!/usr/bin/env python3
"""A ruleset and a capture for measuring evaluation cost (`fwc optimize --report --profile`).
  gen_cost.py pf N RULES.conf CAPTURE.pcap PACKETS
    N non-quick pf pass rules, interfaces em0..em3, TCP and UDP interleaved so that no two
    neighbours share interface or protocol (pf's skip steps jump nothing); packets arrive on
    em0 to the rules' destinations.
  gen_cost.py ipfw N RULES CAPTURE.pcap PACKETS
    N ipfw allow rules to distinct host and port, then a deny; a skewed capture: 90% of the
    packets go to 20 hot rules spread over the last half, the rest anywhere."""
import random
import struct
import sys

lang, n, rules_path, pcap_path, packets = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
rnd = random.Random(7)
targets = []  # (proto, dst bytes, port)
lines = []
if lang == "pf":
    lines.append("block all")
    for i in range(n):
        ifname = f"em{i % 4}"
        proto = ["tcp", "udp"][(i // 4) % 2]
        dst = f"172.16.{(i >> 8) & 255}.{i & 255}"
        port = 1000 + i % 5000
        lines.append(f"pass in on {ifname} proto {proto} from any to {dst} port {port}")
        if ifname == "em0":
            targets.append((6 if proto == "tcp" else 17, bytes([172, 16, (i >> 8) & 255, i & 255]), port))
    weights = None
else:
    for i in range(n):
        proto = ["tcp", "udp"][i % 2]
        port = 1000 + i % 5000
        lines.append(f"add {100 + i * 5} allow {proto} from any to 172.16.{(i >> 8) & 255}.{i & 255} {port} in")
        targets.append((6 if proto == "tcp" else 17, bytes([172, 16, (i >> 8) & 255, i & 255]), port))
    lines.append(f"add {100 + n * 5} deny ip from any to any")
    hot = rnd.sample(range(n // 2, n), min(20, n // 2))
with open(rules_path, "w") as f:
    f.write("\n".join(lines) + "\n")

with open(pcap_path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for k in range(packets):
        if lang == "pf" or rnd.random() >= 0.9:
            proto, dst, port = targets[rnd.randrange(len(targets))]
        else:
            proto, dst, port = targets[rnd.choice(hot)]
        src = bytes([198, 51, 100, rnd.randrange(1, 255)])
        sport = rnd.randrange(1024, 65535)
        if proto == 6:
            l4 = struct.pack("!HHIIBBHHH", sport, port, 1, 0, 0x50, 0x02, 65535, 0, 0)
        else:
            l4 = struct.pack("!HHHH", sport, port, 8, 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0, 64, proto, 0, src, dst)
        frame = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + l4
        f.write(struct.pack("<IIII", k // 1000000, k % 1000000, len(frame), len(frame)))
        f.write(frame)
