import FirewallIR
import Semantics

/// Orders pf rules so that neighbours share interface, direction, family, protocol, addresses
/// and ports, in that order (pf's skip steps then jump over every rule a packet cannot match
/// there), as pfctl's optimizer does. Only runs of written lines with one template (the same
/// action, `quick`, state, options) trade places: whichever of them matches, the packet is
/// decided alike, so any order of them is equivalent.
///
/// With a capture (`--profile`), the new order is kept only when the packets meet no more
/// rules than before.
public struct ReorderForSkipSteps: OptimizationPass {
  public static let name = "skip-steps"
  public static var fields: [RuleField: FieldUse] {
    var f = deletesWholeRules
    for m in [RuleField.interface, .direction, .family, .protocols, .source, .sourcePort, .destination] {
      f[m] = .reordered
    }
    f[.destinationPort] = .reordered
    return f
  }

  public init() {}

  public func run(_ ruleset: Ruleset, context: PassContext) throws -> (Ruleset, [PassChange]) {
    guard ruleset.language == .pf else { return (ruleset, []) }
    let (lines, split) = WrittenLine.lines(of: ruleset)
    var order = Array(lines.indices)
    var changes: [PassChange] = []
    for run in Reordering.runs(lines, in: ruleset, split: split, context: context, sameTemplate: true) {
      // Each field's values numbered in order of first appearance: sorting by the numbers
      // puts equal values together and keeps the first-written value first.
      var ids = [[Match?: Int]](repeating: [:], count: EvaluationCost.skipFieldCount)
      var keys: [Int: [Int]] = [:]
      for k in run {
        let fields = EvaluationCost.skipFields(ruleset.rules[lines[k].rules.lowerBound].match)
        keys[k] = fields.enumerated().map { f, value in
          if let id = ids[f][value] { return id }
          ids[f][value] = ids[f].count
          return ids[f].count - 1
        }
      }
      let sorted = run.sorted { a, b in
        let (x, y) = (keys[a]!, keys[b]!)
        return x.lexicographicallyPrecedes(y) || (x == y && a < b)
      }
      guard sorted != Array(run) else { continue }
      order.replaceSubrange(run, with: sorted)
      let first = lines[run.lowerBound].location
      let last = lines[run.upperBound - 1].location
      changes.append(
        PassChange(
          pass: Self.name, origin: [first],
          reason: "lines \(first.line)-\(last.line) reordered so that pf's skip steps jump over more rules"))
    }
    guard !changes.isEmpty else { return (ruleset, []) }
    let out = Reordering.apply(order, lines: lines, to: ruleset)
    if let packets = context.packets, !packets.isEmpty {
      let env = AddressEnvironment(tables: ruleset.tables, host: context.host)
      let before = EvaluationCost(ruleset: ruleset, environment: env).average(packets)
      let after = EvaluationCost(ruleset: out, environment: env).average(packets)
      if after > before { return (ruleset, []) }
    }
    return (out, changes)
  }
}
