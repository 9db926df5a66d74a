import FirewallIR
import PacketSets

/// ipfw's evaluation order (ipfw(8)): rules in number order, the first matching rule that
/// decides ends the search; `count` and the like continue; `skipto` jumps forward; `call`
/// and `return` use a stack; dynamic rules are looked up at `check-state` or at the first
/// `keep-state`/`limit` rule and apply the action of the rule that created them. The default
/// rule 65535 closes the chain.
extension Evaluator {
  /// ipfw's limit on nested calls.
  static let ipfwCallDepth = 16

  func evaluateIPFW(_ p: Packet) -> Decision {
    let main = ruleList("")
    let rules = main.rules
    if p.malformed { return Self.malformedDecision }
    var i = 0
    var stack: [Int] = []
    var checked = false
    var tags: Set<String> = []
    var steps = 0
    while i < rules.count {
      steps += 1
      if steps > 1_000_000 {
        var d = Decision(verdict: .block(.drop), rule: rules[i])
        d.notes.append("evaluation did not end (a call loop); the packet is dropped")
        return d
      }
      if stateful, !checked, rules[i].state == .keep || rules[i].state == .limit {
        // The first keep-state or limit rule checks the dynamic rules first.
        checked = true
        if let s = states.lookup(p) { return decision(from: s) }
      }
      // Rules are read in place: only a matching rule is copied.
      guard matches(main, i, p), !main.isTagged(i) || ipfwTagged(rules[i].match, tags) else {
        i += 1
        continue
      }
      let r = rules[i]
      if let t = r.tag { tags.insert(t) }
      switch r.action {
      case .skip(let n):
        i = Self.jumpTarget(rules, from: i, to: n)
      case .call(let arg):
        guard let n = Int(arg), stack.count < Self.ipfwCallDepth else {
          var d = Decision(verdict: .block(.drop), rule: r)
          d.notes.append("call stack overflow; the packet is dropped")
          return d
        }
        stack.append(i + 1)
        i = Self.jumpTarget(rules, from: i, to: n, backwards: true)
      case .returnFromCall:
        i = stack.popLast() ?? i + 1
      case .checkState(let name):
        checked = true
        if stateful, let s = states.lookup(p, name: name == "any" ? nil : name) { return decision(from: s) }
        i += 1
      default:
        guard let v = Self.verdict(r.action) else {
          i += 1
          continue
        }
        var d = Decision(verdict: v, ruleBox: main.boxes[i])
        if case .external(let keyword, let argument, _) = r.action {
          if keyword == "nat", !r.translation.isEmpty {
            // Outbound packets are translated; inbound first packets have no session yet,
            // unless a `redirect_port` of the instance sends them on.
            if p.header.direction == .out {
              _ = translate(r, p, into: &d)
            } else if let (redirect, port) = Self.redirect(r.translation[0], p) {
              var applied = AppliedTranslation(kind: .rdr)
              applied.address = redirect.local
              applied.port = port
              d.translationRule = r
              d.translation = applied
              d.effect = applied.description
              var q = p
              q.header.destination = redirect.local.value
              q.header.destinationPort = port
              d.translatedHeader = q.header
            } else if r.translation[0].options.contains("deny_in") {
              // No session and no redirect: the instance refuses the packet.
              d.verdict = .block(.drop)
              d.notes.append("\(keyword) \(argument): deny_in drops an inbound packet of no session")
            }
          } else {
            d.effect = "\(keyword) \(argument)"
            d.notes.append("\(keyword) \(argument): the packet leaves the ruleset (taken as passed)")
          }
        }
        if stateful, r.state != .none {
          states.insert(
            p,
            StateTable.Entry(
              rule: d.ruleBox!, verdict: v, direction: p.header.direction, anyDirection: true, name: r.stateName))
        }
        return d
      }
    }
    return Decision(verdict: .block(.drop), rule: nil)
  }

  /// The first `redirect_port` of a NAT instance an inbound packet matches, and the local port
  /// it goes to.
  static func redirect(_ t: Translation, _ p: Packet) -> (PortRedirect, UInt16)? {
    for r in t.redirects
    where r.proto == p.header.proto && p.hasPorts && r.aliasPorts.contains(p.header.destinationPort)
      && r.local.family == p.header.family
      && (r.aliasAddress == nil || r.aliasAddress!.value == p.header.destination)
    {
      return (r, r.localPort(for: p.header.destinationPort))
    }
    return nil
  }

  func ipfwTagged(_ m: Match, _ tags: Set<String>) -> Bool {
    guard let want = m.tagged else { return true }
    return tags.contains(want) != m.taggedNegated
  }
}
