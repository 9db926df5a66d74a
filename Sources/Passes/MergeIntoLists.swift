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
    func canHop(_ r: Rule, template t: Rule, over line: WrittenLine) -> Bool {
      guard !split.contains(line.key) else { return false }
      for i in line.rules {
        let s = ruleset.rules[i]
        switch s.action {
        case .pass, .block: break
        default: return false
        }
        guard s.phase == .filter, s.head == nil, !s.origin.isEmpty else { return false }
        if ruleset.language == .ipfw && s.state != .none { return false }
        if r.features.isEmpty && s.features.isEmpty && template(at: i) == t { continue }
        if !s.match.isDisjoint(from: r.match) { return false }
      }
      return true
    }
    /// Rule templates by position, made once.
    var templates: [Int: Rule] = [:]
    func template(at i: Int) -> Rule {
      if let t = templates[i] { return t }
      let t = Reordering.template(ruleset.rules[i])
      templates[i] = t
      return t
    }
    /// Joins `r` to the run, if it joins and stays within the port limits.
    func joining(_ r: Rule) -> Rule? {
      guard let j = joined, let next = j.joined(with: r, maxList: 1 << 12, sameOrigin: false),
        (next.match.destinationPort?.count ?? 0) <= Self.maxPorts, (next.match.sourcePort?.count ?? 0) <= Self.maxPorts
      else { return nil }
      return next
    }

    // Lines joined into an earlier run are gone from their places; the lines a run passed
    // over stay where they were and start runs of their own.
    var consumed = [Bool](repeating: false, count: lines.count)
    let candidates = lines.map(candidate)
    // Lines join only when all but one list is equal: their templates first of all (compared
    // by hash before anything is copied).
    let candidateTemplates = candidates.map { $0.map(Reordering.template) }
    let templateHashes = candidateTemplates.map { $0?.hashValue ?? 0 }
    for k in lines.indices where !consumed[k] {
      guard let r = candidates[k] else {
        out.rules += ruleset.rules[lines[k].rules]
        continue
      }
      run = [lines[k]]
      joined = r
      // Later lines join the run when they may move up past the lines between (which stay
      // after the joined rule); the look-ahead ends 16 lines after the last line joined.
      var between: [Int] = []
      var members: [Int] = []
      var next = k + 1
      var last = k
      while next < lines.count && next - last <= Self.lookAhead {
        defer { next += 1 }
        guard !consumed[next] else { continue }
        if let c = candidates[next], let t = candidateTemplates[next], templateHashes[next] == templateHashes[k],
          let j = joining(c), between.allSatisfy({ canHop(c, template: t, over: lines[$0]) })
        {
          joined = j
          run.append(lines[next])
          members.append(next)
          last = next
        } else {
          between.append(next)
        }
      }
      if merge() {
        for m in members { consumed[m] = true }
      } else {
        out.rules += ruleset.rules[lines[k].rules]
      }
    }
    return (out, changes)
  }
}
