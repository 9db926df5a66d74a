import FirewallIR

/// `undefined-macro`: `$name` with no `name = …` before it (pf). Reported by the parser, as
/// pfctl refuses the file.
struct UndefinedMacroRule: LintRule {
  static let info = LintRuleInfo(
    id: "undefined-macro", severity: .error, summary: "A `$macro` used before any definition.",
    help: """
      pfctl expands macros as it reads and refuses a `$name` that no earlier line defines. \
      Define it above its first use, or fix the spelling.
      Example: `pass in on $ext_if` with no `ext_if = "em0"` line above it.
      """, languages: [.pf])

  func check(_ subject: LintSubject) -> [LintFinding] { [] }
}
