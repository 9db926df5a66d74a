import FirewallIR

/// A written line of a ruleset: the rules of the main list expanded from it, next to each other.
public struct WrittenLine: Sendable {
  /// The line (file and line number; the column is the first rule's).
  public var location: SourceLocation
  /// The positions of its rules in the main list.
  public var rules: Range<Int>

  /// A key for a line: its file and number.
  public struct Key: Hashable, Sendable {
    public var fileID: Int32
    public var line: Int
    public init(_ l: SourceLocation) {
      fileID = l.fileID
      line = l.line
    }
  }

  public var key: Key { Key(location) }

  /// The main list's lines in order. A line whose rules are not next to each other (or that
  /// no line states) comes out as several pieces and is marked in `split`.
  public static func lines(of ruleset: Ruleset) -> (lines: [WrittenLine], split: Set<Key>) {
    var out: [WrittenLine] = []
    var seen: Set<Key> = []
    var split: Set<Key> = []
    for (i, r) in ruleset.rules.enumerated() {
      guard let loc = r.origin.first else {
        out.append(WrittenLine(location: SourceLocation(fileID: -1, line: -i - 1, column: 0), rules: i..<(i + 1)))
        continue
      }
      let key = Key(loc)
      if let last = out.last, last.key == key, last.rules.upperBound == i {
        out[out.count - 1].rules = last.rules.lowerBound..<(i + 1)
        continue
      }
      if !seen.insert(key).inserted { split.insert(key) }
      out.append(WrittenLine(location: loc, rules: i..<(i + 1)))
    }
    return (out, split)
  }

  /// The line's rules as one rule, when they are the expansion of lists pfctl writes one rule
  /// per entry (`port { 80, 443 }`).
  public func single(in ruleset: Ruleset, maxList: Int = 1 << 16) -> Rule? {
    var r = ruleset.rules[rules.lowerBound]
    for i in rules.dropFirst() {
      guard let j = r.joined(with: ruleset.rules[i], maxList: maxList, sameOrigin: true) else { return nil }
      r = j
    }
    return r
  }
}
