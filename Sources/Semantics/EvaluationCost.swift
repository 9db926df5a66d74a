import FirewallIR

/// How many rules of a ruleset's main list a packet meets before its verdict is known, and
/// which rule decides it: the measure `fwc optimize --report --profile` gives before and after.
///
/// The walk is stateless (every packet as the first of its flow) and covers the filter rules
/// of the main list: pf with its skip steps (a rule that fails on the interface, direction,
/// family, protocol, an address or a port jumps to the next rule that differs there), ipfilter
/// rule by rule until a `quick` match, ipfw until the first deciding match. An anchor or call
/// counts as one rule. Rulesets with ipfw `skipto` or `call`, or ipf `skip`, are not measured.
public final class EvaluationCost {
  public let ruleset: Ruleset
  let reader: MatchReader
  /// Positions in the main list of the rules walked, in order.
  let walked: [Int]
  /// Per walked rule, the parts of its match pf keeps skip steps for (nil: any).
  let fields: [[Match?]]
  /// Per skip-step field, per walked rule: where a failure there continues.
  let skips: [[Int32]]
  let firstMatch: Bool

  /// False for rulesets the walk cannot measure (ipfw `skipto`/`call`, ipf `skip`).
  public let supported: Bool

  /// The number of skip-step fields pf keeps: interface, direction, family, protocol, source
  /// address, source port, destination address, destination port.
  public static let skipFieldCount = 8

  public init(ruleset: Ruleset, environment: AddressEnvironment) {
    self.ruleset = ruleset
    reader = MatchReader(environment: environment)
    let firstMatch = ruleset.evaluation == .firstMatch
    self.firstMatch = firstMatch
    walked = ruleset.rules.indices.filter { firstMatch || ruleset.rules[$0].phase == .filter }
    // Jumps by number (ipfw) or by count (ipf `skip`) are not walked.
    supported = !ruleset.rules.contains {
      switch $0.action {
      case .skip, .external("skipto", _, _), .external("call", _, _): return true
      case .call: return ruleset.language != .pf
      default: return false
      }
    }
    let skipSteps = ruleset.language == .pf
    let fields = walked.map { Self.skipFields(ruleset.rules[$0].match) }
    self.fields = fields
    var skips: [[Int32]] = []
    if skipSteps {
      let n = fields.count
      for k in 0..<Self.skipFieldCount {
        var s = [Int32](repeating: Int32(n), count: n)
        var i = n - 1
        while i >= 0 {
          if i + 1 < n {
            s[i] = fields[i + 1][k] == fields[i][k] ? s[i + 1] : Int32(i + 1)
          }
          i -= 1
        }
        skips.append(s)
      }
    }
    self.skips = skips
  }

  /// A match's parts pf keeps skip steps for, one `Match` each (nil where it matches anything).
  public static func skipFields(_ m: Match) -> [Match?] {
    var out: [Match?] = Array(repeating: nil, count: skipFieldCount)
    func field(_ k: Int, _ set: (inout Match) -> Void) {
      var x = Match()
      set(&x)
      if x != Match() { out[k] = x }
    }
    field(0) {
      $0.interface = m.interface
      $0.interfaceNegated = m.interfaceNegated
    }
    field(1) { $0.direction = m.direction }
    field(2) { $0.family = m.family }
    field(3) { $0.protocols = m.protocols }
    field(4) { $0.source = m.source }
    field(5) { $0.sourcePort = m.sourcePort }
    field(6) { $0.destination = m.destination }
    field(7) { $0.destinationPort = m.destinationPort }
    return out
  }

  static func decides(_ a: Action) -> Bool {
    switch a {
    case .pass, .block, .translate, .external(_, _, decides: true): return true
    default: return false
    }
  }

  /// The rules evaluated for `p`, and the main-list position of the rule that decides it
  /// (nil: no rule does, the default applies).
  public func walk(_ p: Packet) -> (evaluated: Int, decider: Int?) {
    var evaluated = 0
    var decider: Int? = nil
    var i = 0
    let n = walked.count
    next: while i < n {
      evaluated += 1
      let r = ruleset.rules[walked[i]]
      if !skips.isEmpty {
        for k in 0..<Self.skipFieldCount {
          if let f = fields[i][k], !reader.matches(f, p) {
            i = Int(skips[k][i])
            continue next
          }
        }
      }
      if reader.matches(r.match, p) && Self.decides(r.action) {
        decider = walked[i]
        if firstMatch || r.quick { break }
      }
      i += 1
    }
    return (evaluated, decider)
  }

  /// The average number of rules evaluated over `packets`.
  public func average(_ packets: [Packet]) -> Double {
    guard !packets.isEmpty else { return 0 }
    var total = 0
    for p in packets { total += walk(p).evaluated }
    return Double(total) / Double(packets.count)
  }
}
