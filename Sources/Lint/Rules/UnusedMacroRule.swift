import FirewallIR

/// `unused-macro`: a pf macro no `$name` ever expands.
struct UnusedMacroRule: LintRule {
  static let info = LintRuleInfo(
    id: "unused-macro", severity: .warning, summary: "A macro defined and never used.",
    help: """
      No line expands the macro, so its value has no effect: often a renamed macro whose old \
      name is still used nowhere, or a rule that was meant to use it. Delete it or use it.
      Example: `web_ports = "{ 80 443 }"` with every rule spelling `port { 80 443 }` itself.
      """, languages: [.pf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    guard let config = subject.pfConfig else { return [] }
    return config.macroDefinitions.keys.sorted().compactMap { name in
      guard !config.usedMacros.contains(name), let loc = config.macroDefinitions[name] else { return nil }
      return finding(
        "macro '\(name)' is defined but never used", at: loc,
        fix: .deleteLine("delete the unused macro", at: loc))
    }
  }
}
