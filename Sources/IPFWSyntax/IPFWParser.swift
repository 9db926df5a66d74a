import FirewallIR

/// Thrown to abandon a command after its error was recorded.
struct IPFWAbort: Error {}

/// Runs ipfw commands in order, as the kernel would receive them, and keeps the resulting
/// configuration: rules (numbered as the kernel numbers them), tables, NAT instances and the
/// other instance configurations.
public struct IPFWParser {
  public internal(set) var ruleset = IPFWRuleset()
  public internal(set) var diagnostics = DiagnosticBag()
  /// `net.inet.ip.fw.autoinc_step`.
  public var autoincrementStep = 100

  var words: [IPFWWord] = []
  var pos = 0
  var commandStart = SourceLocation(fileID: 0, line: 0, column: 0)
  /// What `parseOptions` saw that the canonical form must move.
  var needsReordering = false
  /// Each table's entry positions by key, rebuilt after deletions.
  var entryIndex: [String: [String: Int]] = [:]
  var mayMoveIntoSlots = false

  /// The result of reading one file.
  public struct Result {
    public var ruleset: IPFWRuleset
    public var diagnostics: [Diagnostic]
    public var file: SourceFile
  }

  /// Reads a rules file, shell script or `ipfw list` output.
  public static func parse(_ file: SourceFile, defines: [String: String] = [:]) -> Result {
    // Commands run as they are read; a reading error still leaves the whole result in error.
    var p = IPFWParser()
    let readingDiagnostics = CommandReader.read(file, defines: defines) { p.run($0) }
    return Result(ruleset: p.ruleset, diagnostics: readingDiagnostics.all + p.diagnostics.all, file: file)
  }

  public init() {}

  /// Runs one command.
  public mutating func run(_ command: IPFWCommand) {
    words = command.words
    pos = 0
    commandStart = command.location
    do {
      try runCommand(command)
    } catch {}
  }

  // MARK: Words

  var atEnd: Bool { pos >= words.count }
  var peekText: String? { pos < words.count ? words[pos].text : nil }
  var here: SourceLocation { pos < words.count ? words[pos].location : (words.last?.location ?? commandStart) }

  mutating func next() -> IPFWWord? {
    guard pos < words.count else { return nil }
    pos += 1
    return words[pos - 1]
  }

  mutating func expectWord(_ what: String) throws -> IPFWWord {
    guard let w = next() else { throw error("missing \(what)") }
    return w
  }

  mutating func accept(_ text: String) -> Bool {
    if peekText == text {
      pos += 1
      return true
    }
    return false
  }

  mutating func error(_ message: String, at location: SourceLocation? = nil, id: String = "ipfw-syntax") -> IPFWAbort {
    diagnostics.error(message, at: location ?? here, id: id)
    return IPFWAbort()
  }

  mutating func number(_ what: String, in range: ClosedRange<Int>) throws -> Int {
    let w = try expectWord(what)
    guard let n = Int(w.text), range.contains(n) else {
      throw error(
        "\(what) must be a number from \(range.lowerBound) to \(range.upperBound), not `\(w.text)`", at: w.location)
    }
    return n
  }

  // MARK: Commands

  mutating func runCommand(_ command: IPFWCommand) throws {
    // No ipfw keyword, name or value contains `#`, which starts a comment in a rules file.
    for w in words where command.mayContainHash {
      if w.text == "//" { break }
      if w.text.utf8.contains(UInt8(ascii: "#")) {
        throw error("`\(w.text)`: `#` is not valid in an ipfw command", at: w.location)
      }
    }
    guard let first = next() else { return }
    switch first.text {
    case "add":
      // `ipfw list` ends with the default rule, which is not part of the ruleset.
      if command.fromList, words.count > 2, words[1].text == "65535" {
        // …but it says whether the kernel was built to accept by default.
        ruleset.defaultAction = words[2].text == "allow" ? "allow" : "deny"
        return
      }
      var rule = try parseRule(fromList: command.fromList)
      rule.disabled = command.disabled
      insert(rule)
    case "flush":
      ruleset.rules.removeAll { $0.set == 31 ? false : true }
    case "delete":
      try deleteRules()
    case "table":
      try tableCommand()
    case "nat":
      try natCommand()
    case "set":
      try setCommand()
    case "pipe", "queue", "sched", "nat64lsn", "nat64stl", "nat64clat", "nptv6":
      ruleset.configs.append(IPFWConfig(words: words.map(\.text), location: first.location))
      pos = words.count
    case "zero", "resetlog", "enable", "disable", "list", "show", "-q":
      pos = words.count
    default:
      throw error("unknown ipfw command `\(first.text)`", at: first.location)
    }
  }

