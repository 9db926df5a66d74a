import FirewallIR

/// `nat-without-pass`: a nat, rdr or binat rule none of whose packets the filter passes.
struct TranslationWithoutPassRule: LintRule {
  static let info = LintRuleInfo(
    id: "nat-without-pass", severity: .warning,
    summary: "A nat or rdr rule whose translated packets no filter rule passes.",
    help: """
      Translation happens before (rdr) or after (nat) filtering, and the filter must still \
      pass the packets: here it blocks every packet the rule translates, so the rule has no \
      effect. Add a pass rule for the translated packets (the new destination for rdr), or \
      use pf's `rdr pass`.
      Example (pf): `rdr on em0 proto tcp to port 80 -> 10.0.0.5` with `block in all` and no \
      `pass in … to 10.0.0.5 port 80`.
      """, languages: [.pf, .ipf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    subject.translatedPackets.compactMap { t in
      guard t.passed == .empty, let loc = subject.location(t.unit.rule) else { return nil }
      let kind = t.unit.rule.translationKind?.rawValue ?? "translation"
      return finding(
        "no packet this \(kind) rule translates is passed by the filter rules", at: loc,
        example: subject.example(t.blocked))
    }
  }
}
