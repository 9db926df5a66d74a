import FirewallIR

/// What a target language can say, as its emitter declares it.
public struct TargetCapabilities: Sendable {
  public var language: Language
  /// The first part of a rule the target cannot say, or nil when it can say all of it.
  public var gap: @Sendable (Rule) -> Gap?
  /// The rule features (queues, labels, route-to …) the target carries; the others are lost.
  public var features: Set<String>

  public init(language: Language, features: Set<String> = [], gap: @escaping @Sendable (Rule) -> Gap?) {
    self.language = language
    self.gap = gap
    self.features = features
  }

  public var evaluation: EvaluationModel { language == .ipfw ? .firstMatch : .lastMatchUnlessQuick }
}

/// A ruleset carried into another language's evaluation model, with what could not be carried.
public struct TranslationPlan: Sendable {
  /// The rules in the target's evaluation order, ready for its emitter: filter rules flattened
  /// (no anchors, groups or jumps), translation rules first.
  public var ruleset: Ruleset
  /// Everything the target cannot say, in source order.
  public var losses: [TranslationLoss]
  let source: Ruleset
  let dropped: Set<Translator.RulePath>
  let lostSkips: [String]

  /// The input without the rules that were lost: what the output must be equivalent to.
  public var carried: Ruleset {
    var rs = Translator.remove(dropped, from: source)
    rs.skippedInterfaces.removeAll(where: lostSkips.contains)
    return rs
  }
}

/// Moves a ruleset from one language's evaluation model to another's.
///
/// Last match unless `quick` (pf, ipfilter) becomes first match (ipfw) by putting the quick
/// rules first, in order, and then the other rules in reverse: a packet's deciding rule is the
/// first quick rule it matches, else the last other rule it matches. First match becomes last
/// match by making every rule `quick`. Anchors and groups are inlined under their calling
/// rule's match. Each language's default verdict is written out as a last rule where the
/// target's default differs.
public enum Translator {
  /// A place of a rule: the sub-ruleset it is in (nil for the main list) and its index.
  struct RulePath: Hashable, Sendable {
    var list: String?
    var index: Int
  }

  public static func plan(
    _ original: Ruleset, to target: TargetCapabilities, host: HostContext = .empty
  ) -> TranslationPlan {
    var featureLosses: [TranslationLoss] = []
    let source = resolvingInterfaces(original, for: target, host: host, notes: &featureLosses)
    var losses: [TranslationLoss] = []
    var dropped: Set<RulePath> = []
    func lose(_ path: RulePath, _ rule: Rule, _ gap: Gap) {
      guard dropped.insert(path).inserted else { return }
      losses.append(
        TranslationLoss(origin: rule.origin.first, what: gap.what, target: target.language, reason: gap.reason))
    }
    func check(_ rules: [Rule], list: String?) {
      // Rules are read in place: copying one costs a reference count per field.
      for i in rules.indices {
        let path = RulePath(list: list, index: i)
        if let g = orderGap(rules[i], source: source, target: target) ?? target.gap(rules[i]) {
          lose(path, rules[i], g)
          continue
        }
        for f in rules[i].features where !target.features.contains(f) {
          featureLosses.append(
            TranslationLoss(
              origin: rules[i].origin.first, what: f, target: target.language,
              reason: "\(target.language.rawValue) has no equivalent; the rule is translated without it"))
        }
      }
    }
    check(source.rules, list: nil)
    for (name, rules) in source.subrulesets.sorted(by: { $0.key < $1.key }) { check(rules, list: name) }
    // The rules of a group or anchor whose calling rule is lost go with it.
    var changed = true
    while changed {
      changed = false
      for (list, rules) in [(String?.none, source.rules)] + source.subrulesets.map({ (Optional($0.key), $0.value) }) {
        for (i, r) in rules.enumerated() where dropped.contains(RulePath(list: list, index: i)) {
          let callee: String?
          if case .call(let name) = r.action { callee = name } else { callee = r.head }
          guard let name = callee, let inner = source.subrulesets[name] else { continue }
          for (j, x) in inner.enumerated() where !dropped.contains(RulePath(list: name, index: j)) {
            lose(RulePath(list: name, index: j), x, Gap("the rule", "it belongs to the lost rule's group or anchor"))
            changed = true
          }
        }
      }
    }

    if let note = stateLookupNote(source, target: target) { losses.append(note) }
    // Flattening may find rules whose match cannot be combined with their anchor's or head's:
    // those are lost too, and the flattening runs again without them.
    var flat: [Rule] = []
    while true {
      var conflicts: [(RulePath, Rule, Gap)] = []
      flat = flatten(source, dropped: dropped, target: target, conflicts: &conflicts)
      if conflicts.isEmpty { break }
      for (p, r, g) in conflicts { lose(p, r, g) }
    }
    var lostSkips: [String] = []
    var out = Ruleset(language: target.language, evaluation: target.evaluation, tables: source.tables)
    out.rules = flat
    if target.language == .pf {
      out.skippedInterfaces = source.skippedInterfaces
    } else {
      // `set skip on IF`: packets on IF pass before any rule.
      var skips: [Rule] = []
      for name in source.skippedInterfaces {
        var m = Match()
        m.interface = name
        var r = Rule(phase: .filter, match: m, action: .pass, quick: true, origin: [])
        r.comment = "set skip on \(name)"
        if let g = target.gap(r) {
          losses.append(
            TranslationLoss(origin: nil, what: "set skip on \(name)", target: target.language, reason: g.reason))
          lostSkips.append(name)
        } else {
          skips.append(r)
        }
      }
      let firstFilter = out.rules.firstIndex { $0.phase == .filter } ?? out.rules.count
      out.rules.insert(contentsOf: skips, at: firstFilter)
    }
    // One line per distinct loss (a binat's two halves say the same), in source order.
    var seen: Set<TranslationLoss> = []
    let all = (losses + featureLosses).filter { seen.insert($0).inserted }.sorted { a, b in
      (a.origin?.fileID ?? 0, a.origin?.line ?? 0) < (b.origin?.fileID ?? 0, b.origin?.line ?? 0)
    }
    return TranslationPlan(ruleset: out, losses: all, source: original, dropped: dropped, lostSkips: lostSkips)
  }

