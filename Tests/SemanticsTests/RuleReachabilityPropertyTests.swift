import FirewallIR
import PacketSets
import TestSupport
import XCTest

@testable import Semantics

/// `RuleReachability` is exact: a rule is reported dead exactly when no packet of a universe
/// that covers every class is decided by it (brute force with the evaluator), and redundant
/// exactly when removing it (with the dead rules) changes no packet's outcome. Rulesets are
/// random, with a planted rule covered by the union of 2–5 others and by none alone, in pf,
/// ipfilter and ipfw, IPv4 and IPv6; pf pass rules carry pfctl's implicit `flags S/SA keep state`.
final class RuleReachabilityPropertyTests: XCTestCase {
  typealias U = DiffPropertyTests

  /// A block of `family`'s small space split into `k` disjoint CIDR blocks that cover it.
  static func partition(_ family: AddressFamily, into k: Int, rng: inout SplitMix) -> (IPNetwork, [IPNetwork]) {
    let base = family == .inet ? U.v4[0] : U.v6[0]
    let whole = IPNetwork(address: base, prefix: family.bitCount - 3)
    var blocks = [whole]
    while blocks.count < k {
      let splittable = blocks.indices.filter { blocks[$0].prefix < family.bitCount }
      let i = splittable[Int(rng.next() % UInt64(splittable.count))]
      let b = blocks.remove(at: i)
      let p = b.prefix + 1
      let high = IPAddress(family: family, value: b.address.value | (UInt128(1) << UInt128(family.bitCount - p)))
      blocks += [IPNetwork(address: b.address, prefix: p), IPNetwork(address: high, prefix: p)]
    }
    return (whole, blocks)
  }

  /// pfctl's defaults on a pf pass rule: keep state, and `flags S/SA` when TCP may match.
  static func pfDefaults(_ r: inout Rule) {
    guard r.action == .pass, r.state == .none else { return }
    r.state = .keep
    if r.match.protocols == nil || r.match.protocols == [6], r.match.tcpFlags == nil {
      r.match.tcpFlags = TCPFlagsMatch(set: 0x02, mask: 0x12)
    }
  }

  /// The diff test's packets, plus each family with the other family's ICMP protocol number
  /// (an IPv4 packet of protocol 58 is a header the rules can tell apart too).
  static let packets: [Packet] = {
    var out = U.packets
    for family in [AddressFamily.inet, .inet6] {
      for src in (family == .inet ? U.v4 : U.v6) {
        for direction in [Direction.in, .out] {
          var h = PacketHeader()
          h.family = family
          h.proto = family == .inet ? 58 : 1
          h.source = src.value
          h.destination = (family == .inet ? U.v4 : U.v6)[0].value
          h.direction = direction
          out.append(Packet(example: h))
        }
      }
    }
    return out
  }()

  func outcomes(_ rs: Ruleset) -> [Outcome] {
    let e = Evaluator(ruleset: rs, environment: AddressEnvironment(), stateful: false)
    return Self.packets.map { e.evaluate($0).outcome }
  }

