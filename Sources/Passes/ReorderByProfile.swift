import FirewallIR
import PacketSets
import Semantics

/// Moves the rules that decide the most packets of a capture (`--profile`) towards the front,
/// so that first-match evaluation (ipfw, and `quick` rules) stops sooner. A line moves up past
/// a neighbour only when no packet can tell: both have one template (they decide alike) or no
/// packet matches both (exact, with packet sets). Each move is such a swap of neighbours, so
/// the new order decides every packet as the old one did.
///
/// ipfw's first `keep-state`, `limit` or `check-state` rule stays in place: that is where ipfw
/// looks up its dynamic rules. Rules with features whose values the IR does not hold (route-to
/// targets, labels) pass others only when no packet matches both.
public struct ReorderByProfile: OptimizationPass {
  public static let name = "profile-order"
  public static var fields: [RuleField: FieldUse] {
    var f = deletesWholeRules
    for m in [
      RuleField.interface, .direction, .family, .protocols, .source, .sourcePort, .destination, .destinationPort,
      .tcpFlags, .icmpType, .icmpCode, .tos, .user, .group, .conditions, .fragment, .action, .quick, .state,
      .stateLimits, .log, .options, .number,
    ] {
      f[m] = .reordered
    }
    return f
  }

  public init() {}

  public func run(_ ruleset: Ruleset, context: PassContext) throws -> (Ruleset, [PassChange]) {
    guard ruleset.language != .pf, let capture = context.packets, !capture.isEmpty else { return (ruleset, []) }
    let env = AddressEnvironment(tables: ruleset.tables, host: context.host)
    let cost = EvaluationCost(ruleset: ruleset, environment: env)
    guard cost.supported else { return (ruleset, []) }
    var hitsAt = [Int](repeating: 0, count: ruleset.rules.count)
    for p in capture {
      if let d = cost.walk(p).decider { hitsAt[d] += 1 }
    }
    let (lines, split) = WrittenLine.lines(of: ruleset)
    let hits = lines.map { $0.rules.reduce(0) { $0 + hitsAt[$1] } }
    guard hits.contains(where: { $0 > 0 }) else { return (ruleset, []) }

    let analysis = Reachability.analyse(ruleset, host: context.host)
    var unitAt: [Int: Int] = [:]
    for (i, u) in analysis.units.enumerated() { if let p = u.position { unitAt[p] = i } }
    let m = analysis.space.manager
    /// The packets a line matches, exactly; nil when they are not known exactly.
    var packetsOf: [Int: BDD?] = [:]
    func packets(_ k: Int) -> BDD? {
      if let b = packetsOf[k] { return b }
      var all = BDD.empty
      var exact = true
      for i in lines[k].rules {
        guard let u = unitAt[i], analysis.units[u].effect != nil, let b = analysis.units[u].packets else {
          exact = false
          break
        }
        all = m.or(all, b)
      }
      packetsOf[k] = exact ? all : nil
      return exact ? all : nil
    }
    let templates = lines.indices.map { Reordering.template(lines[$0], in: ruleset) }
    func canSwap(_ a: Int, _ b: Int) -> Bool {
      if let t = templates[a], t == templates[b],
        ruleset.rules[lines[a].rules].allSatisfy(\.features.isEmpty),
        ruleset.rules[lines[b].rules].allSatisfy(\.features.isEmpty)
      {
        return true
      }
      guard let x = packets(a), let y = packets(b) else { return false }
      return m.and(x, y) == .empty
    }
    // ipfw looks its dynamic rules up at the first rule that keeps or checks state.
    let stateLookup =
      ruleset.language == .ipfw
      ? ruleset.rules.firstIndex {
        if case .checkState = $0.action { return true }
        return $0.state == .keep || $0.state == .limit
      } : nil
    let barrier: (WrittenLine) -> Bool = { line in stateLookup.map { line.rules.contains($0) } ?? false }
    var order = Array(lines.indices)
    var changes: [PassChange] = []
    for run in Reordering.runs(
      lines, in: ruleset, split: split, context: context, sameTemplate: false, barrier: barrier)
    {
      var placed: [Int] = []
      for k in run {
        placed.append(k)
        var j = placed.count - 1
        while j > 0, hits[placed[j - 1]] < hits[k], canSwap(placed[j - 1], k) {
          placed.swapAt(j - 1, j)
          j -= 1
        }
      }
      for (j, k) in placed.enumerated() where run.lowerBound + j < k {
        changes.append(
          PassChange(
            pass: Self.name, origin: [lines[k].location],
            reason: "moved up \(k - run.lowerBound - j) place(s): it decides \(hits[k]) packet(s) of the profile"))
      }
      order.replaceSubrange(run, with: placed)
    }
    guard !changes.isEmpty else { return (ruleset, []) }
    return (Reordering.apply(order, lines: lines, to: ruleset), changes)
  }
}
