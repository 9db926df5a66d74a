import FirewallIR
import PacketSets
import Semantics

/// `stateless-tcp-pass`: TCP passed without state while the replies are blocked.
struct StatelessTCPPassRule: LintRule {
  static let info = LintRuleInfo(
    id: "stateless-tcp-pass", severity: .warning,
    summary: "TCP passed without state, whose replies the ruleset blocks.",
    help: """
      Without state the replies of a connection are filtered like any other packet, and here \
      the rules block them, so connections never complete. Keep state on the rule (pf's \
      default; `keep state` in ipf; `keep-state` in ipfw), or pass the replies (ipfw \
      `established`).
      Only the filter rules are followed for the replies (not translation).
      Example (pf): `block all` then `pass in proto tcp to port 22 no state`.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    let r = subject.reachability
    let space = subject.space
    let m = space.manager
    var out: [LintFinding] = []
    for (i, u) in r.units.enumerated() {
      guard u.list == "filter", u.rule.action == .pass, u.rule.state == .none, subject.isReportable(u),
        m.and(r.findings[i].decides, space.protocolNumber(6)) != .empty, let loc = subject.location(u.rule)
      else { continue }
      let match = u.rule.match
      var reply = Match()
      reply.family = match.family
      reply.protocols = [6]
      reply.source = match.destination
      reply.destination = match.source
      reply.sourcePort = match.destinationPort
      reply.destinationPort = match.sourcePort
      reply.direction = match.direction.map { $0 == .in ? .out : .in }
      reply.interface = match.interface
      reply.interfaceNegated = match.interfaceNegated
      // A reply carries ACK.
      reply.tcpFlags = TCPFlagsMatch(set: 0x10, mask: 0x10)
      // What the filter does to the replies (packet sets, through the rules that may match them).
      guard let replies = space.encode(reply, environment: subject.environment),
        let parts = r.decide(replies, within: reply)
      else { continue }
      let dropped = m.or(parts.filter { !($0.effect?.passes ?? false) }.map(\.packets))
      guard dropped != .empty else { continue }
      out.append(
        finding(
          "TCP is passed without state, and the ruleset blocks the replies; connections cannot complete",
          at: loc, example: subject.example(dropped)))
    }
    return out
  }
}
