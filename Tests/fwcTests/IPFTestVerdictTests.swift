import Foundation
import TestSupport
import XCTest

/// ipfilter's packet tests, families f, ipv6 and p: `fwc trace --format words` must print
/// ipftest's verdict words for at least 97% of the f checks and 90% of the ipv6 and p checks,
/// and no test may miss more checks than Tests/Fixtures/ipftest-known-failures.txt allows.
final class IPFTestVerdictTests: XCTestCase {

  func testVerdictWordsMatchIpftest() throws {
    guard let corpus = sharedCorpus else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): ipftest packet tests skipped")
    }
    let suite = try IPFTestSuite(dir: corpus.appendingPathComponent("ipfilter/test"))
    let known = try IPFTestSuite.knownMisses("ipftest-known-failures.txt")
    var totals: [String: (matched: Int, checks: Int)] = [:]
    for c in try suite.cases(families: ["f", "ipv6", "p"]) {
      guard let r = try suite.runVerdicts(c) else { continue }
      totals[c.family, default: (0, 0)].matched += r.matched
      totals[c.family, default: (0, 0)].checks += r.expected.count
      XCTAssertLessThanOrEqual(
        r.misses, known[c.name] ?? 0,
        "\(c.name): \(r.misses) verdicts differ from ipftest's (expected \(r.expected), got \(r.produced))")
      if r.misses < known[c.name] ?? 0 {
        print("\(c.name): \(r.misses) misses, fewer than the \(known[c.name]!) listed: shrink the list")
      }
    }
    for (family, t) in totals.sorted(by: { $0.key < $1.key }) {
      print("ipftest family \(family): \(t.matched) of \(t.checks) verdicts match")
    }
    let thresholds = ["f": 0.97, "ipv6": 0.90, "p": 0.90]
    for (family, minimum) in thresholds {
      let t = try XCTUnwrap(totals[family], "no \(family) tests ran")
      XCTAssertGreaterThanOrEqual(Double(t.matched) / Double(t.checks), minimum, "family \(family)")
    }
  }
}