  /// Places a rule after every rule with a number not above its own, numbering it first if
  /// it came without a number.
  mutating func insert(_ rule: IPFWRule) {
    var r = rule
    if r.number == 0 {
      let last = ruleset.rules.last(where: { $0.number < 65535 })?.number ?? 0
      r.number = last + autoincrementStep < 65535 ? last + autoincrementStep : last
      if r.number == 0 { r.number = autoincrementStep }
    }
    if let last = ruleset.rules.last, last.number > r.number {
      let i = ruleset.rules.firstIndex(where: { $0.number > r.number }) ?? ruleset.rules.count
      ruleset.rules.insert(r, at: i)
    } else {
      ruleset.rules.append(r)
    }
  }

  mutating func deleteRules() throws {
    if accept("set") {
      let s = try number("set number", in: 0...31)
      ruleset.rules.removeAll { $0.set == s }
      return
    }
    guard !atEnd else { throw error("missing rule number") }
    while let w = next() {
      let bounds = w.text.split(separator: "-", omittingEmptySubsequences: false)
      guard (1...2).contains(bounds.count), let lo = Int(bounds[0]), let hi = Int(bounds.last!), lo <= hi else {
        throw error("`\(w.text)` is not a rule number or range", at: w.location)
      }
      ruleset.rules.removeAll { $0.number >= lo && $0.number <= hi }
    }
  }

  mutating func setCommand() throws {
    let verb = try expectWord("set command")
    switch verb.text {
    case "enable", "disable":
      // `set disable 1 2 enable 3`
      var enabling = verb.text == "enable"
      while let w = next() {
        if w.text == "enable" || w.text == "disable" {
          enabling = w.text == "enable"
          continue
        }
        guard let n = Int(w.text), (0...31).contains(n) else {
          throw error("set number must be from 0 to 31, not `\(w.text)`", at: w.location)
        }
        if enabling { ruleset.disabledSets.remove(n) } else { ruleset.disabledSets.insert(n) }
      }
      for i in ruleset.rules.indices { ruleset.rules[i].disabled = ruleset.disabledSets.contains(ruleset.rules[i].set) }
    case "move":
      if accept("rule") {
        let r = try number("rule number", in: 1...65535)
        guard accept("to") else { throw error("expected `to`") }
        let s = try number("set number", in: 0...31)
        for i in ruleset.rules.indices where ruleset.rules[i].number == r { ruleset.rules[i].set = s }
      } else {
        let a = try number("set number", in: 0...31)
        guard accept("to") else { throw error("expected `to`") }
        let s = try number("set number", in: 0...31)
        for i in ruleset.rules.indices where ruleset.rules[i].set == a { ruleset.rules[i].set = s }
      }
    case "swap":
      let a = try number("set number", in: 0...31)
      let b = try number("set number", in: 0...31)
      for i in ruleset.rules.indices {
        if ruleset.rules[i].set == a {
          ruleset.rules[i].set = b
        } else if ruleset.rules[i].set == b {
          ruleset.rules[i].set = a
        }
      }
    default:
      // `ipfw set N table …` / `ipfw set N nat …`: commands scoped to a set.
      if Int(verb.text) != nil, !atEnd {
        run(IPFWCommand(words: Array(words[pos...]), location: commandStart, fromList: false))
        return
      }
      throw error("unknown set command `\(verb.text)`", at: verb.location)
    }
  }

  // MARK: Tables

