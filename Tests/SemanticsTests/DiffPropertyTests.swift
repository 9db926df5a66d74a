import FirewallIR
import Foundation
import IPFWSyntax
import PacketSets
import TestSupport
import XCTest

@testable import Semantics

/// `RulesetDiff` finds a difference exactly when brute force over every packet that matters
/// finds one. Rulesets are drawn from a small universe (addresses in 10.0.0.0/29 and
/// 2001:db8::/125, three ports, TCP/UDP/ICMP), so that a finite set of packets covers every
/// class of the header space.
final class DiffPropertyTests: XCTestCase {
  static let v4 = (0..<8).map { IPAddress(family: .inet, value: 0x0A00_0000 + UInt128($0)) }
  static let v6 = (0..<8).map { IPAddress(family: .inet6, value: (UInt128(0x2001_0db8) << 96) + UInt128($0)) }
  static let ports: [UInt32] = [22, 80, 443]

  struct Universe {
    var rng: SplitMix

    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

    mutating func address(_ family: AddressFamily) -> AddressMatch {
      if rng.next() % 3 == 0 { return .any }
      let base = pick(family == .inet ? DiffPropertyTests.v4 : DiffPropertyTests.v6)
      let extra = Int(rng.next() % 4)
      let prefix = family.bitCount - extra
      return AddressMatch(
        [.network(IPNetwork(address: base.masked(prefix), prefix: prefix))], negated: rng.next() % 5 == 0)
    }

    mutating func rule(_ language: Language, number: Int) -> Rule {
      var m = Match()
      let family: AddressFamily = rng.next() % 3 == 0 ? .inet6 : .inet
      if rng.next() % 4 != 0 { m.family = family }
      if rng.next() % 2 == 0 { m.protocols = [pick([6, 17, family == .inet ? 1 : 58])] }
      if m.family != nil {
        m.source = address(family)
        m.destination = address(family)
      }
      if let p = m.protocols, p == [6] || p == [17], rng.next() % 2 == 0 {
        let a = pick(DiffPropertyTests.ports)
        m.destinationPort = [
          rng.next() % 3 == 0 ? RangeMatch(.inclusiveRange, a, pick(DiffPropertyTests.ports)) : RangeMatch(.equal, a)
        ]
      }
      if m.protocols == [6], rng.next() % 3 == 0 { m.tcpFlags = TCPFlagsMatch(set: 0x02, mask: 0x12) }
      if rng.next() % 3 == 0 { m.direction = pick([.in, .out]) }
      let action: Action = rng.next() % 2 == 0 ? .pass : .block(.drop)
      let quick = language == .ipfw ? true : rng.next() % 3 == 0
      return Rule(phase: .filter, match: m, action: action, quick: quick, origin: [], number: number)
    }

    mutating func ruleset(_ language: Language) -> Ruleset {
      var rs = Ruleset(language: language, evaluation: language == .ipfw ? .firstMatch : .lastMatchUnlessQuick)
      let n = 1 + Int(rng.next() % 6)
      rs.rules = (0..<n).map { rule(language, number: ($0 + 1) * 100) }
      if language == .ipfw {
        rs.rules.append(
          Rule(phase: .filter, match: Match(), action: .block(.drop), quick: true, origin: [], number: 65535))
      }
      return rs
    }

    /// A small change: drop a rule, flip an action or `quick`, swap two rules, or replace one.
    mutating func mutate(_ rs: Ruleset) -> Ruleset {
      var out = rs
      let editable = rs.language == .ipfw ? rs.rules.count - 1 : rs.rules.count
      guard editable > 0 else { return out }
      let i = Int(rng.next() % UInt64(editable))
      switch rng.next() % 5 {
      case 0: out.rules.remove(at: i)
      case 1: out.rules[i].action = out.rules[i].action == .pass ? .block(.drop) : .pass
      case 2: if rs.language != .ipfw { out.rules[i].quick.toggle() }
      case 3:
        let j = Int(rng.next() % UInt64(editable))
        out.rules.swapAt(i, j)
        if rs.language == .ipfw {
          for k in 0..<editable { out.rules[k].number = (k + 1) * 100 }
        }
      default: out.rules[i] = rule(rs.language, number: rs.rules[i].number ?? 0)
      }
      return out
    }
  }

  /// One packet of every class the universe's rules can tell apart.
  static let packets: [Packet] = {
    var out: [Packet] = []
    let outside4 = IPAddress(family: .inet, value: 0xC000_0201)
    let outside6 = IPAddress(family: .inet6, value: UInt128(0x2001_0db9) << 96)
    for family in [AddressFamily.inet, .inet6] {
      let addresses = (family == .inet ? v4 : v6) + [family == .inet ? outside4 : outside6]
      for proto: UInt8 in [6, 17, family == .inet ? 1 : 58] {
        for src in addresses {
          for dst in addresses {
            for direction in [Direction.in, .out] {
              let portChoices: [UInt16] = proto == 1 || proto == 58 ? [0] : [21, 22, 50, 80, 100, 443, 1000]
              for port in portChoices {
                for flags: UInt8 in proto == 6 ? [0x02, 0x12] : [0] {
                  var h = PacketHeader()
                  h.family = family
                  h.proto = proto
                  h.source = src.value
                  h.destination = dst.value
                  h.direction = direction
                  if proto == 6 || proto == 17 {
                    h.sourcePort = 40000
                    h.destinationPort = port
                  }
                  h.tcpFlags = flags
                  if proto == 1 || proto == 58 { h.icmpType = family == .inet ? 8 : 128 }
                  out.append(Packet(example: h))
                }
              }
            }
          }
        }
      }
    }
    return out
  }()

