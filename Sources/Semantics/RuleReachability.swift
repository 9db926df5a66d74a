import FirewallIR
import PacketSets

/// Which rules of a ruleset decide some first packet, exactly, under the language's evaluation
/// order: dead rules (no packet reaches them, or every packet they match is decided by other
/// rules), the rules that take their packets instead, and redundant rules (removing one alone
/// changes no packet's outcome). Shared by `fwc lint` and the optimizer.
///
/// Rules whose match packet sets cannot read exactly (run-time tables, users, tags …) are
/// "unknown": they are never reported, and they are counted as matching nothing when other
/// rules are judged dead (more matches only hide more) and as matching everything they might
/// when other rules are judged redundant. Claims are therefore never wrong; a few are missed.
public final class RuleReachability {
  /// One rule as the analysis sees it.
  public struct Unit {
    /// The rule, as written (an anchor's or group's rule keeps its own match; `gate` is what
    /// the call adds).
    public var rule: Rule
    /// The rule's position among the analysed rules (main list first, anchors in place).
    public var index: Int
    /// The packets the rule matches (with what its calling rules match); nil when unknown.
    public var packets: BDD?
    /// A superset of the packets the rule may match.
    public var upper: BDD
    /// What the rule does to the packets it decides; nil when it does not decide.
    public var effect: Effect?
    /// Stops evaluation when it matches (pf/ipf `quick`; every deciding ipfw rule).
    public var quick: Bool
    /// The unit packets continue at after a match (ipfw `skipto`).
    public var jump: Int?
    /// The phase and the translation kind: rules compete only within one list.
    public var list: String
  }

  /// The parts of a rule that make its decision: two rules with equal effects are
  /// interchangeable for the packets they decide.
  public struct Effect: Hashable, Sendable {
    public var action: Action
    public var state: StateMode
    public var log: Bool
    public var tag: String?
    public var translation: [Translation]
    public var features: [String]
    public var stateName: String?
    public var stateLimits: StateLimits?

    public init(_ r: Rule) {
      action = r.action
      state = r.state
      log = r.log
      tag = r.tag
      translation = r.translation
      features = r.features
      stateName = r.stateName
      stateLimits = r.stateLimits
    }

    /// The effect of the language's default: pass without state for pf and ipfilter.
    static let defaultPass = Effect(
      Rule(phase: .filter, match: Match(), action: .pass, origin: []))

    /// ipfw's verdict for packets that run off the end of the rules.
    static let ipfwDeny = Effect(Rule(phase: .filter, match: Match(), action: .block(.drop), quick: true, origin: []))

    /// Whether the rule lets packets through.
    public var passes: Bool { Evaluator.verdict(action)?.isPass ?? false }
  }

  /// What the analysis found about one unit.
  public struct Finding {
    /// Packets this rule decides (or, for one that does not decide, that reach it).
    public var decides: BDD
    /// The rule matches no well-formed packet at all.
    public var neverMatches: Bool
    /// No packet is decided by the rule (it matches some, but others take them all).
    public var dead: Bool
    /// Removing the rule alone changes no packet's outcome (dead rules are not redundant).
    public var redundant: Bool
  }

  public let space: PacketSpace
  public let ruleset: Ruleset
  public private(set) var units: [Unit] = []
  public private(set) var findings: [Finding] = []
  let environment: AddressEnvironment
  var cache: [Match: BDD?] = [:]
  var m: BDDManager { space.manager }

  public init(ruleset: Ruleset, space: PacketSpace, environment: AddressEnvironment) {
    self.space = space
    self.ruleset = ruleset
    self.environment = environment
    var skipped = BDD.empty
    for name in ruleset.skippedInterfaces {
      var match = Match()
      match.interface = name
      skipped = m.or(skipped, space.encode(match, environment: environment) ?? .empty)
    }
    flatten(ruleset.rules, gate: m.not(skipped), inheritedQuick: false)
    findings = units.map { _ in Finding(decides: .empty, neverMatches: false, dead: false, redundant: false) }
    for list in Set(units.map(\.list)).sorted() {
      let members = units.indices.filter { units[$0].list == list }
      if ruleset.evaluation == .firstMatch || list != "filter" {
        analyseFirstMatch(members)
      } else {
        analyseLastMatch(members)
      }
    }
  }

