import FirewallIR
import PacketSets
import Semantics

/// Deletes the rules no packet is decided by (shadowed ones, duplicates, rules that match
/// nothing), as `RuleReachability` proves them: every packet such a rule matches is decided by
/// another rule, so deleting all of them at once changes no packet's outcome.
///
/// Only rules of the main list are deleted; rules whose match packet sets cannot read, ipf
/// heads, jumps and ipfw's default rule are kept.
public struct RemoveDeadRules: OptimizationPass {
  public static let name = "remove-dead"
  public static var fields: [RuleField: FieldUse] { deletesWholeRules }

  public init() {}

  public func run(_ ruleset: Ruleset, context: PassContext) throws -> (Ruleset, [PassChange]) {
    let analysis = Reachability.analyse(ruleset, host: context.host)
    var doomed: Set<Int> = []
    var changes: [PassChange] = []
    for (i, u) in analysis.units.enumerated() {
      guard let position = u.position, Reachability.removable(u, in: ruleset, context: context) else { continue }
      let f = analysis.findings[i]
      guard f.dead || f.neverMatches else { continue }
      doomed.insert(position)
      let coverers = analysis.coverers(of: i).compactMap { analysis.units[$0].rule.origin.first }
      let reason =
        f.neverMatches
        ? "matches no packet"
        : "decides no packet: "
          + (coverers.isEmpty
            ? "earlier rules take them all" : "taken by " + coverers.map(\.description).joined(separator: ", "))
      changes.append(PassChange(pass: Self.name, origin: u.rule.origin, reason: reason))
    }
    // A written line goes whole or stays: rules expanded from one line are deleted together.
    let whole = Reachability.wholeLines(doomed, in: ruleset)
    var out = ruleset
    out.rules = ruleset.rules.enumerated().filter { !whole.contains($0.offset) }.map(\.element)
    let deleted = Set(whole.map { ruleset.rules[$0].origin })
    return (out, Reachability.perLine(changes.filter { deleted.contains($0.origin) }))
  }
}

/// The reachability analysis as the passes use it.
enum Reachability {
  static func analyse(_ ruleset: Ruleset, host: HostContext) -> RuleReachability {
    RuleReachability(
      ruleset: ruleset, space: RuleReachability.space(for: ruleset, host: host),
      environment: AddressEnvironment(tables: ruleset.tables, host: host))
  }

  /// The positions of `chosen` whose written line has all its rules chosen: what can be
  /// deleted by deleting lines.
  static func wholeLines(_ chosen: Set<Int>, in ruleset: Ruleset) -> Set<Int> {
    var byLine: [SourceLocation: [Int]] = [:]
    for (i, r) in ruleset.rules.enumerated() {
      if let loc = r.origin.first { byLine[loc, default: []].append(i) }
    }
    var out: Set<Int> = []
    for (_, positions) in byLine where positions.allSatisfy(chosen.contains) { out.formUnion(positions) }
    return out
  }

  /// One change per written line.
  static func perLine(_ changes: [PassChange]) -> [PassChange] {
    var seen: Set<[SourceLocation]> = []
    return changes.filter { seen.insert(Array($0.origin.prefix(1))).inserted }
  }

  /// A rule the passes may delete: one that decides, read exactly, not a group's head, not
  /// ipfw's default rule, on a line the output holds.
  static func removable(_ u: RuleReachability.Unit, in ruleset: Ruleset, context: PassContext) -> Bool {
    guard u.effect != nil, u.packets != nil, u.rule.head == nil, context.mayEdit(u.rule.origin.first) else {
      return false
    }
    if ruleset.evaluation == .firstMatch && u.rule.number == 65535 { return false }
    return true
  }
}
