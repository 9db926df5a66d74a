#!/usr/bin/env bash
# Benchmarks `fwc lint` with the full dead, redundant and shadowing analysis: the 100,000-rule
# translate bench file (Benchmarks/gen_pf.py) at 10,000 and 100,000 rules, and rulesets with
# planted duplicates, shadowed and redundant rules (Benchmarks/gen_lint.py) in pf and ipfw.
# Best of five runs each (three at 100,000 rules). LINT_SIZES chooses the sizes (default both).
#   Benchmarks/lint.sh [path/to/fwc]
set -euo pipefail
cd "$(dirname "$0")/.."
fwc=${1:-.build/release/fwc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# bench NAME FILE RUNS ARGS...: best wall time and its peak memory, and the findings per ID.
bench() {
  local name=$1 file=$2 runs=$3
  shift 3
  local best="" bestkb=""
  for i in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$fwc" lint --format json "$@" "$file" > "$work/out" 2> "$work/err" || {
      code=$?
      if [ "$code" -ne 1 ]; then
        echo "fwc lint failed on $name (exit $code)" >&2
        tail -5 "$work/err" >&2
        exit 1
      fi
    }
    read -r secs kb < "$work/time"
    echo "  $name run $i: ${secs}s, peak RSS ${kb} KB" >&2
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestkb=$kb; fi
  done
  counts=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(", ".join(f"{k} {v}" for k,v in sorted(d["counts"].items())))' "$work/out")
  echo "fwc lint, $name: best ${best} s, peak RSS ${bestkb} KB; findings: ${counts}"
}

for n in ${LINT_SIZES:-10000 100000}; do
  runs=$([ "$n" -ge 100000 ] && echo 3 || echo 5)
  python3 Benchmarks/gen_pf.py "$n" > "$work/pf.conf"
  python3 Benchmarks/gen_lint.py "$n" pf > "$work/planted.conf"
  python3 Benchmarks/gen_lint.py "$n" ipfw > "$work/planted.ipfw"
  bench "planted pf.conf, $n rules" "$work/planted.conf" "$runs" --from pf
  bench "planted ipfw, $n rules" "$work/planted.ipfw" "$runs" --from ipfw
  bench "translate bench pf.conf (dense overlaps), $n rules" "$work/pf.conf" "$runs" --from pf
done
