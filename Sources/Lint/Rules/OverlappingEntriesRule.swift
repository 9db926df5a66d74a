import FirewallIR

/// `overlapping-entries`: an address inside another entry of the same table or list.
struct OverlappingEntriesRule: LintRule {
  static let info = LintRuleInfo(
    id: "overlapping-entries", severity: .warning,
    summary: "A table or address list with an entry inside another entry.",
    help: """
      The smaller entry adds nothing (or, in a table, was meant to be excluded with `!`): \
      delete it, or check whether another address was meant. In pf an address list in a \
      rule becomes several rules, so the overlap also makes one of them redundant.
      Example (pf): `table <lan> { 10.0.0.0/8, 10.1.0.0/16 }`.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    var out: [LintFinding] = []
    func scan(_ networks: [IPNetwork], near loc: SourceLocation?, what: String) {
      guard let loc, networks.count > 1 else { return }
      var byPrefix: Set<IPNetwork> = []
      for n in networks { byPrefix.insert(IPNetwork(address: n.address.masked(n.prefix), prefix: n.prefix)) }
      var reported: Set<IPNetwork> = []
      for n in networks.sorted(by: { $0.prefix < $1.prefix }) {
        let key = IPNetwork(address: n.address.masked(n.prefix), prefix: n.prefix)
        guard !reported.contains(key) else { continue }
        for p in stride(from: n.prefix - 1, through: 0, by: -1) {
          let outer = IPNetwork(address: n.address.masked(p), prefix: p)
          guard byPrefix.contains(outer) else { continue }
          reported.insert(key)
          let text = Self.spelling(n)
          out.append(
            finding(
              "\(text) is inside \(Self.spelling(outer)) in the same \(what)", at: subject.find(text, from: loc) ?? loc)
          )
          break
        }
      }
    }
    for t in subject.ruleset.tables.values.sorted(by: { $0.name < $1.name }) {
      let nets = t.entries.compactMap { term -> IPNetwork? in
        if case .network(let n) = term { return n }
        return nil
      }
      scan(nets, near: t.origin, what: "table")
    }
    // One written list: the rules pfctl made of one line that differ only in that address.
    struct ListKey: Hashable {
      var location: SourceLocation
      var source: Bool
      var rest: Rule
    }
    var groups: [ListKey: [IPNetwork]] = [:]
    var order: [ListKey] = []
    // A list is several terms in one rule, or a line that became several rules; most lines are
    // one rule with one address per side, and are passed over without building their keys.
    var rulesPerLine: [SourceLocation: Int] = [:]
    for r in subject.allRules { if let loc = subject.location(r) { rulesPerLine[loc, default: 0] += 1 } }
    for r in subject.allRules {
      guard let loc = subject.location(r) else { continue }
      let expanded = rulesPerLine[loc, default: 0] > 1
      for source in [true, false] {
        guard expanded || (source ? r.match.source : r.match.destination).terms.count > 1 else { continue }
        var rest = r
        rest.number = nil
        let side = source ? r.match.source : r.match.destination
        if source { rest.match.source = .any } else { rest.match.destination = .any }
        if rest.match.family != nil { rest.match.family = nil }
        let key = ListKey(location: loc, source: source, rest: rest)
        if groups[key] == nil { order.append(key) }
        for case .network(let n) in side.terms where !side.negated && !(groups[key]?.contains(n) ?? false) {
          groups[key, default: []].append(n)
        }
      }
    }
    var reportedLines: Set<SourceLocation> = []
    for key in order {
      guard let g = groups[key], g.count > 1, !reportedLines.contains(key.location) else { continue }
      let before = out.count
      scan(g, near: key.location, what: "address list")
      if out.count > before { reportedLines.insert(key.location) }
    }
    return out
  }

  /// A network as written in rules: a host without its prefix length.
  static func spelling(_ n: IPNetwork) -> String {
    n.prefix == n.family.bitCount ? "\(n.address)" : "\(n.address)/\(n.prefix)"
  }
}
