import FirewallIR

/// `set` options, tables and ALTQ queues: statements pfctl echoes while it parses.
extension PFParser {
  static let limitNames: Set<String> = [
    "states", "frags", "src-nodes", "table-entries", "tables", "anchors", "eth-anchors",
  ]

  mutating func option() throws {
    next()
    let t = try string()
    switch t.text {
    case "timeout":
      try listOrOne {
        let n = try $0.string()
        guard PFParser.timeoutNames.contains(n.text) else {
          throw $0.error("unknown timeout \(n.text)", at: n.location)
        }
        let v = try $0.positive()
        $0.config.echo.append("set timeout \(n.text) \(v)")
      }
    case "limit":
      try listOrOne {
        let n = try $0.string()
        guard PFParser.limitNames.contains(n.text) else { throw $0.error("unknown limit \(n.text)", at: n.location) }
        let v = try $0.positive()
        $0.config.echo.append("set limit \(n.text) \(v)")
      }
    case "loginterface":
      let v = try string()
      config.echo.append("set loginterface \(v.text)")
    case "hostid":
      let t = try stringOrNumber()
      guard let v = parseCNumber(t.text), v > 0, v <= UInt32.max else {
        throw error("illegal hostid value \(t.text)", at: t.location)
      }
      config.echo.append("set hostid 0x\(String(format8: UInt32(v)))")
    case "block-policy":
      if accept("drop") {
        blockPolicyReturn = false
        config.echo.append("set block-policy drop")
      } else if accept("return") {
        blockPolicyReturn = true
        config.echo.append("set block-policy return")
      } else {
        throw syntaxError(peek())
      }
    case "fail-policy":
      guard accept("drop") || accept("return") else { throw syntaxError(peek()) }
    case "optimization":
      let v = try string()
      guard ["default", "normal", "high-latency", "satellite", "aggressive", "conservative"].contains(v.text) else {
        throw error("unknown optimization \(v.text)", at: v.location)
      }
      config.echo.append("set optimization \(v.text)")
    case "ruleset-optimization":
      let v = try string()
      guard ["none", "basic", "profile"].contains(v.text) else {
        throw error("unknown ruleset-optimization \(v.text)", at: v.location)
      }
    case "require-order":
      let v = try stringOrNumber()
      guard v.text == "yes" || v.isWord("no") else {
        throw error("invalid value '\(v.text)', expected 'yes' or 'no'", at: v.location)
      }
    case "fingerprints":
      _ = try string()
    case "state-policy":
      guard accept("if-bound") || accept("floating") else { throw syntaxError(peek()) }
    case "state-defaults":
      var o = PFStateOptions()
      try stateOptionsBare(&o)
    case "debug":
      let v = try string()
      guard ["none", "urgent", "misc", "loud"].contains(v.text) else {
        throw error("unknown debug level \(v.text)", at: v.location)
      }
      config.echo.append("set debug \(v.text)")
    case "skip":
      try expect("on")
      let ifs = try interfaceSpec()
      if ifs.contains(where: { $0.1 }) { throw error("skip on ! <interface> is not supported") }
      if ifs.count == 1 && ifs[0].0 == "none" {
        config.echo.append("set skip on none")
        config.skip = []
      } else {
        config.skip += ifs.map(\.0)
        config.echo.append("set skip on {" + ifs.map { " " + $0.0 }.joined() + " }")
      }
    case "keepcounters":
      break
    case "syncookies":
      let v = try string()
      guard ["never", "always", "adaptive"].contains(v.text) else {
        throw error("unknown syncookies mode \(v.text)", at: v.location)
      }
      if acceptPunct("(") {
        while !acceptPunct(")") {
          if lex.peekKind() == .newline || lex.peekKind() == .eof { throw syntaxError(peek()) }
          next()
        }
      }
    case "reassemble":
      let v = try stringOrNumber()
      guard v.text == "yes" || v.text == "no" else {
        throw error("invalid value '\(v.text)', expected 'yes' or 'no'", at: v.location)
      }
      _ = accept("no-df")
    default:
      throw error("unknown option \(t.text)", at: t.location)
    }
    try endOfLine()
  }

  /// A single item, or `{ item, item … }`.
  mutating func listOrOne(_ item: (inout PFParser) throws -> Void) throws {
    if acceptPunct("{") {
      skipNewlines()
      while !acceptPunct("}") {
        if lex.peekKind() == .eof { throw syntaxError(peek()) }
        try item(&self)
        _ = acceptPunct(",")
        skipNewlines()
      }
    } else {
      try item(&self)
    }
  }

  mutating func stateOptionsBare(_ o: inout PFStateOptions) throws {
    var depth = 0
    while lex.peekKind() != .newline && lex.peekKind() != .eof {
      let t = next()
      if t.isPunct(UInt8(ascii: "(")) { depth += 1 }
      if t.isPunct(UInt8(ascii: ")")) { depth -= 1 }
    }
    _ = depth
  }

