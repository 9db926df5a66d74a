import FirewallIR

/// `unused-anchor`: rules given to an anchor or group that nothing evaluates.
struct UnusedAnchorRule: LintRule {
  static let info = LintRuleInfo(
    id: "unused-anchor", severity: .warning, summary: "An anchor or group whose rules nothing evaluates.",
    help: """
      No `anchor` rule (pf) or `head` rule (ipf) leads to these rules, so they never run. Add \
      the anchor rule where they should apply, or delete them.
      Example (ipf): `pass in quick proto tcp from any to any port = 22 group 100` with no \
      rule carrying `head 100`.
      """, languages: [.pf, .ipf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    var called: Set<String> = []
    for r in subject.allRules {
      if case .call(let n) = r.action { called.insert(n) }
      if let h = r.head { called.insert(h) }
    }
    var out: [LintFinding] = []
    for name in subject.ruleset.subrulesets.keys.sorted() where !called.contains(name) {
      // Nested pf anchors are reached through their parent.
      if subject.language == .pf, called.contains(where: { name.hasPrefix($0 + "/") }) { continue }
      guard let first = subject.ruleset.subrulesets[name]?.first, let loc = subject.location(first) else { continue }
      let what =
        subject.language == .pf
        ? "anchor \"\(name)\" is loaded but no anchor rule evaluates it"
        : "group \(name) has rules but no rule is its head; they are never evaluated"
      out.append(finding(what, at: loc))
    }
    if let config = subject.pfConfig {
      for (name, _) in config.loadAnchors where !called.contains(name) && subject.ruleset.subrulesets[name] == nil {
        guard let f = subject.files.first else { continue }
        let line = (1...max(1, f.lineStarts.count)).first {
          f.lineText($0).contains("load anchor") && f.lineText($0).contains(name)
        }
        out.append(
          finding(
            "anchor \"\(name)\" is loaded but no anchor rule evaluates it",
            at: line.map { SourceLocation(fileID: f.id, line: $0, column: 1) }))
      }
    }
    return out
  }
}
