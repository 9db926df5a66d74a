import FirewallIR
import Foundation

/// One ippool.conf definition: a tree pool, a hash table, a group map or a destination list.
public struct IPPoolDefinition: Sendable {
  public enum Kind: Sendable, Equatable {
    case tree, hash, groupMap(out: Bool), dstlist(policy: String?)
  }
  /// An address entry: negation (trees), address, mask, group (group maps), interface (dstlists).
  public struct Entry: Sendable, Equatable {
    public var negated = false
    public var address: IPAddress
    public var mask: IPAddress
    public var group: String? = nil
    public var interface: String? = nil
  }

  public var kind: Kind
  public var role: String
  public var name: String
  public var size = 0
  public var seed = 0
  /// Written in the `pool role/kind (…)` syntax rather than `table …`.
  public var poolSyntax = false
  public var entries: [Entry] = []
  public var origin: SourceLocation
}

/// Reads ippool.conf: `table role = R type = tree|hash …`, `group-map in|out …` and the
/// `pool role/dstlist|tree|hash (…)` forms, with `file://` entry lists.
public struct IPPoolParser: IPFTokenReading {
  static let syntaxID = "ippool-syntax"
  static let newlinesAreBlank = true
  var lex: IPFLexer
  var diags = DiagnosticBag()
  var definitions: [IPPoolDefinition] = []
  let readFile: (String) -> SourceFile?
  var statementStart = SourceLocation(fileID: -1, line: 1, column: 1)

  public struct Result {
    public var definitions: [IPPoolDefinition]
    public var diagnostics: [Diagnostic]
    public var file: SourceFile
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
  }

  public static func parse(_ file: SourceFile, readFile: @escaping (String) -> SourceFile? = { _ in nil }) -> Result {
    var p = IPPoolParser(lex: IPFLexer(file: file), readFile: readFile)
    p.parseAll()
    for d in p.lex.diagnostics.all { p.diags.append(d) }
    return Result(definitions: p.definitions, diagnostics: p.diags.all, file: file)
  }

  mutating func parseAll() {
    while true {
      let t = peek()
      if t.kind == .eof { break }
      if t.is(";") {
        next()
        continue
      }
      statementStart = t.location
      do {
        if t.kind == .word, lex.peek2().is("=") && t.text != "table" {
          let name = next()
          next()
          lex.variables[name.text] = try word().text
          try expect(";")
        } else {
          try definition()
        }
      } catch {
        // Skip to the end of the statement.
        while true {
          let n = peek()
          if n.kind == .eof { break }
          next()
          if n.is(";") && !peek().is("}") { break }
          if n.is("}") {
            _ = accept(";")
            break
          }
        }
      }
      drainLexerDiagnostics()
    }
  }

  static let roles: Set<String> = ["ipf", "nat", "auth", "count", "all"]

  mutating func role() throws -> String {
    let t = try word()
    guard IPPoolParser.roles.contains(t.text) else { throw error("unknown role '\(t.text)'", at: t.location) }
    return t.text
  }

