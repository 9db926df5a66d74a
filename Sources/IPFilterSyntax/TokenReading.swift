import FirewallIR

/// Thrown to abandon a statement after its error was recorded.
struct IPFAbort: Error {}

/// Token helpers shared by the ipf, ipnat and ippool parsers.
protocol IPFTokenReading {
  var lex: IPFLexer { get set }
  var diags: DiagnosticBag { get set }
  var statementStart: SourceLocation { get }
  /// The diagnostic id of syntax errors (`ipf-syntax`, `ipnat-syntax`, `ippool-syntax`).
  static var syntaxID: String { get }
  /// Whether newlines end statements (ipf, ipnat) or are blanks (ippool).
  static var newlinesAreBlank: Bool { get }
}

extension IPFTokenReading {
  mutating func error(_ message: String, at loc: SourceLocation? = nil, id: String? = nil) -> IPFAbort {
    diags.error(message, at: loc ?? statementStart, id: id ?? Self.syntaxID)
    return IPFAbort()
  }

  mutating func syntaxError(_ t: IPFToken) -> IPFAbort {
    error(
      t.kind == .newline || t.kind == .eof ? "syntax error (unexpected end of line)" : "syntax error (unexpected \(t))",
      at: t.location)
  }

  mutating func peek() -> IPFToken {
    if Self.newlinesAreBlank {
      while lex.peek().kind == .newline { lex.next() }
    }
    return lex.peek()
  }

  @discardableResult mutating func next() -> IPFToken {
    _ = peek()
    return lex.next()
  }

  /// Takes the keyword or punctuation `w` if it comes next (an escaped word is never a keyword).
  mutating func accept(_ w: String) -> Bool {
    let t = peek()
    if (t.kind == .word && !t.escaped || t.kind == .punct) && t.text == w {
      next()
      return true
    }
    return false
  }

  mutating func expect(_ w: String) throws {
    guard accept(w) else { throw syntaxError(peek()) }
  }

  mutating func word() throws -> IPFToken {
    let t = peek()
    guard t.kind == .word || t.kind == .quoted else { throw syntaxError(t) }
    return next()
  }

  mutating func number() throws -> Int {
    let t = try word()
    guard let n = IPFParser.parseNumber(t.text) else {
      throw error("expected a number, found '\(t.text)'", at: t.location)
    }
    return n
  }

  /// Moves the lexer's diagnostics into the parser's, in reading order.
  mutating func drainLexerDiagnostics() {
    for d in lex.diagnostics.all { diags.append(d) }
    lex.diagnostics = DiagnosticBag()
  }
}

/// ipf.conf and ipnat.conf: one statement per line (or `;`), and `name = value` assignments.
protocol IPFLineStatements: IPFTokenReading {
  var statementStart: SourceLocation { get set }
  /// Reads one rule statement.
  mutating func rule() throws
}

extension IPFLineStatements {
  var atEnd: Bool {
    mutating get {
      let t = peek()
      return t.kind == .newline || t.kind == .eof || t.is(";")
    }
  }

  /// Reads every statement; after an error, reading resumes on the next line.
  mutating func parseAll() {
    while true {
      let t = peek()
      if t.kind == .eof { break }
      if t.kind == .newline || t.is(";") {
        next()
        continue
      }
      statementStart = t.location
      do {
        if t.kind == .word, lex.peek2().is("=") {
          try assignment()
        } else {
          try rule()
        }
      } catch {
        if peek().kind != .newline && peek().kind != .eof { lex.skipLine() }
      }
      drainLexerDiagnostics()
    }
  }

  /// `name = value`: a variable for later `$name`.
  mutating func assignment() throws {
    let name = next()
    next()  // '='
    let value = try word()
    lex.variables[name.text] = value.text
    _ = accept(";")
  }
}
