#!/usr/bin/env bash
# Benchmarks `fwc print` on generated 100,000-rule rulesets (pf.conf, ipf.conf, an ipfw script):
# wall time, throughput, peak memory.
#   Benchmarks/run.sh [path/to/fwc]
set -euo pipefail
cd "$(dirname "$0")/.."
fwc=${1:-.build/release/fwc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure LABEL INPUT RULES -- fwc arguments: best of five runs.
measure() {
  local label=$1 input=$2 rules=$3
  shift 4
  local bytes best="" bestkb=""
  bytes=$(wc -c < "$input")
  echo "input: $(wc -l < "$input") lines, $bytes bytes, $rules rules"
  for run in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$fwc" "$@" > /dev/null
    read -r secs kb < "$work/time"
    echo "run $run: ${secs}s, peak RSS ${kb} KB"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestkb=$kb; fi
  done
  awk -v l="$label" -v s="$best" -v b="$bytes" -v kb="$bestkb" -v r="$rules" 'BEGIN {
    printf "%s, 100,000 rules: best %.2f s, %.1f MB/s, peak %.0f MB (%.0f bytes per rule)\n", l, s, b / 1e6 / s, kb / 1024, kb * 1024 / r }'
}

python3 Benchmarks/gen_pf.py 100000 > "$work/pf.conf"
cat > "$work/host.json" <<'JSON'
{"interfaces":[{"name":"em0","addresses":["203.0.113.5/24"]},{"name":"em1","addresses":["10.0.0.1/8"]},{"name":"lo0","addresses":["127.0.0.1/8"]}]}
JSON
rules=$("$fwc" print --host "$work/host.json" "$work/pf.conf" | grep -cvE '^(ext_if|int_if|web|dns|table|set) ')
measure "fwc print (pf)" "$work/pf.conf" "$rules" -- print --host "$work/host.json" "$work/pf.conf"

python3 Benchmarks/gen_ipf.py 100000 > "$work/ipf.conf"
rules=$("$fwc" print ipf:"$work/ipf.conf" | wc -l)
measure "fwc print ipf:" "$work/ipf.conf" "$rules" -- print ipf:"$work/ipf.conf"

python3 Benchmarks/gen_ipfw.py 100000 > "$work/ipfw.sh"
rules=$("$fwc" print --from ipfw "$work/ipfw.sh" | grep -c '^[0-9]')
measure "fwc print --from ipfw (sh script)" "$work/ipfw.sh" "$rules" -- print --from ipfw "$work/ipfw.sh"