  /// The ruleset with interface address terms (`(em0)`, `em0:network`, and `self` for ipf)
  /// replaced by the addresses the host context gives them, for targets that have no such terms;
  /// each replacement is noted, as the rule no longer follows address changes.
  static func resolvingInterfaces(
    _ rs: Ruleset, for target: TargetCapabilities, host: HostContext, notes: inout [TranslationLoss]
  ) -> Ruleset {
    guard target.language != .pf, !host.interfaces.isEmpty else { return rs }
    let env = AddressEnvironment(tables: rs.tables, host: host)
    func resolve(_ a: inout AddressMatch, _ origin: SourceLocation?, family: AddressFamily?) {
      guard a.terms.contains(where: { if case .interface = $0 { return true } else { return false } }) else { return }
      var terms: [AddressTerm] = []
      for t in a.terms {
        guard case .interface(let name, let modifier, let prefix) = t,
          !(target.language == .ipfw && name == "self" && modifier == nil && prefix == nil),
          let all = env.networks(ofInterface: name, modifier: modifier, prefix: prefix),
          case let nets = all.filter({ family == nil || $0.family == family }), !nets.isEmpty
        else {
          terms.append(t)
          continue
        }
        terms += nets.map { .network($0) }
        notes.append(
          TranslationLoss(
            origin: origin, what: PFStyle.describe(t), target: target.language,
            reason:
              "written as the addresses the host context gives it (\(nets.map(\.description).joined(separator: ", "))); the rule no longer follows address changes"
          ))
      }
      a.terms = terms
    }
    func fix(_ rules: inout [Rule]) {
      for i in rules.indices where rules[i].phase == .filter {
        let family = rules[i].match.family
        resolve(&rules[i].match.source, rules[i].origin.first, family: family)
        resolve(&rules[i].match.destination, rules[i].origin.first, family: family)
      }
    }
    var out = rs
    fix(&out.rules)
    for name in out.subrulesets.keys { fix(&out.subrulesets[name]!) }
    return out
  }

