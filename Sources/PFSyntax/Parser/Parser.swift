import FirewallIR

/// Reads pf.conf into a `PFConfig` the way pfctl reads it: one statement per line, macros
/// expanded as they are met, lists expanded into one rule per combination, defaults filled in,
/// and pfctl's consistency checks applied. Every error is located.
public struct PFParser {
  var lex: Lexer
  let hostContext: HostContext
  /// Reads an included file by path; nil when it cannot be read.
  let readFile: (String) -> SourceFile?
  var config = PFConfig()
  var diags = DiagnosticBag()
  /// The ruleset rules are added to (the main one, or an inline anchor's).
  var rulesets: [PFRuleset]
  var inlineAnchorCount = 0
  var blockPolicyReturn = false
  /// Location of the statement being parsed (for errors pfctl reports per line).
  var statementStart = SourceLocation(file: "", line: 1, column: 1)
  /// The `->` pool of the translation rule being read.
  var pendingTranslation: PoolSpec? = nil
  /// Whether the statement being read has consumed the end of its line.
  var lineEnded = false
  /// Scheduler of each interface with an `altq` line.
  var altqSchedulers: [String: String] = [:]
  /// Scheduler of each queue named by an `altq` or parent `queue` line.
  var queueSchedulers: [String: String] = [:]

  /// The result of parsing: the configuration, every diagnostic, and the files read.
  public struct Result {
    public var config: PFConfig
    public var diagnostics: [Diagnostic]
    public var files: [SourceFile]
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
  }

  /// Parses one pf.conf file.
  public static func parse(
    _ file: SourceFile, host: HostContext = .empty, readFile: @escaping (String) -> SourceFile? = { _ in nil }
  ) -> Result {
    var p = PFParser(file: file, host: host, readFile: readFile)
    p.parseAll()
    p.drainLexerDiagnostics()
    p.config.usedMacros = p.lex.usedMacros
    return Result(config: p.config, diagnostics: p.diags.all, files: p.lex.files)
  }

  init(file: SourceFile, host: HostContext, readFile: @escaping (String) -> SourceFile?) {
    self.lex = Lexer(file: file)
    self.hostContext = host
    self.readFile = readFile
    self.rulesets = []
    self.rulesets = [config.main]
  }

  var current: PFRuleset { rulesets[rulesets.count - 1] }

  // MARK: errors

  /// Thrown to abandon the current statement after an error was recorded.
  struct Abort: Error {}

  mutating func error(_ message: String, at loc: SourceLocation? = nil, id: String = "pf-syntax") -> Abort {
    diags.error(message, at: loc ?? statementStart, id: id)
    return Abort()
  }

  mutating func syntaxError(_ t: Token) -> Abort {
    let what: String
    switch t.kind {
    case .newline, .eof: what = "syntax error (unexpected end of line)"
    default: what = "syntax error (unexpected \(t))"
    }
    return error(what, at: t.location)
  }

  // MARK: token helpers

  mutating func peek() -> Token { lex.peek() }
  @discardableResult mutating func next() -> Token { lex.next() }

  mutating func accept(_ word: String) -> Bool {
    if lex.peekIsWord(word) {
      _ = lex.next()
      return true
    }
    return false
  }

  mutating func acceptPunct(_ c: Unicode.Scalar) -> Bool {
    if lex.peekKind() == .punct(UInt8(ascii: c)) {
      _ = lex.next()
      return true
    }
    return false
  }

  mutating func expect(_ word: String) throws {
    guard accept(word) else { throw syntaxError(peek()) }
  }

  mutating func expectPunct(_ c: Unicode.Scalar) throws {
    guard acceptPunct(c) else { throw syntaxError(peek()) }
  }

  /// A STRING in pfctl's grammar: an unquoted non-keyword word or a quoted string.
  mutating func string() throws -> Token {
    let t = peek()
    guard t.isString else { throw syntaxError(t) }
    return next()
  }

  /// A STRING or NUMBER, as text.
  mutating func stringOrNumber() throws -> Token {
    let t = peek()
    guard t.isString || t.kind == .number else { throw syntaxError(t) }
    return next()
  }

  mutating func number() throws -> Int64 {
    let t = peek()
    guard t.kind == .number else { throw syntaxError(t) }
    next()
    return t.number
  }

