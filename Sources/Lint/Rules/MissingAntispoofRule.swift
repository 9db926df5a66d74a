import FirewallIR

/// `missing-antispoof`: a pf ruleset with no `antispoof` line.
struct MissingAntispoofRule: LintRule {
  static let info = LintRuleInfo(
    id: "missing-antispoof", severity: .note, summary: "A pf ruleset without antispoof protection.",
    help: """
      `antispoof for $ext_if` blocks packets that claim a source address of the interface's own \
      network from the wrong side. Most rulesets on a router want it for each interface. \
      Informational: suppress with `# fwc:disable-file=missing-antispoof` when filtering is \
      done elsewhere.
      Example: a pf.conf with `block in all` and pass rules, and no `antispoof` line.
      """, languages: [.pf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    guard subject.ruleset.rules.contains(where: { $0.phase == .filter }), let f = subject.files.first else { return [] }
    let has = subject.files.contains { file in
      (1...max(1, file.lineStarts.count)).contains {
        file.lineText($0).split(whereSeparator: { $0 == " " || $0 == "\t" }).first == "antispoof"
      }
    }
    guard !has else { return [] }
    return [
      finding(
        "no antispoof rule: no interface is protected against spoofed source addresses",
        at: SourceLocation(fileID: f.id, line: 1, column: 1))
    ]
  }
}
