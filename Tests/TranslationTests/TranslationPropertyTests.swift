import FirewallIR
import IPFWSyntax
import IPFilterSyntax
import PFSyntax
import PacketSets
import Semantics
import TestSupport
import Translation
import XCTest

/// Random rulesets in each language, translated to each other language, written out, read back
/// with fwc's parsers: the result decides every packet as the input does (without what was
/// lost), and keeps state alike. This checks the planner, the emitters and the parsers
/// together, apart from `fwc translate --verify`.
final class TranslationPropertyTests: XCTestCase {
  static let v4 = (0..<8).map { IPAddress(family: .inet, value: 0x0A00_0000 + UInt128($0)) }
  static let v6 = (0..<8).map { IPAddress(family: .inet6, value: (UInt128(0x2001_0db8) << 96) + UInt128($0)) }

  struct Generator {
    var rng: SplitMix
    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    mutating func chance(_ n: UInt64) -> Bool { rng.next() % n == 0 }

    mutating func address(_ family: AddressFamily) -> AddressMatch {
      if chance(3) { return .any }
      let count = chance(4) ? 2 : 1
      var terms: [AddressTerm] = []
      for _ in 0..<count {
        let base = pick(family == .inet ? TranslationPropertyTests.v4 : TranslationPropertyTests.v6)
        let prefix = family.bitCount - Int(rng.next() % 4)
        terms.append(.network(IPNetwork(address: base.masked(prefix), prefix: prefix)))
      }
      return AddressMatch(terms, negated: count == 1 && chance(5))
    }

    mutating func ports() -> [RangeMatch] {
      let a = pick([22, 80, 443, 1024] as [UInt32])
      switch rng.next() % 6 {
      case 0: return [RangeMatch(.inclusiveRange, a, a + pick([0, 10, 1000] as [UInt32]))]
      case 1: return [RangeMatch(pick([.less, .greater, .lessOrEqual, .greaterOrEqual, .notEqual]), a)]
      case 2: return [RangeMatch(.equal, a), RangeMatch(.equal, pick([25, 53] as [UInt32]))]
      default: return [RangeMatch(.equal, a)]
      }
    }

    mutating func rule(_ language: Language, number: Int) -> Rule {
      var m = Match()
      let family: AddressFamily = chance(3) ? .inet6 : .inet
      if !chance(4) { m.family = family }
      if chance(2) { m.protocols = [pick([6, 17, family == .inet ? 1 : 58])] }
      if m.family != nil {
        m.source = address(family)
        m.destination = address(family)
      }
      if let p = m.protocols, p == [6] || p == [17], chance(2) { m.destinationPort = ports() }
      if m.protocols == [6] || (m.protocols == nil && language != .ipfw), chance(3) {
        m.tcpFlags = TCPFlagsMatch(set: 0x02, mask: 0x12)
      }
      if language == .ipf || chance(2) { m.direction = pick([.in, .out]) }
      if chance(3) {
        m.interface = pick(["em0", "em1"])
        m.interfaceNegated = language != .ipf && chance(4)
      }
      if let p = m.protocols, p == [1] || p == [58], chance(2) {
        m.icmpType = chance(2) ? [pick([0, 3, 8, 128, 129])] : [0, 8]
      }
      let reply: BlockReply =
        language == .pf && chance(3) ? .returnAny : m.protocols == [6] && chance(3) ? .returnRST : .drop
      let action: Action = chance(2) ? .pass : .block(reply)
      let quick = language == .ipfw ? true : chance(3)
      var r = Rule(phase: .filter, match: m, action: action, quick: quick, origin: [], number: number)
      if case .pass = action, chance(2) { r.state = .keep }
      return r
    }

