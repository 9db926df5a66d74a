import FirewallIR
import PacketSets
import Semantics

/// `overridden-by-later`: pf/ipf, a non-quick rule whose verdict a later, broader rule reverses
/// for some of its packets.
struct OverriddenByLaterRule: LintRule {
  static let info = LintRuleInfo(
    id: "overridden-by-later", severity: .warning,
    summary: "A non-quick pass or block that a later rule reverses for part of its packets.",
    help: """
      In pf and ipfilter the last matching rule wins unless one is `quick`. Here a later rule \
      that is not a narrower exception of this one (it also matches packets outside it) \
      reverses this rule's verdict for some packets, which is rarely what was meant: add \
      `quick` to this rule, or move it after the other.
      Example (pf): `block in from 192.0.2.0/24` followed by `pass in proto tcp to port 80` \
      (192.0.2.0/24 reaches port 80).
      """, languages: [.pf, .ipf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    let r = subject.reachability
    let m = r.space.manager
    var out: [LintFinding] = []
    for (i, u) in r.units.enumerated() {
      guard u.list == "filter", let mine = u.packets, let effect = u.effect, !u.quick, !r.findings[i].dead,
        subject.isReportable(u), let loc = subject.location(u.rule)
      else { continue }
      let passes = effect.passes
      var culprits: [RuleReachability.Unit] = []
      var example: BDD = .empty
      for j in r.candidates(of: i) where j > i {
        let v = r.units[j]
        guard let theirs = v.packets, let e = v.effect, e.passes != passes, !r.approximate.contains(j) else { continue }
        // Cheap tests on the two small matches first; the decided set last.
        let both = m.and(mine, theirs)
        guard both != .empty, !m.isSubset(theirs, of: mine) else { continue }
        let part = m.and(both, r.findings[j].decides)
        guard part != .empty else { continue }
        culprits.append(v)
        if example == .empty { example = part }
        // A few rules make the point.
        if culprits.count == 5 { break }
      }
      guard !culprits.isEmpty else { continue }
      out.append(
        finding(
          "this \(passes ? "pass" : "block") is not quick, and \(subject.places(culprits)) after it \(subject.placesAndCount(culprits).count == 1 ? "reverses" : "reverse") its verdict for some of its packets",
          at: loc, related: subject.related(culprits, "later rule that reverses the verdict"),
          example: subject.example(example)))
    }
    return out
  }
}
