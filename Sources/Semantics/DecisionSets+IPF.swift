import FirewallIR
import PacketSets

/// ipfilter under packet sets: inbound `rdr` before filtering, then the filter rules (last
/// match unless `quick`, groups in place of their head, `skip`), then outbound `map` on
/// passed packets.
extension DecisionSets {
  func computeIPF() throws(UnmodeledRule) {
    let inbound = space.direction(.in)
    let outbound = space.direction(.out)
    var remaining = BDD.all
    var redirected: [(Rule, BDD)] = []
    try translations(ruleset.rules, kinds: [.rdr, .binat], gate: inbound, remaining: &remaining, into: &redirected)

    if try !overlayLastMatch() {
      outcomes = [Outcome(verdict: .pass): .all]
      var stopped = BDD.empty
      _ = try filterIPF(ruleset.rules, gate: .all, stopped: &stopped)
    }
    var result = try compose(filter: outcomes, translated: redirected, inbound: inbound)

    // Outbound packets that pass are mapped after filtering.
    var unmapped = outbound
    var mapped: [(Rule, BDD)] = []
    try translations(ruleset.rules, kinds: [.nat, .binat], gate: outbound, remaining: &unmapped, into: &mapped)
    for pass in result.keys where pass.verdict.isPass && pass.effect == nil {
      for (r, set) in mapped {
        for family in [AddressFamily.inet, .inet6] {
          guard let passed = result[pass] else { break }
          let hit = m.and([passed, set, space.family(family)])
          guard hit != .empty else { continue }
          result[pass] = m.diff(passed, hit)
          let effect = Outcome.effect(of: r, family: family, environment: environment)
          let key = Outcome(verdict: .pass, effect: effect, keepsState: pass.keepsState)
          result[key] = m.or(result[key] ?? .empty, hit)
        }
      }
    }
    outcomes = result
  }

  /// Walks filter rules; returns the packets a pass or block rule matched.
  func filterIPF(_ rules: [Rule], gate: BDD, stopped: inout BDD) throws(UnmodeledRule) -> BDD {
    var matched = BDD.empty
    var skipped: [Int: BDD] = [:]
    for (i, r) in rules.enumerated() where r.phase == .filter {
      let hit = m.diff(m.and(gate, try match(r)), skipped[i] ?? .empty)
      let live = m.diff(hit, stopped)
      if live == .empty { continue }
      switch r.action {
      case .skip(let n):
        for j in (i + 1)..<min(rules.count, i + 1 + max(0, n)) { skipped[j] = m.or(skipped[j] ?? .empty, live) }
        continue
      case .pass, .block:
        try decide(live, by: r)
        matched = m.or(matched, live)
      case .match where r.head != nil:
        // A group-map call: only the group's rules decide.
        _ = try filterIPF(ruleset.subrulesets[r.head!] ?? [], gate: live, stopped: &stopped)
        continue
      default:
        continue
      }
      var decidesHere = live
      if let g = r.head {
        let inner = try filterIPF(ruleset.subrulesets[g] ?? [], gate: live, stopped: &stopped)
        decidesHere = m.diff(live, inner)
      }
      if r.quick { stopped = m.or(stopped, decidesHere) }
    }
    return matched
  }
}
