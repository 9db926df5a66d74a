import FirewallIR

/// The straight-line subset of sh that firewall scripts are written in: variable assignment,
/// `$name`/`${name}`/`${name:-default}` expansion with field splitting, quoting, backslash
/// escapes and line continuation, `;`, `#` comments, redirections, and `cmd || true`.
extension CommandReader {
  /// A word being built: its bytes and, when an unquoted expansion contributed, which bytes
  /// came from one (those are split on blanks).
  struct ShellWord {
    var bytes: [UInt8] = []
    var splittable: [Bool]? = nil
    var start: Int
    var quoted = false

    mutating func append<C: Collection>(_ s: C, split: Bool = false) where C.Element == UInt8 {
      if split && splittable == nil { splittable = Array(repeating: false, count: bytes.count) }
      if splittable != nil { splittable!.append(contentsOf: repeatElement(split, count: s.count)) }
      bytes.append(contentsOf: s)
    }
  }

  /// Words of sh syntax that fwc does not evaluate.
  static let controlWords: Set<String> = [
    "if", "then", "elif", "else", "fi", "case", "esac", "for", "while", "until", "do", "done",
    "function", "select", "[", "[[", "test", "{", "}", "eval", "trap",
  ]

  /// Commands that do not change the ruleset and are skipped with a note.
  static let harmlessCommands: Set<String> = [
    "echo", "printf", "sysctl", "kldload", "kldunload", "kldstat", "sleep", "logger", "true", ":",
    "ifconfig", "pfilctl", "dnctl", "set", "export", "readonly", "local", "unset", "sysrc", "service",
  ]