  // MARK: tables

  mutating func tableDefinition() throws {
    let start = peek().location
    next()
    try expectPunct("<")
    let name = try string()
    try expectPunct(">")
    guard name.text.utf8.count < 32 else { throw error("table name too long", at: name.location) }
    var def = PFTableDef(name: name.text, origin: start)
    var items: [(hosts: [PFHost]?, file: String?)] = []
    var explicitEmpty = false
    while lex.peekKind() != .newline && lex.peekKind() != .eof {
      if accept("persist") {
        def.persist = true
      } else if accept("const") {
        def.const = true
      } else if accept("counters") {
        def.counters = true
      } else if accept("file") {
        let f = try string()
        def.files.append(f.text)
        items.append((nil, f.text))
      } else if acceptPunct("{") {
        var hosts: [PFHost] = []
        skipNewlines()
        while !acceptPunct("}") {
          if lex.peekKind() == .eof { throw syntaxError(peek()) }
          hosts += try host()
          _ = acceptPunct(",")
          skipNewlines()
        }
        if hosts.isEmpty { explicitEmpty = true }
        for h in hosts {
          if case .table = h.address { throw error("tables cannot contain tables", at: start) }
        }
        def.entries += hosts
        if !hosts.isEmpty { items.append((hosts, nil)) }
      } else {
        throw syntaxError(peek())
      }
    }
    try endOfLine()
    if config.tables[def.name] != nil {
      throw error("table <\(def.name)> redefined", at: start, id: "pf-table-redefined")
    }
    config.tables[def.name] = def
    config.tableOrder.append(def.name)
    var line = "table <\(def.name)>"
    if def.const { line += " const" }
    if def.persist { line += " persist" }
    if def.counters { line += " counters" }
    var i = 0
    while i < items.count {
      if let f = items[i].file {
        line += " file \"\(f)\""
        i += 1
        continue
      }
      line += " {"
      while i < items.count, let hs = items[i].hosts {
        for h in hs { line += (h.negated ? " !" : " ") + PFPrinter.address(h.address, af: h.family) }
        i += 1
      }
      line += " }"
    }
    if explicitEmpty && items.isEmpty { line += " { }" }
    config.echo.append(line)
  }

  // MARK: ALTQ

  mutating func schedulerSpec() throws -> (String, [String])? {
    let t = peek()
    guard ["cbq", "priq", "hfsc", "fairq", "codelq"].contains(t.text), t.kind == .word else { return nil }
    next()
    var opts: [String] = []
    if acceptPunct("(") {
      var depth = 1
      while depth > 0 {
        if lex.peekKind() == .newline || lex.peekKind() == .eof { throw syntaxError(peek()) }
        let o = next()
        if o.isPunct(UInt8(ascii: "(")) { depth += 1 }
        if o.isPunct(UInt8(ascii: ")")) { depth -= 1 }
        if depth == 1, o.kind == .word { opts.append(o.text) }
      }
    }
    return (t.text, opts)
  }

  /// Parses a bandwidth such as `1Gb`, `1.5Mb`, `100Kb`, `500` or `50%`: bits per second or percent.
  mutating func bandwidth() throws -> (bits: Double, percent: Int?) {
    let t = try stringOrNumber()
    var s = Substring(t.text)
    if s.hasSuffix("%") {
      guard let p = Int(s.dropLast()), p >= 0, p <= 100 else {
        throw error("bandwidth percent out of range", at: t.location)
      }
      return (0, p)
    }
    var mult = 1.0
    if s.hasSuffix("b") {
      s = s.dropLast()
      switch s.last {
      case "K":
        mult = 1e3
        s = s.dropLast()
      case "M":
        mult = 1e6
        s = s.dropLast()
      case "G":
        mult = 1e9
        s = s.dropLast()
      default: break
      }
    }
    guard let v = Double(s), v.isFinite, v >= 0 else { throw error("unknown unit \(t.text)", at: t.location) }
    guard v * mult < 1e15 else { throw error("bandwidth too large: \(t.text)", at: t.location) }
    return (v * mult, nil)
  }

  static func rateString(_ rate: Double) -> String {
    var r = rate
    var i = 0
    let units: [Character] = [" ", "K", "M", "G"]
    while r >= 1000 && i < 3 {
      r /= 1000
      i += 1
    }
    if Int(r * 100) % 100 != 0 {
      let cents = Int((r * 100).rounded())
      return "\(cents / 100).\(String(repeating: "0", count: cents % 100 < 10 ? 1 : 0))\(cents % 100)\(units[i])b"
    }
    return "\(Int(r))\(units[i])b"
  }

  static func schedulerOptions(_ sched: String, _ opts: [String]) -> String {
    let order = [
      "red", "ecn", "rio", "codel", "cleardscp", "flowvalve", "borrow", "wrr", "efficient", "root", "default",
    ]
    let flags = order.filter(opts.contains)
    if flags.isEmpty { return "" }
    return "\(sched)(" + flags.map { " " + $0 }.joined() + " ) "
  }

