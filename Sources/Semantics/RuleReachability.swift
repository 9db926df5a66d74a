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
    /// The rule's position in the ruleset's main list; nil for a rule of an anchor or group.
    public var position: Int? = nil
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
  public internal(set) var findings: [Finding] = []
  let environment: AddressEnvironment
  var cache: [Match: BDD?] = [:]
  /// Cheap over-approximations of each unit's match, and the index over each list.
  var signatures: [RuleSignature] = []
  var indexes: [String: ProtocolOverlapIndex] = [:]
  var candidateCache: [Int: [Int]] = [:]
  /// Per unit, for the hot loops: its exact packets (nil when unknown), whether it decides
  /// exactly, whether it is quick, and its effect as a small number (equal effects, equal ids).
  var exactPackets: [BDD?] = []
  var decidesExactly: [Bool] = []
  var isQuick: [Bool] = []
  var effectIDs: [Int] = []
  /// Units whose decided packets are only bounded from above (`Finding.decides` holds every
  /// packet they match): a witness packet proved them live without computing the exact set.
  public private(set) var approximate: Set<Int> = []
  /// Packets on `set skip` interfaces, which no rule sees.
  public private(set) var skipped = BDD.empty
  var m: BDDManager { space.manager }

  /// A packet space for analysing `ruleset` on `host`: its interfaces told apart, its BDD
  /// tables sized once for the analyses (under two hundred nodes per rule) rather than
  /// rehashed at every doubling.
  public static func space(for ruleset: Ruleset, host: HostContext) -> PacketSpace {
    let s = PacketSpace(interfaces: PacketSpace.interfaceNames([ruleset], host: host))
    s.manager.reserve(nodes: min(1 << 26, 192 * (ruleset.rules.count + 64)))
    return s
  }

  public init(ruleset: Ruleset, space: PacketSpace, environment: AddressEnvironment) {
    self.space = space
    self.ruleset = ruleset
    self.environment = environment
    for name in ruleset.skippedInterfaces {
      var match = Match()
      match.interface = name
      skipped = m.or(skipped, space.encode(match, environment: environment) ?? .empty)
    }
    flatten(ruleset.rules, gate: m.not(skipped), inheritedQuick: false, top: true)
    findings = units.map { _ in Finding(decides: .empty, neverMatches: false, dead: false, redundant: false) }
    signatures = units.map { RuleSignature($0.rule.match) }
    exactPackets = units.map(\.packets)
    decidesExactly = units.map { $0.packets != nil && $0.effect != nil }
    isQuick = units.map(\.quick)
    var ids: [Effect: Int] = [.defaultPass: 0, .ipfwDeny: 1]
    effectIDs = units.map { u in
      guard let e = u.effect else { return -1 }
      if let id = ids[e] { return id }
      ids[e] = ids.count
      return ids.count - 1
    }
    for list in Set(units.map(\.list)).sorted() {
      let members = units.indices.filter { units[$0].list == list }
      let firstMatch = ruleset.evaluation == .firstMatch || list != "filter"
      // Jumps move sets of packets between rules: those lists are followed whole.
      let jumps = members.contains { u in
        if units[u].jump != nil { return true }
        if case .call = units[u].rule.action, ruleset.evaluation == .firstMatch { return true }
        return false
      }
      if firstMatch && jumps {
        analyseFirstMatch(members)
      } else {
        let index = ProtocolOverlapIndex(signatures, members: members)
        indexes[list] = index
        if firstMatch { analyseFirstMatchIndexed(members, index) } else { analyseLastMatchIndexed(members, index) }
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
  func flatten(_ rules: [Rule], gate: BDD, inheritedQuick: Bool, top: Bool = false) {
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
        quick: ipfw || r.quick || inheritedQuick, jump: nil, list: list, position: top ? position : nil)
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

  // MARK: First match with jumps (ipfw skipto and call)

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
      } else if unit.effect != nil {
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

  // MARK: Indexed analyses (lists without jumps)

  /// A unit that decides packets exactly (not a stand-in for unknown rules).
  func exactDeciding(_ j: Int) -> Bool { decidesExactly[j] }

  /// Dead rules are left out of the fallbacks (they are reported, and deleted first), except
  /// ipfw's default rule, which cannot be deleted.
  func live(_ j: Int) -> Bool {
    decidesExactly[j] && !findings[j].neverMatches
      && (!findings[j].dead || (ruleset.evaluation == .firstMatch && units[j].rule.number == 65535))
  }

  /// First match without jumps: a rule decides what no earlier rule that may overlap it took.
  func analyseFirstMatchIndexed(_ members: [Int], _ index: ProtocolOverlapIndex) {
    for u in members {
      findings[u].neverMatches = m.and(units[u].upper, space.wellFormed) == .empty
      guard let set = units[u].packets else {
        findings[u].decides = m.and(units[u].upper, space.wellFormed)
        continue
      }
      let cands = self.candidates(of: u)
      let d = decided(u, m.and(set, space.wellFormed), cands.filter { $0 < u && exactDeciding($0) })
      findings[u].decides = d
      findings[u].dead = !findings[u].neverMatches && d == .empty
    }
    markRedundant(members)
  }

  /// Last match unless quick, without jumps: a quick rule decides what no earlier quick rule
  /// took; another rule, what no earlier quick rule and no later rule matches.
  func analyseLastMatchIndexed(_ members: [Int], _ index: ProtocolOverlapIndex) {
    for u in members {
      findings[u].neverMatches = m.and(units[u].upper, space.wellFormed) == .empty
      guard let set = units[u].packets, units[u].effect != nil else {
        findings[u].decides = m.and(units[u].upper, space.wellFormed)
        continue
      }
      let cands = self.candidates(of: u)
      let quick = isQuick[u]
      let d = decided(
        u, m.and(set, space.wellFormed),
        cands.filter { j in decidesExactly[j] && (j < u ? isQuick[j] : !quick) })
      findings[u].decides = d
      findings[u].dead = !findings[u].neverMatches && d == .empty
    }
    markRedundant(members)
  }

  /// Marks the live rules of a list whose deletion alone changes no packet's outcome (the
  /// fallback walk of `removeRedundant`, with dead rules counted as deleted first).
  func markRedundant(_ members: [Int]) {
    let unknown = unknownSets()
    for u in members where live(u) && !findings[u].dead {
      findings[u].redundant = fallbacks(u, removed: [], unknown: unknown, deadDecide: false) != nil
    }
  }

  /// What unit `u` decides: `set` without the packets of `others`. When `others` are many (a
  /// catch-all rule under thousands of narrow ones), one packet of `set` that none of them
  /// matches proves the rule live first; its decided set is then left at `set`, an upper
  /// bound, and the unit marked approximate (redundancy claims on an upper bound stay true).
  func decided(_ u: Int, _ set: BDD, _ others: [Int]) -> BDD {
    if others.count > 1_000, let bits = m.example(set),
      !others.contains(where: { m.contains(exactPackets[$0]!, bits) })
    {
      approximate.insert(u)
      return set
    }
    return subtract(set, others)
  }

  /// `set` without the packets of the units `others`: one by one for a few (stopping when
  /// nothing is left), through a balanced union for many (a long chain of differences on a
  /// growing set costs more than the union).
  func subtract(_ set: BDD, _ others: [Int]) -> BDD {
    if others.count <= 64 {
      var d = set
      for j in others {
        if d == .empty { break }
        d = m.diff(d, exactPackets[j]!)
      }
      return d
    }
    var layer = others.map { exactPackets[$0]! }
    while layer.count > 1 {
      var next: [BDD] = []
      next.reserveCapacity(layer.count / 2 + 1)
      var k = 0
      while k + 1 < layer.count {
        next.append(m.or(layer[k], layer[k + 1]))
        k += 2
      }
      if k < layer.count { next.append(layer[k]) }
      layer = next
    }
    return m.diff(set, layer[0])
  }

  /// What the filter rules do to the first packets `set`, which `match` selects (or a superset
  /// of them): each part with the effect of the rule that decides it (nil: ipfw's end of the
  /// rules, or a translation list's "untranslated"; `.defaultPass` for pf and ipfilter's
  /// default). Nil when an unknown rule may decide some of them, or the list has jumps.
  public func decide(_ set: BDD, within match: Match) -> [(effect: Effect?, packets: BDD)]? {
    guard let index = indexes["filter"] else { return nil }
    let firstMatch = ruleset.evaluation == .firstMatch
    let cands = index.candidates(for: RuleSignature(match))
    var rest = m.and(set, space.wellFormed)
    for j in cands where units[j].packets == nil && m.and(rest, units[j].upper) != .empty { return nil }
    var out: [(Effect?, BDD)] = []
    func take(_ j: Int) {
      let hit = m.and(rest, units[j].packets!)
      guard hit != .empty else { return }
      out.append((units[j].effect, hit))
      rest = m.diff(rest, hit)
    }
    if firstMatch {
      for j in cands where exactDeciding(j) && rest != .empty { take(j) }
      if rest != .empty { out.append((Effect.ipfwDeny, rest)) }
    } else {
      for j in cands where exactDeciding(j) && units[j].quick && rest != .empty { take(j) }
      for j in cands.reversed() where exactDeciding(j) && !units[j].quick && rest != .empty { take(j) }
      if rest != .empty { out.append((.defaultPass, rest)) }
    }
    return out
  }

  /// The rules of `u`'s list that may match packets `u` matches (an over-approximation).
  public func candidates(of u: Int) -> [Int] {
    if let c = candidateCache[u] { return c }
    if let index = indexes[units[u].list] {
      let c = index.candidates(of: u)
      candidateCache[u] = c
      return c
    }
    return units.indices.filter { $0 != u && units[$0].list == units[u].list }
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
    let cands = candidates(of: u)
    let order = firstMatch ? cands.filter { $0 < u }.reversed() : cands
    for j in order where units[j].list == list {
      examined += 1
      if examined > limit { break }
      guard units[j].packets != nil, units[j].effect != nil || units[j].jump != nil, !approximate.contains(j) else {
        continue
      }
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
