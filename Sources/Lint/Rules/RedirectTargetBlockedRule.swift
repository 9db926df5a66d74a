import FirewallIR

/// `rdr-target-blocked`: an rdr rule some of whose redirected packets the filter blocks.
struct RedirectTargetBlockedRule: LintRule {
  static let info = LintRuleInfo(
    id: "rdr-target-blocked", severity: .warning,
    summary: "An rdr rule part of whose redirected packets the filter blocks.",
    help: """
      The filter sees redirected packets with their new destination. Some of the packets this \
      rule redirects are blocked there (the example shows one, before translation), so the \
      forwarded service is reachable only in part. Pass the new destination for all of them, \
      or narrow the rdr to the sources meant.
      Example (pf): `rdr on em0 proto tcp to port { 80 443 } -> 10.0.0.5` with only \
      `pass in proto tcp to 10.0.0.5 port 80`.
      """, languages: [.pf, .ipf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    subject.translatedPackets.compactMap { t in
      guard t.unit.rule.translationKind == .rdr, t.passed != .empty, t.blocked != .empty,
        let loc = subject.location(t.unit.rule)
      else { return nil }
      return finding(
        "the filter blocks some of the packets this rdr rule redirects", at: loc, example: subject.example(t.blocked))
    }
  }
}
