import FirewallIR

/// One problem `fwc lint` found: which rule of the catalog, how serious, where, the other
/// places involved, an example packet when one proves it, and a fix when the fix is mechanical.
public struct LintFinding: Sendable, Hashable {
  /// Another place the finding involves (a shadowing rule, the first definition …).
  public struct Related: Sendable, Hashable {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
      self.location = location
      self.message = message
    }
  }

  /// A mechanical fix: replace the text from `start` to `end` (exclusive, on one line) with
  /// `replacement`; a whole-line deletion has `start` at column 1 and `end` at the next line.
  public struct Fix: Sendable, Hashable {
    public var description: String
    public var start: SourceLocation
    public var end: SourceLocation
    public var replacement: String

    public init(_ description: String, start: SourceLocation, end: SourceLocation, replacement: String) {
      self.description = description
      self.start = start
      self.end = end
      self.replacement = replacement
    }

    /// Deletes the whole line of `location`.
    public static func deleteLine(_ description: String, at location: SourceLocation) -> Fix {
      Fix(
        description, start: SourceLocation(fileID: location.fileID, line: location.line, column: 1),
        end: SourceLocation(fileID: location.fileID, line: location.line + 1, column: 1), replacement: "")
    }
  }

  public var id: String
  public var severity: Severity
  public var message: String
  public var location: SourceLocation?
  public var related: [Related]
  /// An example packet, in the words `fwc trace --packet` reads.
  public var example: String?
  public var fix: Fix?

  public init(
    id: String, severity: Severity, message: String, location: SourceLocation?, related: [Related] = [],
    example: String? = nil, fix: Fix? = nil
  ) {
    self.id = id
    self.severity = severity
    self.message = message
    self.location = location
    self.related = related
    self.example = example
    self.fix = fix
  }
}

/// What the catalog says about one lint rule.
public struct LintRuleInfo: Sendable {
  /// The stable identifier, used in suppressions, `--disable` and SARIF.
  public var id: String
  public var severity: Severity
  /// One line: what the rule finds.
  public var summary: String
  /// Why it matters and how to fix it, with an example that fires.
  public var help: String
  /// The languages the rule reads.
  public var languages: Set<Language>
  /// Rules that run only when asked for (`--enable`).
  public var enabledByDefault: Bool

  public init(
    id: String, severity: Severity, summary: String, help: String, languages: Set<Language> = Set(Language.allCases),
    enabledByDefault: Bool = true
  ) {
    self.id = id
    self.severity = severity
    self.summary = summary
    self.help = help
    self.languages = languages
    self.enabledByDefault = enabledByDefault
  }
}

/// A lint rule: one check, one type.
public protocol LintRule: Sendable {
  init()
  static var info: LintRuleInfo { get }
  func check(_ subject: LintSubject) -> [LintFinding]
}

extension LintRule {
  /// A finding of this rule at its default severity.
  func finding(
    _ message: String, at location: SourceLocation?, related: [LintFinding.Related] = [], example: String? = nil,
    fix: LintFinding.Fix? = nil
  ) -> LintFinding {
    LintFinding(
      id: Self.info.id, severity: Self.info.severity, message: message, location: location, related: related,
      example: example, fix: fix)
  }
}
