#!/usr/bin/env bash
# Builds a libFuzzer binary for one parser and runs it for a bounded time.
#   Fuzz/run.sh pf 600
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-pf}
seconds=${2:-600}
case $target in
  pf) main=Fuzz/PFParserFuzz/main.swift; modules=(FirewallIR PFSyntax) ;;
  ipf) main=Fuzz/IPFilterFuzz/main.swift; modules=(FirewallIR IPFilterSyntax) ;;
  ipnat | ippool) main=Fuzz/IPFilterFuzz/main.swift; modules=(FirewallIR IPFilterSyntax); export FWC_FUZZ_PARSER=$target ;;
  ipfw) main=Fuzz/IPFWFuzz/main.swift; modules=(FirewallIR IPFWSyntax) ;;
  packets) main=Fuzz/PacketsFuzz/main.swift; modules=(FirewallIR PacketSets Semantics) ;;
  *) echo "unknown fuzz target: $target" >&2; exit 2 ;;
esac
out=.build-fuzz
mkdir -p "$out/obj-$target" "$out/corpus-$target" fuzz-artifacts
sources=()
for m in "${modules[@]}"; do
  srcs=$(find "Sources/$m" -name '*.swift' | sort)
  swiftc -parse-as-library -module-name "$m" -emit-module -emit-module-path "$out/obj-$target/$m.swiftmodule" \
    -I "$out/obj-$target" -sanitize=fuzzer,address -parse-as-library -O -g \
    -c $srcs -wmo -o "$out/obj-$target/$m.o" -enable-testing
done
swiftc -parse-as-library -sanitize=fuzzer,address -O -g -I "$out/obj-$target" "$main" "$out"/obj-$target/*.o -o "$out/fuzz-$target"
# Seed with the corpus and the examples when present.
case $target in
  pf) seeds="../shared/corpus/pf/pfctl-tests/*.in ../shared/corpus/pf/examples/* examples/pf.conf" ;;
  ipf | ipnat | ippool) seeds="../shared/corpus/ipfilter/test/regress/i* ../shared/corpus/ipfilter/test/regress/ip* ../shared/corpus/ipfilter/examples/* ../shared/corpus/ipfilter/realworld/*" ;;
  ipfw) seeds="../shared/corpus/ipfw/realworld/* ../shared/corpus/ipfw/freebsd-tests/* ../shared/corpus/ipfw/rc.firewall examples/ipfw.sh" ;;
  packets) seeds="../shared/corpus/ipfilter/test/input/*" ;;
esac
for f in $seeds; do
  [ -f "$f" ] && cp "$f" "$out/corpus-$target/" 2>/dev/null || true
done
"$out/fuzz-$target" "$out/corpus-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix=fuzz-artifacts/ -print_final_stats=1 2>&1 | tail -25
