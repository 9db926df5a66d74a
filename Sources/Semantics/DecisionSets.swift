import FirewallIR
import PacketSets

/// What a ruleset does to a first packet, as one value: the verdict and what else happens to
/// the packet (a translation, or an action that hands it elsewhere such as ipfw `nat 1`).
public struct Outcome: Hashable, Sendable, CustomStringConvertible {
  public var verdict: Verdict
  /// The translation or hand-off, in language-neutral words (`rdr to 10.0.0.5 port 8080`).
  public var effect: String?
  /// The packet passes and creates state (its connection's later packets pass on it).
  public var keepsState: Bool

  public init(verdict: Verdict, effect: String? = nil, keepsState: Bool = false) {
    self.verdict = verdict
    self.effect = effect
    self.keepsState = keepsState && verdict.isPass
  }

  public var description: String {
    verdict.description + (keepsState ? " (keep state)" : "") + (effect.map { ", \($0)" } ?? "")
  }

  /// The outcome without its state: what `diff` compares first.
  public var stateless: Outcome { Outcome(verdict: verdict, effect: effect) }

  /// The effect words of a rule for packets of one family: its translation (to the one address
  /// it maps to, when it is one), or its hand-off action.
  public static func effect(of rule: Rule, family: AddressFamily, environment: AddressEnvironment) -> String? {
    if let t = rule.translation.first {
      let target =
        t.singleTarget(family: family, environment: environment).map { "\($0)" }
        ?? t.targets.map(describe).joined(separator: ", ")
      var s = "\(t.kind.rawValue) to \(target)"
      if let p = t.portLow { s += " port \(p)" + (t.portHigh.map { ":\($0)" } ?? "") }
      return s
    }
    if case .external(let keyword, let argument, true) = rule.action { return "\(keyword) \(argument)" }
    return nil
  }

  /// An address term as the effect words spell it.
  public static func describe(_ term: AddressTerm) -> String {
    switch term {
    case .any: return "any"
    case .network(let n): return n.prefix == n.family.bitCount ? "\(n.address)" : "\(n)"
    case .range(let a, let b): return "\(a) - \(b)"
    case .masked(let a, let m): return "\(a):\(m)"
    case .table(let t): return "<\(t)>"
    case .interface(let name, let modifier, _): return "(\(name)\(modifier.map { ":" + $0 } ?? ""))"
    case .noRoute: return "no-route"
    case .urpfFailed: return "urpf-failed"
    }
  }
}

/// A rule the packet sets cannot follow exactly, and why.
public struct UnmodeledRule: Error, CustomStringConvertible {
  public var rule: Rule
  public var reason: String
  public var description: String {
    (rule.origin.first.map { "\($0.file):\($0.line): " } ?? "") + reason
  }
}

/// The exact sets of first packets (no state yet) a ruleset decides each way, computed with
/// packet sets under the ruleset's evaluation order: the other engine beside `Evaluator`.
public final class DecisionSets {
  public let space: PacketSpace
  public let ruleset: Ruleset
  public let environment: AddressEnvironment
  /// The outcome of every well-formed packet: the sets partition the header space.
  public internal(set) var outcomes: [Outcome: BDD] = [:]
  var cache: [Match: BDD] = [:]

  /// Whether rulesets without jumps may use the overlay fast path (off: always the general walk,
  /// which tests compare it with).
  let overlays: Bool

  public init(
    ruleset: Ruleset, space: PacketSpace, environment: AddressEnvironment, overlays: Bool = true
  ) throws(UnmodeledRule) {
    self.space = space
    self.ruleset = ruleset
    self.environment = environment
    self.overlays = overlays
    // The languages work on every header, well-formed or not (smaller sets, fewer nodes); the
    // headers that cannot occur are dropped at the end.
    switch ruleset.language {
    case .pf: try computePF()
    case .ipfw: try computeIPFW()
    case .ipf: try computeIPF()
    }
    let m = space.manager
    // pf's `block return` is a reset for TCP and an ICMP error for the rest: say which.
    for (o, set) in outcomes where o.verdict == .block(.returnAny) {
      outcomes[o] = nil
      let tcp = m.and(set, space.protocolNumber(6))
      for (part, reply) in [(tcp, BlockReply.returnRST), (m.diff(set, tcp), .returnICMP)] where part != .empty {
        let key = Outcome(verdict: .block(reply), effect: o.effect)
        outcomes[key] = m.or(outcomes[key] ?? .empty, part)
      }
    }
    outcomes = outcomes.mapValues { m.and($0, space.wellFormed) }.filter { $0.value != .empty }
  }

  var m: BDDManager { space.manager }

  /// Forgets the translations of blocked packets, which never leave the host: for comparing
  /// languages that translate before filtering with those that translate after.
  public func forgetEffectsOfBlocked() {
    var merged: [Outcome: BDD] = [:]
    for (o, set) in outcomes {
      let key = o.verdict.isPass ? o : Outcome(verdict: o.verdict)
      merged[key] = m.or(merged[key] ?? .empty, set)
    }
    outcomes = merged
  }

  /// The packets a rule's match selects.
  func match(_ r: Rule) throws(UnmodeledRule) -> BDD {
    if let b = cache[r.match] { return b }
    guard let b = space.encode(r.match, environment: environment) else {
      let what =
        space.unmodeled(r.match).map { "the rule matches on \($0)" }
        ?? "the rule names addresses whose contents are unknown (a table loaded from a file, or an interface the host context does not describe)"
      throw UnmodeledRule(rule: r, reason: what + ", which packet sets do not model")
    }
    cache[r.match] = b
    return b
  }

