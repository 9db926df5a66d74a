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
  /// For each translation rule that translates some packet (first match among its kind, in
  /// the direction it applies to): what the filter does with its packets. Empty when packet
  /// sets cannot follow the ruleset (a pool, a run-time table …). Rules that skip the filter
  /// (pf `rdr pass`) are left out.
  var translatedPackets: [TranslatedPackets] {
    guard case .success(let sets) = decisions else { return [] }
    let r = reachability
    let m = space.manager
    var passed = BDD.empty
    for (o, set) in sets.outcomes where o.verdict.isPass { passed = m.or(passed, set) }
    let blocked = m.diff(space.wellFormed, passed)
    return r.units.indices.compactMap { i in
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
      let taken = m.and(r.findings[i].decides, gate)
      guard taken != .empty else { return nil }
      return TranslatedPackets(unit: u, taken: taken, passed: m.and(taken, passed), blocked: m.and(taken, blocked))
    }
  }
}
