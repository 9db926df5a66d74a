import FirewallIR

/// Turns pf.conf bytes into tokens the way pfctl's lexer does: `#` comments, backslash line
/// continuation, quoted strings, `$macro` expansion (the macro's text is lexed in place and its
/// tokens carry the location of the `$name` reference), and `include` files spliced in.
public struct Lexer {
  struct Frame {
    var file: SourceFile
    var offset: Int
  }

  private var frames: [Frame]
  /// Macro text being expanded, its read position, and where the `$name` stood.
  private var macroText: [UInt8] = []
  private var macroIndex = 0
  private var macroLocation: SourceLocation? = nil
  private var pushback: [(UInt8, Int)] = []
  /// Macros defined so far, and which of them were used.
  public var macros: [String: String] = [:]
  public private(set) var usedMacros: Set<String> = []
  public var diagnostics = DiagnosticBag()
  /// Every file read (for rendering diagnostics).
  public private(set) var files: [SourceFile]
  private var lookahead: [Token] = []

  public init(file: SourceFile) {
    frames = [Frame(file: file, offset: 0)]
    files = [file]
  }

  /// Splices another file in at the current position (`include`).
  public mutating func push(file: SourceFile) {
    frames.append(Frame(file: file, offset: 0))
    files.append(file)
  }

  /// The file currently read.
  public var currentFile: SourceFile { frames[frames.count - 1].file }
  public var includeDepth: Int { frames.count }

  // MARK: characters

  /// The next byte and its offset in the current file (-1 inside a macro); nil at the end.
  private mutating func getc(quoted: Bool) -> (UInt8, Int)? {
    if macroIndex < macroText.count {
      let c = macroText[macroIndex]
      macroIndex += 1
      return (c, -1)
    }
    if macroLocation != nil {
      macroLocation = nil
      macroText = []
      macroIndex = 0
    }
    if let p = pushback.popLast() { return p }
    while true {
      var f = frames[frames.count - 1]
      if f.offset >= f.file.bytes.count {
        if quoted { return nil }
        if frames.count == 1 { return nil }
        frames.removeLast()
        continue
      }
      var c = f.file.bytes[f.offset]
      var at = f.offset
      f.offset += 1
      if !quoted {
        while c == UInt8(ascii: "\\"), f.offset < f.file.bytes.count {
          let next = f.file.bytes[f.offset]
          f.offset += 1
          if next != 0x0A {
            c = next
            at = f.offset - 1
            break
          }
          guard f.offset < f.file.bytes.count else {
            frames[frames.count - 1] = f
            return nil
          }
          c = f.file.bytes[f.offset]
          at = f.offset
          f.offset += 1
        }
      }
      frames[frames.count - 1] = f
      return (c, at)
    }
  }

  private mutating func ungetc(_ c: (UInt8, Int)) {
    if macroLocation != nil && c.1 == -1 && macroIndex > 0 {
      macroIndex -= 1
      return
    }
    pushback.append(c)
  }

  private func location(_ offset: Int) -> SourceLocation {
    if offset < 0, let m = macroLocation { return m }
    let f = frames[frames.count - 1].file
    let p = f.position(of: max(0, offset))
    return SourceLocation(file: f.name, line: p.line, column: p.column)
  }

  // MARK: tokens

  public mutating func peek() -> Token {
    if lookahead.isEmpty { lookahead.append(lex()) }
    return lookahead[0]
  }

  /// The token after the next one.
  public mutating func peek2() -> Token {
    while lookahead.count < 2 { lookahead.append(lex()) }
    return lookahead[1]
  }

  public mutating func next() -> Token {
    if !lookahead.isEmpty { return lookahead.removeFirst() }
    return lex()
  }

  /// Forgets lexed but unread tokens (an end of file seen before an `include` is spliced in).
  public mutating func discardLookahead() { lookahead.removeAll() }

  /// Skips to the end of the current line (error recovery).
  public mutating func skipLine() {
    while true {
      let t = next()
      if t.kind == .newline || t.kind == .eof { return }
    }
  }

  private static func isAlnum(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
  }
  private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
  private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
  private static func isPunct(_ c: UInt8) -> Bool { c > 0x20 && c < 0x7F && !isAlnum(c) }

