#!/usr/bin/env bash
# Benchmarks the semantics: `fwc diff` of two 10,000-rule rulesets (one policy written for pf and
# for ipfw), and `fwc trace --pcap` of 2,000,000 packets through a 1,000-rule ruleset, beside
# `tcpdump -r` filtering the same capture with one expression.
#   Benchmarks/semantics.sh [path/to/fwc]
set -euo pipefail
cd "$(dirname "$0")/.."
fwc=${1:-.build/release/fwc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# best LABEL -- command...: the best wall time of five runs, in seconds.
best() {
  local label=$1 b=""
  shift 2
  for run in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/err" || true
    read -r secs kb < "$work/time"
    echo "  $label run $run: ${secs}s, peak RSS ${kb} KB" >&2
    if [ -z "$b" ] || awk "BEGIN{exit !($secs < $b)}"; then b=$secs; fi
  done
  echo "$b"
}

python3 Benchmarks/gen_policy.py 10000 pf > "$work/policy.conf"
python3 Benchmarks/gen_policy.py 10000 ipfw > "$work/policy.sh"
"$fwc" diff pf:"$work/policy.conf" ipfw:"$work/policy.sh"
secs=$(best "diff" -- "$fwc" diff pf:"$work/policy.conf" ipfw:"$work/policy.sh")
echo "fwc diff, 10,000 pf rules vs 10,000 ipfw rules (equivalent): best ${secs} s"

python3 Benchmarks/gen_policy.py 1000 pf > "$work/rules.conf"
for run in 1 8; do
  python3 Benchmarks/gen_pcap.py 2000000 20000 "$work/capture.pcap" "$run"
  expression="tcp and src net 10.0.0.0/8 and dst port 22"
  fwcs=$(best "trace" -- "$fwc" trace pf:"$work/rules.conf" --pcap "$work/capture.pcap" --format words)
  tds=$(best "tcpdump" -- tcpdump -n -r "$work/capture.pcap" "$expression")
  awk -v f="$fwcs" -v t="$tds" -v r="$run" 'BEGIN {
    printf "trace, 2,000,000 packets in 20,000 flows (runs of %s), 1,000 rules: fwc %.2f s = %.2f M packets/s; tcpdump -r with one expression %.2f s = %.2f M packets/s; fwc takes %.1fx as long\n",
      r, f, 2 / f, t, 2 / t, f / t }'
done