  // MARK: Reading rules

  /// The packets a match selects, or nil when packet sets cannot read it exactly.
  func exact(_ match: Match) -> BDD? {
    if let b = cache[match] { return b }
    let b = space.encode(match, environment: environment)
    cache[match] = b
    return b
  }

  /// A superset of what a match may select: the fields packet sets cannot read are dropped.
  func relaxed(_ match: Match) -> BDD {
    if let b = exact(match) { return b }
    var r = match
    r.opaque = []
    r.user = nil
    r.group = nil
    r.tagged = nil
    r.probability = nil
    r.conditions = nil
    if space.encode(Match(source: r.source), environment: environment) == nil { r.source = .any }
    if space.encode(Match(destination: r.destination), environment: environment) == nil { r.destination = .any }
    return space.encode(r, environment: environment) ?? .all
  }

  /// Lays the rules out in evaluation order: pf anchors with their rules inline are written
  /// in place under the anchor's match; other calls and groups become unknown units.
  func flatten(_ rules: [Rule], gate: BDD, inheritedQuick: Bool) {
    let ipfw = ruleset.evaluation == .firstMatch
    var skipEnds: [Int] = []
    for (position, r) in rules.enumerated() {
      let list: String
      switch r.phase {
      case .filter: list = "filter"
      case .translation: list = "translation " + (r.translationKind?.rawValue ?? "")
      default: continue
      }
      let exactSet = exact(r.match).map { m.and(gate, $0) }
      var unit = Unit(
        rule: r, index: units.count, packets: exactSet, upper: m.and(gate, relaxed(r.match)), effect: nil,
        quick: ipfw || r.quick || inheritedQuick, jump: nil, list: list)
      // Rules an ipf `skip` may jump over are unknown: which packets reach them is not followed.
      if skipEnds.contains(where: { $0 >= position }) { unit.packets = nil }
      switch r.action {
      case .translate where r.phase != .translation:
        // ipfw's `nat` configuration lines: not deciding.
        break
      case .pass, .block, .external(_, _, decides: true), .translate:
        unit.effect = Effect(r)
        if r.head != nil, !ipfw {
          // ipf: the head's group may override its verdict; its rules are not followed.
          units.append(unit)
          var group = unit
          group.index = units.count
          group.packets = nil
          group.effect = nil
          units.append(group)
          continue
        }
      case .skip(let n) where ipfw:
        unit.jump = n
      case .skip(let n):
        skipEnds.append(position + n)
        unit.packets = nil
      case .call(let name) where !ipfw:
        if let inner = ruleset.subrulesets[name], ruleset.language == .pf, let set = unit.packets {
          if r.quick {
            // `anchor quick`: the anchor's rules decide among themselves, last match unless
            // quick, and then evaluation stops: its quick rules in order, then the rest reversed.
            let ordered = inner.filter(\.quick) + inner.filter { !$0.quick }.reversed()
            flatten(ordered, gate: set, inheritedQuick: true)
          } else {
            flatten(inner, gate: set, inheritedQuick: inheritedQuick)
          }
          continue
        }
        unit.packets = nil
      case .call:
        unit.packets = nil
      default:
        // `match`, `count`, `check-state`, `return` …: not deciding; packets continue.
        break
      }
      units.append(unit)
    }
  }

  // MARK: First match (ipfw, translation rules)

