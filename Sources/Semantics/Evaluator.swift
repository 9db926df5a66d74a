import FirewallIR
import PacketSets

/// Decides packets one at a time under the ruleset's language, keeping state between packets:
/// a connection passed by a stateful rule lets its replies and later packets through.
public final class Evaluator {
  public let ruleset: Ruleset
  public let reader: MatchReader
  /// Whether packets create and use state (off: every packet is a first packet).
  public var stateful: Bool
  var states = StateTable()
  /// Fragments of packets a `keep frags` rule passed, by (source, destination, id, protocol).
  var fragments: Set<[UInt128]> = []
  var limitUsage: [RuleKey: LimitUsage] = [:]

  /// Remember the rules' decision for each distinct header, so that a long capture evaluates
  /// each kind of packet once (state is still looked up and created for every packet).
  public var memoize = false
  var memo: [MemoKey: Decision] = [:]

  /// The fields the rules of a ruleset can read: two packets that agree on them get the same
  /// decision from the rules.
  struct MemoKey: Hashable {
    var header: PacketHeader
    var properties: UInt8
    var ipOptions: UInt32
    var securityClass: UInt32

    init(_ p: Packet) {
      header = p.header
      var b: UInt8 = 0
      for (i, f) in [p.moreFragments, p.isLaterFragment, p.short, p.multicast, p.broadcast, p.fragmentOffset < 24]
        .enumerated() where f
      {
        b |= 1 << UInt8(i)
      }
      properties = b
      ipOptions = p.ipOptions
      securityClass = p.securityClass
    }
  }

  /// The rules' decision for a packet, through the memo when it is on.
  func rulesDecision(_ p: Packet, _ compute: (Packet) -> Decision) -> Decision {
    guard memoize else { return compute(p) }
    let key = MemoKey(p)
    if let d = memo[key] { return d }
    let d = compute(p)
    if memo.count > 1_000_000 { memo.removeAll(keepingCapacity: true) }
    memo[key] = d
    return d
  }

  public init(ruleset: Ruleset, environment: AddressEnvironment, stateful: Bool = true) {
    self.ruleset = ruleset
    self.reader = MatchReader(environment: environment)
    self.stateful = stateful
  }

  /// The maximum number of states (ipf `state_max`); nil for no limit.
  public var stateLimit: Int? {
    get { states.limit }
    set { states.limit = newValue }
  }

  /// Forgets every state.
  public func reset() {
    states.removeAll()
    fragments.removeAll()
    limitUsage.removeAll()
  }

  /// Decides one packet.
  public func evaluate(_ packet: Packet) -> Decision {
    var d: Decision
    switch ruleset.language {
    case .pf: d = evaluatePF(packet)
    case .ipfw: d = evaluateIPFW(packet)
    case .ipf: d = evaluateIPF(packet)
    }
    if !reader.unknownNames.isEmpty {
      d.notes.append(
        "unknown addresses taken as empty: " + reader.unknownNames.sorted().joined(separator: ", "))
    }
    return d
  }

  func matches(_ r: Rule, _ p: Packet) -> Bool { reader.matches(r.match, p) }

  /// The index of the first rule numbered at least `number` after `index` (ipfw `skipto`),
  /// or the next rule when the target is not after the current rule.
  func jumpTarget(_ rules: [Rule], from index: Int, to number: Int, backwards: Bool = false) -> Int {
    let current = rules[index].number ?? 0
    if !backwards && number <= current { return index + 1 }
    let start = backwards ? 0 : index + 1
    return rules[start...].firstIndex { ($0.number ?? 0) >= number } ?? rules.count
  }

  // MARK: Translation

  /// What a translation rule does to a packet, and the packet after it.
  func apply(_ rule: Rule, _ p: Packet) -> (AppliedTranslation, Packet)? {
    guard let t = rule.translation.first else { return nil }
    var q = p
    var applied = AppliedTranslation(kind: t.kind)
    let rewritesDestination = t.kind == .rdr || (t.kind == .binat && p.header.direction == .in)
    let original = rewritesDestination ? p.destination : p.source
    var target = t.singleTarget(family: p.header.family, environment: reader.environment)
    if target == nil, t.targets.count == 1 {
      switch t.targets[0] {
      case .network(let n) where t.kind == .binat || t.pool == "bitmask":
        // Keep the host bits of the original address.
        let hostMask = ~IPAddress.mask(family: n.family, prefix: n.prefix).value
        target = IPAddress(family: n.family, value: n.address.masked(n.prefix).value | (original.value & hostMask))
      default:
        break
      }
    }
    if let a = target, a.family == p.header.family, !(a.value == 0 && a.family == .inet) {
      applied.address = a
      if rewritesDestination { q.header.destination = a.value } else { q.header.source = a.value }
    } else {
      applied.pool = t.targets.map(Outcome.describe).joined(separator: ", ")
    }
    if let low = t.portLow, p.hasPorts {
      applied.port = low
      applied.portHigh = t.portHigh
      if t.portHigh == nil || t.kind == .rdr {
        if rewritesDestination { q.header.destinationPort = low } else { q.header.sourcePort = low }
      }
    }
    return (applied, q)
  }

