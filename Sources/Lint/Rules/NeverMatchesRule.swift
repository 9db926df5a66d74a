import FirewallIR
import Semantics

/// `never-matches`: a rule whose match selects no packet at all.
struct NeverMatchesRule: LintRule {
  static let info = LintRuleInfo(
    id: "never-matches", severity: .warning,
    summary: "A rule whose match is empty: no packet can ever match it.",
    help: """
      The rule's conditions contradict each other: a reversed port range (`port 2000:1000`), an \
      `inet` rule with IPv6 addresses, source and destination of different families, ICMP types \
      on a TCP rule, TCP flags on a rule for other protocols. Fix the condition.
      Example (pf): `pass in proto tcp to port 8080:80`.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    let r = subject.reachability
    return r.units.indices.compactMap { i in
      let u = r.units[i]
      guard r.findings[i].neverMatches, !u.rule.origin.isEmpty, let loc = subject.location(u.rule) else { return nil }
      return finding("rule can never match: " + Self.reason(u.rule.match), at: loc)
    }
  }

  /// The likeliest contradiction in a match, in words.
  static func reason(_ m: Match) -> String {
    for p in (m.sourcePort ?? []) + (m.destinationPort ?? []) {
      if p.op == .inclusiveRange && p.low > p.high { return "the port range \(p.low):\(p.high) is reversed" }
      if p.op == .exclusiveRange && p.high <= p.low + 1 { return "the port range \(p.low)><\(p.high) is empty" }
    }
    var families: Set<AddressFamily> = []
    for case .network(let n) in m.source.terms + m.destination.terms { families.insert(n.family) }
    if let f = m.family, families.contains(where: { $0 != f }) {
      return "it is an \(f == .inet ? "inet" : "inet6") rule with \(f == .inet ? "IPv6" : "IPv4") addresses"
    }
    if families.count > 1, m.source.terms.count == 1, m.destination.terms.count == 1 {
      return "its source and destination are of different address families"
    }
    if let ps = m.protocols, m.tcpFlags != nil, !ps.contains(6) { return "it has TCP flags but is not for TCP" }
    if let ps = m.protocols, m.icmpType != nil, !ps.contains(1), !ps.contains(58) {
      return "it has ICMP types but is not for ICMP"
    }
    if let ps = m.protocols, m.destinationPort != nil || m.sourcePort != nil,
      !ps.contains(where: { [6, 17, 132, 33].contains($0) })
    {
      return "it has ports but its protocol has none"
    }
    return "its conditions select no packet"
  }
}
