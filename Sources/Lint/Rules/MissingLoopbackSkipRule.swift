import FirewallIR

/// `missing-skip-loopback`: a pf ruleset that blocks and neither skips nor passes lo0.
struct MissingLoopbackSkipRule: LintRule {
  static let info = LintRuleInfo(
    id: "missing-skip-loopback", severity: .note, summary: "A blocking pf ruleset that filters loopback traffic.",
    help: """
      Without `set skip on lo0` (or a pass rule on lo0) local services talking over loopback \
      are filtered, and a default block breaks them in ways that are hard to trace. \
      Informational.
      Example: a pf.conf with `block all` and no `set skip on lo0`.
      """, languages: [.pf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    let loopback: Set<String> = ["lo", "lo0"]
    guard
      subject.ruleset.rules.contains(where: {
        $0.phase == .filter && { if case .block = $0.action { true } else { false } }($0)
      }),
      !subject.ruleset.skippedInterfaces.contains(where: loopback.contains),
      !subject.allRules.contains(where: { $0.action == .pass && $0.match.interface.map(loopback.contains) == true }),
      let f = subject.files.first
    else { return [] }
    return [
      finding(
        "loopback is filtered: add `set skip on lo0` or pass traffic on lo0",
        at: SourceLocation(fileID: f.id, line: 1, column: 1))
    ]
  }
}