    mutating func ruleset(_ language: Language) -> Ruleset {
      var rs = Ruleset(language: language, evaluation: language == .ipfw ? .firstMatch : .lastMatchUnlessQuick)
      let n = 1 + Int(rng.next() % 7)
      rs.rules = (0..<n).map { rule(language, number: ($0 + 1) * 100) }
      // Now and then an anchor (pf) or a group (ipf): rules evaluated under a calling rule.
      if language != .ipfw && chance(3) {
        var call = Match()
        if chance(2) { call.direction = pick([.in, .out]) }
        if chance(2) { call.protocols = [6] }
        if language == .ipf { call.direction = call.direction ?? .in }
        let inner = (0..<(1 + Int(rng.next() % 3))).map { _ in
          var r = rule(language, number: 0)
          if language == .ipf { r.match.direction = call.direction }
          return r
        }
        var caller: Rule
        if language == .pf {
          caller = Rule(phase: .filter, match: call, action: .call("sub"), quick: chance(2), origin: [])
        } else {
          caller = Rule(
            phase: .filter, match: call, action: chance(2) ? .pass : .block(.drop), quick: chance(2), origin: [])
          caller.head = "sub"
        }
        rs.subrulesets["sub"] = inner
        rs.rules.insert(caller, at: Int(rng.next() % UInt64(rs.rules.count + 1)))
      }
      if language == .ipfw {
        rs.rules.append(
          Rule(phase: .filter, match: Match(), action: .block(.drop), quick: true, origin: [], number: 65535))
      }
      return rs
    }
  }

  /// The emitted text of a plan, read back into the IR.
  static func readBack(_ plan: TranslationPlan) throws -> (Ruleset, String) {
    switch plan.ruleset.language {
    case .pf:
      let text = PFEmitter.emit(plan.ruleset)
      let r = PFParser.parse(SourceFile(name: "out.conf", text: text), host: .empty) { _ in nil }
      guard !r.hasErrors else { throw Failure(text: text, diagnostics: r.diagnostics.map(\.message)) }
      return (PFLowering.lower(r.config), text)
    case .ipfw:
      let text = IPFWEmitter.emit(plan.ruleset)
      let r = IPFWParser.parse(SourceFile(name: "out.rules", text: text))
      let errors = r.diagnostics.filter { $0.severity == .error }
      guard errors.isEmpty else { throw Failure(text: text, diagnostics: errors.map(\.message)) }
      return (IPFWLowering.lower(r.ruleset), text)
    case .ipf:
      let b = IPFEmitter.emit(plan.ruleset)
      let f = IPFParser.parse(SourceFile(name: "ipf.conf", text: b.ipf))
      guard !f.hasErrors else { throw Failure(text: b.ipf, diagnostics: f.diagnostics.map(\.message)) }
      let pools = IPPoolParser.parse(SourceFile(name: "ippool.conf", text: b.ippool)) { _ in nil }
      return (IPFLowering.lower(ipf: f.rules, nat: [], pools: pools.definitions), b.ipf + b.ippool)
    }
  }

  struct Failure: Error, CustomStringConvertible {
    var text: String
    var diagnostics: [String]
    var description: String { diagnostics.joined(separator: "; ") + "\n" + text }
  }

  func testRandomTranslationsDecideAlike() throws {
    var g = Generator(rng: SplitMix(seed: 0x7261_6e73))
    var compared = 0
    var lossy = 0
    var flattened = 0
    let host = HostContext(interfaces: [
      .init(name: "em0", addresses: ["192.0.2.1/24"]), .init(name: "em1", addresses: ["198.51.100.1/24"]),
    ])
    for round in 0..<200 {
      for source in Language.allCases {
        let input = g.ruleset(source)
        for target in Language.allCases where target != source {
          let plan = Translator.plan(input, to: TargetCapabilities.of(target))
          if !plan.losses.isEmpty { lossy += 1 } else if !input.subrulesets.isEmpty { flattened += 1 }
          let (read, text) = try Self.readBack(plan)
          // ICMP reply codes are compared by kind, as `fwc translate --verify` does.
          let carried = ComparisonPreparation.prepared(plan.carried)
          let back = ComparisonPreparation.prepared(read)
          let space = PacketSpace(interfaces: ["em0", "em1"])
          let left = try DecisionSets(
            ruleset: carried, space: space, environment: AddressEnvironment(tables: carried.tables, host: host))
          let right = try DecisionSets(
            ruleset: back, space: space, environment: AddressEnvironment(tables: back.tables, host: host))
          let diff = RulesetDiff(left, right)
          XCTAssertTrue(
            diff.isEquivalent && diff.stateRegions.isEmpty,
            "round \(round) \(source) -> \(target): \(diff.regions.map { "\($0.left) vs \($0.right)" })\n\(input.rules)\n\(text)"
          )
          compared += 1
        }
      }
    }
    print(
      "translation property: \(compared) random translations compared, \(lossy) with losses, \(flattened) anchors or groups written out whole"
    )
    XCTAssertEqual(compared, 1200)
    XCTAssertGreaterThan(flattened, 50)
  }
}
