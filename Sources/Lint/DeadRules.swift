import FirewallIR
import PacketSets
import Semantics

/// A rule no packet is decided by, with the rules that take its packets.
struct DeadRule {
  var unit: RuleReachability.Unit
  var coverers: [RuleReachability.Unit]
  /// Some covering rule does the opposite (passes what this rule blocks, or the reverse).
  var conflict: Bool
  /// A packet the rule matches, decided by a covering rule.
  var example: String?
}

extension LintSubject {
  /// Whether a unit is a rule the user wrote (not ipfw's default rule or a group stand-in).
  func isReportable(_ u: RuleReachability.Unit) -> Bool {
    u.packets != nil && !u.rule.origin.isEmpty && u.rule.phase != .normalization
  }

  /// The dead rules of the ruleset, in order, one per written line (pfctl expands a line
  /// into several rules; their covering rules are merged).
  var deadRules: [DeadRule] {
    var byLine: [SourceLocation: DeadRule] = [:]
    var order: [SourceLocation] = []
    for d in allDeadRules {
      guard let loc = location(d.unit.rule) else { continue }
      if var seen = byLine[loc] {
        for c in d.coverers where !seen.coverers.contains(where: { $0.index == c.index }) { seen.coverers.append(c) }
        seen.conflict = seen.conflict || d.conflict
        byLine[loc] = seen
      } else {
        byLine[loc] = d
        order.append(loc)
      }
    }
    return order.map { byLine[$0]! }
  }

  var allDeadRules: [DeadRule] {
    let r = reachability
    return r.units.indices.compactMap { i -> DeadRule? in
      let u = r.units[i]
      guard r.findings[i].dead, isReportable(u), u.effect != nil || u.jump != nil else { return nil }
      let covering = r.coverers(of: i).map { r.units[$0] }
      let passes = u.effect?.passes
      let conflict = covering.contains { c in
        guard let p = passes, let e = c.effect else { return false }
        return e.passes != p
      }
      return DeadRule(
        unit: u, coverers: covering, conflict: conflict,
        example: u.packets.flatMap { example(space.manager.and($0, space.wellFormed)) })
    }
  }

  /// For a line the front end expanded into several rules of which only some have a
  /// property: "(K of the N rules this line expands to) " (empty otherwise).
  func partOfLine(_ loc: SourceLocation, where holds: (Int) -> Bool) -> String {
    let mine = unitsByLine[loc] ?? []
    let k = mine.filter(holds).count
    return mine.count > 1 && k < mine.count ? "(\(k) of the \(mine.count) rules this line expands to) " : ""
  }

  /// "rule at f:3" / "rules at f:3 and f:7" / "rules at f:3, f:5 and f:7".
  func places(_ units: [RuleReachability.Unit]) -> String { placesAndCount(units).text }

  /// `places` and how many places it names.
  func placesAndCount(_ units: [RuleReachability.Unit]) -> (text: String, count: Int) {
    (
      placeText(units),
      Set(units.map { location($0.rule).map { "\($0.file):\($0.line)" } ?? "\($0.rule.number ?? 0)" }).count
    )
  }

  func placeText(_ units: [RuleReachability.Unit]) -> String {
    let names = units.compactMap {
      location($0.rule).map { "\($0.file):\($0.line)" } ?? $0.rule.number.map { "rule \($0)" }
    }
    var unique: [String] = []
    for n in names where !unique.contains(n) { unique.append(n) }
    switch unique.count {
    case 0: return "other rules"
    case 1: return "the rule at " + unique[0]
    default: return "the rules at " + unique.dropLast().joined(separator: ", ") + " and " + unique.last!
    }
  }

  /// Related locations for a list of rules.
  func related(_ units: [RuleReachability.Unit], _ message: String) -> [LintFinding.Related] {
    units.compactMap { u in location(u.rule).map { LintFinding.Related($0, message) } }
  }
}
