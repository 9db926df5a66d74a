import FirewallIR
import Semantics

/// `redundant-rule`: a rule whose removal alone changes no packet's outcome.
struct RedundantRule: LintRule {
  static let info = LintRuleInfo(
    id: "redundant-rule", severity: .warning,
    summary: "A rule that decides packets, but without it the other rules decide them the same way.",
    help: """
      The rule is reached, yet deleting it changes nothing: the packets it decides would get \
      the same verdict, state and logging from the rules after it (first match) or before it \
      (last match), or from the default. Dead rules are left out of the comparison, so two \
      identical rules are reported once. Delete the rule.
      Example (pf): `block all` followed by `block in proto udp` (the default block covers it).
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    let r = subject.reachability
    var seen: Set<SourceLocation> = []
    return r.units.indices.compactMap { i in
      let u = r.units[i]
      guard r.findings[i].redundant, subject.isReportable(u), let loc = subject.location(u.rule),
        seen.insert(loc).inserted
      else { return nil }
      return finding(
        subject.partOfLine(loc) { r.findings[$0].redundant }
          + "rule is redundant: without it, every packet it decides gets the same outcome from the other rules",
        at: loc, example: subject.example(r.findings[i].decides),
        fix: .deleteLine("delete the redundant rule", at: loc))
    }
  }
}
