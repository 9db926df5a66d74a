import FirewallIR

/// `unused-tag`: a tag set and never tested.
struct UnusedTagRule: LintRule {
  static let info = LintRuleInfo(
    id: "unused-tag", severity: .note, summary: "A tag set by a rule and tested by none.",
    help: """
      No rule in the files tests the tag with `tagged`. It may be meant for an anchor loaded at \
      run time; otherwise the tagging has no effect.
      Example (pf): `pass in on $int_if tag LAN` and no `tagged LAN` anywhere.
      """, languages: [.pf, .ipfw])

  func check(_ subject: LintSubject) -> [LintFinding] {
    let tested = Set(subject.allRules.compactMap(\.match.tagged))
    var seen: Set<String> = []
    return subject.allRules.compactMap { r in
      guard let t = r.tag, !tested.contains(t), seen.insert(t).inserted, let loc = subject.location(r) else {
        return nil
      }
      return finding("tag \(t) is set but no rule tests it", at: subject.locate("tag", near: loc))
    }
  }
}