  mutating func readScript() {
    let b = file.bytes
    var i = 0
    var words: [IPFWWord] = []
    var skipRest = false
    var current = ShellWord(start: 0)
    var inWord = false

    func byte(_ k: Int) -> UInt8 { k < b.count ? b[k] : 0 }

    // Ends the word being built, splitting its unquoted expansions on blanks.
    func finishWord() {
      guard inWord else { return }
      inWord = false
      let w = current
      let at = location(w.start)
      if w.bytes.contains(UInt8(ascii: "#")) { sawHash = true }
      guard let mask = w.splittable else {
        if !w.bytes.isEmpty || w.quoted { words.append(IPFWWord(String(decoding: w.bytes, as: UTF8.self), at: at)) }
        return
      }
      var field: [UInt8] = []
      var have = w.quoted
      for (k, c) in w.bytes.enumerated() {
        if mask[k] && (c == 0x20 || c == 0x09 || c == 0x0A) {
          if have { words.append(IPFWWord(String(decoding: field, as: UTF8.self), at: at)) }
          field.removeAll(keepingCapacity: true)
          have = false
        } else {
          field.append(c)
          have = true
        }
      }
      if have { words.append(IPFWWord(String(decoding: field, as: UTF8.self), at: at)) }
    }

    while true {
      let c = byte(i)
      // End of a command: newline, `;`, `&`, end of file.
      if i >= b.count || c == 0x0A || c == UInt8(ascii: ";")
        || c == UInt8(ascii: "&") && byte(i + 1) != UInt8(ascii: "&")
      {
        finishWord()
        if !words.isEmpty && !skipRest {
          if !runShellCommand(words) { return }
        }
        words = []
        skipRest = false
        if i >= b.count { return }
        i += 1
        continue
      }
      if !inWord {
        if c == 0x20 || c == 0x09 || c == 0x0D {
          i += 1
          continue
        }
        if c == UInt8(ascii: "#") {
          while i < b.count && b[i] != 0x0A { i += 1 }
          continue
        }
        if c == UInt8(ascii: "\\") && byte(i + 1) == 0x0A {
          i += 2
          continue
        }
        // `a || b`: b runs only when a fails, which fwc assumes it does not.
        if c == UInt8(ascii: "|") && byte(i + 1) == UInt8(ascii: "|") {
          if !words.isEmpty && !skipRest { if !runShellCommand(words) { return } }
          words = []
          skipRest = true
          i += 2
          continue
        }
        if c == UInt8(ascii: "&") && byte(i + 1) == UInt8(ascii: "&") {
          if !words.isEmpty && !skipRest { if !runShellCommand(words) { return } }
          words = []
          i += 2
          continue
        }
        if c == UInt8(ascii: "|") {
          diagnostics.error(
            "a shell pipeline is not supported: fwc reads straight-line ipfw commands", at: location(i),
            id: "ipfw-shell")
          return
        }
        // Redirections: `>file`, `2>&1`, `>>file`, `<file`.
        if c == UInt8(ascii: ">") || c == UInt8(ascii: "<")
          || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") && byte(i + 1) == UInt8(ascii: ">"))
        {
          while i < b.count, b[i] != 0x20, b[i] != 0x09, b[i] != 0x0A { i += 1 }
          if byte(i - 1) == UInt8(ascii: ">") || byte(i - 1) == UInt8(ascii: "<") {
            while byte(i) == 0x20 || byte(i) == 0x09 { i += 1 }
            while i < b.count, b[i] != 0x20, b[i] != 0x09, b[i] != 0x0A { i += 1 }
          }
          continue
        }
        if c == UInt8(ascii: "(") || c == UInt8(ascii: ")") {
          diagnostics.error(
            "a shell subshell or function is not supported: fwc reads straight-line ipfw commands; "
              + "load the rules and read `ipfw list` output instead", at: location(i), id: "ipfw-shell")
          return
        }
        // Control flow is refused where it starts, before any of it is expanded.
        if words.isEmpty && !skipRest {
          var j = i
          while j < b.count, b[j] != 0x20, b[j] != 0x09, b[j] != 0x0A, b[j] != UInt8(ascii: ";") { j += 1 }
          let raw = String(decoding: b[i..<j], as: UTF8.self)
          if Self.controlWords.contains(raw) || raw.hasSuffix("()") || raw == "!" {
            diagnostics.error(
              "shell `\(raw)` is not supported: fwc reads straight-line ipfw commands, never part of a script; "
                + "load the rules and read `ipfw list` output instead", at: location(i), id: "ipfw-shell")
            return
          }
        }
        current.start = i
        current.quoted = false
        current.splittable = nil
        current.bytes.removeAll(keepingCapacity: true)
        inWord = true
      }
      // Inside a word.
      if c == 0x20 || c == 0x09 || c == 0x0D {
        finishWord()
        i += 1
        continue
      }
      if c == UInt8(ascii: "|") || c == UInt8(ascii: ">") || c == UInt8(ascii: "<") || c == UInt8(ascii: "&") {
        finishWord()
        continue
      }
      if c == UInt8(ascii: "\\") {
        if byte(i + 1) == 0x0A {
          i += 2
          continue
        }
        current.append(CollectionOfOne(byte(i + 1)))
        current.quoted = true
        i += 2
        continue
      }
      if c == UInt8(ascii: "'") {
        current.quoted = true
        var j = i + 1
        while j < b.count && b[j] != UInt8(ascii: "'") { j += 1 }
        guard j < b.count else {
          diagnostics.error("unterminated quote", at: location(i), id: "ipfw-shell")
          return
        }
        current.append(b[(i + 1)..<j])
        i = j + 1
        continue
      }
      if c == UInt8(ascii: "\"") {
        current.quoted = true
        var j = i + 1
        var text = ""
        var run = j
        while j < b.count && b[j] != UInt8(ascii: "\"") {
          if b[j] == UInt8(ascii: "\\"), j + 1 < b.count,
            [UInt8(ascii: "$"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "`"), 0x0A].contains(b[j + 1])
          {
            text += String(decoding: b[run..<j], as: UTF8.self)
            if b[j + 1] != 0x0A { text += String(decoding: [b[j + 1]], as: UTF8.self) }
            j += 2
            run = j
            continue
          }
          if b[j] == UInt8(ascii: "$") || b[j] == UInt8(ascii: "`") {
            text += String(decoding: b[run..<j], as: UTF8.self)
            guard let (value, next) = expand(at: j) else { return }
            text += value
            j = next
            run = j
            continue
          }
          j += 1
        }
        guard j < b.count else {
          diagnostics.error("unterminated quote", at: location(i), id: "ipfw-shell")
          return
        }
        text += String(decoding: b[run..<j], as: UTF8.self)
        current.append(text.utf8)
        i = j + 1
        continue
      }
      if c == UInt8(ascii: "$") || c == UInt8(ascii: "`") {
        guard let (value, next) = expand(at: i) else { return }
        current.append(value.utf8, split: true)
        i = next
        continue
      }
      var j = i
      while j < b.count {
        let d = b[j]
        if d == 0x20 || d == 0x09 || d == 0x0D || d == 0x0A || d == UInt8(ascii: ";") || d == UInt8(ascii: "&")
          || d == UInt8(ascii: "|") || d == UInt8(ascii: "\\") || d == UInt8(ascii: "'")
          || d == UInt8(ascii: "\"") || d == UInt8(ascii: "$") || d == UInt8(ascii: "`") || d == UInt8(ascii: ">")
          || d == UInt8(ascii: "<")
        {
          break
        }
        j += 1
      }
      current.append(b[i..<j])
      i = j
    }
  }

