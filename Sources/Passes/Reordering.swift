import FirewallIR

/// What the reordering passes share: which written lines may move, what must stay equal for
/// two lines to trade places, and how a new order of lines becomes the output.
enum Reordering {
  /// What a rule does besides its match: two lines whose rules all have one template decide
  /// every packet they both match alike, whichever comes first.
  static func template(_ r: Rule) -> Rule {
    var t = r
    t.match = Match()
    t.origin = []
    t.number = nil
    return t
  }

  /// A line's rules share one template; that template, or nil when they do not.
  static func template(_ line: WrittenLine, in ruleset: Ruleset) -> Rule? {
    let t = template(ruleset.rules[line.rules.lowerBound])
    for i in line.rules.dropFirst() where template(ruleset.rules[i]) != t { return nil }
    return t
  }

  /// Whether two rules decide every packet they both match alike: one template, and no
  /// feature whose value the IR does not hold (two `route-to` rules may route differently).
  static func decideAlike(_ a: Rule, _ b: Rule) -> Bool {
    a.features.isEmpty && b.features.isEmpty && template(a) == template(b)
  }

  /// A line that may move at all: pass or block filter rules of the main list, with no tags
  /// (a later `tagged` rule may read them), not a group's head, not ipfw's default rule, on a
  /// line the output holds.
  static func movable(_ line: WrittenLine, in ruleset: Ruleset, split: Set<WrittenLine.Key>, context: PassContext)
    -> Bool
  {
    guard !split.contains(line.key), context.mayEdit(line.location) else { return false }
    for i in line.rules {
      let r = ruleset.rules[i]
      switch r.action {
      case .pass, .block: break
      default: return false
      }
      guard r.phase == .filter, r.head == nil, r.tag == nil, r.match.tagged == nil, !r.origin.isEmpty,
        r.number != 65535
      else { return false }
    }
    if ruleset.language == .ipfw && line.rules.count != 1 { return false }
    return true
  }

  /// The runs of lines that may trade places: next to each other with only comments between
  /// in the text, movable, in one file (and, with `sameTemplate`, deciding alike).
  static func runs(
    _ lines: [WrittenLine], in ruleset: Ruleset, split: Set<WrittenLine.Key>, context: PassContext,
    sameTemplate: Bool, barrier: (WrittenLine) -> Bool = { _ in false }
  ) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var start: Int? = nil
    var startTemplate: Rule? = nil
    func close(_ end: Int) {
      if let s = start, end - s > 1 { out.append(s..<end) }
      start = nil
    }
    for (k, line) in lines.enumerated() {
      guard movable(line, in: ruleset, split: split, context: context), !barrier(line),
        let t = template(line, in: ruleset), !sameTemplate || ruleset.rules[line.rules].allSatisfy(\.features.isEmpty)
      else {
        close(k)
        continue
      }
      if let s = start, lines[s].location.fileID == line.location.fileID,
        context.adjacentInText?(lines[k - 1].key, line.key) ?? true,
        !sameTemplate || startTemplate == t
      {
        continue
      }
      close(k)
      start = k
      startTemplate = t
    }
    close(lines.count)
    return out
  }

  /// The ruleset with its lines in `order` (indexes into `lines`). ipfw rules take the numbers
  /// of the places they move to, so that numbers keep rising.
  static func apply(_ order: [Int], lines: [WrittenLine], to ruleset: Ruleset) -> Ruleset {
    var out = ruleset
    out.rules = []
    out.rules.reserveCapacity(ruleset.rules.count)
    for (slot, k) in order.enumerated() {
      let from = lines[k].rules
      if ruleset.language == .ipfw, from.count == 1, lines[slot].rules.count == 1 {
        var r = ruleset.rules[from.lowerBound]
        r.number = ruleset.rules[lines[slot].rules.lowerBound].number
        out.rules.append(r)
      } else {
        out.rules += ruleset.rules[from]
      }
    }
    return out
  }
}
