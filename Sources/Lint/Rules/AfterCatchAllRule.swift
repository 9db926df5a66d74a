import FirewallIR
import PacketSets

/// `after-catch-all`: rules after one that decides every packet.
struct AfterCatchAllRule: LintRule {
  static let info = LintRuleInfo(
    id: "after-catch-all", severity: .warning,
    summary: "Rules after an unconditional allow or deny, which no packet reaches.",
    help: """
      The rule decides every packet that reaches it (an ipfw `allow ip from any to any`, a pf or \
      ipf `quick` rule with no conditions), so every later rule is dead. Move the catch-all to \
      the end, or narrow it.
      Example (ipfw): `deny ip from any to any` as rule 100 followed by rules 200 and 300.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    let r = subject.reachability
    let m = r.space.manager
    let everything = m.diff(r.space.wellFormed, r.skipped)
    var out: [LintFinding] = []
    for (i, u) in r.units.enumerated() {
      // Only a match without address, protocol, port, direction or interface can take everything.
      let m0 = u.rule.match
      guard m0.source.isAny, m0.destination.isAny, m0.protocols == nil, m0.destinationPort == nil,
        m0.sourcePort == nil, m0.direction == nil, m0.interface == nil
      else { continue }
      guard u.quick, u.effect != nil, let set = u.packets, subject.isReportable(u), !r.findings[i].dead,
        m.isSubset(everything, of: set), let loc = subject.location(u.rule)
      else { continue }
      let after = r.units[(i + 1)...].filter { $0.list == u.list && !$0.rule.origin.isEmpty }
      guard !after.isEmpty else { continue }
      out.append(
        finding(
          "rule decides every packet, so the \(after.count) rule\(after.count == 1 ? "" : "s") after it \(after.count == 1 ? "is" : "are") never evaluated",
          at: loc, related: subject.related(Array(after.prefix(10)), "never evaluated")))
      break
    }
    return out
  }
}
