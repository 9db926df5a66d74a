#!/usr/bin/env bash
# Benchmarks `fwc lint` with the full dead, redundant and shadowing analysis: the 100,000-rule
# translate bench file (Benchmarks/gen_pf.py) at 10,000 and 100,000 rules, and rulesets with
# planted duplicates, shadowed and redundant rules (Benchmarks/gen_lint.py) in pf and ipfw.
# Best of five runs each (three at 100,000 rules).
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

python3 Benchmarks/gen_pf.py 10000 > "$work/pf10k.conf"
python3 Benchmarks/gen_pf.py 100000 > "$work/pf100k.conf"
python3 Benchmarks/gen_lint.py 10000 pf > "$work/planted10k.conf"
python3 Benchmarks/gen_lint.py 100000 pf > "$work/planted100k.conf"
python3 Benchmarks/gen_lint.py 10000 ipfw > "$work/planted10k.ipfw"
python3 Benchmarks/gen_lint.py 100000 ipfw > "$work/planted100k.ipfw"
bench "translate bench pf.conf, 10,000 rules" "$work/pf10k.conf" 5 --from pf
bench "planted pf.conf, 10,000 rules" "$work/planted10k.conf" 5 --from pf
bench "planted ipfw, 10,000 rules" "$work/planted10k.ipfw" 5 --from ipfw
bench "translate bench pf.conf, 100,000 rules" "$work/pf100k.conf" 3 --from pf
bench "planted pf.conf, 100,000 rules" "$work/planted100k.conf" 3 --from pf
bench "planted ipfw, 100,000 rules" "$work/planted100k.ipfw" 3 --from ipfw
