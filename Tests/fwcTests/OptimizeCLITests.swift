import Capture
import FirewallIR
import Foundation
import PacketSets
import Semantics
import TestSupport
import XCTest

/// `fwc optimize` through the binary: the lines it deletes, merges and moves, the proof, the
/// evaluation cost, `--to`, and the corpus.
final class OptimizeCLITests: XCTestCase {
  func testDeletesDeadAndRedundantLinesAndProvesIt() throws {
    let source = packageRoot.appendingPathComponent("examples/lint-pf.conf")
    let host = packageRoot.appendingPathComponent("examples/host.json").path
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-opt-\(UUID().uuidString).conf")
    let r = try runFwc(["optimize", "--report", "--host", host, "-o", out.path, source.path])
    XCTAssertEqual(r.code, 0, r.err)
    let before = try String(contentsOf: source, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    let after = try String(contentsOf: out, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    // Lines 17-19 are shadowed (lint's shadowed-rule), line 21 is redundant under `block all`.
    let deleted = Set([17, 18, 19, 21])
    XCTAssertEqual(after, before.enumerated().filter { !deleted.contains($0.offset + 1) }.map(\.element))
    for line in deleted { XCTAssertTrue(r.err.contains("lint-pf.conf:\(line):1: remove-"), "line \(line):\n" + r.err) }
    XCTAssertTrue(r.err.contains("15 rules on 12 lines, 11 rules on 8 lines after optimizing"), r.err)
    XCTAssertTrue(r.err.contains("verified:"), r.err)
    // The result is what the input is, by `fwc diff`; `--level basic` keeps the redundant line.
    let diff = try runFwc(["diff", "--host", host, source.path, out.path])
    XCTAssertEqual(diff.code, 0, diff.out + diff.err)
    let basic = try runFwc(["optimize", "--level", "basic", "--host", host, source.path])
    XCTAssertEqual(basic.code, 0, basic.err)
    XCTAssertTrue(basic.out.contains("block in on $ext_if proto tcp from any to any port ssh"), basic.out)
  }

  func testIPFWAndNothingToDo() throws {
    let rules = try makeTempFile(
      """
      add 100 allow tcp from any to 192.0.2.1 22 setup keep-state
      add 200 allow tcp from any to 192.0.2.1 22 setup keep-state
      add 300 allow tcp from any to me 80 setup keep-state
      add 400 deny udp from any to any 53
      add 500 deny ip from any to any

      """, name: "ipfw.rules")
    let r = try runFwc(["optimize", "--from", "ipfw", "--report", rules.path])
    XCTAssertEqual(r.code, 0, r.err)
    // 200 is never reached; 400 and 500 deny what ipfw's default rule denies anyway; 300 names
    // `me`, which packet sets cannot read without --host, and stays.
    XCTAssertEqual(
      r.out,
      "add 100 allow tcp from any to 192.0.2.1 22 setup keep-state\nadd 300 allow tcp from any to me 80 setup keep-state\n"
    )
    XCTAssertTrue(r.err.contains("ipfw.rules:2:5: remove-dead"), r.err)
    let clean = try makeTempFile("block all\npass in proto tcp to port 22\n", name: "pf.conf")
    let c = try runFwc(["optimize", clean.path])
    XCTAssertEqual(c.code, 0, c.err)
    XCTAssertEqual(c.out, "block all\npass in proto tcp to port 22\n")
  }

  /// Every corpus ruleset fwc reads is optimized and proved equivalent, or refused with a
  /// reason (input errors, rules packet sets cannot compare); counts are printed.
  func testCorpusOptimizesEquivalently() throws {
    guard let root = sharedCorpus else { throw XCTSkip("../shared/corpus is absent (a fresh clone): skipped") }
    let host = packageRoot.appendingPathComponent("Tests/Fixtures/pfctl-corpus.host.json").path
    var optimized: [String: Int] = [:]
    var counts: [String: [Int]] = [:]
    for (language, args) in CorpusInputs.list(root, pfHost: host) {
      let r = try runFwc(["optimize", "--report"] + args)
      XCTAssertFalse(
        r.err.contains("could not be proved") || r.err.contains("does not read back")
          || r.err.contains("self-check"), "\(args.last!): \(r.err)")
      guard r.code == 0 else { continue }
      // Counted by folder: the pfctl tests, the real-world files, and so on.
      let folder = URL(fileURLWithPath: String(args.last!.split(separator: ":").last!)).deletingLastPathComponent()
      let key = "\(language) \(folder.lastPathComponent)"
      optimized[key, default: 0] += 1
      if let line = r.err.split(separator: "\n").first(where: { $0.contains("after optimizing") }) {
        // "NAME: B rules on L lines, A rules on M lines after optimizing"
        let words = line.split(separator: ":").last!.split(separator: " ")
        let found = [0, 3, 5, 8].map { Int(words[$0].trimmingCharacters(in: .punctuationCharacters))! }
        counts[key] = zip(counts[key] ?? [0, 0, 0, 0], found).map { $0 + $1 }
      }
    }
    for (k, v) in optimized.sorted(by: { $0.key < $1.key }) {
      let c = counts[k] ?? [0, 0, 0, 0]
      print(
        "optimize corpus: \(k): \(v) rulesets proved equivalent, rules \(c[0]) -> \(c[2]), lines \(c[1]) -> \(c[3])")
    }
    XCTAssertGreaterThan(optimized.values.reduce(0, +), 120)
  }

  /// Runs of lines that differ in one list become one rule: ports into a list, seven source
  /// hosts into a table; lines with labels are left alone; the rest stays as written.
  func testMergesRunsIntoListsAndTables() throws {
    let source = try makeTempFile(
      """
      ext_if = "em0"
      block all
      pass in on $ext_if proto tcp to 10.0.0.5 port 80
      pass in on $ext_if proto tcp to 10.0.0.5 port 443
      # ssh from the admin hosts
      pass in on $ext_if proto tcp from 192.0.2.1 to 10.0.0.9 port 22
      pass in on $ext_if proto tcp from 192.0.2.3 to 10.0.0.9 port 22
      pass in on $ext_if proto tcp from 192.0.2.5 to 10.0.0.9 port 22
      pass in on $ext_if proto tcp from 192.0.2.7 to 10.0.0.9 port 22
      pass in on $ext_if proto tcp from 192.0.2.9 to 10.0.0.9 port 22
      pass in on $ext_if proto tcp from 192.0.2.10/31 to 10.0.0.9 port 22
      pass in on $ext_if proto tcp from 192.0.2.12/30 to 10.0.0.9 port 22
      pass out on $ext_if proto udp to 10.1.0.1 port 53 label "dns"
      pass out on $ext_if proto udp to 10.1.0.2 port 53 label "dns"

      """, name: "pf.conf")
    let r = try runFwc(["optimize", "--report", source.path])
    XCTAssertEqual(r.code, 0, r.err)
    XCTAssertEqual(
      r.out,
      """
      ext_if = "em0"
      block all
      pass in on em0 inet proto tcp from any to 10.0.0.5 port { 80, 443 } flags S/SA keep state
      # ssh from the admin hosts
      table <fwc_auto_1> const { 192.0.2.1, 192.0.2.3, 192.0.2.5, 192.0.2.7, 192.0.2.9, 192.0.2.10/31, 192.0.2.12/30 }
      pass in on em0 inet proto tcp from <fwc_auto_1> to 10.0.0.9 port 22 flags S/SA keep state
      pass out on $ext_if proto udp to 10.1.0.1 port 53 label "dns"
      pass out on $ext_if proto udp to 10.1.0.2 port 53 label "dns"

      """)
    XCTAssertTrue(r.err.contains("pf.conf:3:1: merge-lists: merged with line 4 into one rule"), r.err)
    XCTAssertTrue(r.err.contains("pf.conf:12:1: merge-lists: merged into line 6"), r.err)
    XCTAssertTrue(r.err.contains("table <fwc_auto_1> (7 entries)"), r.err)
    // Below the threshold the hosts stay a list, aggregated: .9 and .10/31 do not join, but a
    // threshold of 8 keeps the seven entries inline.
    let list = try runFwc(["optimize", "--table-threshold", "8", source.path])
    XCTAssertEqual(list.code, 0, list.err)
    XCTAssertTrue(
      list.out.contains(
        "from { 192.0.2.1, 192.0.2.3, 192.0.2.5, 192.0.2.7, 192.0.2.9, 192.0.2.10/31, 192.0.2.12/30 } to 10.0.0.9"),
      list.out)
    // `--to` writes the optimized rules in another language; the label is a reported loss.
    let ipfw = try runFwc(["optimize", "--to", "ipfw", source.path])
    XCTAssertEqual(ipfw.code, 1)
    XCTAssertTrue(ipfw.err.contains("pf.conf:13: cannot translate label to ipfw"), ipfw.err)
    let lossy = try runFwc(["optimize", "--to", "ipfw", "--allow-loss", "--verify", source.path])
    XCTAssertEqual(lossy.code, 0, lossy.err)
    XCTAssertTrue(lossy.out.contains("allow tcp from table(fwc_auto_1) to 10.0.0.9 22 ip4 in via em0 setup"), lossy.out)
    XCTAssertTrue(lossy.out.contains("allow tcp from any to 10.0.0.5 80,443 ip4 in via em0"), lossy.out)
    XCTAssertTrue(lossy.err.contains("verified:"), lossy.err)
  }

  /// ipfw: a run of keep-state rules becomes one rule with a table at the threshold given,
  /// written as the file writes rules, with the tables before it.
  func testIPFWMergesIntoATable() throws {
    let rules = try makeTempFile(
      """
      add 100 check-state
      add 200 allow tcp from any to 10.0.0.1 22 setup keep-state
      add 300 allow tcp from any to 10.0.0.2 22 setup keep-state
      add 400 allow tcp from any to 10.0.0.3 22 setup keep-state
      add 500 allow tcp from any to 10.0.0.4 22 setup keep-state
      add 600 allow tcp from any to 10.0.0.6 22 setup keep-state
      add 800 allow udp from any to 10.0.1.1 53
      add 900 allow udp from any to 10.0.1.1 123

      """, name: "ipfw.rules")
    let r = try runFwc(["optimize", "--from", "ipfw", "--table-threshold", "3", rules.path])
    XCTAssertEqual(r.code, 0, r.err)
    XCTAssertEqual(
      r.out,
      """
      add 100 check-state
      table fwc_auto_1 create type addr missing
      table fwc_auto_1 flush
      table fwc_auto_1 add 10.0.0.1
      table fwc_auto_1 add 10.0.0.2/31
      table fwc_auto_1 add 10.0.0.4
      table fwc_auto_1 add 10.0.0.6
      add 200 allow tcp from any to table(fwc_auto_1) 22 setup keep-state :default
      add 800 allow udp from any to 10.0.1.1 53,123

      """)
  }

  /// ipfilter: lists as `{ a, b }` and `port = { … }`, tables as anonymous pools in the rule.
  func testIPFMergesIntoListsAndPools() throws {
    var text = "block in all\n"
    text += "pass in quick on em0 proto tcp from any to 10.0.0.5 port = 80 keep state\n"
    text += "pass in quick on em0 proto tcp from any to 10.0.0.5 port = 443 keep state\n"
    for host in stride(from: 1, through: 11, by: 2) {
      text += "pass in quick on em0 proto tcp from 192.0.2.\(host) to 10.0.0.9 port = 22\n"
    }
    text += "pass in quick on em0 proto udp from any to 10.0.1.1 port = 53\n"
    text += "pass in quick on em0 proto udp from any to 10.0.1.2 port = 53\n"
    let rules = try makeTempFile(text, name: "ipf.conf")
    let r = try runFwc(["optimize", "--from", "ipf", rules.path])
    XCTAssertEqual(r.code, 0, r.err)
    XCTAssertEqual(
      r.out,
      """
      block in all
      pass in quick on em0 family inet proto tcp from any to 10.0.0.5/32 port = { 80, 443 } keep state
      pass in quick on em0 family inet proto tcp from pool=(192.0.2.1/32, 192.0.2.3/32, 192.0.2.5/32, 192.0.2.7/32, \
      192.0.2.9/32, 192.0.2.11/32) to 10.0.0.9/32 port = 22
      pass in quick on em0 family inet proto udp from any to { 10.0.1.1/32, 10.0.1.2/32 } port = 53

      """)
  }

  /// With a capture, ipfw rules that decide many packets move up past the rules no packet can
  /// tell them from, taking those rules' numbers; the report gives the rules evaluated per
  /// packet before and after.
  func testProfileMovesHotIPFWRulesUp() throws {
    let rules = try makeTempFile(
      """
      add 100 allow tcp from any to 10.0.0.1 22 in
      add 200 allow tcp from any to 10.0.0.2 80 in
      add 300 deny tcp from 192.0.2.0/24 to 10.0.0.3 443 in
      add 400 allow tcp from any to 10.0.0.3 443 in
      add 500 allow udp from any to 10.0.0.4 53 in

      """, name: "ipfw.rules")
    var capture = PcapWriter(linkType: 1)
    for (count, proto, dst, port) in [
      (60, UInt8(17), UInt128(0x0A00_0004), UInt16(53)), (30, 6, 0x0A00_0003, 443), (10, 6, 0x0A00_0001, 22),
    ] {
      var h = PacketHeader()
      h.proto = proto
      h.source = 0xC633_6407
      h.destination = dst
      h.sourcePort = 40000
      h.destinationPort = port
      if proto == 6 { h.tcpFlags = 0x02 }
      for _ in 0..<count { capture.append(PacketEncoder.ethernetFrame(h)) }
    }
    let pcap = try makeTempFile("", name: "profile.pcap")
    try Data(capture.bytes).write(to: pcap)
    let r = try runFwc(["optimize", "--report", "--profile", pcap.path, rules.path])
    XCTAssertEqual(r.code, 0, r.err)
    // 500 moves to the front; 400 cannot pass the deny at 300, which shares its packets.
    XCTAssertEqual(
      r.out,
      """
      add 100 allow udp from any to 10.0.0.4 53 in
      add 200 allow tcp from any to 10.0.0.1 22 in
      add 300 allow tcp from any to 10.0.0.2 80 in
      add 400 deny tcp from 192.0.2.0/24 to 10.0.0.3 443 in
      add 500 allow tcp from any to 10.0.0.3 443 in

      """)
    XCTAssertTrue(r.err.contains("ipfw.rules:5:5: profile-order: moved up 4 place(s)"), r.err)
    // (60 × 5 + 30 × 4 + 10 × 1) / 100 before, (60 × 1 + 30 × 5 + 10 × 2) / 100 after.
    XCTAssertTrue(
      r.err.contains("evaluation cost: 4.30 rules per packet before, 2.30 after over 100 packets of the profile"), r.err
    )
    XCTAssertTrue(r.err.contains("verified:"), r.err)
  }

  /// pf: rules that decide alike are grouped by interface, protocol and addresses, so that the
  /// skip steps jump over the rules a packet cannot match; measured on a capture.
  func testSkipStepsCutPFEvaluationCost() throws {
    var text = "block all\n"
    for i in 0..<40 {
      text += "pass in on em\(i % 4) proto \(["tcp", "udp"][i / 4 % 2]) to 10.0.\(i).1 port \(1000 + i)\n"
    }
    let rules = try makeTempFile(text, name: "pf.conf")
    var capture = PcapWriter(linkType: 1)
    for i in stride(from: 0, to: 40, by: 4) {
      var h = PacketHeader()
      h.proto = i / 4 % 2 == 0 ? 6 : 17
      h.source = 0xC633_6407
      h.destination = 0x0A00_0001 + UInt128(i) << 8
      h.sourcePort = 40000
      h.destinationPort = UInt16(1000 + i)
      if h.proto == 6 { h.tcpFlags = 0x02 }
      capture.append(PacketEncoder.ethernetFrame(h))
    }
    let pcap = try makeTempFile("", name: "profile.pcap")
    try Data(capture.bytes).write(to: pcap)
    let r = try runFwc(["optimize", "--report", "--profile", pcap.path, "--profile-on", "em0", rules.path])
    XCTAssertEqual(r.code, 0, r.err)
    XCTAssertTrue(r.err.contains("skip-steps: lines 2-41 reordered"), r.err)
    let cost = try XCTUnwrap(r.err.split(separator: "\n").first { $0.hasPrefix("evaluation cost:") })
    let numbers = cost.split(separator: " ").compactMap { Double($0) }
    XCTAssertGreaterThan(numbers[0], 2 * numbers[1], String(cost))
    XCTAssertTrue(r.out.hasPrefix("block all\npass in on em0 proto tcp to 10.0.0.1 port 1000\n"), r.out)
  }

  /// What the passes must leave alone: rules whose route-to targets the IR does not hold,
  /// moves across a macro definition, lines of an included file, ipf rulesets with `skip`;
  /// ipfw numbers after a tab and CRLF line ends survive a merge.
  func testLeavesAloneWhatItCannotProve() throws {
    // route-to lines decide alike only in the IR (it keeps the keyword, not the target).
    let routed = """
      block all
      pass out on em0 route-to (em1 192.0.2.1) inet proto tcp from 10.0.0.0/8 to any port 80
      pass out on em0 route-to (em2 198.51.100.1) proto tcp to any port 443
      pass out on em0 route-to (em3 203.0.113.1) inet proto tcp from 10.1.2.0/24 to any

      """
    let r1 = try runFwc(["optimize", "--report", try makeTempFile(routed, name: "pf.conf").path])
    XCTAssertEqual(r1.code, 0, r1.err)
    XCTAssertEqual(r1.out, routed)
    // A macro redefined between two lines: the lines do not trade places across it.
    let macros = """
      block all
      ext = "em1"
      pass in on em0 proto tcp to 10.0.0.2 port 22
      pass in on $ext proto udp to 10.0.0.1 port 53
      ext = "em2"
      pass in on em0 proto tcp to 10.0.0.3 port 25

      """
    let r2 = try runFwc(["optimize", try makeTempFile(macros, name: "pf.conf").path])
    XCTAssertEqual(r2.code, 0, r2.err)
    XCTAssertEqual(r2.out, macros)
    // An included file is not written: its lines are neither merged nor deleted.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-inc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try "pass in proto tcp to 10.0.0.5 port 80\n".write(
      to: dir.appendingPathComponent("web.conf"), atomically: true, encoding: .utf8)
    let main = "block all\ninclude \"\(dir.path)/web.conf\"\npass in proto tcp to 10.0.0.5 port 443\n"
    let r3 = try runFwc(["optimize", try makeTempFile(main, name: "pf.conf").path])
    XCTAssertEqual(r3.code, 0, r3.err)
    XCTAssertEqual(r3.out, main)
    // ipf `skip 1` counts rules: no merge, no move.
    let skip = """
      block in all
      skip 1 in from 10.0.0.0/8 to any
      pass in quick proto tcp from any to any port = 22
      pass in quick proto tcp from any to any port = 80

      """
    let r4 = try runFwc(["optimize", "--from", "ipf", try makeTempFile(skip, name: "ipf.conf").path])
    XCTAssertEqual(r4.code, 0, r4.err)
    XCTAssertEqual(r4.out, skip)
    // A tab after the rule number, and CRLF line ends.
    let tabbed =
      "add 1000 deny tcp from 192.0.2.0/24 to any 25\r\nadd 100\tallow tcp from any to any 80\r\n"
      + "add 200\tallow tcp from any to any 443\r\n"
    let r5 = try runFwc(["optimize", "--from", "ipfw", try makeTempFile(tabbed, name: "ipfw.rules").path])
    XCTAssertEqual(r5.code, 0, r5.err)
    XCTAssertEqual(r5.out, "add 100 allow tcp from any to any 80,443\r\n")
  }
}