  func analyseFirstMatch(_ members: [Int]) {
    let ipfw = ruleset.evaluation == .firstMatch
    var position: [Int: Int] = [:]
    for (k, u) in members.enumerated() { position[u] = k }
    let rules = members.map { units[$0].rule }
    // Forward: the packets that arrive at each rule.
    var arrive = BDD.all
    var pending: [Int: BDD] = [:]
    for (k, u) in members.enumerated() {
      if let p = pending.removeValue(forKey: k) { arrive = m.or(arrive, p) }
      let unit = units[u]
      let hitUpper = m.and(m.and(arrive, unit.upper), space.wellFormed)
      findings[u].neverMatches = m.and(unit.upper, space.wellFormed) == .empty
      guard let set = unit.packets else {
        if case .call(let arg) = unit.rule.action, ipfw, let n = Int(arg) {
          // A call returns (or decides): later rules still see the packets; the target sees them too.
          let t = Evaluator.jumpTarget(rules, from: k, to: n, backwards: true)
          pending[t] = m.or(pending[t] ?? .empty, hitUpper)
        }
        findings[u].decides = hitUpper
        continue
      }
      let hit = m.and(arrive, set)
      findings[u].decides = m.and(hit, space.wellFormed)
      findings[u].dead = !findings[u].neverMatches && findings[u].decides == .empty
      if let n = unit.jump {
        let t = Evaluator.jumpTarget(rules, from: k, to: n)
        pending[t] = m.or(pending[t] ?? .empty, hit)
        arrive = m.diff(arrive, hit)
      } else if unit.effect != nil, unit.quick {
        arrive = m.diff(arrive, hit)
      }
    }
    // Backward: the outcome of packets entering at each rule, with dead rules left out.
    var unknownAfter = BDD.empty
    // Packets that run off the end: ipfw denies them; other lists do not translate them.
    let offEnd: Effect? = ipfw && members.first.map({ units[$0].list == "filter" }) == true ? .ipfwDeny : nil
    var outcomes: [Effect?: BDD] = [offEnd: .all]
    var atTarget: [Int: [Effect?: BDD]] = [:]
    let targets = Set(
      members.enumerated().compactMap { k, u in units[u].jump.map { Evaluator.jumpTarget(rules, from: k, to: $0) } })
    for (k, u) in members.enumerated().reversed() {
      if targets.contains(k + 1) { atTarget[k + 1] = outcomes }
      let unit = units[u]
      if let effect = unit.effect, unit.packets != nil, !findings[u].dead, !findings[u].neverMatches, unit.jump == nil {
        let d = findings[u].decides
        findings[u].redundant =
          m.and(d, unknownAfter) == .empty && m.isSubset(d, of: outcomes[effect] ?? .empty)
      }
      guard let set = unit.packets else {
        unknownAfter = m.or(unknownAfter, unit.upper)
        continue
      }
      // Dead rules are left out (they are reported, and deleted first), except ipfw's
      // default rule, which cannot be deleted.
      if findings[u].dead && !(ipfw && unit.rule.number == 65535) { continue }
      if let n = unit.jump {
        let there = atTarget[Evaluator.jumpTarget(rules, from: k, to: n)] ?? [offEnd: .all]
        var next: [Effect?: BDD] = [:]
        for key in Set(outcomes.keys).union(there.keys) {
          next[key] = m.or(m.and(set, there[key] ?? .empty), m.diff(outcomes[key] ?? .empty, set))
        }
        outcomes = next
      } else if let effect = unit.effect {
        for key in Array(outcomes.keys) where key != effect { outcomes[key] = m.diff(outcomes[key]!, set) }
        outcomes[effect] = m.or(outcomes[effect] ?? .empty, set)
      }
    }
  }

  // MARK: Last match unless quick (pf, ipfilter)

