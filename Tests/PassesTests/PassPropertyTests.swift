import FirewallIR
import PacketSets
import Passes
import Semantics
import TestSupport
import XCTest

/// Every pass keeps what a ruleset does: on 1,000 random rulesets per pass (pf, ipfilter and
/// ipfw, IPv4 and IPv6, with planted duplicates, shadowed and redundant rules, and runs that
/// differ in one address or port), the output equals the input under packet sets (what
/// `fwc diff` decides), and on a tenth of them also under the evaluator, packet by packet.
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
      // Siblings: the same rule for another host or port, right after it or one rule further
      // (merge material).
      for _ in 0..<Int(rng.next() % 3) {
        let i = Int(rng.next() % UInt64(rules.count))
        var sibling = rules[i]
        if let f = sibling.match.family, rng.next() % 2 == 0 {
          let host = pick(f == .inet ? PassPropertyTests.v4 : PassPropertyTests.v6)
          sibling.match.destination = AddressMatch([.network(IPNetwork(address: host, prefix: f.bitCount))])
        } else if sibling.match.destinationPort != nil {
          sibling.match.destinationPort = [RangeMatch(.equal, pick([22, 80, 443, 1000]))]
        } else {
          continue
        }
        rules.insert(sibling, at: min(rules.count, i + 1 + Int(rng.next() % 2)))
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
    let left = try DecisionSets(ruleset: a, space: space, environment: AddressEnvironment(tables: a.tables))
    let right = try DecisionSets(ruleset: b, space: space, environment: AddressEnvironment(tables: b.tables))
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

  /// Runs `pass` on 1,000 random rulesets; with `deletes`, every change must be one rule
  /// fewer. Tables start at 3 addresses, and the profile is `packets`.
  func check(
    _ pass: some OptimizationPass, seed: UInt64, deletes: Bool = true, languages: [Language] = [.pf, .ipf, .ipfw],
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    var g = Generator(rng: SplitMix(seed: seed))
    var context = PassContext(host: .empty)
    context.tableThreshold = 3
    context.packets = Self.packets.enumerated().filter { $0.offset % 7 < 3 }.map(\.element)
    var removed = 0
    var changedRulesets = 0
    for round in 0..<1000 {
      let language = languages[round % languages.count]
      let input = g.ruleset(language)
      let (output, changes) = try pass.run(input, context: context)
      if deletes {
        XCTAssertEqual(input.rules.count - output.rules.count, changes.count, "round \(round)", file: file, line: line)
      }
      removed += input.rules.count - output.rules.count
      if !changes.isEmpty { changedRulesets += 1 }
      XCTAssertTrue(
        try Self.equivalent(input, output), "round \(round): \(input.rules) -> \(output.rules)", file: file, line: line)
      if round % 10 == 0 {
        let a = Evaluator(ruleset: input, environment: AddressEnvironment(tables: input.tables), stateful: false)
        let b = Evaluator(ruleset: output, environment: AddressEnvironment(tables: output.tables), stateful: false)
        for p in Self.packets where a.evaluate(p).outcome != b.evaluate(p).outcome {
          XCTFail("round \(round): \(PacketSpec.format(p)) differs", file: file, line: line)
          break
        }
      }
    }
    print("\(type(of: pass).name): 1000 rulesets, \(changedRulesets) changed, \(removed) rules fewer, all equivalent")
    XCTAssertGreaterThan(changedRulesets, 100, "the planted rules should give the pass work", file: file, line: line)
  }

  func testRemoveDeadKeepsEveryOutcome() throws { try check(RemoveDeadRules(), seed: 9001) }

  func testRemoveRedundantKeepsEveryOutcome() throws { try check(RemoveRedundantRules(), seed: 9002) }

  func testMergeIntoListsKeepsEveryOutcome() throws {
    try check(MergeIntoLists(), seed: 9003, deletes: false)
  }

  func testReorderForSkipStepsKeepsEveryOutcome() throws {
    try check(ReorderForSkipSteps(), seed: 9004, deletes: false, languages: [.pf])
  }

  func testReorderByProfileKeepsEveryOutcome() throws {
    try check(ReorderByProfile(), seed: 9005, deletes: false, languages: [.ipfw, .ipf])
  }

  /// The evaluation-cost walk (pf with skip steps, ipfilter, ipfw) finds the rule the
  /// evaluator decides by, for every packet of 300 random rulesets, and meets no more rules
  /// than there are.
  func testEvaluationCostWalkFindsTheDecidingRule() throws {
    var g = Generator(rng: SplitMix(seed: 9006))
    var skipped = 0
    for round in 0..<300 {
      let rs = g.ruleset([Language.pf, .ipf, .ipfw][round % 3])
      let cost = EvaluationCost(ruleset: rs, environment: AddressEnvironment())
      let evaluator = Evaluator(ruleset: rs, environment: AddressEnvironment(), stateful: false)
      for p in Self.packets {
        let (evaluated, decider) = cost.walk(p)
        XCTAssertLessThanOrEqual(evaluated, rs.rules.count)
        if rs.language == .pf { skipped += rs.rules.count - evaluated }
        let d = evaluator.evaluate(p)
        XCTAssertEqual(
          decider.map { rs.rules[$0].origin }, d.rule.map(\.origin), "round \(round): \(PacketSpec.format(p))")
      }
    }
    XCTAssertGreaterThan(skipped, 0, "skip steps should jump over some rules")
  }

  /// Aggregated networks cover exactly the addresses of the networks given, in no more blocks.
  func testCIDRAggregationIsExact() {
    var rng = SplitMix(seed: 9007)
    for _ in 0..<2000 {
      let nets = (0..<(1 + Int(rng.next() % 12))).map { _ -> IPNetwork in
        let prefix = 24 + Int(rng.next() % 9)
        let a = IPAddress(family: .inet, value: 0x0A00_0000 + UInt128(rng.next() % 256))
        return IPNetwork(address: a.masked(prefix), prefix: prefix)
      }
      let joined = IPNetwork.aggregated(nets)
      XCTAssertLessThanOrEqual(joined.count, nets.count)
      for v in 0..<256 {
        let a = IPAddress(family: .inet, value: 0x0A00_0000 + UInt128(v))
        XCTAssertEqual(nets.contains { $0.contains(a) }, joined.contains { $0.contains(a) }, "\(nets) -> \(joined)")
      }
      // No two blocks overlap or could be one.
      for (x, y) in zip(joined, joined.dropFirst()) {
        XCTAssertFalse(x.contains(y.address) || y.contains(x.address))
        XCTAssertFalse(
          x.prefix == y.prefix && x.address.masked(x.prefix - 1) == y.address.masked(y.prefix - 1), "\(joined)")
      }
    }
  }

  /// Each pass says, for every rule field, what it may do with it.
  func testFieldTablesAreExhaustive() {
    for (name, fields) in [
      (RemoveDeadRules.name, RemoveDeadRules.fields), (RemoveRedundantRules.name, RemoveRedundantRules.fields),
      (MergeIntoLists.name, MergeIntoLists.fields), (ReorderForSkipSteps.name, ReorderForSkipSteps.fields),
      (ReorderByProfile.name, ReorderByProfile.fields),
    ] {
      XCTAssertEqual(Set(fields.keys), Set(RuleField.allCases), name)
    }
  }
}
