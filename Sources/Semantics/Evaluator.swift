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
  var fragments: Set<FragmentKey> = []

  /// A datagram's fragments: source, destination, IP id and protocol.
  struct FragmentKey: Hashable {
    var source: UInt128
    var destination: UInt128
    var identification: UInt16
    var proto: UInt8
  }
  var limitUsage: [RuleKey: LimitUsage] = [:]
  /// The main rules (name "") and each anchor or group, compiled.
  var lists: [String: RuleList] = [:]
  /// Interface names the compiled matches know, by bit.
  var interfaceBits: [String: Int] = [:]
  /// The current packet's interface bit (-1 for an unknown one).
  var interfaceBit = -1
  /// The interfaces of pf's `set skip`, groups resolved to their members.
  let skippedInterfaces: Set<String>

  /// Remember the rules' decision for each distinct header, so that a long capture evaluates
  /// each kind of packet once (state is still looked up and created for every packet).
  public var memoize = false
  /// The memo: the rules' decisions by header.
  var memo = DecisionMemo()

  /// The fields the rules of a ruleset can read: two packets that agree on them get the same
  /// decision from the rules.
  /// The fields the rules of a ruleset can read, packed: two packets with the same key get the
  /// same decision from the rules. The interface is the evaluator's bit for it (every unknown
  /// interface is alike to the rules).
  struct MemoKey: Equatable {
    var source: UInt128
    var destination: UInt128
    /// Ports, protocol, TCP flags, ICMP type and code.
    var transport: UInt64
    /// TOS, fragment, family, direction, packet properties, interface, IP options, security.
    var network: UInt64

    /// An empty key.
    init() {
      source = 0
      destination = 0
      transport = 0
      network = 0
    }

    init(_ p: Packet, interface: Int) {
      let h = p.header
      source = h.source
      destination = h.destination
      transport =
        UInt64(h.sourcePort) | UInt64(h.destinationPort) << 16 | UInt64(h.proto) << 32 | UInt64(h.tcpFlags) << 40
        | UInt64(h.icmpType) << 48 | UInt64(h.icmpCode) << 56
      var b: UInt64 = 0
      if p.moreFragments { b |= 1 }
      if p.isLaterFragment { b |= 2 }
      if p.short { b |= 4 }
      if p.multicast { b |= 8 }
      if p.broadcast { b |= 16 }
      if p.fragmentOffset < 24 { b |= 32 }
      if p.bad { b |= 64 }
      network =
        UInt64(h.tos) | UInt64(h.fragment.rawValue) << 8 | UInt64(h.family.rawValue) << 10
        | (h.direction == .in ? 0 : 1) << 11 | b << 12 | UInt64(UInt16(truncatingIfNeeded: interface + 1)) << 19
        | UInt64(p.ipOptions & 0xFF_FFFF) << 35 | UInt64(p.securityClass & 0xFF) << 59 | UInt64(p.ipOptions >> 24 & 1)
        << 63
    }

    /// A well-mixed hash of every field.
    var hash: Int {
      var x = UInt64(truncatingIfNeeded: source) &* 0x9E37_79B9_7F4A_7C15
      x = (x ^ UInt64(truncatingIfNeeded: source >> 64)) &* 0xC2B2_AE3D_27D4_EB4F
      x = (x ^ UInt64(truncatingIfNeeded: destination)) &* 0x1656_67B1_9E37_79F9
      x = (x ^ UInt64(truncatingIfNeeded: destination >> 64)) &* 0x9E37_79B9_7F4A_7C15
      x = (x ^ transport) &* 0xC2B2_AE3D_27D4_EB4F
      x = (x ^ network) &* 0x1656_67B1_9E37_79F9
      return Int(truncatingIfNeeded: x ^ (x >> 31))
    }
  }

  /// The rules' decision for a packet, through the memo when it is on.
  func rulesDecision(_ p: Packet, _ compute: (Packet) -> Decision) -> Decision {
    guard memoize else { return compute(p) }
    let key = MemoKey(p, interface: interfaceBit)
    let hash = key.hash
    if let d = memo.find(key, hash: hash) { return d }
    let d = compute(p)
    memo.insert(key, hash: hash, d)
    return d
  }

  /// An open-addressing table of decisions by `MemoKey`: one cache line per slot, holding the
  /// hash, the key and the number of the decision among the distinct decisions seen.
  final class DecisionMemo {
    struct Slot {
      var hash = 0  // 0: empty
      var key = MemoKey()
      var decision: Int32 = 0
    }

    /// A decision without translation details, to share one copy among many headers.
    struct Plain: Hashable {
      var rule: ObjectIdentifier?
      var verdict: Verdict
      var flags: UInt8
    }

    private var slots: [Slot] = []
    private var count = 0
    private var decisions: [Decision] = []
    private var plain: [Plain: Int32] = [:]

    func find(_ key: MemoKey, hash: Int) -> Decision? {
      guard !slots.isEmpty else { return nil }
      let h = hash | 1
      let mask = slots.count - 1
      var i = h & mask
      let found: Int32? = slots.withUnsafeBufferPointer { s in
        while true {
          let stored = s[i].hash
          if stored == 0 { return nil }
          if stored == h && s[i].key == key { return s[i].decision }
          i = (i + 1) & mask
        }
      }
      return found.map { decisions[Int($0)] }
    }

    func insert(_ key: MemoKey, hash: Int, _ d: Decision) {
      if slots.isEmpty || count > 1 << 20 { reset(size: 1 << 12) }
      var number: Int32
      if d.details == nil {
        let p = Plain(
          rule: d.ruleBox.map(ObjectIdentifier.init), verdict: d.verdict,
          flags: (d.byState ? 1 : 0) | (d.malformed ? 2 : 0) | (d.stateRefused ? 4 : 0))
        if let n = plain[p] {
          number = n
        } else {
          number = Int32(decisions.count)
          decisions.append(d)
          plain[p] = number
        }
      } else {
        number = Int32(decisions.count)
        decisions.append(d)
      }
      place(Slot(hash: hash | 1, key: key, decision: number))
      count += 1
      if count * 2 > slots.count { grow() }
    }

    private func place(_ slot: Slot) {
      let mask = slots.count - 1
      var i = slot.hash & mask
      while slots[i].hash != 0 { i = (i + 1) & mask }
      slots[i] = slot
    }

    private func grow() {
      let old = slots
      slots = [Slot](repeating: Slot(), count: old.count * 2)
      for s in old where s.hash != 0 { place(s) }
    }

    private func reset(size: Int) {
      slots = [Slot](repeating: Slot(), count: size)
      count = 0
      decisions = []
      plain = [:]
    }

    func removeAll() {
      slots = []
      count = 0
      decisions = []
      plain = [:]
    }
  }

  public init(ruleset: Ruleset, environment: AddressEnvironment, stateful: Bool = true) {
    self.ruleset = ruleset
    self.reader = MatchReader(environment: environment)
    self.stateful = stateful
    var names = Set(environment.host.interfaces.map(\.name))
    for r in ruleset.rules + ruleset.subrulesets.values.flatMap({ $0 }) {
      if let i = r.match.interface { names.insert(i) }
    }
    for (bit, name) in names.sorted().enumerated() { interfaceBits[name] = bit }
    skippedInterfaces = Set(
      ruleset.skippedInterfaces.flatMap { [$0] + environment.host.members(ofGroup: $0).map(\.name) })
    lists[""] = RuleList(ruleset.rules, interfaces: interfaceBits, environment: environment)
    for (name, rules) in ruleset.subrulesets {
      lists[name] = RuleList(rules, interfaces: interfaceBits, environment: environment)
    }
  }

  /// The compiled rules of an anchor or group (the main rules for "").
  func ruleList(_ name: String) -> RuleList {
    if let l = lists[name] { return l }
    let l = RuleList([], interfaces: interfaceBits, environment: reader.environment)
    lists[name] = l
    return l
  }

  /// Whether rule `i` of `list` matches the current packet.
  @inline(__always)
  func matches(_ list: RuleList, _ i: Int, _ p: Packet) -> Bool {
    list.matches(i, p, interface: interfaceBit, reader: reader)
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
    memo.removeAll()
  }

  /// Decides one packet.
  public func evaluate(_ packet: Packet) -> Decision {
    interfaceBit = packet.header.interface.flatMap { interfaceBits[$0] } ?? -1
    var d: Decision
    switch ruleset.language {
    case .pf: d = evaluatePF(packet)
    case .ipfw: d = evaluateIPFW(packet)
    case .ipf: d = evaluateIPF(packet)
    }
    // pf's `block return` is a reset for TCP and an ICMP error for the rest: say which.
    if d.verdict == .block(.returnAny) { d.verdict = .block(packet.header.proto == 6 ? .returnRST : .returnICMP) }
    if !reader.unknownNames.isEmpty {
      d.notes.append(
        "unknown addresses taken as empty: " + reader.unknownNames.sorted().joined(separator: ", "))
    }
    return d
  }

  /// The index of the first rule numbered at least `number` after `index` (ipfw `skipto`),
  /// or the next rule when the target is not after the current rule.
  static func jumpTarget(_ rules: [Rule], from index: Int, to number: Int, backwards: Bool = false) -> Int {
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
  func firstTranslation(_ list: RuleList, _ p: Packet, kinds: Set<TranslationKind>) -> Rule? {
    let rules = list.rules
    for i in 0..<list.count where list.isTranslation(i) && matches(list, i, p) {
      let r = rules[i]
      switch r.action {
      case .translate(let kind, let negated) where kinds.contains(kind):
        return negated ? Rule(phase: .translation, match: r.match, action: r.action, origin: r.origin) : r
      case .call(let name):
        if let found = firstTranslation(ruleList(name), p, kinds: kinds) { return found }
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
        rule: d.ruleBox ?? RuleBox(rule), verdict: d.verdict, direction: p.header.direction, anyDirection: anyDirection,
        translation: d.translation, translationRule: d.translationRuleBox, effect: d.effect, name: rule.stateName))
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
    var d = Decision(verdict: state.verdict, ruleBox: state.rule)
    d.byState = true
    d.translation = state.translation
    d.translationRuleBox = state.translationRule
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
