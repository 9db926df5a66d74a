#!/usr/bin/env bash
# Benchmarks fwc as a CNI plugin: ADD and DEL of one container while 10,000 others are already
# in the state directory (CONTAINERS to change the count). pfctl is a stand-in that accepts
# everything, so the figures are fwc's own work plus two process starts per pfctl call.
# Best of RUNS (default 20) each.
#   Benchmarks/containers.sh [path/to/fwc]
set -euo pipefail
cd "$(dirname "$0")/.."
fwc=$(realpath "${1:-.build/release/fwc}")
count=${CONTAINERS:-10000}
runs=${RUNS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '#!/bin/sh\ncat > /dev/null\nexit 0\n' > "$work/pfctl"
chmod +x "$work/pfctl"

# The state of `count` containers on one network, each publishing one port, as fwc writes it.
python3 - "$work/state" "$count" <<'PY'
import json, os, sys
state, count = sys.argv[1], int(sys.argv[2])
for d in ("networks", "containers", "ports"):
    os.makedirs(os.path.join(state, d), exist_ok=True)
net = {"name": "bench", "bridge": "bridge1", "subnets": ["10.80.0.0/16"], "nat": True, "egress": "em0",
       "egressAddresses": [], "isolate": True, "isolateInside": False, "internal": False}
json.dump(net, open(os.path.join(state, "networks", "bench.json"), "w"))
for i in range(count):
    cid = "c%05d" % i
    addr = "10.80.%d.%d" % (i // 250, i % 250 + 2)
    port = 20000 + i
    rec = {"firewall": "pf", "container": {"id": cid, "attachments": [{"network": "bench", "addresses": [addr]}],
           "ports": [{"hostPort": port, "containerPort": 80, "protocol": "tcp"}]}}
    json.dump(rec, open(os.path.join(state, "containers", cid + ".json"), "w"))
    claim = [{"owner": cid, "family": 4, "mapping": "%d:80/tcp" % port}]
    json.dump(claim, open(os.path.join(state, "ports", "tcp.%d.json" % port), "w"))
PY

config=$(cat <<JSON
{"cniVersion": "1.1.0", "name": "bench", "type": "fwc", "stateDir": "$work/state", "pfctl": "$work/pfctl",
 "egress": "em0",
 "runtimeConfig": {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]},
 "prevResult": {"cniVersion": "1.1.0",
   "interfaces": [{"name": "bridge1"}, {"name": "eth0", "sandbox": "jail1"}],
   "ips": [{"address": "10.80.250.2/16", "interface": 1}]}}
JSON
)

best() { sort -g | head -1; }
time_one() {
  local command=$1 start end
  start=$(date +%s%N)
  printf '%s' "$config" | CNI_COMMAND=$command CNI_CONTAINERID=bench-new CNI_NETNS=jail1 CNI_IFNAME=eth0 "$fwc" > "$work/out" || {
    echo "CNI $command failed:" >&2; cat "$work/out" >&2; exit 1; }
  end=$(date +%s%N)
  echo "scale=1; ($end - $start) / 1000000" | bc
}
: > "$work/add"; : > "$work/del"
for i in $(seq "$runs"); do
  time_one ADD >> "$work/add"
  time_one DEL >> "$work/del"
done
echo "fwc CNI with $count containers in the state: ADD best $(best < "$work/add") ms, DEL best $(best < "$work/del") ms (of $runs runs each)"
