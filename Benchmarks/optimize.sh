#!/usr/bin/env bash
# Benchmarks `fwc optimize`.
#
# 1. Planted redundancy (Benchmarks/gen_lint.py N LANG mergeable): per group of rules, one
#    rule shadowed by two narrower ones, a duplicate, a redundant ICMP block, a host's four
#    web ports a line each, and seven mail hosts a line each. In pf and ipfw: best wall time
#    of RUNS (default 3), rules and lines before and after, and the share of the planted
#    lines removed (deleted, or merged into another line). With VERIFY=1 (the default) one
#    more run proves the output equivalent (--verify).
# 2. Evaluation cost (Benchmarks/gen_cost.py): rules evaluated per packet of a generated
#    capture, before and after — pf with its skip steps (COST_RULES rules, default 1000),
#    ipfw with --profile on a skewed capture.
# OPT_SIZES chooses the sizes of part 1 (default 10000).
#   Benchmarks/optimize.sh [path/to/fwc]
set -euo pipefail
cd "$(dirname "$0")/.."
fwc=${1:-.build/release/fwc}
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in ${OPT_SIZES:-10000}; do
  for lang in pf ipfw; do
    PLANTED="$work/planted" python3 Benchmarks/gen_lint.py "$n" "$lang" mergeable > "$work/in"
    best=""
    for i in $(seq "$runs"); do
      /usr/bin/time -f "%e %M" -o "$work/time" "$fwc" optimize --report --from "$lang" -o "$work/out" "$work/in" 2> "$work/err"
      read -r secs kb < "$work/time"
      echo "  $lang $n run $i: ${secs}s, peak RSS ${kb} KB" >&2
      if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestkb=$kb; fi
    done
    verified="not verified"
    if [ "${VERIFY:-1}" = 1 ]; then
      if "$fwc" optimize --verify --from "$lang" -o "$work/out2" "$work/in" 2> "$work/verr"; then
        verified="verified equivalent (--verify)"
      else
        verified="NOT EQUIVALENT: $(tail -1 "$work/verr")"
      fi
    fi
    python3 - "$work/planted" "$work/err" "$lang" "$n" "$best" "$bestkb" "$verified" <<'PY'
import re
import sys
from collections import Counter
planted_path, report, lang, n, best, kb, verified = sys.argv[1:]
gone = set()
summary = ""
for line in open(report):
    m = re.match(r".*?:(\d+):\d+: (remove-dead|remove-redundant|merge-lists): (.*)", line)
    if m and (m.group(2) != "merge-lists" or m.group(3).startswith("merged into")):
        gone.add(int(m.group(1)))
    if "after optimizing" in line:
        summary = line.split(": ", 1)[1].strip()
planted = [l.split() for l in open(planted_path) if l.strip()]
kinds = Counter(k for _, k in planted)
removed = Counter(k for l, k in planted if int(l) in gone)
total = sum(removed.values())
detail = ", ".join(f"{k} {removed[k]}/{kinds[k]}" for k in sorted(kinds))
print(f"fwc optimize, {lang}, {n} rules: best {best} s, peak RSS {kb} KB; {summary}; "
      f"planted {len(planted)}, removed {total} ({100 * total / max(len(planted), 1):.1f}%: {detail}); {verified}")
PY
  done
done

rules=${COST_RULES:-1000}
python3 Benchmarks/gen_cost.py pf "$rules" "$work/cost.conf" "$work/cost.pcap" 20000
"$fwc" optimize --report --profile "$work/cost.pcap" --profile-on em0 -o "$work/cost.out" "$work/cost.conf" 2>&1 \
  | grep 'evaluation cost' | sed "s/^/fwc optimize, pf, $rules rules, /"
python3 Benchmarks/gen_cost.py ipfw "$rules" "$work/cost.rules" "$work/costw.pcap" 20000
"$fwc" optimize --report --profile "$work/costw.pcap" -o "$work/cost.out" "$work/cost.rules" 2>&1 \
  | grep 'evaluation cost' | sed "s/^/fwc optimize --profile, ipfw, $rules rules, skewed capture, /"
