import FirewallIR

/// Turns pf.conf bytes into tokens the way pfctl's lexer does: `#` comments, backslash line
/// continuation, quoted strings, `$macro` expansion (the macro's text is lexed in place and its
/// tokens carry the location of the `$name` reference), and `include` files spliced in.
public struct Lexer {
  struct Frame {
    var file: SourceFile
    var offset: Int
    var line: Int
  }

  /// The file being read, its bytes and read position; `parents` holds the files that
  /// `include`d it, to resume when it ends.
  private var file: SourceFile
  private var bytes: [UInt8]
  private var offset = 0
  /// Index into `file.lineStarts` of the line holding the last located offset.
  private var lineIndex = 0
  private var parents: [Frame] = []
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
  private var la0 = Token(kind: .eof, text: "", location: SourceLocation(fileID: -1, line: 0, column: 0))
  private var la1 = Token(kind: .eof, text: "", location: SourceLocation(fileID: -1, line: 0, column: 0))
  private var has0 = false
  private var has1 = false

  public init(file: SourceFile) {
    self.file = file
    self.bytes = file.bytes
    files = [file]
  }

  /// Splices another file in at the current position (`include`).
  public mutating func push(file newFile: SourceFile) {
    parents.append(Frame(file: file, offset: offset, line: lineIndex))
    file = newFile
    bytes = newFile.bytes
    offset = 0
    lineIndex = 0
    files.append(newFile)
  }

  /// The file currently read.
  public var currentFile: SourceFile { file }
  public var includeDepth: Int { parents.count + 1 }

  // MARK: characters

  /// The next byte and its offset in the current file (-1 inside a macro); nil at the end.
  @inline(__always)
  private mutating func getc(quoted: Bool) -> (UInt8, Int)? {
    if macroLocation != nil {
      if macroIndex < macroText.count {
        let c = macroText[macroIndex]
        macroIndex += 1
        return (c, -1)
      }
      macroLocation = nil
      macroText = []
      macroIndex = 0
    }
    if let p = pushback.popLast() { return p }
    while true {
      if offset >= bytes.count {
        if quoted { return nil }
        guard let parent = parents.popLast() else { return nil }
        file = parent.file
        bytes = parent.file.bytes
        offset = parent.offset
        lineIndex = parent.line
        continue
      }
      var c = bytes[offset]
      var at = offset
      offset += 1
      if !quoted {
        while c == UInt8(ascii: "\\"), offset < bytes.count {
          let next = bytes[offset]
          offset += 1
          if next != 0x0A {
            c = next
            at = offset - 1
            break
          }
          guard offset < bytes.count else { return nil }
          c = bytes[offset]
          at = offset
          offset += 1
        }
      }
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

  /// The location of a byte offset in the current file (or of the macro reference).
  private mutating func location(_ offset: Int) -> SourceLocation {
    if offset < 0, let m = macroLocation { return m }
    let starts = file.lineStarts
    let o = max(0, offset)
    if lineIndex >= starts.count || starts[lineIndex] > o { lineIndex = 0 }
    while lineIndex + 1 < starts.count && starts[lineIndex + 1] <= o { lineIndex += 1 }
    return SourceLocation(fileID: file.id, line: lineIndex + 1, column: o - starts[lineIndex] + 1)
  }

  // MARK: tokens

  public mutating func peek() -> Token {
    if !has0 {
      la0 = lex()
      has0 = true
    }
    return la0
  }

  /// Whether the next token is the unquoted word `k`, without copying it.
  public mutating func peekIsWord(_ k: String) -> Bool {
    if !has0 {
      la0 = lex()
      has0 = true
    }
    return la0.kind == .word && la0.text == k
  }

  /// The kind of the next token, without copying it.
  public mutating func peekKind() -> Token.Kind {
    if !has0 {
      la0 = lex()
      has0 = true
    }
    return la0.kind
  }

  /// The token after the next one.
  public mutating func peek2() -> Token {
    if !has0 {
      la0 = lex()
      has0 = true
    }
    if !has1 {
      la1 = lex()
      has1 = true
    }
    return la1
  }

  public mutating func next() -> Token {
    if has0 {
      let t = la0
      if has1 {
        la0 = la1
        has1 = false
      } else {
        has0 = false
      }
      return t
    }
    return lex()
  }

  /// Forgets lexed but unread tokens (an end of file seen before an `include` is spliced in).
  public mutating func discardLookahead() {
    has0 = false
    has1 = false
  }

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

  /// Lexes a number or word that lies contiguous in the file, without copying byte by byte.
  /// Returns nil (consuming nothing more) when the slow path must handle it.
  private mutating func fastWordOrNumber(_ ch: UInt8, at: Int, location loc: SourceLocation) -> Token? {
    let n = bytes.count
    if ch == UInt8(ascii: "-") || Lexer.isDigit(ch) {
      var j = at + 1
      while j < n && Lexer.isDigit(bytes[j]) { j += 1 }
      if ch == UInt8(ascii: "-") && j == at + 1 { return nil }
      if j == n || Lexer.allowedToEndNumber(bytes[j]) {
        if j < n && bytes[j] == UInt8(ascii: "\\") { return nil }
        let text = String(decoding: bytes[at..<j], as: UTF8.self)
        guard let v = Int64(text) else { return nil }
        offset = j
        var t = Token(kind: .number, text: text, location: loc)
        t.number = v
        return t
      }
      if ch == UInt8(ascii: "-") { return nil }
    }
    guard Lexer.isAlnum(ch) || ch == UInt8(ascii: ":") || ch == UInt8(ascii: "_") else { return nil }
    var j = at + 1
    while j < n && Lexer.allowedInString(bytes[j]) {
      if bytes[j] == UInt8(ascii: "\\") { return nil }
      j += 1
    }
    offset = j
    return Token(kind: .word, text: String(decoding: bytes[at..<j], as: UTF8.self), location: loc)
  }

  private mutating func lex() -> Token {
    while true {
      var c = getc(quoted: false)
      while let ch = c, ch.0 == 0x20 || ch.0 == 0x09 || ch.0 == 0x0D { c = getc(quoted: false) }
      guard var (ch, at) = c else {
        return Token(kind: .eof, text: "", location: location(bytes.count))
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
      if at >= 0 && macroLocation == nil && pushback.isEmpty, let t = fastWordOrNumber(ch, at: at, location: loc) {
        return t
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
