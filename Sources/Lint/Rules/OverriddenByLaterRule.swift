import FirewallIR
import PacketSets
import Semantics

/// `overridden-by-later`: pf/ipf, a non-quick rule whose verdict a later, broader rule reverses
/// for some of its packets.
struct OverriddenByLaterRule: LintRule {
  static let info = LintRuleInfo(
    id: "overridden-by-later", severity: .warning,
    summary: "A non-quick pass or block that a later rule reverses for part of its packets.",
    help: """
      In pf and ipfilter the last matching rule wins unless one is `quick`. Here a later rule \
      that is not a narrower exception of this one (it also matches packets outside it) \
      reverses this rule's verdict for some packets, which is rarely what was meant: add \
      `quick` to this rule, or move it after the other.
      Example (pf): `block in from 192.0.2.0/24` followed by `pass in proto tcp to port 80` \
      (192.0.2.0/24 reaches port 80).
      """, languages: [.pf, .ipf])

  func check(_ subject: LintSubject) -> [LintFinding] {
    let r = subject.reachability
    let m = r.space.manager
    let members = r.units.indices.filter {
      r.units[$0].list == "filter" && r.units[$0].packets != nil && r.units[$0].effect != nil
    }
    // Packets decided, by a rule after each position, with a pass and with a block.
    var passLater: [Int: BDD] = [:]
    var blockLater: [Int: BDD] = [:]
    var pass = BDD.empty
    var block = BDD.empty
    for i in members.reversed() {
      passLater[i] = pass
      blockLater[i] = block
      if r.units[i].effect!.passes {
        pass = m.or(pass, r.findings[i].decides)
      } else {
        block = m.or(block, r.findings[i].decides)
      }
    }
    var out: [LintFinding] = []
    for (k, i) in members.enumerated() {
      let u = r.units[i]
      guard !u.quick, !r.findings[i].dead, subject.isReportable(u), let loc = subject.location(u.rule) else {
        continue
      }
      let passes = u.effect!.passes
      let mine = u.packets!
      let reversed = m.and(mine, passes ? blockLater[i]! : passLater[i]!)
      guard reversed != .empty else { continue }
      var culprits: [RuleReachability.Unit] = []
      var example: BDD = .empty
      var examined = 0
      for j in members[(k + 1)...] {
        examined += 1
        if examined > 2_000 { break }
        let v = r.units[j]
        guard v.effect!.passes != passes else { continue }
        let part = m.and(mine, r.findings[j].decides)
        guard part != .empty, !m.isSubset(v.packets!, of: mine) else { continue }
        culprits.append(v)
        if example == .empty { example = part }
      }
      guard !culprits.isEmpty else { continue }
      out.append(
        finding(
          "this \(passes ? "pass" : "block") is not quick, and \(subject.places(culprits)) after it \(subject.placesAndCount(culprits).count == 1 ? "reverses" : "reverse") its verdict for some of its packets",
          at: loc, related: subject.related(culprits, "later rule that reverses the verdict"),
          example: subject.example(example)))
    }
    return out
  }
}
