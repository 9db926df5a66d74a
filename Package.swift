// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "fwc",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "fwc", targets: ["fwc"]),
    .library(name: "FirewallIR", targets: ["FirewallIR"]),
    .library(name: "PFSyntax", targets: ["PFSyntax"]),
    .library(name: "IPFilterSyntax", targets: ["IPFilterSyntax"]),
    .library(name: "IPFWSyntax", targets: ["IPFWSyntax"]),
    .library(name: "PacketSets", targets: ["PacketSets"]),
    .library(name: "Semantics", targets: ["Semantics"]),
    .library(name: "Translation", targets: ["Translation"]),
    .library(name: "Lint", targets: ["Lint"]),
    .library(name: "Containers", targets: ["Containers"]),
    .library(name: "Passes", targets: ["Passes"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // Source files, locations, diagnostics, host context, well-known names and the IR.
    .target(name: "FirewallIR"),
    // pf.conf: lexer, parser, macro/list expansion, pfctl-style printer, lowering to the IR.
    .target(name: "PFSyntax", dependencies: ["FirewallIR"]),
    // ipfilter: ipf.conf, ipnat.conf and ippool.conf lexer, parsers and ipf-style printers.
    .target(name: "IPFilterSyntax", dependencies: ["FirewallIR"]),
    // ipfw: rules files, `ipfw` shell scripts and `ipfw list` output; ipfw-style printer.
    .target(name: "IPFWSyntax", dependencies: ["FirewallIR"]),
    // Exact packet sets: BDDs and header-field encodings.
    .target(
      name: "PacketSets", dependencies: ["FirewallIR"],
      // The BDD core's arrays are reached only through its own methods; run-time exclusivity
      // checks on them cost a tenth of its time.
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
    // Each language's evaluation order: a per-packet evaluator with state, and decision sets.
    .target(
      name: "Semantics", dependencies: ["FirewallIR", "PacketSets"],
      // The evaluator's per-packet loop reaches its tables only through its own methods.
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
    // Moving rulesets between languages: each target's capabilities (from its emitter),
    // evaluation-order conversion, losses, what a translation is compared on.
    .target(name: "Translation", dependencies: ["FirewallIR", "PFSyntax", "IPFilterSyntax", "IPFWSyntax"]),
    // `fwc lint`: the catalog of lint rules, one type each, and the text, JSON and SARIF reports.
    .target(name: "Lint", dependencies: ["FirewallIR", "PFSyntax", "PacketSets", "Semantics"]),
    // fwc optimize: the passes, one type each, run as a literal pipeline; each declares what it
    // may do with every rule field.
    .target(name: "Passes", dependencies: ["FirewallIR", "PacketSets", "Semantics"]),
    // ipnat's sessions and address and port allocation, as ipftest runs them.
    .target(name: "IPNatEmulation", dependencies: ["FirewallIR", "IPFilterSyntax", "Semantics"]),
    // Container networks: the model, spec files and CNI requests, pf anchors and ipfw blocks
    // generated from them, the state directory, and loading through pfctl or ipfw.
    .target(
      name: "Containers",
      dependencies: ["FirewallIR", "PFSyntax", "IPFWSyntax", .product(name: "Yams", package: "Yams")]),
    // libpcap, from the system (Debian: libpcap-dev; FreeBSD: base system).
    .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
    // Capture files read through libpcap, pcap-filter expressions, and a capture writer.
    .target(name: "Capture", dependencies: ["CPcap", "FirewallIR"]),
    // The command line.
    .executableTarget(
      name: "fwc",
      dependencies: [
        "FirewallIR", "PFSyntax", "IPFilterSyntax", "IPFWSyntax", "PacketSets", "Semantics", "Capture",
        "IPNatEmulation", "Translation", "Lint", "Passes", "Containers",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Shared by the test targets: package root, corpus location, file reading, a seeded generator.
    .target(name: "TestSupport", dependencies: ["FirewallIR"], path: "Tests/TestSupport"),
    .testTarget(name: "FirewallIRTests", dependencies: ["FirewallIR"]),
    .testTarget(name: "PFSyntaxTests", dependencies: ["PFSyntax", "FirewallIR", "TestSupport"]),
    .testTarget(name: "IPFilterSyntaxTests", dependencies: ["IPFilterSyntax", "FirewallIR", "TestSupport"]),
    .testTarget(name: "IPFWSyntaxTests", dependencies: ["IPFWSyntax", "FirewallIR", "TestSupport"]),
    .testTarget(name: "PacketSetsTests", dependencies: ["PacketSets", "FirewallIR", "TestSupport"]),
    .testTarget(
      name: "SemanticsTests",
      dependencies: [
        "Semantics", "PacketSets", "FirewallIR", "IPFilterSyntax", "PFSyntax", "IPFWSyntax", "Capture", "TestSupport",
      ]),
    .testTarget(
      name: "TranslationTests",
      dependencies: [
        "Translation", "PFSyntax", "IPFilterSyntax", "IPFWSyntax", "Semantics", "PacketSets", "FirewallIR",
        "TestSupport",
      ]),
    .testTarget(
      name: "PassesTests",
      dependencies: ["Passes", "Semantics", "PacketSets", "FirewallIR", "PFSyntax", "IPFWSyntax", "TestSupport"]),
    .testTarget(name: "ContainersTests", dependencies: ["Containers", "FirewallIR", "PFSyntax", "TestSupport"]),
    .testTarget(
      name: "fwcTests",
      dependencies: ["fwc", "Lint", "PFSyntax", "Capture", "Semantics", "PacketSets", "FirewallIR", "TestSupport"]),
  ]
)
