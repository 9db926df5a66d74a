import FirewallIR

/// A token of ipf.conf, ipnat.conf or ippool.conf.
public struct IPFToken: Sendable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    case word, quoted, punct, newline, eof
  }
  public var kind: Kind
  public var text: String
  public var location: SourceLocation
  /// A word written with a backslash escape is never a keyword.
  public var escaped = false

  public var description: String {
    switch kind {
    case .newline: return "end of line"
    case .eof: return "end of file"
    case .quoted: return "\"\(text)\""
    default: return "'\(text)'"
    }
  }

  @inline(__always) public func `is`(_ w: String) -> Bool { (kind == .word || kind == .punct) && text == w }
}

/// The lexer shared by the ipfilter languages: `#` comments, backslash escapes and line
/// continuation, quoted strings, and `$name` / `${name}` variables expanded in place.
public struct IPFLexer {
  private var file: SourceFile
  private var bytes: [UInt8]
  private var offset = 0
  private var lineIndex = 0
  /// Text of an expanded variable being read, and where the `$name` stood.
  private var expansion: [UInt8] = []
  private var expansionIndex = 0
  private var expansionLocation: SourceLocation? = nil
  private var expansionDepth = 0
  public var variables: [String: String] = [:]
  public var diagnostics = DiagnosticBag()
  private var la: [IPFToken] = []
  private var laStart = 0
  /// Characters that are tokens of their own, as a table indexed by byte.
  static let specials: [Bool] = {
    var t = [Bool](repeating: false, count: 256)
    for b in "=,/;{}()@!<>".utf8 { t[Int(b)] = true }
    return t
  }()

  /// Bytes that end an unquoted word.
  static let wordEnds: [Bool] = {
    var t = specials
    for b in " \t\r\n#'\"$".utf8 { t[Int(b)] = true }
    return t
  }()

  public init(file: SourceFile) {
    self.file = file
    self.bytes = file.bytes
  }

  public var sourceFile: SourceFile { file }

  private mutating func location(_ o: Int) -> SourceLocation {
    if o < 0, let l = expansionLocation { return l }
    let starts = file.lineStarts
    if lineIndex >= starts.count || starts[lineIndex] > o { lineIndex = 0 }
    while lineIndex + 1 < starts.count && starts[lineIndex + 1] <= o { lineIndex += 1 }
    return SourceLocation(fileID: file.id, line: lineIndex + 1, column: o - starts[lineIndex] + 1)
  }

  /// The next raw byte (and its offset, -1 inside an expansion), joining backslash-newline.
  private mutating func getc() -> (UInt8, Int)? {
    if expansionLocation != nil {
      if expansionIndex < expansion.count {
        expansionIndex += 1
        return (expansion[expansionIndex - 1], -1)
      }
      expansionLocation = nil
      expansion = []
      expansionIndex = 0
      expansionDepth = 0
    }
    while offset < bytes.count {
      let c = bytes[offset]
      if c == UInt8(ascii: "\\"), offset + 1 < bytes.count, bytes[offset + 1] == 0x0A {
        offset += 2
        continue
      }
      offset += 1
      return (c, offset - 1)
    }
    return nil
  }

  private mutating func peekc() -> UInt8? {
    if expansionLocation != nil, expansionIndex < expansion.count { return expansion[expansionIndex] }
    var o = offset
    while o < bytes.count {
      if bytes[o] == UInt8(ascii: "\\"), o + 1 < bytes.count, bytes[o + 1] == 0x0A {
        o += 2
        continue
      }
      return bytes[o]
    }
    return nil
  }

  private mutating func ungetc(_ c: (UInt8, Int)) {
    if c.1 < 0 {
      expansionIndex -= 1
    } else {
      offset = c.1
    }
  }

  public mutating func peek() -> IPFToken {
    if laStart == la.count {
      la.removeAll(keepingCapacity: true)
      laStart = 0
      la.append(lex())
    }
    return la[laStart]
  }

  public mutating func peek2() -> IPFToken {
    _ = peek()
    while la.count - laStart < 2 { la.append(lex()) }
    return la[laStart + 1]
  }

  public mutating func next() -> IPFToken {
    if laStart < la.count {
      laStart += 1
      return la[laStart - 1]
    }
    return lex()
  }

  public mutating func skipLine() {
    while true {
      let t = next()
      if t.kind == .newline || t.kind == .eof { return }
    }
  }

