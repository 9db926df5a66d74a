import FirewallIR

/// Joins runs of written lines that differ in one list only — destination or source ports,
/// ICMP types, source or destination addresses — into one rule with the list, as pfctl's
/// optimizer does. Address lists are aggregated into the fewest CIDR blocks, and lists of
/// `tableThreshold` entries or more become a table. The run's rules sit next to each other and
/// decide alike, so the joined rule decides every packet as they did, under either evaluation
/// order; what its text reads back as is checked against it before the lines are replaced.
///
/// Rules that count what they match (state limits, probability), carry features fwc does not
/// write (labels, queues, route-to), or sit in ipfw rulesets with `skipto`/`call` (whose
/// targets are rule numbers) are left alone. ipfilter rules have no lists; pools are not made.
public struct MergeIntoLists: OptimizationPass {
  public static let name = "merge-lists"
  public static var fields: [RuleField: FieldUse] {
    var f = deletesWholeRules
    for m in [RuleField.source, .destination, .sourcePort, .destinationPort, .icmpType] { f[m] = .merged }
    return f
  }

  public init() {}

  /// The most port ranges one rule gets (ipfw's limit is about 30).
  static let maxPorts = 24

  public func run(_ ruleset: Ruleset, context: PassContext) throws -> (Ruleset, [PassChange]) {
    guard ruleset.language != .ipf else { return (ruleset, []) }
    if ruleset.language == .ipfw,
      ruleset.rules.contains(where: {
        switch $0.action {
        case .skip, .call: return true
        default: return false
        }
      })
    {
      return (ruleset, [])
    }
    let (lines, split) = WrittenLine.lines(of: ruleset)
    var out = ruleset
    out.rules = []
    out.rules.reserveCapacity(ruleset.rules.count)
    var changes: [PassChange] = []
    var tableNumber = 0

    /// The line as one rule this pass may join, if it is one.
    func candidate(_ line: WrittenLine) -> Rule? {
      guard !split.contains(line.key), let r = line.single(in: ruleset, maxList: 1 << 12) else { return nil }
      switch r.action {
      case .pass, .block: break
      default: return nil
      }
      guard r.phase == .filter, r.head == nil, r.features.isEmpty, r.comment == nil, r.stateLimits == nil,
        r.match.probability == nil, r.number != 65535
      else { return nil }
      return r
    }

    var run: [WrittenLine] = []
    var joined: Rule? = nil
    func flush() {
      defer {
        run = []
        joined = nil
      }
      guard run.count > 1, let merged = joined else {
        for line in run { out.rules += ruleset.rules[line.rules] }
        return
      }
      if let (rule, tables, text) = finish(merged, first: ruleset.rules[run[0].rules.lowerBound], context: context) {
        out.rules.append(rule)
        for t in tables { out.tables[t.name] = t }
        let others = run.dropFirst().map { "\($0.location.line)" }.joined(separator: ", ")
        let what = tables.first.map { ", its addresses in table <\($0.name)> (\($0.entries.count) entries)" } ?? ""
        changes.append(
          PassChange(
            pass: Self.name, origin: rule.origin,
            reason: "merged with line\(run.count > 2 ? "s" : "") \(others) into one rule\(what)", text: text))
        for line in run.dropFirst() {
          changes.append(
            PassChange(
              pass: Self.name, origin: ruleset.rules[line.rules.lowerBound].origin,
              reason: "merged into line \(run[0].location.line)"))
        }
      } else {
        for line in run { out.rules += ruleset.rules[line.rules] }
      }
    }

    /// A fresh table name.
    func tableName() -> String {
      repeat { tableNumber += 1 } while ruleset.tables["fwc_auto_\(tableNumber)"] != nil
      return "fwc_auto_\(tableNumber)"
    }

    /// The joined rule with its addresses aggregated (and in a table past the threshold), and
    /// its text; nil when it cannot be written back.
    func finish(_ merged: Rule, first: Rule, context: PassContext) -> (Rule, [Table], String?)? {
      var rule = merged
      var grown: WritableKeyPath<Match, AddressMatch>? = nil
      for f in [\Match.source, \Match.destination]
      where merged.match[keyPath: f].terms.count > first.match[keyPath: f].terms.count {
        grown = f
      }
      if let f = grown {
        let networks = rule.match[keyPath: f].terms.compactMap { t -> IPNetwork? in
          if case .network(let n) = t { return n } else { return nil }
        }
        let aggregated = IPNetwork.aggregated(networks)
        rule.match[keyPath: f] = AddressMatch(aggregated.map { .network($0) })
        if aggregated.count >= context.tableThreshold {
          let name = tableName()
          let table = Table(name: name, entries: aggregated.map { .network($0) }, origin: first.origin.first)
          var viaTable = rule
          viaTable.match[keyPath: f] = AddressMatch([.table(name)])
          guard let render = context.render else { return (viaTable, [table], nil) }
          if let text = render(viaTable, [table], first.origin[0]) { return (viaTable, [table], text) }
          tableNumber -= 1
        }
      }
      guard let render = context.render else { return (rule, [], nil) }
      guard let text = render(rule, [], first.origin[0]) else { return nil }
      return (rule, [], text)
    }

    for line in lines {
      guard let r = candidate(line) else {
        flush()
        out.rules += ruleset.rules[line.rules]
        continue
      }
      if let j = joined, let next = j.joined(with: r, maxList: 1 << 12, sameOrigin: false),
        (next.match.destinationPort?.count ?? 0) <= Self.maxPorts, (next.match.sourcePort?.count ?? 0) <= Self.maxPorts
      {
        joined = next
        run.append(line)
        continue
      }
      flush()
      run = [line]
      joined = r
    }
    flush()
    return (out, changes)
  }
}
