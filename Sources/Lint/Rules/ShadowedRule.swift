import FirewallIR

/// `shadowed-rule`: a rule whose every packet is decided by other rules doing the same.
struct ShadowedRule: LintRule {
  static let info = LintRuleInfo(
    id: "shadowed-rule", severity: .warning,
    summary: "A rule no packet is decided by: other rules, alone or together, take all its packets.",
    help: """
      Under the language's evaluation order (first match for ipfw; last match unless `quick` \
      for pf and ipfilter) every packet the rule matches is decided by one of the rules listed, \
      which do the same thing, so the rule can be deleted. The rules may cover it only \
      together. pf's implicit `flags S/SA` on pass rules is taken into account.
      Example (ipfw): `allow tcp from 10.0.0.0/25 to any`, `allow tcp from 10.0.0.128/25 to any`, \
      then `allow tcp from 10.0.0.0/24 to any` (never reached).
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    subject.deadRules.filter { !$0.conflict }.compactMap { d in
      guard let loc = subject.location(d.unit.rule) else { return nil }
      let n = d.coverers.count
      return finding(
        subject.partOfLine(loc) { subject.reachability.findings[$0].dead }
          + "rule is never decisive: every packet it matches is decided by \(subject.places(d.coverers))"
          + (n > 1 ? " together" : ""),
        at: loc, related: subject.related(d.coverers, "takes packets of the shadowed rule"), example: d.example,
        fix: .deleteLine("delete the shadowed rule", at: loc))
    }
  }
}