  mutating func definition() throws {
    let t = try word()
    switch t.text {
    case "table":
      try expect("role")
      try expect("=")
      let role = try role()
      try expect("type")
      try expect("=")
      let type = try word()
      var def = IPPoolDefinition(kind: type.text == "hash" ? .hash : .tree, role: role, name: "", origin: t.location)
      guard type.text == "tree" || type.text == "hash" else {
        throw error("unknown table type '\(type.text)'", at: type.location)
      }
      def.name = try tableName()
      if def.kind == .hash { try hashOptions(&def) }
      def.entries = try entries(tree: def.kind == .tree, defaultGroup: nil)
      try expect(";")
      definitions.append(def)
    case "group-map":
      let out: Bool
      if accept("in") { out = false } else if accept("out") { out = true } else { throw syntaxError(peek()) }
      if accept("(") {
        throw error("group-map ( … ) form is not supported", at: t.location)
      }
      try expect("role")
      try expect("=")
      let role = try role()
      var def = IPPoolDefinition(kind: .groupMap(out: out), role: role, name: try tableName(), origin: t.location)
      var group: String? = nil
      if accept("group") {
        try expect("=")
        group = try word().text
      }
      try hashOptions(&def)
      def.entries = try entries(tree: false, defaultGroup: group)
      try expect(";")
      definitions.append(def)
    case "pool":
      let role = try role()
      try expect("/")
      let type = try word()
      try expect("(")
      try expect("name")
      let name = try word().text
      try expect(";")
      var def = IPPoolDefinition(kind: .tree, role: role, name: name, origin: t.location)
      def.poolSyntax = true
      switch type.text {
      case "dstlist":
        var policy: String? = nil
        if accept("policy") {
          let p = try word()
          switch p.text {
          case "round-robin", "random", "hash", "src-hash", "dst-hash": policy = p.text
          case "weighted", "weighting":
            try expect("connection")
            policy = "weighting connection"
          default: throw error("unknown policy '\(p.text)'", at: p.location)
          }
          try expect(";")
        }
        def.kind = .dstlist(policy: policy)
        try expect(")")
        def.entries = try entries(tree: false, defaultGroup: nil, dstlist: true)
      case "tree":
        try expect(")")
        def.entries = try entries(tree: true, defaultGroup: nil)
      case "hash":
        def.kind = .hash
        while !accept(")") {
          // size/seed here are accepted and, as in ippool, not applied.
          let o = try word()
          guard o.text == "size" || o.text == "seed" else { throw syntaxError(o) }
          _ = try number()
          try expect(";")
        }
        def.entries = try entries(tree: false, defaultGroup: nil)
      default:
        throw error("unknown pool type '\(type.text)'", at: type.location)
      }
      _ = accept(";")
      definitions.append(def)
    default:
      throw error("unknown ippool statement '\(t.text)'", at: t.location)
    }
  }

  mutating func tableName() throws -> String {
    if accept("number") {
      try expect("=")
      return String(try number())
    }
    if accept("name") {
      try expect("=")
      return String(try word().text.prefix(15))
    }
    return ""
  }

  mutating func hashOptions(_ def: inout IPPoolDefinition) throws {
    while true {
      if accept("size") {
        try expect("=")
        def.size = try number()
      } else if accept("seed") {
        try expect("=")
        def.seed = try number()
      } else {
        return
      }
    }
  }

  /// `{ entry; entry; … }` (or `{ ; }`).
  mutating func entries(tree: Bool, defaultGroup: String?, dstlist: Bool = false) throws -> [IPPoolDefinition.Entry] {
    try expect("{")
    var out: [IPPoolDefinition.Entry] = []
    while !accept("}") {
      if accept(";") { continue }
      let t = peek()
      if t.kind == .quoted {
        next()
        out += try fileEntries(t)
        try expect(";")
        continue
      }
      var negated = false
      if tree && accept("!") { negated = true }
      let w = try word()
      var iface: String? = nil
      var text = w.text
      if dstlist, let colon = text.firstIndex(of: ":"), IPAddress.parse(Substring(text)) == nil {
        iface = String(text[..<colon])
        text = String(text[text.index(after: colon)...])
      }
      var e = try entry(text, at: w.location)
      e.negated = negated
      e.interface = iface
      if accept(",") {
        try expect("group")
        try expect("=")
        e.group = try word().text
      } else if let g = defaultGroup {
        e.group = g
      }
      out.append(e)
      try expect(";")
    }
    return out
  }

  mutating func entry(_ text: String, at loc: SourceLocation) throws -> IPPoolDefinition.Entry {
    let a: IPAddress
    if let n = Int(text) {
      a = IPAddress(family: .inet, value: UInt128(UInt32(truncatingIfNeeded: n)))
    } else if let x = IPAddress.parse(Substring(text)) {
      a = x
    } else {
      throw error("invalid address '\(text)'", at: loc)
    }
    var mask = IPAddress.mask(family: a.family, prefix: a.family.bitCount)
    if accept("/") {
      let m = try word()
      if let n = Int(m.text), n >= 0, n <= a.family.bitCount {
        mask = IPAddress.mask(family: a.family, prefix: n)
      } else if let mm = IPAddress.parse(Substring(m.text)) {
        mask = mm
      } else {
        throw error("bad bitmask", at: m.location)
      }
    }
    return IPPoolDefinition.Entry(address: a, mask: mask)
  }

