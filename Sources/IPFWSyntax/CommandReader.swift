import FirewallIR

/// One argument of an ipfw command, with where it starts in the source.
public struct IPFWWord: Hashable, Sendable, CustomStringConvertible {
  public var text: String
  public var location: SourceLocation

  public init(_ text: String, at location: SourceLocation) {
    self.text = text
    self.location = location
  }

  public var description: String { text }
}

/// One ipfw command as `ipfw` would receive it: the words after `ipfw` and its flags
/// (`add 100 allow …`, `table T add 10.0.0.0/8`, `nat 1 config …`). A rule printed by
/// `ipfw list` becomes `add NUMBER …` with `fromList` set.
public struct IPFWCommand: Sendable {
  public var words: [IPFWWord]
  public var location: SourceLocation
  /// The line was a rule as `ipfw list`/`show` prints it.
  public var fromList: Bool
  /// The rule's set is disabled (`# DISABLED` in `ipfw -S list`).
  public var disabled: Bool = false
  /// A word may hold a `#` (only shell quoting can put one there).
  public var mayContainHash = false
}

/// Splits a file into ipfw commands. Three shapes are read:
///
/// - a rules file as `ipfw FILE` reads it: one command per line (`add …`, `flush`, `-q add …`),
///   `#` starting a comment;
/// - `ipfw list` / `ipfw show` output: lines that start with a rule number, with or without
///   packet and byte counters;
/// - a shell script of straight-line `ipfw` commands with variables (`cmd="ipfw -q add"`,
///   `$cmd 100 allow …`, `${fwcmd} table T add …`) and sh quoting.
///
/// Shell control flow, functions, command substitution and sourced files are refused with a
/// located error: fwc never reads part of a script silently.
public struct CommandReader {
  public internal(set) var diagnostics = DiagnosticBag()
  let file: SourceFile
  var variables: [String: String]
  /// Receives each command as it is read.
  let emit: (IPFWCommand) -> Void
  var lineHint = 0
  /// A word of the command being read holds a `#`.
  var sawHash = false

  /// Reads `file`, handing each command to `each` as soon as it is read; `defines` gives shell
  /// variables their values (`--define NAME=VALUE`). Returns the reading's diagnostics.
  public static func read(
    _ file: SourceFile, defines: [String: String] = [:], each: @escaping (IPFWCommand) -> Void
  ) -> DiagnosticBag {
    var r = CommandReader(file: file, variables: defines, emit: each)
    if r.rejectTemplate() { return r.diagnostics }
    if r.looksLikeScript() { r.readScript() } else { r.readRulesFile() }
    return r.diagnostics
  }

  /// Reads `file` into a list of commands.
  public static func read(_ file: SourceFile, defines: [String: String] = [:]) -> (
    commands: [IPFWCommand], diagnostics: DiagnosticBag
  ) {
    var commands: [IPFWCommand] = []
    let diagnostics = read(file, defines: defines) { commands.append($0) }
    return (commands, diagnostics)
  }

  init(file: SourceFile, variables: [String: String], emit: @escaping (IPFWCommand) -> Void) {
    self.file = file
    self.variables = variables
    self.emit = emit
  }

  /// The line and column of a byte offset; offsets mostly increase, so the previous line is
  /// the first guess.
  mutating func location(_ offset: Int) -> SourceLocation {
    let starts = file.lineStarts
    if lineHint >= starts.count || starts[lineHint] > offset { lineHint = 0 }
    var steps = 0
    while lineHint + 1 < starts.count && starts[lineHint + 1] <= offset {
      lineHint += 1
      steps += 1
      if steps > 8 {
        lineHint = file.position(of: offset).line - 1
        break
      }
    }
    return SourceLocation(fileID: file.id, line: lineHint + 1, column: offset - starts[lineHint] + 1)
  }

  // MARK: Shape detection

  /// Refuses Jinja templates (`{% … %}`, `{{ … }}`, `{# … #}`) at their first tag.
  mutating func rejectTemplate() -> Bool {
    let b = file.bytes
    var i = 0
    var lineStart = true
    while i + 1 < b.count {
      if b[i] == UInt8(ascii: "#") && lineStart {
        while i < b.count && b[i] != 0x0A { i += 1 }
        continue
      }
      if b[i] == UInt8(ascii: "{"),
        b[i + 1] == UInt8(ascii: "%") || b[i + 1] == UInt8(ascii: "{")
          || b[i + 1] == UInt8(ascii: "#")
      {
        diagnostics.error(
          "this is a template (Jinja `\(Character(UnicodeScalar(b[i])))\(Character(UnicodeScalar(b[i + 1])))` tag), not ipfw rules: render it first and read the result",
          at: location(i), id: "ipfw-template")
        return true
      }
      lineStart = b[i] == 0x0A || (lineStart && (b[i] == 0x20 || b[i] == 0x09))
      i += 1
    }
    return false
  }