  private mutating func lex() -> IPFToken {
    while true {
      guard let (c, at) = getc() else {
        return IPFToken(kind: .eof, text: "", location: location(bytes.count))
      }
      switch c {
      case 0x20, 0x09, 0x0D: continue
      case 0x0A: return IPFToken(kind: .newline, text: "\n", location: location(at))
      case UInt8(ascii: "#"):
        while let n = peekc(), n != 0x0A { _ = getc() }
        continue
      case UInt8(ascii: "$"):
        let loc = location(at)
        var name: [UInt8] = []
        if peekc() == UInt8(ascii: "{") {
          _ = getc()
          while let n = getc(), n.0 != UInt8(ascii: "}") { name.append(n.0) }
        } else {
          while let n = peekc(),
            (n >= 0x30 && n <= 0x39) || (n | 0x20 >= 0x61 && n | 0x20 <= 0x7A) || n == UInt8(ascii: "_")
          {
            name.append(n)
            _ = getc()
          }
        }
        let key = String(decoding: name, as: UTF8.self)
        guard let value = variables[key] else {
          diagnostics.error("variable \(key) is not defined", at: loc, id: "ipf-undefined-variable")
          continue
        }
        guard expansionDepth < 32 else {
          diagnostics.error("variable \(key) expands too deeply", at: loc, id: "ipf-undefined-variable")
          continue
        }
        // The rest of a pending expansion follows the new text.
        let rest = expansionLocation != nil ? Array(expansion[expansionIndex...]) : []
        expansion = Array(value.utf8) + rest
        expansionIndex = 0
        expansionDepth += 1
        if expansionLocation == nil { expansionLocation = loc }
        continue
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        let loc = location(at)
        var buf: [UInt8] = []
        while true {
          guard let n = getc() else {
            diagnostics.error("unterminated quoted string", at: loc, id: "ipf-syntax")
            break
          }
          if n.0 == c { break }
          buf.append(n.0 == 0x0A ? 0x20 : n.0)
        }
        return IPFToken(kind: .quoted, text: String(decoding: buf, as: UTF8.self), location: loc)
      default: break
      }
      let loc = location(at)
      if IPFLexer.specials[Int(c)] {
        if let n = peekc() {
          let isPair =
            (n == UInt8(ascii: "=") && (c == UInt8(ascii: "!") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">")))
            || (c == UInt8(ascii: "<") && n == UInt8(ascii: ">")) || (c == UInt8(ascii: ">") && n == UInt8(ascii: "<"))
          if isPair {
            _ = getc()
            return IPFToken(kind: .punct, text: String(decoding: [c, n], as: UTF8.self), location: loc)
          }
        }
        return IPFToken(kind: .punct, text: String(UnicodeScalar(c)), location: loc)
      }
      if c == UInt8(ascii: "-"), peekc() == UInt8(ascii: ">") {
        _ = getc()
        return IPFToken(kind: .punct, text: "->", location: loc)
      }
      // A word: up to whitespace or a special character; a backslash escapes the next one.
      if at >= 0 && expansionLocation == nil && c != UInt8(ascii: "\\") {
        // Fast path: the word lies in the file without escapes or continuations.
        var j = at + 1
        let n = bytes.count
        while j < n, !IPFLexer.wordEnds[Int(bytes[j])], bytes[j] != UInt8(ascii: "\\") {
          if bytes[j] == UInt8(ascii: "-"), j + 1 < n, bytes[j + 1] == UInt8(ascii: ">") { break }
          j += 1
        }
        if j == n || bytes[j] != UInt8(ascii: "\\") {
          offset = j
          return IPFToken(kind: .word, text: String(decoding: bytes[at..<j], as: UTF8.self), location: loc)
        }
      }
      var buf: [UInt8] = []
      var escaped = false
      var ch: (UInt8, Int)? = (c, at)
      while let (b, o) = ch {
        if b == UInt8(ascii: "\\") {
          escaped = true
          if let n = getc() { buf.append(n.0) }
          ch = getc()
          continue
        }
        if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A || b == UInt8(ascii: "#")
          || b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "$")
          || IPFLexer.specials[Int(b)] || (b == UInt8(ascii: "-") && peekc() == UInt8(ascii: ">"))
        {
          ungetc((b, o))
          break
        }
        buf.append(b)
        ch = getc()
      }
      var t = IPFToken(kind: .word, text: String(decoding: buf, as: UTF8.self), location: loc)
      t.escaped = escaped
      return t
    }
  }
}
