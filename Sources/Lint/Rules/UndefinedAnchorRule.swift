import FirewallIR

/// `undefined-anchor`: a pf anchor or an ipf group called and given no rules in the files.
struct UndefinedAnchorRule: LintRule {
  static let info = LintRuleInfo(
    id: "undefined-anchor", severity: .note,
    summary: "An anchor or group evaluated by a rule but given no rules here.",
    help: """
      The anchor's rules must come from elsewhere at run time (`pfctl -a NAME -f …`, a \
      container runtime, a `load anchor` in another file); until then it matches nothing. \
      For an ipf `head`, no rule names the group. Check the spelling, or add the rules.
      Example (pf): `anchor "jails"` with no `load anchor "jails" from …` and no inline block.
      """, languages: [.pf, .ipf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    let loaded = Set(subject.pfConfig?.loadAnchors.map(\.0) ?? [])
    var out: [LintFinding] = []
    var seen: Set<String> = []
    for r in subject.allRules {
      let name: String
      if case .call(let n) = r.action { name = n } else if let h = r.head { name = h } else { continue }
      guard subject.ruleset.subrulesets[name] == nil, !loaded.contains(name), !name.contains("*"),
        seen.insert(name).inserted, let loc = subject.location(r)
      else { continue }
      let what =
        subject.language == .pf
        ? "anchor \"\(name)\" has no rules in this file; it matches nothing until they are loaded at run time"
        : "group \(name) has no rules; the head rule's match only sets its own verdict"
      let quoted = subject.find("\"\(name)\"", from: loc).map {
        SourceLocation(fileID: $0.fileID, line: $0.line, column: $0.column + 1)
      }
      out.append(
        finding(what, at: quoted.flatMap { $0.line == loc.line ? $0 : nil } ?? subject.locate(name, near: loc)))
    }
    return out
  }
}