  /// Why a rule cannot be carried from the source's evaluation order to the target's, if so.
  static func orderGap(_ r: Rule, source: Ruleset, target: TargetCapabilities) -> Gap? {
    switch r.phase {
    case .normalization:
      return Gap("scrub rule", "normalisation has no equivalent outside pf")
        .unless(target.language == .pf)
    case .ethernet:
      return Gap("ether rule", "layer-2 filtering is not translated")
    case .translation, .filter:
      break
    }
    for f in r.features where ruleLevelFeatures.contains(f) {
      return Gap(f, "it changes where the packet goes or what it becomes, which the target cannot say")
    }
    if r.phase == .filter && !r.translation.isEmpty && source.language == .pf {
      return Gap("nat-to/rdr-to on a filter rule", "translation on filter rules is not translated yet")
    }
    switch r.action {
    case .skip:
      return source.language == .ipfw
        ? Gap("skipto", "jumps are not translated; the rules it skips would apply to its packets")
        : Gap("skip", "jumps are not translated; the rules it skips would apply to its packets")
    case .returnFromCall:
      return Gap("return", "call and return are not translated")
    case .call(let name):
      if source.language == .ipfw { return Gap("call", "call and return are not translated") }
      if r.phase == .translation {
        return Gap("nat-anchor/rdr-anchor \"\(name)\"", "translation anchors are not written out yet")
      }
      if source.subrulesets[name] == nil || source.subrulesets[name]!.isEmpty {
        return Gap(
          "anchor \"\(name)\"", "its rules are loaded at run time (pfctl -a); only inline anchors are translated")
      }
    case .match:
      if r.phase == .filter && r.head == nil {
        if source.language == .ipfw {
          return Gap("count rule", "rules that only count or log packets are not translated")
        }
        if !r.translation.isEmpty {
          return Gap("match rule with nat-to/rdr-to", "translation on `match` rules is not translated yet")
        }
        return Gap("match rule", "rules that only mark packets are not translated")
      }
    case .checkState:
      // The target looks states up where its own model does (pf and ipfilter before any rule).
      return nil
    case .external("nat", _, _):
      return Gap("nat", "ipfw's in-kernel NAT action is not translated yet")
    case .external(let keyword, _, _):
      return Gap(keyword, "ipfw's `\(keyword)` action has no equivalent")
    case .pass, .block, .translate:
      break
    }
    if r.head != nil, r.quick, let g = source.subrulesets[r.head!],
      g.contains(where: { !$0.quick && $0.phase == .filter })
    {
      return Gap(
        "quick head with non-quick group rules",
        "its group's non-quick rules let evaluation go on after the head, which one rule list cannot say")
    }
    func tableGap(_ terms: [AddressTerm]) -> Gap? {
      for t in terms {
        guard case .table(let name) = t, let table = source.tables[name] else { continue }
        if !table.files.isEmpty && target.language != .pf {
          return Gap(
            "table <\(name)>", "it is loaded from a file at run time, which \(target.language.rawValue) cannot do")
        }
        let plain = (table.entries + table.excluded).allSatisfy {
          switch $0 {
          case .network, .range: return true
          default: return false
          }
        }
        if !plain && target.language != .pf {
          return Gap(
            "table <\(name)>",
            "it names interface addresses or other tables, which \(target.language.rawValue) tables cannot hold")
        }
        if !table.excluded.isEmpty && target.language == .ipfw {
          return Gap("table <\(name)>", "it excludes addresses (`!addr`), which ipfw tables cannot")
        }
      }
      return nil
    }
    if let g = tableGap(r.match.source.terms) ?? tableGap(r.match.destination.terms) { return g }
    for t in r.translation { if let g = tableGap(t.targets) { return g } }
    if r.tag != nil || r.match.tagged != nil, source.language != target.language {
      return Gap("tag", "tags are not translated between languages")
    }
    return nil
  }

  /// ipfw looks states up at its first `check-state` or stateful rule; pf and ipfilter before
  /// any rule. A blocking rule before that point decides later packets of known connections
  /// differently, which first packets (what --verify compares) do not show.
  static func stateLookupNote(_ rs: Ruleset, target: TargetCapabilities) -> TranslationLoss? {
    guard rs.language == .ipfw, target.language != .ipfw else { return nil }
    guard
      let lookup = rs.rules.firstIndex(where: { r in
        if case .checkState = r.action { return true }
        return r.state != .none
      })
    else { return nil }
    guard
      let blocker = rs.rules[..<lookup].first(where: {
        if case .block = $0.action { return true } else { return false }
      })
    else { return nil }
    return TranslationLoss(
      origin: blocker.origin.first, what: "the order of this rule and the state lookup", target: target.language,
      reason:
        "ipfw looks states up at \(rs.rules[lookup].origin.first.map { "line \($0.line)" } ?? "a later rule"), after this rule; \(target.language.rawValue) looks them up before any rule, so replies this rule blocks would pass"
    )
  }

  /// Features whose loss would change what happens to the packet, not only how it is handled:
  /// rules with them are not carried at all.
  static let ruleLevelFeatures: Set<String> = ["af-to", "rewrite", "divert", "map-block"]