  /// The outcome a deciding rule gives packets of one family.
  func outcome(_ r: Rule, family: AddressFamily) throws(UnmodeledRule) -> Outcome {
    guard let v = Evaluator.verdict(r.action) else {
      throw UnmodeledRule(rule: r, reason: "the rule's action does not decide")
    }
    return Outcome(
      verdict: v, effect: Outcome.effect(of: r, family: family, environment: environment), keepsState: r.state != .none)
  }

  /// Gives the packets `set` the outcome of the deciding rule `r`, family by family.
  func decide(_ set: BDD, by r: Rule) throws(UnmodeledRule) {
    guard !r.translation.isEmpty else {
      assign(set, to: try outcome(r, family: .inet))
      return
    }
    for family in [AddressFamily.inet, .inet6] {
      let part = m.and(set, space.family(family))
      if part != .empty { assign(part, to: try outcome(r, family: family)) }
    }
  }

  /// Moves `set` into the class `o`, out of every other class (a later rule overriding an
  /// earlier match).
  func assign(_ set: BDD, to o: Outcome) {
    guard set != .empty else { return }
    for (k, v) in outcomes where k != o { outcomes[k] = m.diff(v, set) }
    outcomes[o] = m.or(outcomes[o] ?? .empty, set)
  }

  /// The outcome class of a packet.
  public func outcome(of header: PacketHeader) -> Outcome? {
    let bits = space.bits(header)
    return outcomes.first { m.contains($0.value, bits) }?.key
  }

  // MARK: Translation

  /// First-match translation over `rules` for the given kinds, following anchors: each matching
  /// rule takes the packets no earlier rule took. `no` rules take packets without translating.
  func translations(
    _ rules: [Rule], kinds: Set<TranslationKind>, gate: BDD, remaining: inout BDD, into out: inout [(Rule, BDD)]
  ) throws(UnmodeledRule) {
    for r in rules where r.phase == .translation {
      switch r.action {
      case .translate(let kind, let negated) where kinds.contains(kind):
        let hit = m.and(m.and(gate, remaining), try match(r))
        if hit == .empty { continue }
        remaining = m.diff(remaining, hit)
        if !negated { out.append((r, hit)) }
      case .call(let name):
        try translations(
          ruleset.subrulesets[name] ?? [], kinds: kinds, gate: m.and(gate, try match(r)), remaining: &remaining,
          into: &out)
      default:
        continue
      }
    }
  }

  /// The rewrite a translation rule makes, as fixed header fields; the rule is refused when the
  /// new address depends on the packet or on run time (a pool, a network, an interface).
  struct Rewrite {
    var source: UInt128?
    var sourcePort: UInt16?
    var destination: UInt128?
    var destinationPort: UInt16?
  }

  func rewrite(_ r: Rule, inbound: Bool, family: AddressFamily) throws(UnmodeledRule) -> Rewrite {
    guard let t = r.translation.first, let target = t.singleTarget(family: family, environment: environment) else {
      throw UnmodeledRule(
        rule: r, reason: "the translation's new address depends on the packet or on run time (a pool or an interface)")
    }
    var w = Rewrite()
    let destinationSide = t.kind == .rdr || (t.kind == .binat && inbound)
    let port = t.portHigh == nil || t.kind == .rdr ? t.portLow : nil
    if destinationSide {
      w.destination = target.value
      w.destinationPort = port
    } else {
      w.source = target.value
      w.sourcePort = port
    }
    return w
  }

  /// Whether some filter rule matches on the source and on the destination address or port.
  func filterReads() -> (source: Bool, destination: Bool) {
    var reads = (source: false, destination: false)
    for r in ruleset.rules + ruleset.subrulesets.values.flatMap({ $0 }) where r.phase == .filter {
      let m = r.match
      reads.source = reads.source || !m.source.isAny || m.sourcePort != nil
      reads.destination = reads.destination || !m.destination.isAny || m.destinationPort != nil
    }
    return reads
  }

  /// Composes translation with filtering: packets in `translated` sets see the filter's outcome
  /// of their rewritten form, the rest that of themselves; `filter` maps outcomes to sets over
  /// the untranslated space.
  func compose(filter: [Outcome: BDD], translated: [(Rule, BDD)], inbound: BDD) throws(UnmodeledRule) -> [Outcome: BDD]
  {
    var untouched = space.wellFormed
    var out: [Outcome: BDD] = [:]
    let reads = filterReads()
    for (r, set) in translated {
      untouched = m.diff(untouched, set)
      for family in [AddressFamily.inet, .inet6] {
        let effect = Outcome.effect(of: r, family: family, environment: environment)
        let ofFamily = m.and(set, space.family(family))
        for (part, isInbound) in [(m.and(ofFamily, inbound), true), (m.diff(ofFamily, inbound), false)]
        where part != .empty {
          // When no filter outcome depends on the rewritten fields, the new address (even one
          // chosen at run time from a pool) cannot change the outcome.
          let t = r.translation[0]
          let destinationSide = t.kind == .rdr || (t.kind == .binat && isInbound)
          let w =
            (destinationSide ? reads.destination : reads.source)
            ? try rewrite(r, inbound: isInbound, family: family) : Rewrite()
          for (o, f) in filter {
            let seen = space.rewritten(
              f, family: family, source: w.source, sourcePort: w.sourcePort, destination: w.destination,
              destinationPort: w.destinationPort)
            let hit = m.and(part, seen)
            guard hit != .empty else { continue }
            let key = Outcome(verdict: o.verdict, effect: o.effect ?? effect, keepsState: o.keepsState)
            out[key] = m.or(out[key] ?? .empty, hit)
          }
        }
      }
    }
    for (o, f) in filter {
      let hit = m.and(untouched, f)
      if hit != .empty { out[o] = m.or(out[o] ?? .empty, hit) }
    }
    return out
  }
}
