import FirewallIR

/// `undefined-table`: a rule names a table the file never defines or fills.
struct UndefinedTableRule: LintRule {
  static let info = LintRuleInfo(
    id: "undefined-table", severity: .warning, summary: "A table used by a rule and never defined.",
    help: """
      The table is empty unless something fills it at run time (`pfctl -t`, `ipfw table … add`, \
      `ippool -a`). If that is intended, define it empty and `persist` (pf) or `create` it \
      (ipfw) so the intent is written down; otherwise fix the name.
      Example (pf): `block in from <abusers>` with no `table <abusers>` line.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    var reported: Set<String> = []
    var out: [LintFinding] = []
    for ref in subject.tableReferences where subject.ruleset.tables[ref.name] == nil {
      guard reported.insert(ref.name).inserted, let loc = subject.location(ref.rule) else { continue }
      out.append(
        finding(
          "table \(subject.language == .ipfw ? ref.name : subject.tableSpelling(ref.name)) is used but never defined; it is empty unless filled at run time",
          at: subject.locate(subject.tableSpelling(ref.name), near: loc)))
    }
    return out
  }
}