  /// A file is a shell script when it starts with `#!`, assigns a variable or runs `ipfw`.
  func looksLikeScript() -> Bool {
    if file.bytes.starts(with: Array("#!".utf8)) { return true }
    for line in 1...file.lineStarts.count {
      let text = file.lineText(line).drop(while: { $0 == " " || $0 == "\t" })
      if text.isEmpty || text.hasPrefix("#") { continue }
      let first = text.prefix(while: { $0 != " " && $0 != "\t" })
      if first == "ipfw" || first.hasSuffix("/ipfw") || first.hasPrefix("$") { return true }
      if let eq = first.firstIndex(of: "="), isName(first[..<eq]) { return true }
    }
    return false
  }

  // MARK: Rules files and `ipfw list` output

  /// Reads a file the way `ipfw FILE` does: `#` starts a comment, words are separated by
  /// blanks. Lines that start with a number are `ipfw list`/`show` output.
  mutating func readRulesFile() {
    let b = file.bytes
    for line in 0..<file.lineStarts.count {
      var i = file.lineStarts[line]
      let end = line + 1 < file.lineStarts.count ? file.lineStarts[line + 1] : b.count
      var words: [IPFWWord] = []
      while i < end {
        let c = b[i]
        // `ipfw -S list` marks rules of disabled sets with `# DISABLED` before the number.
        if c == UInt8(ascii: "#") && words.isEmpty && b[i...].starts(with: Array("# DISABLED ".utf8)) {
          words.append(IPFWWord("#", at: location(i)))
          words.append(IPFWWord("DISABLED", at: location(i + 2)))
          i += 11
          continue
        }
        if c == UInt8(ascii: "#") { break }
        if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
          i += 1
          continue
        }
        let start = i
        while i < end, b[i] != 0x20, b[i] != 0x09, b[i] != 0x0A, b[i] != 0x0D {
          // `//` begins a comment that runs to the end of the line, `#` included.
          if b[i] == UInt8(ascii: "#") && !(words.contains { $0.text == "//" }) { break }
          i += 1
        }
        words.append(IPFWWord(String(decoding: b[start..<i], as: UTF8.self), at: location(start)))
        if i < end, b[i] == UInt8(ascii: "#"), !(words.contains { $0.text == "//" }) { break }
      }
      guard let first = words.first else { continue }
      if first.text.hasPrefix("##") { break }  // `## Dynamic rules` ends a `show` listing
      if first.text == "#" {
        addListLine(Array(words.dropFirst(2)), disabled: true)
        continue
      }
      if first.text.first?.isNumber == true {
        // `100 add …` is `add 100 …` to ipfw; anything else numbered is `ipfw list` output.
        if words.count > 1, ["add", "delete"].contains(words[1].text) {
          addCommand([words[1], words[0]] + words.dropFirst(2), at: first.location)
          continue
        }
        addListLine(words)
      } else {
        addCommand(words, at: first.location)
      }
    }
  }

  /// A rule as `ipfw list`/`show` prints it: number, optional counters, optional `set N`.
  mutating func addListLine(_ line: [IPFWWord], disabled: Bool = false) {
    guard !line.isEmpty else { return }
    var words = line
    let number = words.removeFirst()
    guard number.text.allSatisfy(\.isNumber) else {
      diagnostics.error("`\(number.text)` is not a rule number", at: number.location, id: "ipfw-syntax")
      return
    }
    // `ipfw show` prints packet and byte counters (and with -t a timestamp) after the number.
    var counters = 0
    while counters < 2, words.count > 1, words[0].text.allSatisfy(\.isNumber) {
      words.removeFirst()
      counters += 1
    }
    let add = IPFWWord("add", at: number.location)
    var cmd = IPFWCommand(words: [add, number] + words, location: number.location, fromList: true)
    cmd.disabled = disabled
    emit(cmd)
  }

  /// Records an ipfw command after dropping `ipfw`'s own flags (`-q`, `-f`, `-n` …).
  mutating func addCommand(_ words: [IPFWWord], at location: SourceLocation, mayContainHash: Bool = false) {
    var w = words[...]
    while let f = w.first, f.text.utf8.first == UInt8(ascii: "-"), f.text.utf8.count > 1,
      f.text.utf8.dropFirst().allSatisfy({ $0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z") })
    {
      if f.text.utf8.contains(UInt8(ascii: "p")) {
        diagnostics.error(
          "`ipfw -p` runs a preprocessor over a file: preprocess it first and read the result",
          at: f.location, id: "ipfw-unsupported")
        return
      }
      w = w.dropFirst()
    }
    guard !w.isEmpty else { return }
    // A word ending in `,` continues in the next one: `10.0.0.1, 10.0.0.2` is one list.
    var joined: [IPFWWord] = []
    joined.reserveCapacity(w.count)
    var inComment = false
    for word in w {
      if !inComment, let last = joined.last, last.text.utf8.last == UInt8(ascii: ",") {
        joined[joined.count - 1].text += word.text
      } else {
        joined.append(word)
        inComment = inComment || word.text == "//"
      }
    }
    var command = IPFWCommand(words: joined, location: location, fromList: false)
    command.mayContainHash = mayContainHash
    emit(command)
  }

  func isName<S: StringProtocol>(_ s: S) -> Bool {
    guard let f = s.first, f == "_" || f.isLetter else { return false }
    return s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
  }
}
