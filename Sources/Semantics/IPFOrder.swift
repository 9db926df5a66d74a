import FirewallIR
import PacketSets

/// ipfilter's evaluation order (ipf(5), ipnat(5)): inbound packets are redirected (`rdr`)
/// before filtering; fragments of a passed packet and packets of a tracked connection pass
/// without rules; the last matching rule decides unless one is `quick`; a rule with `head`
/// evaluates its group in place; `skip N` skips rules; outbound packets are mapped after
/// filtering. No match passes (ipftest says `nomatch`).
extension Evaluator {
  func evaluateIPF(_ original: Packet) -> Decision {
    if original.malformed { return Self.malformedDecision }
    if stateful, original.isLaterFragment, fragments.contains(fragmentKey(original)) {
      var d = Decision(verdict: .pass, rule: nil)
      d.byState = true
      return d
    }
    if stateful, let s = states.lookup(original) ?? states.related(original) { return decision(from: s) }
    let d = rulesDecision(original, ipfRules)
    // ipf keeps state for blocked packets too: the flow's later packets are blocked by it.
    if let box = d.ruleBox, stateful, !d.verdict.isPass, box.rule.state != .none {
      keepState(box.rule, original, d, anyDirection: true, blocked: true)
    }
    if let box = d.ruleBox, stateful, d.verdict.isPass,
      box.rule.state != .none || box.rule.features.contains("keep frags")
    {
      let rule = box.rule
      if rule.state != .none, !keepState(rule, original, d, anyDirection: true) { return refused(d) }
      if rule.features.contains("keep frags"), original.moreFragments, !original.isLaterFragment {
        fragments.insert(fragmentKey(original))
      }
    }
    return d
  }

  /// The decision of the rules alone, without state.
  func ipfRules(_ original: Packet) -> Decision {
    var d = Decision(verdict: .pass, rule: nil)
    var p = original
    if p.header.direction == .in {
      p = translate(firstTranslation(ruleList(""), p, kinds: [.rdr, .binat]), p, into: &d)
    }
    var last: RuleBox? = nil
    _ = filterIPF(ruleList(""), p, &last)
    if let last, let v = Self.verdict(last.rule.action) {
      d.verdict = v
      d.ruleBox = last
    }
    if d.verdict.isPass, p.header.direction == .out {
      _ = translate(firstTranslation(ruleList(""), p, kinds: [.nat, .binat]), p, into: &d)
    }
    return d
  }

  func fragmentKey(_ p: Packet) -> FragmentKey {
    FragmentKey(
      source: p.header.source, destination: p.header.destination, identification: p.identification,
      proto: p.header.proto)
  }

  /// Evaluates rules in order; returns whether a `quick` rule ended evaluation.
  func filterIPF(_ list: RuleList, _ p: Packet, _ last: inout RuleBox?) -> Bool {
    let rules = list.rules
    var i = 0
    while i < rules.count {
      i += 1
      // Rules are read in place: only a matching rule is copied.
      guard list.isFilter(i - 1), matches(list, i - 1, p) else { continue }
      let r = rules[i - 1]
      switch r.action {
      case .skip(let n):
        i += n
        continue
      case .pass, .block:
        last = list.boxes[i - 1]
      case .match where r.head != nil:
        // A group-map call: the group's rules decide; the call itself does not.
        break
      default:
        continue
      }
      if let g = r.head {
        var inner: RuleBox? = nil
        let stopped = filterIPF(ruleList(g), p, &inner)
        if let inner {
          // A match inside the group replaces the head's; its `quick` decides.
          last = inner
          if stopped { return true }
          continue
        }
      }
      if r.quick, r.head == nil || Evaluator.verdict(r.action) != nil { return true }
    }
    return false
  }
}
