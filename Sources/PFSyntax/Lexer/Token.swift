import FirewallIR

/// A pf.conf token.
public struct Token: Sendable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// An unquoted word: a keyword, a name, an address, a port range …
    case word
    /// A quoted string (`"…"` or `'…'`); never a keyword.
    case quoted
    /// A run of digits ended by a character that may end a number.
    case number
    /// One punctuation character: `{ } ( ) , ! < > = / - + *` and the like.
    case punct(UInt8)
    /// `->`
    case arrow
    /// `<>` or `><`
    case portBinary(RangeOperator)
    /// End of a line (statements end here).
    case newline
    case eof
  }

  public var kind: Kind
  public var text: String
  public var location: SourceLocation
  /// The value of a `.number` token.
  public var number: Int64 = 0

  public var description: String {
    switch kind {
    case .newline: return "end of line"
    case .eof: return "end of file"
    case .quoted: return "\"\(text)\""
    default: return "'\(text)'"
    }
  }

  /// Whether this is the unquoted keyword `k`.
  @inline(__always) public func isWord(_ k: String) -> Bool { kind == .word && text == k }
  @inline(__always) public func isPunct(_ c: UInt8) -> Bool { kind == .punct(c) }
  /// A word, quoted string or number: anything pfctl's grammar accepts as STRING or NUMBER text.
  public var isString: Bool { kind == .word || kind == .quoted }
}
