import FirewallIR
import PFSyntax
import PacketSets
import Semantics

/// Everything a lint rule reads about one ruleset: the rules in the IR, the files they came
/// from (for columns and suppressions), what the front end saw beyond the IR (pf macros and
/// `load anchor` lines), the host, and the exact analyses, computed once on first use.
public final class LintSubject {
  public let ruleset: Ruleset
  public let files: [SourceFile]
  public let host: HostContext
  /// pf only: the parsed configuration (macros, anchors loaded from files).
  public let pfConfig: PFConfig?

  public init(ruleset: Ruleset, files: [SourceFile], host: HostContext, pfConfig: PFConfig? = nil) {
    self.ruleset = ruleset
    self.files = files
    self.host = host
    self.pfConfig = pfConfig
  }

  public var language: Language { ruleset.language }

  /// The rules of the main list and of every anchor or group.
  public lazy var allRules: [Rule] =
    ruleset.rules
    + ruleset.subrulesets.keys.sorted().flatMap {
      ruleset.subrulesets[$0]!
    }

  /// The tables and the host; a table defined without entries is filled at run time, so its
  /// contents are unknown (not empty).
  public lazy var environment = AddressEnvironment(
    tables: ruleset.tables.filter { !($0.value.entries.isEmpty && $0.value.excluded.isEmpty) }, host: host)

  /// One packet space for every analysis of this ruleset.
  public lazy var space: PacketSpace = {
    RuleReachability.space(for: ruleset, host: host)
  }()

  /// The analysed units of each written line.
  lazy var unitsByLine: [SourceLocation: [Int]] = {
    var out: [SourceLocation: [Int]] = [:]
    for (i, u) in reachability.units.enumerated() where u.effect != nil {
      if let l = location(u.rule) { out[l, default: []].append(i) }
    }
    return out
  }()

  /// Which rules decide which packets (dead and redundant rules).
  public lazy var reachability = RuleReachability(ruleset: ruleset, space: space, environment: environment)

  /// The ruleset's decisions for every first packet, or why packet sets cannot follow it.
  public lazy var decisions: Result<DecisionSets, UnmodeledRule> = {
    do throws(UnmodeledRule) {
      return .success(try DecisionSets(ruleset: ruleset, space: space, environment: environment))
    } catch {
      return .failure(error)
    }
  }()

  /// Where a rule was written (its first origin), if anywhere.
  public func location(_ r: Rule) -> SourceLocation? { r.origin.first }

  /// A readable example packet from a set, in `fwc trace --packet` words.
  public func example(_ set: BDD) -> String? {
    space.readableExample(set, seed: 1).map { PacketSpec.format(Packet(example: $0)) }
  }

  /// The source file of a location.
  public func file(_ loc: SourceLocation) -> SourceFile? { files.first { $0.id == loc.fileID } }

  /// The text of a location's line.
  public func lineText(_ loc: SourceLocation) -> String { file(loc)?.lineText(loc.line) ?? "" }

  /// The location of the first occurrence of `word` on the line of `loc`, at or after its
  /// column; `loc` itself when the word is not there (it came from a macro or another line).
  public func locate(_ word: String, near loc: SourceLocation) -> SourceLocation {
    let bytes = Array(lineText(loc).utf8)
    let w = Array(word.utf8)
    guard !w.isEmpty, bytes.count >= w.count else { return loc }
    let from = max(0, loc.column - 1)
    var i = from
    while i + w.count <= bytes.count {
      if Array(bytes[i..<(i + w.count)]) == w {
        return SourceLocation(fileID: loc.fileID, line: loc.line, column: i + 1)
      }
      i += 1
    }
    return from > 0 ? locate(word, near: SourceLocation(fileID: loc.fileID, line: loc.line, column: 1)) : loc
  }

  /// A short description of a rule for messages: `rule at file:line`.
  public func describe(_ r: Rule) -> String {
    if let l = location(r) { return "the rule at \(l.file):\(l.line)" }
    if let n = r.number { return "rule \(n)" }
    return "the default rule"
  }
}

extension LintSubject {
  /// Where `text` is first written at or after `loc` (same line from its column, then the
  /// following lines, then the whole file), or nil.
  func find(_ text: String, from loc: SourceLocation) -> SourceLocation? {
    guard let f = file(loc), !text.isEmpty else { return nil }
    let w = Array(text.utf8)
    let lines = max(1, f.lineStarts.count)
    for line in Array(loc.line...max(loc.line, lines)) + Array(1..<loc.line) {
      let bytes = Array(f.lineText(line).utf8)
      var i = line == loc.line ? max(0, loc.column - 1) : 0
      while i + w.count <= bytes.count {
        if bytes[i] == w[0] && Array(bytes[i..<(i + w.count)]) == w {
          return SourceLocation(fileID: loc.fileID, line: line, column: i + 1)
        }
        i += 1
      }
    }
    return nil
  }
}
