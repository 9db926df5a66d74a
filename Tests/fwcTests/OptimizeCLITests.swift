import Foundation
import TestSupport
import XCTest

/// `fwc optimize` through the binary: the lines it deletes, the proof, and the corpus.
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
    XCTAssertTrue(r.err.contains("15 rules, 11 after optimizing (4 removed)"), r.err)
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
    var rules: [String: (Int, Int)] = [:]
    for (language, args) in CorpusInputs.list(root, pfHost: host) {
      let r = try runFwc(["optimize", "--report"] + args)
      XCTAssertFalse(
        r.err.contains("could not be proved") || r.err.contains("does not read back"), "\(args.last!): \(r.err)")
      guard r.code == 0 else { continue }
      optimized[language, default: 0] += 1
      if let line = r.err.split(separator: "\n").first(where: { $0.contains("after optimizing") }) {
        let words = line.split(separator: ":").last!.split(separator: " ")
        let counts = rules[language] ?? (0, 0)
        rules[language] = (counts.0 + Int(words[0])!, counts.1 + Int(words[2])!)
      }
    }
    for (k, v) in optimized.sorted(by: { $0.key < $1.key }) {
      print("optimize corpus: \(k): \(v) rulesets proved equivalent, rules \(rules[k]!.0) -> \(rules[k]!.1)")
    }
    XCTAssertGreaterThan(optimized.values.reduce(0, +), 120)
  }
}