  /// Expands `$name`, `${name}`, `${name:-word}` or `${name-word}` at `i`; returns the value
  /// and the offset after the expansion, or nil after recording an error.
  mutating func expand(at i: Int) -> (String, Int)? {
    let b = file.bytes
    if b[i] == UInt8(ascii: "`") || i + 1 < b.count && b[i + 1] == UInt8(ascii: "(") {
      diagnostics.error(
        "command substitution is not supported: fwc cannot run commands; "
          + "load the rules and read `ipfw list` output instead", at: location(i), id: "ipfw-shell")
      return nil
    }
    var j = i + 1
    var name = ""
    var fallback: String? = nil
    var useFallbackIfEmpty = false
    if j < b.count && b[j] == UInt8(ascii: "{") {
      j += 1
      let start = j
      while j < b.count && b[j] != UInt8(ascii: "}") { j += 1 }
      guard j < b.count else {
        diagnostics.error("unterminated `${`", at: location(i), id: "ipfw-shell")
        return nil
      }
      let inner = String(decoding: b[start..<j], as: UTF8.self)
      j += 1
      if let r = inner.range(of: ":-") {
        name = String(inner[..<r.lowerBound])
        fallback = String(inner[r.upperBound...])
        useFallbackIfEmpty = true
      } else if let dash = inner.firstIndex(of: "-") {
        name = String(inner[..<dash])
        fallback = String(inner[inner.index(after: dash)...])
      } else {
        name = inner
      }
    } else {
      let start = j
      if j < b.count,
        b[j] >= UInt8(ascii: "0") && b[j] <= UInt8(ascii: "9") || b[j] == UInt8(ascii: "?")
          || b[j] == UInt8(ascii: "#") || b[j] == UInt8(ascii: "@") || b[j] == UInt8(ascii: "*")
      {
        j += 1
      } else {
        while j < b.count,
          b[j] == UInt8(ascii: "_") || (b[j] | 0x20 >= UInt8(ascii: "a") && b[j] | 0x20 <= UInt8(ascii: "z"))
            || (b[j] >= UInt8(ascii: "0") && b[j] <= UInt8(ascii: "9"))
        {
          j += 1
        }
      }
      if j == start { return ("$", j) }
      name = String(decoding: b[start..<j], as: UTF8.self)
    }
    if let v = variables[name], !(useFallbackIfEmpty && v.isEmpty) { return (v, j) }
    if let f = fallback { return (f, j) }
    diagnostics.error(
      "shell variable `\(name)` is not set: assign it before use, or give it with --define \(name)=VALUE",
      at: location(i), id: "ipfw-shell")
    return nil
  }

  /// Carries out one simple command; false after an error that ends reading.
  mutating func runShellCommand(_ words: [IPFWWord]) -> Bool {
    let sawHash = self.sawHash
    self.sawHash = false
    var w = words[...]
    if let first = w.first?.text, first == "ipfw" || first == "/sbin/ipfw" {
      addCommand(Array(w.dropFirst()), at: w.first!.location, mayContainHash: sawHash)
      return true
    }
    // Leading assignments.
    while let first = w.first, first.text.utf8.contains(UInt8(ascii: "=")), let eq = first.text.firstIndex(of: "="),
      isName(first.text[..<eq])
    {
      if w.count > 1 { break }
      variables[String(first.text[..<eq])] = String(first.text[first.text.index(after: eq)...])
      w = w.dropFirst()
    }
    guard let command = w.first else { return true }
    let name = command.text
    if Self.controlWords.contains(name) || name.hasSuffix("()") {
      diagnostics.error(
        "shell `\(name)` is not supported: fwc reads straight-line ipfw commands, never part of a script; "
          + "load the rules and read `ipfw list` output instead", at: command.location, id: "ipfw-shell")
      return false
    }
    if name == "." || name == "source" {
      diagnostics.error(
        "sourcing another file (`\(name) \(w.dropFirst().first?.text ?? "")`) is not supported: "
          + "give its variables with --define, or read `ipfw list` output", at: command.location, id: "ipfw-shell")
      return false
    }
    if name == "exit" { return false }
    if ["export", "readonly", "local"].contains(name) {
      for a in w.dropFirst() {
        if let eq = a.text.firstIndex(of: "="), isName(a.text[..<eq]) {
          variables[String(a.text[..<eq])] = String(a.text[a.text.index(after: eq)...])
        }
      }
      return true
    }
    if name == "ipfw" || name.hasSuffix("/ipfw") {
      addCommand(Array(w.dropFirst()), at: command.location, mayContainHash: sawHash)
      return true
    }
    if Self.harmlessCommands.contains(String(name.split(separator: "/").last ?? "")) {
      return true
    }
    diagnostics.error(
      "`\(name)` is neither ipfw nor a command fwc knows to leave the rules alone; "
        + "read `ipfw list` output instead", at: command.location, id: "ipfw-shell")
    return false
  }
}
