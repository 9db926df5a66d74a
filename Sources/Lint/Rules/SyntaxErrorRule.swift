import FirewallIR

/// `syntax`: what the front end could not read. The rest of the file is still linted; the
/// rules of the lines in error are missing from every other analysis.
struct SyntaxErrorRule: LintRule {
  static let info = LintRuleInfo(
    id: "syntax", severity: .error, summary: "A line the firewall's own parser would refuse.",
    help: """
      The line does not parse the way pfctl, ipf or ipfw would read it, so the firewall refuses \
      the whole file. Fix the line; the other findings are computed without it.
      Example (pf): `pass in proto tcp to port 22 flags` (flags needs a value).
      """)

  func check(_ subject: LintSubject) -> [LintFinding] { [] }

  /// The front end's diagnostic as a finding: undefined macros and tables defined twice have
  /// their own IDs, everything else is `syntax`.
  static func finding(from d: Diagnostic) -> LintFinding {
    let id: String
    switch d.id {
    case "pf-undefined-macro": id = UndefinedMacroRule.info.id
    case "pf-table-redefined": id = DuplicateTableRule.info.id
    default: id = info.id
    }
    let severity = d.severity == .error ? (Linter.info(id)?.severity ?? .error) : d.severity
    return LintFinding(id: id, severity: severity, message: d.message, location: d.location)
  }
}