  /// The source without the dropped rules, and each remaining rule's original place.
  static func remove(_ dropped: Set<RulePath>, from source: Ruleset) -> Ruleset {
    var rs = source
    func keep(_ rules: [Rule], _ list: String?) -> [Rule] {
      rules.enumerated().filter { !dropped.contains(RulePath(list: list, index: $0.offset)) }.map(\.element)
    }
    rs.rules = keep(source.rules, nil)
    for (name, rules) in source.subrulesets { rs.subrulesets[name] = keep(rules, name) }
    return rs
  }

  /// The rules in the target's order: translation rules first, in order, then the filter.
  static func flatten(
    _ rs: Ruleset, dropped: Set<RulePath>, target: TargetCapabilities,
    conflicts: inout [(RulePath, Rule, Gap)]
  ) -> [Rule] {
    var translations: [Rule] = []
    for i in rs.rules.indices where rs.rules[i].phase == .translation || rs.rules[i].phase == .normalization {
      if !dropped.contains(RulePath(list: nil, index: i)) { translations.append(rs.rules[i]) }
    }
    if rs.language == .pf {
      // pf tries binat before rdr and nat, whatever their order in the file.
      translations =
        translations.filter { $0.translationKind == .binat } + translations.filter { $0.translationKind != .binat }
    }
    var filter: [Rule]
    switch rs.evaluation {
    case .lastMatchUnlessQuick:
      let lastMatch = inline(rs.rules, list: nil, rs, dropped: dropped, gate: nil, conflicts: &conflicts)
      if target.evaluation == .firstMatch {
        filter = firstMatch(lastMatch, after: translations)
        translations = []
        // pf and ipfilter pass what no rule decides; ipfw's default rule denies.
        if !endsUnconditionally(filter) { filter.append(defaultRule(.pass, note: rs.language)) }
      } else {
        filter = lastMatch
      }
    case .firstMatch:
      filter = []
      filter.reserveCapacity(rs.rules.count)
      for i in rs.rules.indices where rs.rules[i].phase == .filter && decides(rs.rules[i].action) {
        if !dropped.contains(RulePath(list: nil, index: i)) { filter.append(rs.rules[i]) }
      }
      // Nothing after an unconditional rule is reached (ipfw's default rule after the user's own).
      if let end = filter.firstIndex(where: { endsUnconditionally([$0]) }) { filter = Array(filter[...end]) }
      for i in filter.indices where filter[i].origin.isEmpty && filter[i].number == 65535 && filter[i].comment == nil {
        filter[i].comment = "ipfw's default rule 65535"
      }
      if target.evaluation == .lastMatchUnlessQuick {
        for i in filter.indices { filter[i].quick = true }
        if !endsUnconditionally(filter) { filter.append(defaultRule(.block(.drop), note: rs.language)) }
      }
    }
    var rules = filter
    if !translations.isEmpty { rules = translations + filter }
    for i in rules.indices where needsProtocols(rules[i]) { rules[i].match.protocols = [6, 17, 132] }
    if target.language != .pf && rules.contains(where: splitsReturn) {
      rules = splitReturn(rules, evaluation: target.evaluation)
    }
    return target.language == .ipf ? rules : mergingLists(rules)
  }

  /// Adjacent rules from one source line that differ in one list only — destination ports,
  /// ICMP types, source or destination addresses (pfctl writes `port { 80, 443 }` as one rule
  /// per port) — as one rule with the list: they decide alike, next to each other, under
  /// either evaluation order.
  static func mergingLists(_ rules: [Rule]) -> [Rule] {
    var out: [Rule] = []
    out.reserveCapacity(rules.count)
    // ipfw takes up to about 30 addresses and 60 ports in one rule.
    for r in rules {
      if let last = out.last,
        let j = last.joined(
          with: r, maxList: 24, sameOrigin: true, fields: [.destinationPort, .icmpType, .source, .destination])
      {
        out[out.count - 1] = j
      } else {
        out.append(r)
      }
    }
    return out
  }

  /// pf's `block return` answers TCP with a reset and the rest with an ICMP error: as a TCP rule
  /// with `return-rst` and a rule for every protocol with `return-icmp`, ordered so that TCP
  /// packets meet their own rule (first under first match or quick, last otherwise).
  public static func splitReturn(_ rules: [Rule], evaluation: EvaluationModel) -> [Rule] {
    rules.flatMap { r -> [Rule] in
      guard splitsReturn(r) else { return [r] }
      var tcp = r
      tcp.match.protocols = [6]
      tcp.action = .block(.returnRST)
      var rest = r
      rest.action = .block(.returnICMP)
      return evaluation == .firstMatch || r.quick ? [tcp, rest] : [rest, tcp]
    }
  }

