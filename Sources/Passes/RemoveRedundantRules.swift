import FirewallIR
import Semantics

/// Deletes rules whose packets the remaining rules decide the same way (or the default does).
/// Deleting two such rules together can change outcomes, so they are deleted one written line
/// at a time, each judged against the rules still there, with the decided packets of every
/// rule kept exact as packets move (`RuleReachability.removeRedundant`).
public struct RemoveRedundantRules: OptimizationPass {
  public static let name = "remove-redundant"
  public static var fields: [RuleField: FieldUse] { deletesWholeRules }

  public init() {}

  public func run(_ ruleset: Ruleset, context: PassContext) throws -> (Ruleset, [PassChange]) {
    let analysis = Reachability.analyse(ruleset, host: context.host)
    var chosen: Set<Int> = []
    var unitOf: [Int: Int] = [:]
    for (i, u) in analysis.units.enumerated() {
      guard let position = u.position, Reachability.removable(u, in: ruleset, context: context) else { continue }
      unitOf[position] = i
      let f = analysis.findings[i]
      if f.redundant && !f.dead { chosen.insert(position) }
    }
    // A written line goes whole or stays: its rules are one group. Later lines first.
    let whole = Reachability.wholeLines(chosen, in: ruleset)
    var lines: [SourceLocation: [Int]] = [:]
    for p in whole.sorted() { lines[ruleset.rules[p].origin.first!, default: []].append(p) }
    let groups = lines.values.sorted { $0[0] > $1[0] }
    let deleted = analysis.removeRedundant(groups.map { $0.map { unitOf[$0]! } })
    let positions = Set(deleted.flatMap { $0.map { analysis.units[$0].position! } })
    var out = ruleset
    out.rules = ruleset.rules.enumerated().filter { !positions.contains($0.offset) }.map(\.element)
    let changes = deleted.reversed().map { group in
      PassChange(
        pass: Self.name, origin: analysis.units[group[0]].rule.origin,
        reason: "redundant: the rules after it decide its packets the same way")
    }
    return (out, changes)
  }
}
