import Foundation
import TestSupport
import XCTest

/// ipfilter's NAT tests (families n and ni): `fwc trace --format ipftest` must print the
/// packets as ipftest -N does, after ipnat's translation, for at least 80% of the packets;
/// no test may miss more than Tests/Fixtures/ipftest-nat-known-failures.txt allows.
final class IPFTestNATTests: XCTestCase {

  /// The packet results of one section of an expected file: text lines, hex packets (lines up
  /// to an empty line, joined), or block reasons — everything before the `-D` dump.
  static func packets(_ section: String, hex: Bool) -> [String] {
    var lines = section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if let dump = lines.firstIndex(of: "List of active MAP/Redirect filters:") { lines = Array(lines[..<dump]) }
    guard hex else { return lines.filter { !$0.isEmpty } }
    var out: [String] = []
    var current = ""
    for l in lines {
      if l.isEmpty {
        if !current.isEmpty { out.append(current) }
        current = ""
      } else if l.allSatisfy(\.isNumber) && current.isEmpty {
        out.append(l)
      } else {
        current += l.replacingOccurrences(of: " ", with: "")
      }
    }
    if !current.isEmpty { out.append(current) }
    return out
  }

  func testNATOutcomesMatchIpftest() throws {
    guard let corpus = sharedCorpus else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): ipftest NAT tests skipped")
    }
    let suite = try IPFTestSuite(dir: corpus.appendingPathComponent("ipfilter/test"))
    let known = try IPFTestSuite.knownMisses("ipftest-nat-known-failures.txt")
    var matched = 0
    var checks = 0
    for c in try suite.cases(families: ["n", "ni"]) {
      guard let expectedURL = try suite.file("expected", c.name), let input = try suite.file("input", c.name) else {
        continue
      }
      let hexOut = c.outputFormat == "hex"
      let sections = try String(contentsOf: expectedURL, encoding: .utf8).components(
        separatedBy: "-------------------------------\n")
      var common = [
        "--packets", input.path, "--packets-format", c.inputFormat, "--format", hexOut ? "ipftest-hex" : "ipftest",
      ]
      if c.options.contains("update_ipid=1") { common.append("--update-ipid") }
      // The runs: one per NAT rule line (n, and ni's single mode), or the whole files.
      var runs: [[String]] = []
      let ipf = try suite.file("regress", c.name + ".ipf")
      if c.family == "n" {
        guard let rules = try suite.file("regress", c.name) else { continue }
        for line in try String(contentsOf: rules, encoding: .utf8).split(separator: "\n")
        where !line.allSatisfy(\.isWhitespace) {
          let one = suite.work.appendingPathComponent("nat-\(c.name)-\(runs.count)")
          try (line + "\n").write(to: one, atomically: true, encoding: .utf8)
          runs.append(["ipnat:" + one.path])
        }
      } else {
        guard let nat = try suite.file("regress", c.name + ".nat"), let ipf else { continue }
        if c.driver.contains("single") {
          for line in try String(contentsOf: nat, encoding: .utf8).split(separator: "\n")
          where !line.allSatisfy(\.isWhitespace) {
            let one = suite.work.appendingPathComponent("nat-\(c.name)-\(runs.count)")
            try (line + "\n").write(to: one, atomically: true, encoding: .utf8)
            runs.append(["ipf:" + ipf.path, "ipnat:" + one.path])
          }
        } else {
          runs.append(["ipf:" + ipf.path, "ipnat:" + nat.path])
        }
      }
      var misses = 0
      for (i, run) in runs.enumerated() where i < sections.count {
        let expected = Self.packets(sections[i], hex: hexOut)
        let r = try runFwc(["trace"] + run + common)
        let produced = Self.packets(r.out, hex: hexOut)
        for (j, e) in expected.enumerated() {
          checks += 1
          if j < produced.count && produced[j] == e { matched += 1 } else { misses += 1 }
        }
      }
      XCTAssertLessThanOrEqual(misses, known[c.name] ?? 0, "\(c.name): \(misses) packets differ from ipftest's")
      if misses < known[c.name] ?? 0 {
        print("\(c.name): \(misses) misses, fewer than the \(known[c.name]!) listed: shrink the list")
      }
    }
    print("ipftest NAT families n and ni: \(matched) of \(checks) packets match")
    XCTAssertGreaterThanOrEqual(Double(matched) / Double(max(checks, 1)), 0.80)
  }
}
