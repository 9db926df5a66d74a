#!/usr/bin/env bash
# Benchmarks `fwc translate`: a generated 100,000-rule pf.conf (macros, lists, tables, state,
# nat-to, labels, tags: Benchmarks/gen_pf.py) to ipfw and to ipf, best of five runs, and what
# --verify adds (one run each).
#   Benchmarks/translate.sh [path/to/fwc] [rules]
set -euo pipefail
cd "$(dirname "$0")/.."
fwc=${1:-.build/release/fwc}
n=${2:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 Benchmarks/gen_pf.py "$n" > "$work/pf.conf"
echo "input: $n pf rules, $(wc -c < "$work/pf.conf") bytes"

# run LABEL -- command...: wall time and peak memory of one run, in "secs kb".
run() {
  shift 2
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || {
    echo "command failed: $*" >&2
    tail -5 "$work/err" >&2
    exit 1
  }
  cat "$work/time"
}

for target in ipfw ipf; do
  best=""
  for i in 1 2 3 4 5; do
    read -r secs kb < <(run "$target" -- "$fwc" translate --to "$target" --allow-loss -o "$work/out.$target" "$work/pf.conf")
    echo "  to $target run $i: ${secs}s, peak RSS ${kb} KB" >&2
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
  done
  losses=$(grep -c "cannot translate" "$work/err" || true)
  echo "fwc translate --to $target, $n rules: best ${best} s ($losses losses listed)"
  read -r secs kb < <(run "$target" -- "$fwc" translate --to "$target" --allow-loss --verify -o "$work/out.$target" "$work/pf.conf")
  grep -h "verified" "$work/err" | sed 's/^/  /'
  echo "fwc translate --to $target --verify, $n rules: ${secs} s, peak RSS ${kb} KB"
done
