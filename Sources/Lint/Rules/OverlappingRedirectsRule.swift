import FirewallIR

/// `overlapping-redirects`: two rdr rules taking some of the same packets to different targets.
struct OverlappingRedirectsRule: LintRule {
  static let info = LintRuleInfo(
    id: "overlapping-redirects", severity: .warning,
    summary: "Two redirects of the same packets (one port) to different targets.",
    help: """
      Translation rules are first match: packets matching both go to the first rule's target, \
      and the later rule applies only to the rest. When two containers or services were meant \
      to share a port, one of them silently loses it. Make the matches disjoint.
      Example (pf): `rdr on em0 proto tcp to port 8080 -> 10.0.0.5` and \
      `rdr on em0 proto tcp from 192.0.2.0/24 to port 8000:8100 -> 10.0.0.6`.
      """, languages: [.pf, .ipf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    let r = subject.reachability
    let m = r.space.manager
    let rdr = r.units.indices.filter {
      r.units[$0].rule.translationKind == .rdr && r.units[$0].packets != nil && subject.isReportable(r.units[$0])
        && !r.findings[$0].dead
    }
    guard rdr.count <= 5_000 else { return [] }
    var out: [LintFinding] = []
    for (k, j) in rdr.enumerated() {
      for i in rdr[..<k] where r.units[i].list == r.units[j].list {
        guard r.units[i].rule.translation != r.units[j].rule.translation else { continue }
        let both = m.and(
          m.and(m.and(r.units[i].packets!, r.units[j].packets!), r.space.wellFormed), r.space.direction(.in))
        guard both != .empty, let loc = subject.location(r.units[j].rule) else { continue }
        out.append(
          finding(
            "this rdr overlaps \(subject.describe(r.units[i].rule)), which takes the shared packets to another target",
            at: loc,
            related: subject.location(r.units[i].rule).map { [LintFinding.Related($0, "earlier redirect that wins")] }
              ?? [], example: subject.example(both)))
        break
      }
    }
    return out
  }
}