  /// Ports select TCP, UDP and SCTP packets: a rule comparing ports without naming a protocol
  /// names those three, as the targets' port syntax needs a protocol.
  static func needsProtocols(_ r: Rule) -> Bool {
    r.match.protocols == nil && (r.match.sourcePort != nil || r.match.destinationPort != nil)
  }

  /// Whether `splitReturn` writes the rule as two.
  static func splitsReturn(_ r: Rule) -> Bool {
    guard case .block(.returnAny) = r.action, r.phase == .filter else { return false }
    return r.match.protocols.map { $0.contains(6) && $0.count > 1 } ?? true
  }

  static func decides(_ a: Action) -> Bool {
    switch a {
    case .pass, .block: return true
    default: return false
    }
  }

  /// Whether the last rule decides every packet, so no default needs writing out.
  static func endsUnconditionally(_ rules: [Rule]) -> Bool {
    guard let last = rules.last else { return false }
    var any = Match()
    any.opaque = []
    return last.match == any && decides(last.action)
  }

  /// The source language's default verdict as a rule.
  static func defaultRule(_ action: Action, note: Language) -> Rule {
    var r = Rule(phase: .filter, match: Match(), action: action, quick: true, origin: [])
    r.comment =
      note == .ipfw ? "ipfw's default rule: deny what no rule decides" : "\(note.rawValue) passes what no rule decides"
    return r
  }

  /// A last-match list with anchors and groups written out in place; `quick` anchors become
  /// their rules in first-match order, all quick.
  static func inline(
    _ rules: [Rule], list: String?, _ rs: Ruleset, dropped: Set<RulePath>, gate: Match?,
    conflicts: inout [(RulePath, Rule, Gap)]
  ) -> [Rule] {
    var out: [Rule] = []
    out.reserveCapacity(rules.count)
    for i in rules.indices where rules[i].phase == .filter {
      let path = RulePath(list: list, index: i)
      if dropped.contains(path) { continue }
      var gated = rules[i]
      if let gate {
        guard let (m, empty) = rules[i].match.conjoined(with: gate) else {
          conflicts.append(
            (
              path, rules[i],
              Gap("the rule", "its match cannot be combined with its anchor's or group head's in one rule")
            ))
          continue
        }
        if empty { continue }
        gated.match = m
      }
      switch rules[i].action {
      case .call(let name):
        let inner = inline(
          rs.subrulesets[name] ?? [], list: name, rs, dropped: dropped, gate: gated.match, conflicts: &conflicts)
        out +=
          rules[i].quick
          ? firstMatch(inner).map {
            var x = $0; x.quick = true; return x
          } : inner
      case .match where rules[i].head != nil:
        out += inline(
          rs.subrulesets[rules[i].head!] ?? [], list: rules[i].head!, rs, dropped: dropped, gate: gated.match,
          conflicts: &conflicts)
      case .pass, .block:
        gated.head = nil
        guard let g = rules[i].head else {
          out.append(gated)
          continue
        }
        let inner = inline(
          rs.subrulesets[g] ?? [], list: g, rs, dropped: dropped, gate: gated.match, conflicts: &conflicts)
        if rules[i].quick {
          // Every rule of the group is quick (others are a gap): a packet the group matches
          // stops there, one it does not stops at the head.
          out += inner
          out.append(gated)
        } else {
          out.append(gated)
          out += inner
        }
      default:
        continue
      }
    }
    return out
  }

  /// A last-match-unless-quick list as a first-match list deciding alike.
  static func firstMatch(_ rules: [Rule], after head: [Rule] = []) -> [Rule] {
    var out = head
    out.reserveCapacity(head.count + rules.count + 1)
    for i in rules.indices where rules[i].quick { out.append(rules[i]) }
    for i in rules.indices.reversed() where !rules[i].quick { out.append(rules[i]) }
    return out
  }
}

extension Gap {
  /// This gap, unless `condition` holds.
  func unless(_ condition: Bool) -> Gap? { condition ? nil : self }
}

/// Address terms in pf's words, for messages.
enum PFStyle {
  static func describe(_ t: AddressTerm) -> String {
    guard case .interface(let name, let modifier, let prefix) = t else { return "\(t)" }
    if name == "self" { return "self" }
    return "(\(name)\(modifier.map { ":" + $0 } ?? ""))" + (prefix.map { "/\($0)" } ?? "")
  }
}
