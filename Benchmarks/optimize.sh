#!/usr/bin/env bash
# Benchmarks `fwc optimize` on generated rulesets with planted redundancy (Benchmarks/gen_lint.py:
# per 13 rules, one rule shadowed by two narrower ones, a duplicate and a redundant ICMP block),
# in pf and ipfw: best wall time of RUNS (default 3), rules before and after, and the share of
# the planted rules removed. OPT_SIZES chooses the sizes (default 10000).
#   Benchmarks/optimize.sh [path/to/fwc]
set -euo pipefail
cd "$(dirname "$0")/.."
fwc=${1:-.build/release/fwc}
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in ${OPT_SIZES:-10000}; do
  for lang in pf ipfw; do
    python3 Benchmarks/gen_lint.py "$n" "$lang" > "$work/in"
    best=""
    for i in $(seq "$runs"); do
      /usr/bin/time -f "%e %M" -o "$work/time" "$fwc" optimize --report --from "$lang" -o "$work/out" "$work/in" 2> "$work/err"
      read -r secs kb < "$work/time"
      echo "  $lang $n run $i: ${secs}s, peak RSS ${kb} KB" >&2
      if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestkb=$kb; fi
    done
    # The planted lines: the shadowed rule, the second copy and the ICMP block of each group.
    python3 - "$work/in" "$work/out" "$lang" "$n" "$best" "$bestkb" "$(grep 'after optimizing' "$work/err")" <<'PY'
import sys
from collections import Counter
src, out, lang, n, best, kb, summary = sys.argv[1:]
# ipfw lines are compared without their rule numbers (copies differ only in those).
def body(line):
    return line.split(" ", 2)[2] if line.startswith("add ") else line
before = [body(l) for l in open(src).read().splitlines()]
after = Counter(body(l) for l in open(out).read().splitlines())
planted = removed = 0
for i, line in enumerate(before):
    words = line.split()
    if i > 0 and line == before[i - 1]:
        # The second copy of a duplicate: removed when fewer than two copies are left.
        planted += 1
        removed += after[line] < 2
    elif " icmp " in line and "192.168." in line or (".0/24" in line and (" 22" in line) and "/25" in before[i - 1]):
        # The redundant ICMP block, or the rule shadowed by the two halves before it.
        planted += 1
        removed += after[line] == 0
print(f"fwc optimize, {lang}, {n} rules: best {best} s, peak RSS {kb} KB; {summary.split(': ', 1)[1]}; "
      f"planted {planted}, removed {removed} ({100 * removed / max(planted, 1):.1f}%)")
PY
  done
done
