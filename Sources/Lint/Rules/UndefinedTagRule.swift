import FirewallIR

/// `undefined-tag`: `tagged NAME` where no rule sets the tag: the rule never matches.
struct UndefinedTagRule: LintRule {
  static let info = LintRuleInfo(
    id: "undefined-tag", severity: .warning, summary: "A rule tests a tag no rule sets.",
    help: """
      Packets get tags only from rules (`tag NAME` in pf, `tag N` in ipfw); when none sets this \
      one, a rule requiring it never matches (and one negating it always does). Fix the name or \
      add the tagging rule. Tags set by other anchors loaded at run time are not seen.
      Example (pf): `pass out tagged NAT_OK` with no rule saying `tag NAT_OK`.
      """, languages: [.pf, .ipfw])

  func check(_ subject: LintSubject) -> [LintFinding] {
    let set = Set(subject.allRules.compactMap(\.tag))
    return subject.allRules.compactMap { r in
      guard let t = r.match.tagged, !set.contains(t), let loc = subject.location(r) else { return nil }
      let effect = r.match.taggedNegated ? "the rule matches every packet" : "the rule never matches"
      return finding("no rule sets tag \(t); \(effect)", at: subject.locate("tagged", near: loc))
    }
  }
}
