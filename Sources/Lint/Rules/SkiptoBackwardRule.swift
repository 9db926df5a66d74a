import FirewallIR

/// `skipto-backward`: an ipfw `skipto` whose target is not after the rule.
struct SkiptoBackwardRule: LintRule {
  static let info = LintRuleInfo(
    id: "skipto-backward", severity: .warning, summary: "An ipfw skipto to a rule number not after its own.",
    help: """
      ipfw only jumps forward: a `skipto` to a number at or below the rule's own continues at \
      the next rule, as if the rule were a `count`. Use a larger target, or `call` for a \
      subroutine.
      Example (ipfw): `300 skipto 100 tcp from any to any`.
      """, languages: [.ipfw])

  func check(_ subject: LintSubject) -> [LintFinding] {
    subject.ruleset.rules.compactMap { r in
      guard case .skip(let n) = r.action, let own = r.number, n <= own, let loc = subject.location(r) else {
        return nil
      }
      return finding(
        "skipto \(n) from rule \(own) jumps backward; ipfw continues at the next rule instead",
        at: subject.locate("skipto", near: loc))
    }
  }
}
