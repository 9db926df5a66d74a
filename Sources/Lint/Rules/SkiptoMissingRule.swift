import FirewallIR

/// `skipto-missing`: an ipfw `skipto` or `call` to a number no rule has.
struct SkiptoMissingRule: LintRule {
  static let info = LintRuleInfo(
    id: "skipto-missing", severity: .warning, summary: "An ipfw skipto or call to a rule number that does not exist.",
    help: """
      ipfw continues at the first rule numbered at or above the target, which may not be the \
      rule meant (after renumbering, often the default rule). Point the jump at an existing \
      rule number.
      Example (ipfw): `100 skipto 1000 ip from any to any in` with rules 200 and 65535 only.
      """, languages: [.ipfw])

  func check(_ subject: LintSubject) -> [LintFinding] {
    let rules = subject.ruleset.rules
    let numbers = Set(rules.compactMap(\.number))
    return rules.compactMap { r in
      let target: Int
      let word: String
      switch r.action {
      case .skip(let n): (target, word) = (n, "skipto")
      case .call(let s):
        guard let n = Int(s) else { return nil }
        (target, word) = (n, "call")
      default: return nil
      }
      guard !numbers.contains(target), let own = r.number, word == "call" || target > own,
        let loc = subject.location(r)
      else { return nil }
      let next = rules.compactMap(\.number).filter { $0 >= target }.min()
      return finding(
        "no rule is numbered \(target); \(word) continues at \(next.map { "rule \($0)" } ?? "the end of the ruleset")",
        at: subject.locate(word, near: loc))
    }
  }
}
