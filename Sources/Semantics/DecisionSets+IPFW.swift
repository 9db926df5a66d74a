import FirewallIR
import PacketSets

/// ipfw under packet sets, for first packets: no dynamic rule exists yet, so `check-state`
/// continues; the first matching deciding rule wins; `skipto` and `call`/`return` move sets of
/// packets between rules.
extension DecisionSets {
  func computeIPFW() throws(UnmodeledRule) {
    if try overlayFirstMatch() { return }
    outcomes = [:]
    let left = try runIPFW(from: 0, input: .all, depth: 0)
    // Packets that run off the end (no default rule) are denied, as the kernel does.
    assign(left.fellOff, to: Outcome(verdict: .block(.drop)))
  }

  /// Evaluates from rule `start` for the packets `input`; returns the packets that reached a
  /// `return` (inside a call) and those that ran off the end.
  func runIPFW(from start: Int, input: BDD, depth: Int) throws(UnmodeledRule) -> (returned: BDD, fellOff: BDD) {
    let rules = ruleset.rules
    var pending: [Int: BDD] = [:]
    var flow = input
    var returned = BDD.empty
    var i = start
    while i < rules.count {
      let here = m.or(flow, pending.removeValue(forKey: i) ?? .empty)
      let r = rules[i]
      if here == .empty {
        flow = .empty
        guard let next = pending.keys.min() else { return (returned, .empty) }
        i = next
        continue
      }
      let hit = m.and(here, try match(r))
      let miss = m.diff(here, hit)
      switch r.action {
      case .match, .checkState, .external(_, _, decides: false):
        flow = here
      case .skip(let n):
        let target = Evaluator.jumpTarget(rules, from: i, to: n)
        pending[target] = m.or(pending[target] ?? .empty, hit)
        flow = miss
      case .call(let arg):
        guard let n = Int(arg), depth < Evaluator.ipfwCallDepth else {
          throw UnmodeledRule(rule: r, reason: "a call whose target is not a rule number, or calls nested too deep")
        }
        let target = Evaluator.jumpTarget(rules, from: i, to: n, backwards: true)
        let inner = try runIPFW(from: target, input: hit, depth: depth + 1)
        // Packets that return continue after the call.
        flow = m.or(miss, inner.returned)
        if inner.fellOff != .empty { assign(inner.fellOff, to: Outcome(verdict: .block(.drop))) }
      case .returnFromCall:
        if depth == 0 {
          flow = here
        } else {
          returned = m.or(returned, hit)
          flow = miss
        }
      case .translate:
        flow = here
      case .external("nat", _, true) where !r.translation.isEmpty:
        // An in-kernel NAT instance translates outbound packets; inbound first packets pass
        // untranslated (no session yet). With one_pass (the default) both leave the ruleset.
        let outbound = m.and(hit, space.direction(.out))
        try decide(outbound, by: r)
        for (packets, outcome) in inboundNAT(m.diff(hit, outbound), r.translation[0]) { assign(packets, to: outcome) }
        flow = miss
      default:
        try decide(hit, by: r)
        flow = miss
      }
      i += 1
    }
    return (returned, m.or(flow, pending.values.reduce(BDD.empty) { m.or($0, $1) }))
  }

  /// What an in-kernel NAT instance does to inbound first packets: those a `redirect_port`
  /// matches go to its local address and port, the others pass untranslated (no session yet)
  /// or, with `deny_in`, are dropped. With one_pass, all leave the ruleset.
  func inboundNAT(_ inbound: BDD, _ t: Translation) -> [(BDD, Outcome)] {
    var rest = inbound
    var out: [(BDD, Outcome)] = []
    for r in t.redirects {
      for port in r.aliasPorts {
        var match = Match()
        match.protocols = [r.proto]
        match.family = r.local.family
        match.destinationPort = [RangeMatch(.equal, UInt32(port))]
        if let a = r.aliasAddress {
          match.destination = AddressMatch([.network(IPNetwork(address: a, prefix: a.family.bitCount))])
        }
        guard let set = space.encode(match, environment: environment) else { continue }
        let hit = m.and(rest, set)
        guard hit != .empty else { continue }
        rest = m.diff(rest, hit)
        var applied = AppliedTranslation(kind: .rdr)
        applied.address = r.local
        applied.port = r.localPort(for: port)
        out.append((hit, Outcome(verdict: .pass, effect: applied.description)))
      }
    }
    out.append((rest, Outcome(verdict: t.options.contains("deny_in") ? .block(.drop) : .pass)))
    return out
  }
}
