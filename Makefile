# fwc — build, run, test. `make run` and `make test` work on a fresh machine.
SWIFT ?= swift
BUILD_FLAGS ?=
FWC_DEBUG = .build/debug/fwc
FWC_RELEASE = .build/release/fwc
FUZZ_SECONDS ?= 600

.PHONY: all build release run test bench bench-semantics bench-translate bench-lint bench-optimize bench-containers fuzz-pf fuzz-ipf fuzz-ipnat fuzz-ippool fuzz-ipfw fuzz-packets format lint clean deps

all: build

deps:
	@command -v $(SWIFT) >/dev/null || { echo "swift toolchain not found on PATH"; exit 1; }
	@# libpcap (trace --pcap): in FreeBSD's base system; on Debian from libpcap-dev.
	@if command -v apt-get >/dev/null && ! pkg-config --exists libpcap 2>/dev/null; then \
	  echo "installing libpcap-dev"; \
	  apt-get install -y libpcap-dev >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y libpcap-dev >/dev/null; }; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

# Builds fwc, prints the bundled example rulesets the way `pfctl -nv` and `ipfw list` would,
# translates one to ipfw and ipfilter with proof, traces packets and compares two rulesets.
run: release
	$(FWC_RELEASE) check --host examples/host.json examples/pf.conf
	$(FWC_RELEASE) print --host examples/host.json examples/pf.conf
	$(FWC_RELEASE) print --from ipfw examples/ipfw.sh
	@echo "# what examples/pf.conf does to a few packets:"
	$(FWC_RELEASE) trace --host examples/host.json examples/pf.conf \
	  --packet "in on lo0 tcp 127.0.0.1:5000 > 127.0.0.1:80" \
	  --packet "in on em0 tcp 198.51.100.7:40000 > 203.0.113.5:8080" \
	  --packet "in on em0 tcp 192.0.2.9:40000 > 203.0.113.5:22" \
	  --packet "out on em0 tcp 10.88.0.2:40000 > 192.0.2.1:443" \
	  --packet "in on em0 tcp 192.0.2.1:443 > 203.0.113.5:40000 flags SA"
	@echo "# examples/web-pf.conf translated to ipfw and to ipfilter, each proven equivalent:"
	$(FWC_RELEASE) translate --to ipfw --verify examples/web-pf.conf
	$(FWC_RELEASE) translate --to ipf --verify examples/web-pf.conf
	@echo "# one policy in pf and in ipfw, compared:"
	$(FWC_RELEASE) diff --max-examples 2 examples/web-pf.conf ipfw:examples/web-ipfw.rules \
	  || echo "# (fwc diff exits 1: the rulesets differ)"
	@echo "# what fwc lint finds in a gateway ruleset with mistakes:"
	$(FWC_RELEASE) lint --host examples/host.json examples/lint-pf.conf
	@echo "# ... and what fwc optimize deletes from it (dead and redundant lines), proved equivalent:"
	$(FWC_RELEASE) optimize --report --verify --host examples/host.json examples/lint-pf.conf > .build/lint-pf.optimized.conf
	@echo "# fwc optimize merging a host's rule-per-line pf.conf into lists and a table, proved equivalent:"
	$(FWC_RELEASE) optimize --report --verify examples/optimize-pf.conf
	@echo "# per-container NAT, published ports and isolation for examples/containers.yaml, as pf anchors:"
	$(FWC_RELEASE) container render examples/containers.yaml
	@echo "# ... and what they do once hooked into a pf.conf (examples/containers-pf.conf):"
	$(FWC_RELEASE) container render examples/containers.yaml --merge examples/containers-pf.conf > .build/containers-merged.conf
	$(FWC_RELEASE) trace --host examples/containers-host.json .build/containers-merged.conf \
	  --packet "in on em0 tcp 198.51.100.7:40000 > 203.0.113.5:80 flags S" \
	  --packet "in on em0 tcp 198.51.100.7:40000 > 203.0.113.5:5432 flags S" \
	  --packet "in on bridge1 tcp 10.89.1.2:40000 > 10.89.2.2:80 flags S" \
	  --packet "out on em0 tcp 10.89.1.2:40000 > 192.0.2.1:443 flags S" \
	  --packet "in on bridge3 tcp 10.89.3.2:40000 > 192.0.2.1:443 flags S"

test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build --disable-swift-testing $(BUILD_FLAGS)

# Throughput benchmarks (not part of `make test`).
bench: release
	Benchmarks/run.sh $(FWC_RELEASE)

# diff of 10,000-rule rulesets and trace of a 2,000,000-packet capture beside tcpdump.
bench-semantics: release
	@command -v tcpdump >/dev/null || apt-get install -y tcpdump >/dev/null
	Benchmarks/semantics.sh $(FWC_RELEASE)

# translate of a 100,000-rule pf.conf to ipfw and to ipf, with and without --verify.
bench-translate: release
	Benchmarks/translate.sh $(FWC_RELEASE)

# lint of generated 10,000- and 100,000-rule rulesets with the full dead and redundant analysis.
bench-lint: release
	Benchmarks/lint.sh $(FWC_RELEASE)

# fwc optimize on 10,000-rule rulesets with planted redundancy and mergeable runs, and the
# evaluation cost before and after on generated captures.
bench-optimize: release
	Benchmarks/optimize.sh $(FWC_RELEASE)

# CNI ADD and DEL with 10,000 containers already in the state.
bench-containers: release
	Benchmarks/containers.sh $(FWC_RELEASE)

# libFuzzer on the parsers; FUZZ_SECONDS bounds each run.
fuzz-pf: deps
	Fuzz/run.sh pf $(FUZZ_SECONDS)

fuzz-ipf: deps
	Fuzz/run.sh ipf $(FUZZ_SECONDS)

# One parser of the ipfilter bundle alone (fuzz-ipf runs all three on every input).
fuzz-ipnat: deps
	Fuzz/run.sh ipnat $(FUZZ_SECONDS)

fuzz-ippool: deps
	Fuzz/run.sh ippool $(FUZZ_SECONDS)

fuzz-ipfw: deps
	Fuzz/run.sh ipfw $(FUZZ_SECONDS)

# The packet readers (raw IP, ipftest text and hex, command-line packets) and the evaluator.
fuzz-packets: deps
	Fuzz/run.sh packets $(FUZZ_SECONDS)

format:
	$(SWIFT) format --in-place --recursive --configuration .swift-format Package.swift Sources Tests Fuzz

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests Fuzz

clean:
	rm -rf .build .build-*