  func testDeadAndRedundantRulesAreExact() throws {
    var rng = SplitMix(seed: 77)
    var u = U.Universe(rng: SplitMix(seed: 78))
    var plantedDead = 0
    var plantedSeveral = 0
    var deadSeen = 0
    var redundantSeen = 0
    var trapsSeen = 0
    for round in 0..<240 {
      let language = [Language.pf, .ipf, .ipfw][round % 3]
      var rs = u.ruleset(language)
      let defaultRule = language == .ipfw ? rs.rules.removeLast() : nil
      // The planted rule and its cover: k blocks of its source, before it (first match or
      // quick) or after it (last match, not quick).
      let family: AddressFamily = round % 2 == 0 ? .inet : .inet6
      let k = 2 + Int(rng.next() % 4)
      let (whole, blocks) = Self.partition(family, into: k, rng: &rng)
      var target = Match()
      target.family = family
      target.source = AddressMatch([.network(whole)])
      if rng.next() % 2 == 0 { target.protocols = [rng.next() % 2 == 0 ? 6 : 17] }
      if target.protocols != nil, rng.next() % 2 == 0 { target.destinationPort = [RangeMatch(.equal, 80)] }
      let after = language != .ipfw && rng.next() % 2 == 0
      var planted = Rule(
        phase: .filter, match: target, action: rng.next() % 2 == 0 ? .pass : .block(.drop),
        quick: language == .ipfw || (!after && rng.next() % 2 == 0), origin: [])
      var cover: [Rule] = blocks.map { b in
        var m = target
        m.source = AddressMatch([.network(b)])
        // A covering rule may be broader in another field.
        if rng.next() % 3 == 0 { m.destinationPort = nil }
        return Rule(
          phase: .filter, match: m,
          action: rng.next() % 3 == 0 ? (planted.action == .pass ? .block(.drop) : .pass) : planted.action,
          quick: language == .ipfw || !after || rng.next() % 2 == 0, origin: [])
      }
      cover.shuffle(using: &rng)
      let at = Int(rng.next() % UInt64(rs.rules.count + 1))
      var rules = rs.rules
      rules.insert(contentsOf: after ? [planted] + cover : cover + [planted], at: at)
      if language == .pf {
        for i in rules.indices { Self.pfDefaults(&rules[i]) }
      }
      rs.rules = rules
      if let d = defaultRule { rs.rules.append(d) }
      for i in rs.rules.indices where rs.rules[i].number != 65535 { rs.rules[i].number = (i + 1) * 10 }
      if language == .pf { Self.pfDefaults(&planted) }
      let plantedNumber = rs.rules[at + (after ? 0 : k)].number!

      let space = PacketSpace()
      let reach = RuleReachability(ruleset: rs, space: space, environment: AddressEnvironment())
      // Brute force: which rule decides each packet.
      let e = Evaluator(ruleset: rs, environment: AddressEnvironment(), stateful: false)
      var deciding: Set<Int> = []
      for p in Self.packets { if let n = e.evaluate(p).rule?.number { deciding.insert(n) } }
      var dead: Set<Int> = []
      for (i, unit) in reach.units.enumerated() where unit.effect != nil {
        let n = unit.rule.number!
        let f = reach.findings[i]
        let bruteDead = !deciding.contains(n)
        XCTAssertEqual(
          f.dead || f.neverMatches, bruteDead,
          "round \(round) (\(language)): rule \(n) dead by analysis \(f.dead), by brute force \(bruteDead)")
        if f.dead { dead.insert(n) }
        if f.dead {
          deadSeen += 1
          // The rules named as taking its packets take all of them.
          let covering = reach.coverers(of: i)
          let m = space.manager
          let union = m.or(covering.map { reach.findings[$0].decides })
          XCTAssert(m.isSubset(m.and(unit.packets!, space.wellFormed), of: union), "round \(round): coverers")
          if n == plantedNumber {
            plantedDead += 1
            if covering.count >= 2 { plantedSeveral += 1 }
          }
        } else if n == plantedNumber, language == .pf, planted.action != .pass,
          cover.contains(where: { $0.action == .pass && $0.quick }), planted.match.protocols != [17]
        {
          // pfctl's `flags S/SA` on the quick pass rules leaves TCP packets without SYN to the block.
          trapsSeen += 1
        }
      }
      // Redundancy: removing the dead rules changes nothing; removing a live rule too changes
      // nothing exactly when it is reported redundant.
      var live = rs
      live.rules.removeAll { dead.contains($0.number ?? -1) && $0.number != 65535 }
      let base = outcomes(rs)
      XCTAssertEqual(outcomes(live), base, "round \(round): removing dead rules changed an outcome")
      for (i, unit) in reach.units.enumerated()
      where unit.effect != nil && !reach.findings[i].dead && !reach.findings[i].neverMatches
        && unit.rule.number != 65535
      {
        var without = live
        without.rules.removeAll { $0.number == unit.rule.number }
        let same = outcomes(without) == base
        XCTAssertEqual(
          reach.findings[i].redundant, same, "round \(round) (\(language)): rule \(unit.rule.number!) redundant")
        if same { redundantSeen += 1 }
      }
    }
    // The planted covers are found, often as unions of several rules; the pf trap occurs.
    XCTAssertGreaterThan(plantedDead, 60)
    XCTAssertGreaterThan(plantedSeveral, 40)
    XCTAssertGreaterThan(deadSeen, 120)
    XCTAssertGreaterThan(redundantSeen, 50)
    XCTAssertGreaterThan(trapsSeen, 5)
    print(
      "planted dead \(plantedDead) (\(plantedSeveral) by several), dead \(deadSeen), redundant \(redundantSeen), flags traps \(trapsSeen)"
    )
  }
}
