import FirewallIR
import Foundation
import PacketSets
import TestSupport
import XCTest

@testable import Semantics

/// The two engines agree: for every corpus ruleset packet sets can model, the outcome class a
/// random packet falls in is the outcome the evaluator gives it.
final class CorpusCrossCheckTests: XCTestCase {
  func testDecisionSetsAgreeWithTheEvaluatorOnCorpusRulesets() throws {
    guard let root = corpusRoot else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): corpus cross-check skipped")
    }
    var compared = 0
    var unmodeled = 0
    var reasons: [String: Int] = [:]
    var packets = 0
    for item in corpusRulesets(root) {
      let rs = item.ruleset
      let environment = AddressEnvironment(tables: rs.tables, host: item.host)
      let space = PacketSpace(interfaces: PacketSpace.interfaceNames([rs], host: item.host))
      let sets: DecisionSets
      do {
        sets = try DecisionSets(ruleset: rs, space: space, environment: environment)
      } catch {
        unmodeled += 1
        reasons[error.reason, default: 0] += 1
        if ProcessInfo.processInfo.environment["FWC_VERBOSE"] != nil { print("  \(item.name): \(error)") }
        continue
      }
      compared += 1
      // The overlay fast path and the general walk give the same sets.
      let walked = try DecisionSets(ruleset: rs, space: space, environment: environment, overlays: false)
      XCTAssertEqual(walked.outcomes, sets.outcomes, "\(item.name): overlay and walk differ")
      let evaluator = Evaluator(ruleset: rs, environment: environment, stateful: false)
      var generator = PacketGenerator(
        rules: rs.rules + rs.subrulesets.values.flatMap { $0 }, tables: rs.tables, interfaces: space.interfaces,
        seed: UInt64(compared))
      var headers = (0..<300).map { _ in generator.header() }
      // And one packet of every outcome class, however small.
      for (i, set) in sets.outcomes.values.enumerated() {
        if let h = space.readableExample(set, seed: UInt64(i)) { headers.append(h) }
      }
      var failures = 0
      for h in headers {
        packets += 1
        let fromSets = sets.outcome(of: h)
        let fromEvaluator = evaluator.evaluate(Packet(example: h)).outcome
        if fromSets != fromEvaluator {
          failures += 1
          if failures <= 3 {
            XCTFail(
              "\(item.name): \(PacketSpec.format(Packet(example: h))): sets say \(fromSets.map { "\($0)" } ?? "nothing"), the evaluator \(fromEvaluator)"
            )
          }
        }
      }
    }
    print(
      "cross-check: \(compared) corpus rulesets compared on \(packets) packets; \(unmodeled) use fields packet sets do not model"
    )
    for (reason, n) in reasons.sorted(by: { $0.value > $1.value }) { print("  \(n) not modelled: \(reason)") }
    XCTAssertGreaterThan(compared, 90)
  }
}
