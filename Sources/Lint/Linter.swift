import FirewallIR

/// Runs the catalog over a subject: the rules enabled by default plus `enable`, minus
/// `disable`, then drops what in-file `fwc:disable` comments suppress, and sorts the findings
/// by place.
public struct Linter: Sendable {
  public var enabled: Set<String>
  public var disabled: Set<String>

  public init(enable: Set<String> = [], disable: Set<String> = []) {
    self.enabled = enable
    self.disabled = disable
  }

  /// Every rule of the catalog, in the order the documentation lists them.
  public static let catalog: [any LintRule.Type] = [
    SyntaxErrorRule.self,
    UndefinedMacroRule.self,
    UnusedMacroRule.self,
    UndefinedTableRule.self,
    UnusedTableRule.self,
    DuplicateTableRule.self,
    UndefinedAnchorRule.self,
    UnusedAnchorRule.self,
    UndefinedTagRule.self,
    UnusedTagRule.self,
    UndefinedInterfaceRule.self,
    ShadowedRule.self,
    ConflictingRule.self,
    RedundantRule.self,
    NeverMatchesRule.self,
    OverriddenByLaterRule.self,
    AfterCatchAllRule.self,
    SkiptoBackwardRule.self,
    SkiptoMissingRule.self,
    DuplicateRuleNumberRule.self,
    TranslationWithoutPassRule.self,
    RedirectTargetBlockedRule.self,
    OverlappingRedirectsRule.self,
    NatWithoutReturnRule.self,
    StatelessTCPPassRule.self,
    FlagsOnNonTCPRule.self,
    HostBitsSetRule.self,
    OverlappingEntriesRule.self,
    MissingAntispoofRule.self,
    MissingLoopbackSkipRule.self,
  ]

  /// The catalog entry of an ID.
  public static func info(_ id: String) -> LintRuleInfo? {
    catalog.first { $0.info.id == id }?.info
  }

  /// The rules that run: those enabled and reading the subject's language.
  public func activeRules(for language: Language) -> [any LintRule.Type] {
    Self.catalog.filter {
      let id = $0.info.id
      return $0.info.languages.contains(language) && !disabled.contains(id)
        && ($0.info.enabledByDefault || enabled.contains(id))
    }
  }

  /// Lints one ruleset; `parseDiagnostics` are the front end's, reported as findings.
  public func run(_ subject: LintSubject, parseDiagnostics: [Diagnostic] = []) -> [LintFinding] {
    var out: [LintFinding] = []
    let active = activeRules(for: subject.language)
    let ids = Set(active.map { $0.info.id })
    for d in parseDiagnostics {
      let f = SyntaxErrorRule.finding(from: d)
      if ids.contains(f.id) { out.append(f) }
    }
    for rule in active {
      out += rule.init().check(subject)
    }
    let suppressions = Suppressions(files: subject.files)
    out = out.filter { !suppressions.suppresses($0) }
    var seen = Set<LintFinding>()
    out = out.filter { seen.insert($0).inserted }
    return out.sorted(by: Self.order)
  }

  /// Findings by file, line, column, then ID.
  static func order(_ a: LintFinding, _ b: LintFinding) -> Bool {
    let ka = (a.location?.file ?? "", a.location?.line ?? 0, a.location?.column ?? 0, a.id)
    let kb = (b.location?.file ?? "", b.location?.line ?? 0, b.location?.column ?? 0, b.id)
    return ka < kb
  }
}

/// In-file suppressions: `# fwc:disable=ID[,ID…]` at the end of a line silences those
/// findings on that line; on a line of its own, on the next line that is not a comment;
/// `# fwc:disable-file=ID[,ID…]` silences them in the whole file. `all` names every ID.
struct Suppressions {
  var byLine: [Int32: [Int: Set<String>]] = [:]
  var byFile: [Int32: Set<String>] = [:]

  init(files: [SourceFile]) {
    for f in files {
      var pending: Set<String> = []
      for line in 1...max(1, f.lineStarts.count) {
        let text = f.lineText(line)
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        let isComment = trimmed.hasPrefix("#") || trimmed.hasPrefix("//")
        if let (ids, wholeFile) = Self.parse(text) {
          if wholeFile {
            byFile[f.id, default: []].formUnion(ids)
          } else if isComment {
            pending.formUnion(ids)
            continue
          } else {
            byLine[f.id, default: [:]][line, default: []].formUnion(ids)
          }
        }
        if !isComment && !trimmed.isEmpty && !pending.isEmpty {
          byLine[f.id, default: [:]][line, default: []].formUnion(pending)
          pending = []
        }
      }
    }
  }

  static func parse(_ line: String) -> (Set<String>, Bool)? {
    for (marker, whole) in [("fwc:disable-file=", true), ("fwc:disable=", false)] {
      guard let r = line.range(of: marker) else { continue }
      let rest = line[r.upperBound...].prefix { !$0.isWhitespace }
      return (Set(rest.split(separator: ",").map(String.init)), whole)
    }
    return nil
  }

  func suppresses(_ f: LintFinding) -> Bool {
    guard let loc = f.location else { return false }
    let matches = { (ids: Set<String>) in ids.contains(f.id) || ids.contains("all") }
    if let ids = byFile[loc.fileID], matches(ids) { return true }
    if let ids = byLine[loc.fileID]?[loc.line], matches(ids) { return true }
    return false
  }
}