  /// `"file://path"`: one entry per line (`!` negates).
  mutating func fileEntries(_ t: IPFToken) throws -> [IPPoolDefinition.Entry] {
    guard t.text.hasPrefix("file://") else { throw error("unsupported entry source '\(t.text)'", at: t.location) }
    let path = String(t.text.dropFirst(7))
    guard let f = readFile(path) else { throw error("cannot read \(path)", at: t.location) }
    var out: [IPPoolDefinition.Entry] = []
    for raw in String(decoding: f.bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
      var line = raw.trimmingCharacters(in: .whitespaces)
      if let hash = line.firstIndex(of: "#") { line = String(line[..<hash]).trimmingCharacters(in: .whitespaces) }
      if line.isEmpty { continue }
      var negated = false
      if line.hasPrefix("!") {
        negated = true
        line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
      }
      let parts = line.split(separator: "/", maxSplits: 1).map(String.init)
      guard let a = IPAddress.parse(Substring(parts[0])) else {
        throw error("invalid address '\(line)' in \(path)", at: t.location)
      }
      var mask = IPAddress.mask(family: a.family, prefix: a.family.bitCount)
      if parts.count == 2 {
        guard let n = Int(parts[1]), n >= 0, n <= a.family.bitCount else {
          throw error("bad bitmask in \(path)", at: t.location)
        }
        mask = IPAddress.mask(family: a.family, prefix: n)
      }
      out.append(IPPoolDefinition.Entry(negated: negated, address: a, mask: mask))
    }
    return out
  }
}

/// Prints ippool.conf definitions as `ippool -nRv` does.
public enum IPPoolPrinter {
  public static func print(_ defs: [IPPoolDefinition]) -> String {
    var s = TextBuffer()
    for d in defs { definition(d, into: &s) }
    return s.string
  }

  /// ipfilter's printip: small IPv4 values print as a plain number.
  static func ip(_ a: IPAddress) -> String {
    if a.family == .inet, a.value < 256 { return "\(a.value)" }
    return a.description
  }

  static func numberOrName(_ name: String) -> String {
    (name.isEmpty || name.first!.isNumber) ? "number=\(name)" : "name=\(name)"
  }

  public static func definition(_ d: IPPoolDefinition, into s: inout TextBuffer) {
    switch d.kind {
    case .dstlist(let policy):
      s += "pool \(d.role)/dstlist (name \(d.name);"
      if let p = policy { s += " policy \(p);" }
      s += ")\n\t{"
      if d.entries.isEmpty { s += ";" }
      for e in d.entries {
        s += " " + (e.interface.map { "\($0):" } ?? "") + ip(e.address) + ";"
      }
      s += " };\n"
    case .tree:
      s += "table role=\(d.role) type=tree \(numberOrName(d.name))\n\t{"
      if d.entries.isEmpty { s += ";" }
      for e in d.entries {
        s += " " + (e.negated ? "! " : "") + ip(e.address) + IPFPrinter.maskText(e.mask) + ";"
      }
      s += " };\n"
    case .hash, .groupMap:
      let size = d.size != 0 ? d.size : max(d.entries.count, 1) * 2 - 1
      if case .groupMap(let out) = d.kind {
        s += "group-map \(out ? "out" : "in") role=\(d.role)"
      } else {
        s += "table role=\(d.role) type=hash"
      }
      s += " \(numberOrName(d.name)) size=\(size)"
      if d.seed != 0 { s += " seed=\(d.seed)" }
      s += "\n\t{"
      if d.entries.isEmpty { s += ";" }
      for e in d.entries {
        s += " " + ip(e.address) + IPFPrinter.maskText(e.mask)
        if case .groupMap = d.kind, let g = e.group, g != d.name { s += ", group=\(g)" }
        s += ";"
      }
      s += " };\n"
    }
  }
}