  /// The translation rule that applies among `rules` (first match; a `no` rule stops the search
  /// without translating), following anchors.
  func firstTranslation(_ rules: [Rule], _ p: Packet, kinds: Set<TranslationKind>) -> Rule? {
    for r in rules where r.phase == .translation && matches(r, p) {
      switch r.action {
      case .translate(let kind, let negated) where kinds.contains(kind):
        return negated ? Rule(phase: .translation, match: r.match, action: r.action, origin: r.origin) : r
      case .call(let name):
        if let found = firstTranslation(ruleset.subrulesets[name] ?? [], p, kinds: kinds) { return found }
      default:
        continue
      }
    }
    return nil
  }

  /// Records the translation of `rule` on the decision and returns the translated packet.
  func translate(_ rule: Rule?, _ p: Packet, into d: inout Decision) -> Packet {
    guard let rule, !rule.translation.isEmpty, let (applied, q) = apply(rule, p) else { return p }
    d.translationRule = rule
    d.translation = applied
    d.translatedHeader = q.header
    d.effect = Outcome.effect(of: rule, family: p.header.family, environment: reader.environment)
    return q
  }

  /// Creates the state a passing rule keeps; false when a limit refuses it.
  @discardableResult
  func keepState(_ rule: Rule, _ p: Packet, _ d: Decision, anyDirection: Bool, blocked: Bool = false) -> Bool {
    guard stateful, rule.state != .none, d.verdict.isPass || blocked else { return true }
    if states.lookup(p) != nil { return true }
    var usage = limitUsage[RuleKey(rule)] ?? LimitUsage()
    var source: UInt128 = p.header.source
    if let limits = rule.stateLimits {
      if let prefix = limits.sourcePrefix {
        source = IPAddress(family: p.header.family, value: source).masked(prefix).value
      }
      if let max = limits.states, usage.states >= max { return false }
      if let max = limits.sources, usage.perSource[source] == nil, usage.perSource.count >= max { return false }
      if let max = limits.statesPerSource, usage.perSource[source, default: 0] >= max { return false }
    }
    let created = states.insert(
      p,
      StateTable.Entry(
        rule: rule, verdict: d.verdict, direction: p.header.direction, anyDirection: anyDirection,
        translation: d.translation, translationRule: d.translationRule, effect: d.effect, name: rule.stateName))
    guard created else { return false }
    usage.states += 1
    usage.perSource[source, default: 0] += 1
    limitUsage[RuleKey(rule)] = usage
    return true
  }

  /// A rule's identity for state accounting.
  struct RuleKey: Hashable {
    var origin: SourceLocation?
    var number: Int?
    init(_ r: Rule) {
      origin = r.origin.first
      number = r.number
    }
  }

  /// The states a rule holds, in all and per source.
  struct LimitUsage {
    var states = 0
    var perSource: [UInt128: Int] = [:]
  }

  /// The decision for a packet whose state a limit refused.
  func refused(_ d: Decision) -> Decision {
    var r = d
    r.verdict = .block(.drop)
    r.stateRefused = true
    r.notes.append("the rule's state limit is reached")
    return r
  }

  func decision(from state: StateTable.Entry) -> Decision {
    var d = Decision(verdict: state.verdict, rule: state.rule)
    d.byState = true
    d.translation = state.translation
    d.translationRule = state.translationRule
    d.effect = state.effect
    return d
  }

  /// The decision for a malformed packet, dropped before any rule.
  static var malformedDecision: Decision {
    var d = Decision(verdict: .block(.drop), rule: nil)
    d.malformed = true
    return d
  }

  /// The verdict of a rule that decides.
  static func verdict(_ a: Action) -> Verdict? {
    switch a {
    case .pass: return .pass
    case .block(let reply): return .block(reply)
    case .external(_, _, decides: true): return .pass
    default: return nil
    }
  }
}
