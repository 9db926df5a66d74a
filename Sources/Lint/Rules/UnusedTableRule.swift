import FirewallIR

/// `unused-table`: a table defined and named by no rule.
struct UnusedTableRule: LintRule {
  static let info = LintRuleInfo(
    id: "unused-table", severity: .warning, summary: "A table defined and used by no rule.",
    help: """
      No rule reads the table, so its addresses change nothing. Delete it, or use it where it \
      was meant to be used. (A pf table kept only for `pfctl -t` bookkeeping can be suppressed \
      with `# fwc:disable=unused-table`.)
      Example (pf): `table <trusted> { 192.0.2.0/24 }` and no rule mentions `<trusted>`.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    let used = Set(subject.tableReferences.map(\.name))
    return subject.ruleset.tables.values.sorted { $0.name < $1.name }.compactMap { t in
      guard !used.contains(t.name), let loc = t.origin else { return nil }
      let spelled = subject.language == .ipfw ? t.name : subject.tableSpelling(t.name)
      return finding("table \(spelled) is defined but no rule uses it", at: loc)
    }
  }
}
