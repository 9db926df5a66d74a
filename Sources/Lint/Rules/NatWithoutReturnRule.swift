import FirewallIR

/// `nat-no-return`: an ipfw nat instance applied in one direction only.
struct NatWithoutReturnRule: LintRule {
  static let info = LintRuleInfo(
    id: "nat-no-return", severity: .warning,
    summary: "An ipfw `nat N` applied only outbound or only inbound, or never configured.",
    help: """
      An in-kernel nat instance must see both directions: outbound packets are aliased, and \
      their replies must pass through the same `nat N` inbound to be de-aliased. With only one \
      direction, replies arrive addressed to the alias and go nowhere. Add the missing `nat N` \
      rule (usually `nat N ip from any to any in via $ext`); configure the instance with \
      `nat N config`.
      Example (ipfw): `nat 1 ip from 10.0.0.0/8 to any out via em0` and no inbound `nat 1`.
      """, languages: [.ipfw])

  func check(_ subject: LintSubject) -> [LintFinding] {
    var directions: [String: Set<Direction>] = [:]
    var first: [String: Rule] = [:]
    for r in subject.ruleset.rules {
      guard case .external("nat", let n, _) = r.action, !r.origin.isEmpty else { continue }
      if first[n] == nil { first[n] = r }
      if let d = r.match.direction {
        directions[n, default: []].insert(d)
      } else {
        directions[n, default: []].formUnion([.in, .out])
      }
    }
    let configured = Set(
      subject.ruleset.rules.filter { $0.phase == .translation }.compactMap(\.number).map(String.init))
    return first.keys.sorted().compactMap { n in
      guard let r = first[n], let loc = subject.location(r) else { return nil }
      let d = directions[n] ?? []
      var problems: [String] = []
      if !d.contains(.in) { problems.append("no inbound `nat \(n)` rule de-aliases the replies") }
      if !d.contains(.out) { problems.append("no outbound `nat \(n)` rule aliases the packets") }
      if !subject.files.contains(where: { f in
        (1...max(1, f.lineStarts.count)).contains { f.lineText($0).contains("nat \(n) config") }
      }), !configured.contains(n) {
        problems.append("nat \(n) is never configured (`nat \(n) config …`)")
      }
      guard !problems.isEmpty else { return nil }
      return finding("nat instance \(n): " + problems.joined(separator: "; "), at: subject.locate("nat", near: loc))
    }
  }
}