  func analyseLastMatch(_ members: [Int]) {
    let deciding = members.filter { units[$0].effect != nil && units[$0].packets != nil }
    // Forward: packets some earlier quick rule took.
    var quickBefore: [Int: BDD] = [:]
    var q = BDD.empty
    for u in deciding {
      quickBefore[u] = q
      if units[u].quick { q = m.or(q, units[u].packets!) }
    }
    // Backward: packets some later rule matches.
    var later = BDD.empty
    for u in deciding.reversed() {
      let set = units[u].packets!
      let d =
        units[u].quick ? m.diff(set, quickBefore[u]!) : m.diff(m.diff(set, quickBefore[u]!), later)
      findings[u].decides = m.and(d, space.wellFormed)
      findings[u].neverMatches = m.and(set, space.wellFormed) == .empty
      findings[u].dead = !findings[u].neverMatches && findings[u].decides == .empty
      later = m.or(later, set)
    }
    for u in members where units[u].packets == nil || units[u].effect == nil {
      findings[u].neverMatches = m.and(units[u].upper, space.wellFormed) == .empty
      findings[u].decides = m.and(units[u].upper, space.wellFormed)
    }
    var unknown = BDD.empty
    for u in members where units[u].packets == nil { unknown = m.or(unknown, units[u].upper) }
    let live = deciding.filter { !findings[$0].dead && !findings[$0].neverMatches }
    // Forward over non-quick rules: the last match among earlier ones (or the default).
    var prefix: [Effect: BDD] = [.defaultPass: .all]
    var fallbackBefore: [Int: BDD] = [:]
    for u in live {
      let unit = units[u]
      if !unit.quick { fallbackBefore[u] = prefix[unit.effect!] ?? .empty }
      if unit.quick { continue }
      let set = unit.packets!
      for key in Array(prefix.keys) where key != unit.effect! { prefix[key] = m.diff(prefix[key]!, set) }
      prefix[unit.effect!] = m.or(prefix[unit.effect!] ?? .empty, set)
    }
    // Backward over quick rules: the first later quick rule's outcome; `global` for the rest.
    var firstQuick: [Effect?: BDD] = [nil: .all]
    var quickAfter = BDD.empty
    for u in live.reversed() {
      let unit = units[u]
      let effect = unit.effect!
      let d = findings[u].decides
      if m.and(d, unknown) == .empty {
        if unit.quick {
          let byQuick = m.and(d, quickAfter)
          let rest = m.diff(d, quickAfter)
          findings[u].redundant =
            m.isSubset(byQuick, of: firstQuick[effect] ?? .empty) && m.isSubset(rest, of: prefix[effect] ?? .empty)
        } else {
          findings[u].redundant = m.isSubset(d, of: fallbackBefore[u]!)
        }
      }
      guard unit.quick else { continue }
      let set = unit.packets!
      for key in Array(firstQuick.keys) where key != effect { firstQuick[key] = m.diff(firstQuick[key]!, set) }
      firstQuick[effect] = m.or(firstQuick[effect] ?? .empty, set)
      quickAfter = m.or(quickAfter, set)
    }
  }

  // MARK: Explanations

  /// The rules that take the packets of a dead rule `u`, in order: for first match, the earlier
  /// rules that catch its packets; for last match, earlier quick rules and later rules.
  /// At most `limit` rules are examined.
  public func coverers(of u: Int, limit: Int = 20_000) -> [Int] {
    guard let set = units[u].packets else { return [] }
    let target = m.and(set, space.wellFormed)
    let list = units[u].list
    // Every packet the rule matches is decided by exactly one rule: the coverers are the
    // rules whose decided packets meet the rule's.
    var out: [Int] = []
    var covered = BDD.empty
    var examined = 0
    let firstMatch = ruleset.evaluation == .firstMatch || list != "filter"
    let order = firstMatch ? Array((0..<u).reversed()) : Array(0..<u) + Array((u + 1)..<units.count)
    for j in order where units[j].list == list {
      examined += 1
      if examined > limit { break }
      guard units[j].packets != nil, units[j].effect != nil || units[j].jump != nil else { continue }
      if firstMatch == false && j < u && !units[j].quick { continue }
      let part = m.and(target, findings[j].decides)
      guard part != .empty else { continue }
      out.append(j)
      covered = m.or(covered, part)
      if m.isSubset(target, of: covered) { break }
    }
    return out.sorted()
  }
}

extension Match {
  init(source: AddressMatch) {
    self.init()
    self.source = source
  }

  init(destination: AddressMatch) {
    self.init()
    self.destination = destination
  }
}
