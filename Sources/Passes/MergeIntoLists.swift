import FirewallIR

/// Joins runs of written lines that differ in one list only — destination or source ports,
/// ICMP types, source or destination addresses — into one rule with the list, as pfctl's
/// optimizer does. A line joins a run across lines between when it may move up past them:
/// they are plain pass or block rules that decide as it does or share no packet with it. Address lists are aggregated into the fewest CIDR blocks, and lists of
/// `tableThreshold` entries or more become a table. The run's rules sit next to each other and
/// decide alike, so the joined rule decides every packet as they did, under either evaluation
/// order; what its text reads back as is checked against it before the lines are replaced.
///
/// Rules that count what they match (state limits, probability), carry features fwc does not
/// write (labels, queues, route-to), or sit in ipfw rulesets with `skipto`/`call` (whose
/// targets are rule numbers) are left alone. ipfilter writes lists as `{ a, b }` and tables as
/// anonymous pools, `pool=( … )`, in the rule itself.
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
  /// How many lines past the run's last line a joining line is looked for.
  static let lookAhead = 16

  public func run(_ ruleset: Ruleset, context: PassContext) throws -> (Ruleset, [PassChange]) {
    // Jumps by number (ipfw `skipto`, `call`) or by count (ipf `skip`) would land elsewhere.
    if ruleset.language != .pf,
      ruleset.rules.contains(where: {
        switch $0.action {
        case .skip, .call, .external("skipto", _, _), .external("call", _, _): return true
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
      guard !split.contains(line.key), context.mayEdit(line.location),
        let r = line.single(in: ruleset, maxList: 1 << 12)
      else { return nil }
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
    /// Writes the run as its joined rule; false (nothing written) when it cannot be.
    func merge() -> Bool {
      guard run.count > 1, let merged = joined,
        let (rule, tables, text) = finish(merged, first: ruleset.rules[run[0].rules.lowerBound], context: context)
      else { return false }
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
      return true
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

    /// Whether `r` may move up past every rule of `line`: plain pass or block rules (no state
    /// lookup, no rewriting, so the packets `r` meets stay the same) that decide as `r` does or
    /// share no packet with it.
    func canHop(_ r: Rule, over line: WrittenLine) -> Bool {
      guard !split.contains(line.key) else { return false }
      return ruleset.rules[line.rules].allSatisfy { s in
        switch s.action {
        case .pass, .block: break
        default: return false
        }
        guard s.phase == .filter, s.head == nil, !s.origin.isEmpty else { return false }
        if ruleset.language == .ipfw && s.state != .none { return false }
        return Reordering.decideAlike(s, r) || s.match.isDisjoint(from: r.match)
      }
    }
    /// Joins `r` to the run, if it joins and stays within the port limits.
    func joining(_ r: Rule) -> Rule? {
      guard let j = joined, let next = j.joined(with: r, maxList: 1 << 12, sameOrigin: false),
        (next.match.destinationPort?.count ?? 0) <= Self.maxPorts, (next.match.sourcePort?.count ?? 0) <= Self.maxPorts
      else { return nil }
      return next
    }

    var k = 0
    while k < lines.count {
      guard let r = candidate(lines[k]) else {
        out.rules += ruleset.rules[lines[k].rules]
        k += 1
        continue
      }
      run = [lines[k]]
      joined = r
      // Later lines join the run when they may move up past the lines between (which stay
      // after the joined rule); the look-ahead stops at the first line they could not pass.
      var between: [Int] = []
      var next = k + 1
      var last = k
      while next < lines.count && next - last <= Self.lookAhead {
        if let c = candidate(lines[next]), let j = joining(c),
          between.allSatisfy({ canHop(c, over: lines[$0]) })
        {
          joined = j
          run.append(lines[next])
          last = next
        } else {
          between.append(next)
        }
        next += 1
      }
      if merge() {
        for b in between where b < last { out.rules += ruleset.rules[lines[b].rules] }
      } else {
        for i in k...last { out.rules += ruleset.rules[lines[i].rules] }
      }
      k = last + 1
    }
    return (out, changes)
  }
}
