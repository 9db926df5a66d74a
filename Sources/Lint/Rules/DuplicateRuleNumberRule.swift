import FirewallIR

/// `duplicate-rule-number`: two ipfw rules with one number.
struct DuplicateRuleNumberRule: LintRule {
  static let info = LintRuleInfo(
    id: "duplicate-rule-number", severity: .warning, summary: "Two ipfw rules with the same number.",
    help: """
      ipfw keeps both, in the order they were added, but `ipfw delete N` removes both and a \
      `skipto N` lands on the first: easy to get wrong when the rules are edited. Give each \
      rule its own number.
      Example (ipfw): `add 100 allow tcp from any to me 22` and `add 100 deny ip from any to any`.
      """, languages: [.ipfw])

  func check(_ subject: LintSubject) -> [LintFinding] {
    var first: [Int: Rule] = [:]
    var out: [LintFinding] = []
    for r in subject.ruleset.rules where !r.origin.isEmpty {
      guard let n = r.number else { continue }
      guard let earlier = first[n] else {
        first[n] = r
        continue
      }
      // pfctl-style expansion of one line makes several rules with one number: not a duplicate.
      guard
        earlier.origin.first?.line != r.origin.first?.line || earlier.origin.first?.fileID != r.origin.first?.fileID,
        let loc = subject.location(r)
      else { continue }
      out.append(
        finding(
          "rule number \(n) is used again (first by \(subject.describe(earlier)))", at: loc,
          related: subject.location(earlier).map { [LintFinding.Related($0, "first rule numbered \(n)")] } ?? []))
    }
    return out
  }
}