  func testDiffFindsADifferenceExactlyWhenBruteForceDoes() throws {
    var u = Universe(rng: SplitMix(seed: 2026))
    var differing = 0
    var equal = 0
    for round in 0..<240 {
      let language = [Language.pf, .ipf, .ipfw][round % 3]
      let a = u.ruleset(language)
      // Compare with a mutation, or with a ruleset in another language.
      let b = round % 4 == 3 ? u.ruleset([Language.pf, .ipf, .ipfw][(round + 1) % 3]) : u.mutate(a)
      let space = PacketSpace()
      let env = AddressEnvironment()
      let diff = RulesetDiff(
        try DecisionSets(ruleset: a, space: space, environment: env),
        try DecisionSets(ruleset: b, space: space, environment: env))
      // The overlay fast path and the general walk agree.
      XCTAssertEqual(
        try DecisionSets(ruleset: a, space: space, environment: env, overlays: false).outcomes, diff.left.outcomes,
        "round \(round)")
      let ea = Evaluator(ruleset: a, environment: env, stateful: false)
      let eb = Evaluator(ruleset: b, environment: env, stateful: false)
      let witness = Self.packets.first { ea.evaluate($0).outcome.stateless != eb.evaluate($0).outcome.stateless }
      XCTAssertEqual(!diff.isEquivalent, witness != nil, "round \(round): diff and brute force disagree")
      if let (_, h) = diff.examples(diff.regions, limit: 1).first {
        // The example diff gives is decided differently by the evaluator too.
        let p = Packet(example: h)
        XCTAssertNotEqual(ea.evaluate(p).outcome.stateless, eb.evaluate(p).outcome.stateless, "round \(round)")
      }
      if diff.isEquivalent { equal += 1 } else { differing += 1 }
    }
    // Both answers occur often enough for the test to mean something.
    XCTAssertGreaterThan(equal, 30)
    XCTAssertGreaterThan(differing, 30)
  }

  /// The netbenches rulesets: 100 rules (99 denies and an allow), and the same prefixes in a table, are
  /// equivalent; without any one of the rules they differ, and the evaluator confirms the
  /// example.
  func testNetbenchesRulesAndTableAreEquivalent() throws {
    guard let root = corpusRoot else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): netbenches diff skipped")
    }
    let dir = root.appendingPathComponent("ipfw/realworld")
    func load(_ name: String) throws -> Ruleset {
      let r = IPFWParser.parse(try XCTUnwrap(readFile(dir.appendingPathComponent(name))))
      XCTAssertFalse(r.diagnostics.contains { $0.severity == .error })
      return IPFWLowering.lower(r.ruleset)
    }
    let rules = try load(
      "ocochard_netbenches_Atom_C2558_4Cores_Intel_i350_ipfw-stateless-rules_configs_100_etc_ipfw.rules.txt")
    let table = try load(
      "ocochard_netbenches_Atom_C2558_4Cores_Intel_i350_ipfw-stateless-table_configs_100_etc_ipfw.rules.txt")
    let space = PacketSpace()
    let env = AddressEnvironment(tables: table.tables)
    let tableSets = try DecisionSets(ruleset: table, space: space, environment: env)
    XCTAssertTrue(RulesetDiff(try DecisionSets(ruleset: rules, space: space, environment: env), tableSets).isEquivalent)
    let denies = rules.rules.indices.filter {
      rules.rules[$0].action == .block(.drop) && rules.rules[$0].number != 65535
    }
    // 99 deny rules and the final allow: the 100 rules of the benchmark.
    XCTAssertEqual(denies.count, 99)
    let tableEvaluator = Evaluator(ruleset: table, environment: env, stateful: false)
    for i in denies {
      var fewer = rules
      fewer.rules.remove(at: i)
      let diff = RulesetDiff(try DecisionSets(ruleset: fewer, space: space, environment: env), tableSets)
      XCTAssertFalse(diff.isEquivalent, "without rule \(i)")
      let (_, h) = try XCTUnwrap(diff.examples(diff.regions, limit: 1).first)
      let p = Packet(example: h)
      XCTAssertEqual(Evaluator(ruleset: fewer, environment: env, stateful: false).evaluate(p).verdict, .pass)
      XCTAssertEqual(tableEvaluator.evaluate(p).verdict, .block(.drop))
    }
  }
}
