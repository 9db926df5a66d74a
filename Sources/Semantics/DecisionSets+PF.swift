import FirewallIR
import PacketSets

/// pf under packet sets: translation first (binat, then rdr inbound or nat outbound), then the
/// filter rules on the translated packet, last match unless `quick`, anchors in place.
extension DecisionSets {
  func computePF() throws(UnmodeledRule) {
    let inbound = space.direction(.in)
    var remaining = BDD.all
    var translated: [(Rule, BDD)] = []
    try translations(ruleset.rules, kinds: [.binat], gate: .all, remaining: &remaining, into: &translated)
    try translations(ruleset.rules, kinds: [.rdr], gate: inbound, remaining: &remaining, into: &translated)
    try translations(
      ruleset.rules, kinds: [.nat], gate: space.direction(.out), remaining: &remaining, into: &translated)

    if try !overlayLastMatch() {
      outcomes = [Outcome(verdict: .pass): .all]
      var stopped = BDD.empty
      _ = try filterPF(ruleset.rules, gate: .all, stopped: &stopped)
    }
    let filter = outcomes
    outcomes = try compose(filter: filter, translated: translated, inbound: inbound)
    // Packets on `set skip` interfaces pass untouched.
    var skipped = BDD.empty
    for name in ruleset.skippedInterfaces {
      var m = Match()
      m.interface = name
      skipped = self.m.or(skipped, space.encode(m, environment: environment) ?? .empty)
    }
    if skipped != .empty { assign(skipped, to: Outcome(verdict: .pass)) }
  }

  /// Walks filter rules; returns the packets some rule matched (for `anchor … quick`).
  func filterPF(_ rules: [Rule], gate: BDD, stopped: inout BDD) throws(UnmodeledRule) -> BDD {
    var matched = BDD.empty
    for r in rules where r.phase == .filter {
      let hit = m.and(gate, try match(r))
      let live = m.diff(hit, stopped)
      if live == .empty { continue }
      switch r.action {
      case .pass, .block:
        try decide(live, by: r)
        matched = m.or(matched, live)
        if r.quick { stopped = m.or(stopped, live) }
      case .match:
        if !r.translation.isEmpty {
          throw UnmodeledRule(rule: r, reason: "a `match` rule with a translation, which packet sets do not follow")
        }
        matched = m.or(matched, live)
      case .call(let name):
        let inner = try filterPF(ruleset.subrulesets[name] ?? [], gate: live, stopped: &stopped)
        matched = m.or(matched, inner)
        if r.quick { stopped = m.or(stopped, inner) }
      default:
        throw UnmodeledRule(rule: r, reason: "the rule's action is not modelled")
      }
    }
    return matched
  }
}