  private static func allowedInString(_ c: UInt8) -> Bool {
    if isAlnum(c) { return true }
    guard isPunct(c) else { return false }
    switch c {
    case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"),
      UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "!"), UInt8(ascii: "="),
      UInt8(ascii: "/"), UInt8(ascii: "#"), UInt8(ascii: ","):
      return false
    default: return true
    }
  }

  private static func allowedToEndNumber(_ c: UInt8) -> Bool {
    isSpace(c) || c == UInt8(ascii: ")") || c == UInt8(ascii: ",") || c == UInt8(ascii: "/")
      || c == UInt8(ascii: "}") || c == UInt8(ascii: "=")
  }

  private mutating func lex() -> Token {
    while true {
      var c = getc(quoted: false)
      while let ch = c, ch.0 == 0x20 || ch.0 == 0x09 || ch.0 == 0x0D { c = getc(quoted: false) }
      guard var (ch, at) = c else {
        return Token(kind: .eof, text: "", location: location(frames[frames.count - 1].file.bytes.count))
      }
      let start = location(at)
      if ch == UInt8(ascii: "#") && at >= 0 || ch == UInt8(ascii: "#") && macroLocation != nil {
        var n = getc(quoted: false)
        while let x = n, x.0 != 0x0A { n = getc(quoted: false) }
        guard let nl = n else { return Token(kind: .eof, text: "", location: start) }
        (ch, at) = nl
      }
      if ch == UInt8(ascii: "$") && macroLocation == nil {
        var name: [UInt8] = []
        while let n = getc(quoted: false) {
          if Lexer.isAlnum(n.0) || n.0 == UInt8(ascii: "_") {
            name.append(n.0)
          } else {
            ungetc(n)
            break
          }
        }
        let key = String(decoding: name, as: UTF8.self)
        guard let value = macros[key] else {
          diagnostics.error("macro '\(key)' not defined", at: start, id: "pf-undefined-macro")
          return Token(kind: .word, text: "$" + key, location: start)
        }
        usedMacros.insert(key)
        macroText = Array(value.utf8)
        macroIndex = 0
        macroLocation = start
        continue
      }
      let loc = location(at)
      switch ch {
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        let quote = ch
        var buf: [UInt8] = []
        while true {
          guard let (q, _) = getc(quoted: true) else {
            diagnostics.error("reached end of file while parsing quoted string", at: loc)
            return Token(kind: .eof, text: "", location: loc)
          }
          if q == 0x0A { continue }
          if q == UInt8(ascii: "\\") {
            guard let n = getc(quoted: true) else { break }
            if n.0 == quote {
              buf.append(n.0)
              continue
            } else if n.0 == 0x0A {
              continue
            } else {
              ungetc(n)
            }
          } else if q == quote {
            break
          }
          buf.append(q)
        }
        return Token(kind: .quoted, text: String(decoding: buf, as: UTF8.self), location: loc)
      case 0x0A:
        return Token(kind: .newline, text: "\n", location: loc)
      case UInt8(ascii: "<"):
        if let n = getc(quoted: false) {
          if n.0 == UInt8(ascii: ">") { return Token(kind: .portBinary(.outsideRange), text: "<>", location: loc) }
          ungetc(n)
        }
      case UInt8(ascii: ">"):
        if let n = getc(quoted: false) {
          if n.0 == UInt8(ascii: "<") { return Token(kind: .portBinary(.exclusiveRange), text: "><", location: loc) }
          ungetc(n)
        }
      case UInt8(ascii: "-"):
        if let n = getc(quoted: false) {
          if n.0 == UInt8(ascii: ">") { return Token(kind: .arrow, text: "->", location: loc) }
          ungetc(n)
        }
      default: break
      }
      var buf: [UInt8] = []
      if ch == UInt8(ascii: "-") || Lexer.isDigit(ch) {
        var consumed: [(UInt8, Int)] = [(ch, at)]
        buf.append(ch)
        var last: (UInt8, Int)? = nil
        while let n = getc(quoted: false) {
          if Lexer.isDigit(n.0) {
            buf.append(n.0)
            consumed.append(n)
          } else {
            last = n
            break
          }
        }
        if let l = last { ungetc(l) }
        let onlyMinus = buf.count == 1 && buf[0] == UInt8(ascii: "-")
        if !onlyMinus && (last == nil || Lexer.allowedToEndNumber(last!.0)) {
          let text = String(decoding: buf, as: UTF8.self)
          guard let v = Int64(text) else {
            diagnostics.error("\"\(text)\" invalid number: too large", at: loc)
            return Token(kind: .word, text: text, location: loc)
          }
          var t = Token(kind: .number, text: text, location: loc)
          t.number = v
          return t
        }
        // Not a number: give the characters back and lex them as a word.
        for item in consumed.dropFirst().reversed() { ungetc(item) }
        buf = [ch]
        if ch == UInt8(ascii: "-") { return Token(kind: .punct(ch), text: "-", location: loc) }
      }
      if Lexer.isAlnum(ch) || ch == UInt8(ascii: ":") || ch == UInt8(ascii: "_") {
        if buf.isEmpty { buf.append(ch) }
        while let n = getc(quoted: false) {
          if Lexer.allowedInString(n.0) {
            buf.append(n.0)
          } else {
            ungetc(n)
            break
          }
        }
        return Token(kind: .word, text: String(decoding: buf, as: UTF8.self), location: loc)
      }
      return Token(kind: .punct(ch), text: String(UnicodeScalar(ch)), location: loc)
    }
  }
}
