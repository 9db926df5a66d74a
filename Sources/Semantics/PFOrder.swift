import FirewallIR
import PacketSets

/// pf's evaluation order (pf.conf(5)): a packet of a tracked connection passes on its state;
/// otherwise translation comes first (binat, then rdr inbound or nat outbound, first match),
/// and the filter rules see the translated packet: the last matching rule decides unless a
/// matching rule is `quick`; anchors are evaluated in place; no match passes.
extension Evaluator {
  func evaluatePF(_ original: Packet) -> Decision {
    if original.malformed { return Self.malformedDecision }
    if skipped(original) {
      var d = Decision(verdict: .pass, rule: nil)
      d.notes.append("pf does not filter on \(original.header.interface ?? "?") (set skip)")
      return d
    }
    if stateful, let s = states.lookup(original) ?? states.related(original) { return decision(from: s) }
    let d = rulesDecision(original, pfRules)
    if stateful, let box = d.ruleBox, box.rule.state != .none, d.verdict.isPass {
      let rule = box.rule
      if !keepState(rule, original, d, anyDirection: false) { return refused(d) }
      if let h = d.translatedHeader {
        var translated = original
        translated.header = h
        keepState(rule, translated, d, anyDirection: false)
      }
    }
    return d
  }

  /// The decision of the rules alone, without state.
  func pfRules(_ original: Packet) -> Decision {
    var d = Decision(verdict: .pass, rule: nil)
    var p = original
    let directional: TranslationKind = p.header.direction == .in ? .rdr : .nat
    let translation =
      firstTranslation(ruleList(""), p, kinds: [.binat]) ?? firstTranslation(ruleList(""), p, kinds: [directional])
    p = translate(translation, p, into: &d)
    var last: RuleBox? = nil
    var tag: String? = nil
    _ = filterPF(ruleList(""), &p, &last, &tag, &d)
    if let last, let v = Self.verdict(last.rule.action) {
      d.verdict = v
      d.ruleBox = last
      if d.translationRuleBox == nil, !last.rule.translation.isEmpty { _ = translate(last.rule, p, into: &d) }
    }
    return d
  }

  /// Evaluates filter rules in order. Returns whether a `quick` rule ended evaluation, and
  /// whether any rule matched (for an anchor marked `quick`).
  func filterPF(
    _ list: RuleList, _ p: inout Packet, _ last: inout RuleBox?, _ tag: inout String?, _ d: inout Decision
  ) -> (stopped: Bool, matched: Bool) {
    var matchedAny = false
    let rules = list.rules
    // Rules are read in place: only a matching rule is copied.
    for i in 0..<list.count where list.isFilter(i) {
      guard matches(list, i, p), !list.isTagged(i) || taggedMatches(rules[i].match, tag) else { continue }
      let r = rules[i]
      if let t = r.tag { tag = t }
      switch r.action {
      case .call(let name):
        let inner = filterPF(ruleList(name), &p, &last, &tag, &d)
        if inner.stopped { return (true, true) }
        if inner.matched {
          matchedAny = true
          if r.quick { return (true, true) }
        }
      case .match:
        matchedAny = true
        if !r.translation.isEmpty { p = translate(r, p, into: &d) }
      case .pass, .block:
        matchedAny = true
        last = list.boxes[i]
        if r.quick { return (true, true) }
      default:
        continue
      }
    }
    return (false, matchedAny)
  }

  /// Whether the packet comes through an interface of `set skip on`.
  func skipped(_ p: Packet) -> Bool {
    guard !skippedInterfaces.isEmpty, let name = p.header.interface else { return false }
    return skippedInterfaces.contains(name)
  }

  /// Whether the packet's tag satisfies a `tagged` condition.
  func taggedMatches(_ m: Match, _ tag: String?) -> Bool {
    guard let want = m.tagged else { return true }
    return (tag == want) != m.taggedNegated
  }
}