  mutating func altq() throws {
    next()
    try expect("on")
    let ifs = try interfaceSpec()
    var sched: (String, [String]) = ("", [])
    var bw: (bits: Double, percent: Int?) = (0, 100)
    var qlimit = 50
    var tbr = 0
    var queues: [String] = []
    while lex.peekKind() != .newline && lex.peekKind() != .eof {
      if let s = try schedulerSpec() {
        sched = s
      } else if accept("bandwidth") {
        bw = try bandwidth()
      } else if accept("qlimit") {
        qlimit = Int(try positive())
      } else if accept("tbrsize") {
        tbr = Int(try positive())
      } else if accept("queue") {
        if acceptPunct("{") {
          skipNewlines()
          while !acceptPunct("}") {
            if lex.peekKind() == .eof { throw syntaxError(peek()) }
            queues.append(try string().text)
            _ = acceptPunct(",")
            skipNewlines()
          }
        } else {
          queues.append(try string().text)
        }
      } else {
        throw syntaxError(peek())
      }
    }
    try endOfLine()
    guard !sched.0.isEmpty else { throw error("no scheduler specified") }
    for (ifname, not) in ifs {
      if not { throw error("altq on ! <interface> is not supported") }
      let mtu = hostContext.interface(named: ifname)?.mtu ?? 1500
      var line = "altq on \(ifname) "
      let o = PFParser.schedulerOptions(sched.0, sched.1)
      line += o.isEmpty ? "\(sched.0) " : o
      let rate = bw.percent == nil ? bw.bits : 0
      if let p = bw.percent {
        if p < 100 { line += "bandwidth \(p)% " }
      } else {
        line += "bandwidth \(PFParser.rateString(rate)) "
      }
      if qlimit != 50 { line += "qlimit \(qlimit) " }
      var size = tbr
      if size == 0 {
        let base: Int
        if rate <= 1e6 {
          base = 1
        } else if rate <= 10e6 {
          base = 4
        } else if rate <= 200e6 {
          base = 8
        } else if rate <= 2500e6 {
          base = 24
        } else {
          base = 128
        }
        size = base * mtu
      }
      line += "tbrsize \(size) "
      if !queues.isEmpty { line += "queue { " + queues.map { $0 + " " }.joined() + "}" }
      config.echo.append(line)
      altqSchedulers[ifname] = sched.0
      for q in queues { queueSchedulers[q] = sched.0 }
    }
  }

  mutating func queueDefinition() throws {
    next()
    let name = try string()
    var onIf: String? = nil
    var bw: (bits: Double, percent: Int?) = (0, 100)
    var priority: Int? = nil
    var qlimit = 50
    var sched: (String, [String])? = nil
    var children: [String] = []
    while lex.peekKind() != .newline && lex.peekKind() != .eof {
      if accept("on") {
        onIf = try string().text
      } else if accept("bandwidth") {
        bw = try bandwidth()
      } else if accept("priority") {
        priority = Int(try positive())
      } else if accept("qlimit") {
        qlimit = Int(try positive())
      } else if let s = try schedulerSpec() {
        sched = s
      } else if acceptPunct("{") {
        skipNewlines()
        while !acceptPunct("}") {
          if lex.peekKind() == .eof { throw syntaxError(peek()) }
          children.append(try string().text)
          _ = acceptPunct(",")
          skipNewlines()
        }
      } else {
        throw syntaxError(peek())
      }
    }
    try endOfLine()
    let ifSched = queueSchedulers[name.text] ?? onIf.flatMap { altqSchedulers[$0] } ?? sched?.0 ?? ""
    guard !ifSched.isEmpty else { throw error("queue \(name.text) has no parent", at: name.location) }
    for c in children { queueSchedulers[c] = ifSched }
    if ifSched == "priq" && !children.isEmpty { throw error("priq queues cannot have child queues", at: name.location) }
    var line = "queue \(name.text) "
    if let i = onIf { line += "on \(i) " }
    if ["cbq", "hfsc", "fairq"].contains(ifSched) {
      if let p = bw.percent {
        if p < 100 { line += "bandwidth \(p)% " }
      } else {
        line += "bandwidth \(PFParser.rateString(bw.bits)) "
      }
    }
    if let p = priority, p != 1 { line += "priority \(p) " }
    if qlimit != 50 { line += "qlimit \(qlimit) " }
    if let s = sched { line += PFParser.schedulerOptions(ifSched.isEmpty ? s.0 : ifSched, s.1) }
    if !children.isEmpty { line += "{ " + children.map { $0 + " " }.joined() + "}" }
    config.echo.append(line)
  }
}

extension String {
  init(format8 v: UInt32) {
    self = zeroPad(String(v, radix: 16), 8)
  }
}

/// `s` left-padded with zeros to `width` characters.
func zeroPad(_ s: String, _ width: Int) -> String {
  s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
