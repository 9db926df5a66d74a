#!/usr/bin/env bash
# Benchmarks `fwc print` on a generated 100,000-rule pf.conf: wall time, throughput, peak memory.
#   Benchmarks/run.sh [path/to/fwc]
set -euo pipefail
cd "$(dirname "$0")/.."
fwc=${1:-.build/release/fwc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/gen_pf.py 100000 > "$work/pf.conf"
cat > "$work/host.json" <<'JSON'
{"interfaces":[{"name":"em0","addresses":["203.0.113.5/24"]},{"name":"em1","addresses":["10.0.0.1/8"]},{"name":"lo0","addresses":["127.0.0.1/8"]}]}
JSON
bytes=$(wc -c < "$work/pf.conf")
rules=$("$fwc" print --host "$work/host.json" "$work/pf.conf" | grep -cvE '^(ext_if|int_if|web|dns|table|set) ')
echo "input: $(wc -l < "$work/pf.conf") lines, $bytes bytes, $rules rules loaded"
best=""
for run in 1 2 3 4 5; do
  /usr/bin/time -f "%e %M" -o "$work/time" "$fwc" print --host "$work/host.json" "$work/pf.conf" > /dev/null
  read -r secs kb < "$work/time"
  echo "run $run: ${secs}s, peak RSS ${kb} KB"
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestkb=$kb; fi
done
awk -v s="$best" -v b="$bytes" -v kb="$bestkb" -v r="$rules" 'BEGIN {
  printf "fwc print, 100,000 rules: best %.2f s, %.1f MB/s, peak %.0f MB (%.0f bytes per rule)\n", s, b / 1e6 / s, kb / 1024, kb * 1024 / r }'

# ipf.conf: 100,000 rules.
python3 Benchmarks/gen_ipf.py 100000 > "$work/ipf.conf"
bytes=$(wc -c < "$work/ipf.conf")
rules=$("$fwc" print ipf:"$work/ipf.conf" | wc -l)
echo "input: $(wc -l < "$work/ipf.conf") lines, $bytes bytes, $rules rules printed"
best=""
for run in 1 2 3 4 5; do
  /usr/bin/time -f "%e %M" -o "$work/time" "$fwc" print ipf:"$work/ipf.conf" > /dev/null
  read -r secs kb < "$work/time"
  echo "run $run: ${secs}s, peak RSS ${kb} KB"
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestkb=$kb; fi
done
awk -v s="$best" -v b="$bytes" -v kb="$bestkb" -v r="$rules" 'BEGIN {
  printf "fwc print ipf:, 100,000 rules: best %.2f s, %.1f MB/s, peak %.0f MB (%.0f bytes per rule)\n", s, b / 1e6 / s, kb / 1024, kb * 1024 / r }'
