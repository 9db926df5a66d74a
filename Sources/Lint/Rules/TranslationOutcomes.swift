import FirewallIR
import PacketSets
import Semantics

/// A translation rule's packets and what the filter then does with them.
struct TranslatedPackets {
  var unit: RuleReachability.Unit
  /// The first packets the rule translates.
  var taken: BDD
  /// Those the ruleset passes in the end, and those it blocks.
  var passed: BDD
  var blocked: BDD
}

extension LintSubject {
  /// For each line of translation rules that translates some packet (first match among its kind, in
  /// the direction it applies to): what the filter does with its packets. Empty when packet
  /// sets cannot follow the ruleset (a pool, a run-time table …). Rules that skip the filter
  /// (pf `rdr pass`) are left out.
  var translatedPackets: [TranslatedPackets] {
    let r = reachability
    guard r.units.contains(where: { $0.rule.phase == .translation }), case .success(let sets) = decisions else {
      return []
    }
    let m = space.manager
    var passed = BDD.empty
    for (o, set) in sets.outcomes where o.verdict.isPass { passed = m.or(passed, set) }
    let blocked = m.diff(space.wellFormed, passed)
    var syn = Match()
    syn.protocols = [6]
    syn.tcpFlags = TCPFlagsMatch(set: 0x02, mask: 0x12)
    let openingTCP = space.encode(syn) ?? .all
    var byLine: [SourceLocation: TranslatedPackets] = [:]
    var order: [SourceLocation] = []
    let each: [TranslatedPackets] = r.units.indices.compactMap { i in
      let u = r.units[i]
      guard case .translate(let kind, false) = u.rule.action, u.rule.phase == .translation, isReportable(u),
        !u.rule.features.contains("pass (on translation rule)")
      else { return nil }
      let gate: BDD =
        switch kind {
        case .rdr: space.direction(.in)
        case .nat: space.direction(.out)
        case .binat: .all
        }
      // Packets that can open a connection: TCP only with SYN (and no ACK).
      let opening = m.or(m.not(space.protocolNumber(6)), openingTCP)
      let taken = m.and(m.and(r.findings[i].decides, gate), opening)
      guard taken != .empty else { return nil }
      return TranslatedPackets(unit: u, taken: taken, passed: m.and(taken, passed), blocked: m.and(taken, blocked))
    }
    // A line's rules together (pfctl expands a port list into one rule per port).
    for t in each {
      guard let loc = location(t.unit.rule) else { continue }
      if let seen = byLine[loc] {
        byLine[loc] = TranslatedPackets(
          unit: seen.unit, taken: m.or(seen.taken, t.taken), passed: m.or(seen.passed, t.passed),
          blocked: m.or(seen.blocked, t.blocked))
      } else {
        byLine[loc] = t
        order.append(loc)
      }
    }
    return order.map { byLine[$0]! }
  }
}