  mutating func skipNewlines() {
    while lex.peekKind() == .newline { next() }
  }

  /// Consumes the end of the statement.
  mutating func endOfLine() throws {
    let t = peek()
    if t.kind == .newline {
      next()
      lineEnded = true
      return
    }
    if t.kind == .eof || t.isPunct(UInt8(ascii: "}")) {
      lineEnded = true
      return
    }
    throw syntaxError(t)
  }

  // MARK: statements

  mutating func parseAll() {
    while true {
      skipNewlines()
      let t = peek()
      if t.kind == .eof { break }
      if t.isPunct(UInt8(ascii: "}")) {
        if rulesets.count > 1 { return }
        diags.error("syntax error (unexpected '}')", at: t.location, id: "pf-syntax")
        next()
        continue
      }
      statementStart = t.location
      lineEnded = false
      do {
        try statement()
      } catch {
        // Drop the rest of the statement's line unless the statement already consumed it.
        if !lineEnded { lex.skipLine() }
      }
      drainLexerDiagnostics()
    }
  }

  /// Moves the lexer's diagnostics into the parser's, keeping them in reading order.
  mutating func drainLexerDiagnostics() {
    for d in lex.diagnostics.all { diags.append(d) }
    lex.diagnostics = DiagnosticBag()
  }

  mutating func statement() throws {
    let t = peek()
    if t.kind == .word || t.kind == .quoted, lex.peek2().isPunct(UInt8(ascii: "=")) {
      return try macroDefinition()
    }
    guard t.kind == .word else { throw syntaxError(t) }
    switch t.text {
    case "include": try include()
    case "set": try option()
    case "table": try tableDefinition()
    case "altq": try altq()
    case "queue": try queueDefinition()
    case "ether": try etherRule()
    case "scrub": try filterRule()
    case "antispoof": try antispoof()
    case "anchor", "nat-anchor", "rdr-anchor", "binat-anchor": try anchorRule()
    case "load": try loadAnchor()
    case "pass", "block", "match": try filterRule()
    case "nat", "rdr", "binat": try translationRule()
    case "no":
      let n = lex.peek2()
      if n.isWord("scrub") { try filterRule() } else { try translationRule() }
    case "state", "source": try limiterDefinition()
    default:
      throw syntaxError(t)
    }
  }

  mutating func macroDefinition() throws {
    let nameTok = next()
    next()  // '='
    if nameTok.text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
      throw error("macro name cannot contain whitespace", at: nameTok.location)
    }
    var parts: [String] = []
    while true {
      let t = peek()
      if t.kind == .newline || t.kind == .eof { break }
      guard t.isString || t.kind == .number else { throw syntaxError(t) }
      parts.append(t.text)
      next()
    }
    guard !parts.isEmpty else { throw syntaxError(peek()) }
    let value = parts.joined(separator: " ")
    lex.macros[nameTok.text] = value
    config.macros[nameTok.text] = value
    if config.macroDefinitions[nameTok.text] == nil { config.macroDefinitions[nameTok.text] = nameTok.location }
    config.echo.append("\(nameTok.text) = \"\(value)\"")
    try endOfLine()
  }

  mutating func include() throws {
    next()
    let name = try string()
    guard lex.includeDepth < 64 else { throw error("include depth exceeded", at: name.location) }
    var file = readFile(name.text)
    if file == nil, !name.text.hasPrefix("/") {
      let base = lex.currentFile.name
      if let slash = base.lastIndex(of: "/") {
        file = readFile(String(base[...slash]) + name.text)
      }
    }
    guard let f = file else {
      throw error("cannot open include file \(name.text)", at: name.location, id: "pf-include")
    }
    if lex.peekKind() == .eof {
      lex.discardLookahead()
      lineEnded = true
    } else {
      try endOfLine()
    }
    lex.push(file: f)
  }

  mutating func loadAnchor() throws {
    next()
    try expect("anchor")
    let name = try string()
    try expect("from")
    let file = try string()
    config.loadAnchors.append((name.text, file.text))
    try endOfLine()
  }
}

extension Character {
  var asciiByte: UInt8 { asciiValue ?? 0 }
}
