import FirewallIR
import PacketSets
import Passes
import Semantics
import TestSupport
import XCTest

/// Every pass keeps what a ruleset does: on 1,000 random rulesets per pass (pf, ipfilter and
/// ipfw, IPv4 and IPv6, with planted duplicates, shadowed and redundant rules), the output
/// equals the input under packet sets (what `fwc diff` decides), and on a tenth of them also
/// under the evaluator, packet by packet.
final class PassPropertyTests: XCTestCase {
  static let v4 = (0..<8).map { IPAddress(family: .inet, value: 0x0A00_0000 + UInt128($0)) }
  static let v6 = (0..<8).map { IPAddress(family: .inet6, value: (UInt128(0x2001_0db8) << 96) + UInt128($0)) }

  struct Generator {
    var rng: SplitMix
    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

    mutating func rule(_ language: Language) -> Rule {
      var m = Match()
      let family: AddressFamily = rng.next() % 3 == 0 ? .inet6 : .inet
      if rng.next() % 4 != 0 { m.family = family }
      if rng.next() % 2 == 0 { m.protocols = [pick([6, 17, family == .inet ? 1 : 58])] }
      if m.family != nil {
        for source in [true, false] where rng.next() % 3 != 0 {
          let base = pick(family == .inet ? PassPropertyTests.v4 : PassPropertyTests.v6)
          let prefix = family.bitCount - Int(rng.next() % 4)
          let a = AddressMatch([.network(IPNetwork(address: base.masked(prefix), prefix: prefix))])
          if source { m.source = a } else { m.destination = a }
        }
      }
      if let p = m.protocols, p == [6] || p == [17], rng.next() % 2 == 0 {
        m.destinationPort = [RangeMatch(.equal, pick([22, 80, 443]))]
      }
      if rng.next() % 3 == 0 { m.direction = pick([.in, .out]) }
      let action: Action = rng.next() % 2 == 0 ? .pass : .block(.drop)
      let quick = language == .ipfw ? true : rng.next() % 3 == 0
      return Rule(phase: .filter, match: m, action: action, quick: quick, origin: [], number: nil)
    }

    /// 3–10 rules, then planted copies: exact duplicates, and narrower rules doing the same.
    mutating func ruleset(_ language: Language) -> Ruleset {
      var rs = Ruleset(language: language, evaluation: language == .ipfw ? .firstMatch : .lastMatchUnlessQuick)
      var rules = (0..<(3 + Int(rng.next() % 8))).map { _ in rule(language) }
      for _ in 0..<(1 + Int(rng.next() % 3)) {
        let i = Int(rng.next() % UInt64(rules.count))
        var copy = rules[i]
        if rng.next() % 2 == 0, copy.match.protocols == nil { copy.match.protocols = [17] }
        rules.insert(copy, at: min(rules.count, i + Int(rng.next() % 3)))
      }
      for (k, _) in rules.enumerated() {
        rules[k].number = (k + 1) * 100
        // Origins, so that passes may delete the rules (and name them).
        rules[k].origin = [SourceLocation(file: "gen", line: k + 1, column: 1)]
      }
      if language == .ipfw {
        rules.append(
          Rule(phase: .filter, match: Match(), action: .block(.drop), quick: true, origin: [], number: 65535))
      }
      rs.rules = rules
      return rs
    }
  }

  static func equivalent(_ a: Ruleset, _ b: Ruleset) throws -> Bool {
    let space = PacketSpace()
    let left = try DecisionSets(ruleset: a, space: space, environment: AddressEnvironment())
    let right = try DecisionSets(ruleset: b, space: space, environment: AddressEnvironment())
    let diff = RulesetDiff(left, right)
    return diff.isEquivalent && diff.stateRegions.isEmpty
  }

  /// One packet of each class the generator's rules tell apart.
  static let packets: [Packet] = {
    var out: [Packet] = []
    for family in [AddressFamily.inet, .inet6] {
      let addresses =
        (family == .inet ? v4 : v6) + [IPAddress(family: family, value: family == .inet ? 0xC000_0201 : 1)]
      for proto: UInt8 in [6, 17, family == .inet ? 1 : 58] {
        for src in addresses where src.value % 3 == 0 || src == addresses.last! {
          for dst in addresses {
            for direction in [Direction.in, .out] {
              for port: UInt16 in proto == 6 || proto == 17 ? [22, 80, 443, 1000] : [0] {
                var h = PacketHeader()
                h.family = family
                h.proto = proto
                h.source = src.value
                h.destination = dst.value
                h.direction = direction
                if port != 0 {
                  h.sourcePort = 40000
                  h.destinationPort = port
                }
                if proto == 6 { h.tcpFlags = 0x02 }
                if proto == 1 || proto == 58 { h.icmpType = family == .inet ? 8 : 128 }
                out.append(Packet(example: h))
              }
            }
          }
        }
      }
    }
    return out
  }()

  func check(_ pass: some OptimizationPass, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
    var g = Generator(rng: SplitMix(seed: seed))
    let context = PassContext(host: .empty)
    var removed = 0
    var changedRulesets = 0
    for round in 0..<1000 {
      let language = [Language.pf, .ipf, .ipfw][round % 3]
      let input = g.ruleset(language)
      let (output, changes) = try pass.run(input, context: context)
      XCTAssertEqual(input.rules.count - output.rules.count, changes.count, "round \(round)", file: file, line: line)
      removed += changes.count
      if !changes.isEmpty { changedRulesets += 1 }
      XCTAssertTrue(
        try Self.equivalent(input, output), "round \(round): \(input.rules) -> \(output.rules)", file: file, line: line)
      if round % 10 == 0 {
        let a = Evaluator(ruleset: input, environment: AddressEnvironment(), stateful: false)
        let b = Evaluator(ruleset: output, environment: AddressEnvironment(), stateful: false)
        for p in Self.packets where a.evaluate(p).outcome != b.evaluate(p).outcome {
          XCTFail("round \(round): \(PacketSpec.format(p)) differs", file: file, line: line)
          break
        }
      }
    }
    print("\(type(of: pass).name): 1000 rulesets, \(changedRulesets) changed, \(removed) rules removed, all equivalent")
    XCTAssertGreaterThan(changedRulesets, 100, "the planted rules should give the pass work", file: file, line: line)
  }

  func testRemoveDeadKeepsEveryOutcome() throws { try check(RemoveDeadRules(), seed: 9001) }

  func testRemoveRedundantKeepsEveryOutcome() throws { try check(RemoveRedundantRules(), seed: 9002) }

  /// Each pass says, for every rule field, what it may do with it.
  func testFieldTablesAreExhaustive() {
    for (name, fields) in [
      (RemoveDeadRules.name, RemoveDeadRules.fields), (RemoveRedundantRules.name, RemoveRedundantRules.fields),
    ] {
      XCTAssertEqual(Set(fields.keys), Set(RuleField.allCases), name)
    }
  }
}
