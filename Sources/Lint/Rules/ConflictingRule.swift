import FirewallIR

/// `conflicting-rule`: a dead rule whose packets other rules decide the opposite way.
struct ConflictingRule: LintRule {
  static let info = LintRuleInfo(
    id: "conflicting-rule", severity: .warning,
    summary: "A rule that never decides because other rules do the opposite with all its packets.",
    help: """
      The rule would pass (or block) its packets, but under the evaluation order the rules \
      listed decide every one of them, and at least one does the opposite. Either the rule is \
      obsolete, or it is misplaced: in pf add `quick` or move it after the rules that hide it.
      Example (pf): `pass in proto tcp to port 22` followed by `block in all` (the block wins).
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    subject.deadRules.filter(\.conflict).compactMap { d in
      guard let loc = subject.location(d.unit.rule) else { return nil }
      let verb = d.unit.effect?.passes == true ? "pass" : "block"
      let (who, count) = subject.placesAndCount(d.coverers)
      return finding(
        subject.partOfLine(loc) { subject.reachability.findings[$0].dead }
          + "rule never decides: it would \(verb) packets that \(who) \(count == 1 ? "decides" : "decide") otherwise",
        at: loc, related: subject.related(d.coverers, "decides the packets of the conflicting rule"),
        example: d.example)
    }
  }
}