  mutating func tableCommand() throws {
    let nameWord = try expectWord("table name")
    let name = nameWord.text
    guard name == "all" || name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }), name.count <= 63
    else {
      throw error(
        "`\(name)` is not a table name (letters, digits, `_`, `-` and `.`, at most 63)", at: nameWord.location)
    }
    let verb = try expectWord("table command")
    switch verb.text {
    case "create":
      var type = "addr"
      var options: [String] = []
      while let w = next() {
        if w.text == "type" {
          let t = try expectWord("table type")
          guard
            ["addr", "iface", "number", "flow", "mac"].contains(
              t.text.split(separator: ":").first.map(String.init) ?? "")
          else { throw error("unknown table type `\(t.text)`", at: t.location) }
          type = t.text
        } else if ["valtype", "algo", "limit"].contains(w.text) {
          options += [w.text, try expectWord(w.text).text]
        } else if ["locked", "missing", "or-flush"].contains(w.text) {
          options.append(w.text)
        } else {
          throw error("unknown table option `\(w.text)`", at: w.location)
        }
      }
      if let existing = ruleset.tables[name], !options.contains("or-flush") {
        // `missing`: an existing table of the same type is kept as it is.
        if options.contains("missing") && existing.type == type { break }
        throw error("table `\(name)` already exists", at: nameWord.location)
      }
      if ruleset.tables[name] == nil { ruleset.tableOrder.append(name) }
      entryIndex[name] = nil
      ruleset.tables[name] = IPFWTable(
        name: name, type: type, options: options.filter { $0 != "or-flush" && $0 != "missing" },
        location: nameWord.location)
    case "add", "delete":
      if ruleset.tables[name] == nil { ruleset.tables[name] = createImplicitly(name, at: nameWord.location) }
      let type = ruleset.tables[name]!.type
      _ = accept("-atomic")
      guard !atEnd else { throw error("missing table entry") }
      while let key = next() {
        let canonical = try tableKey(key, type: type)
        var value: String? = nil
        if verb.text == "add", let v = peekText,
          Int(v) != nil || IPAddress.parse(Substring(v)) != nil && type != "addr"
        {
          value = v
          pos += 1
        }
        // Entries are changed in place, found through an index by key (tables get large).
        if entryIndex[name] == nil {
          let entries = ruleset.tables[name]!.entries
          entryIndex[name] = Dictionary(entries.indices.map { (entries[$0].key, $0) }, uniquingKeysWith: { a, _ in a })
        }
        if verb.text == "add" {
          if let i = entryIndex[name]![canonical] {
            ruleset.tables[name]!.entries[i].value = value
          } else {
            entryIndex[name]![canonical] = ruleset.tables[name]!.entries.count
            ruleset.tables[name]!.entries.append(IPFWTableEntry(key: canonical, value: value))
          }
        } else if entryIndex[name]![canonical] != nil {
          ruleset.tables[name]!.entries.removeAll { $0.key == canonical }
          entryIndex[name] = nil
        }
      }
    case "flush":
      ruleset.tables[name]?.entries = []
      entryIndex[name] = nil
    case "destroy":
      entryIndex[name] = nil
      ruleset.tables[name] = nil
      ruleset.tableOrder.removeAll { $0 == name }
    case "list", "info", "detail", "lookup":
      pos = words.count
    case "swap":
      let other = try expectWord("table name").text
      entryIndex[name] = nil
      entryIndex[other] = nil
      let a = ruleset.tables[name]
      let b = ruleset.tables[other]
      ruleset.tables[name] = b.map {
        var t = $0; t.name = name; return t
      }
      ruleset.tables[other] = a.map {
        var t = $0; t.name = other; return t
      }
    default:
      throw error("unknown table command `\(verb.text)`", at: verb.location)
    }
  }

  /// `ipfw table T add` on a table never created makes an address table, as ipfw does.
  mutating func createImplicitly(_ name: String, at location: SourceLocation) -> IPFWTable {
    ruleset.tableOrder.append(name)
    return IPFWTable(name: name, type: "addr", options: [], location: location)
  }

  /// The canonical print of a table key: an address table prints `addr/len`.
  mutating func tableKey(_ w: IPFWWord, type: String) throws -> String {
    guard type.hasPrefix("addr") else { return w.text }
    let text = Substring(w.text)
    if let n = IPNetwork.parse(text) {
      return "\(n.address.masked(n.prefix))/\(n.prefix)"
    }
    if let a = IPAddress.parse(text) { return "\(a)/\(a.family.bitCount)" }
    throw error("`\(w.text)` is not an address or network", at: w.location)
  }
}
