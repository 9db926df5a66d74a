import FirewallIR
import Foundation

/// Reads ipf.conf the way `ipf -Rnvf` does: variables, one rule per statement, `{ }` lists
/// expanded into one rule per element, and group heads lending their protocol to group rules.
public struct IPFParser: IPFLineStatements {
  static let syntaxID = "ipf-syntax"
  static let newlinesAreBlank = false
  var lex: IPFLexer
  var diags = DiagnosticBag()
  /// Rules produced so far (the most recent last).
  var rules: [IPFRule] = []
  /// Anonymous pools created by `pool=( … )`, printed before the rule that made them.
  var output: [IPFOutput] = []
  var nextAnonymousPool = 0
  /// The entries of the anonymous pool the last address read, if it was one.
  var lastAnonymousPool: [IPPoolDefinition.Entry]? = nil
  /// The rules a statement expands into while it is read.
  var current: [IPFRule] = []
  var statementStart = SourceLocation(fileID: -1, line: 1, column: 1)

  public struct Result {
    public var items: [IPFOutput]
    public var diagnostics: [Diagnostic]
    public var file: SourceFile
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var rules: [IPFRule] {
      items.compactMap { if case .rule(let r) = $0 { return r } else { return nil } }
    }
  }

  /// Parses one ipf.conf file.
  public static func parse(_ file: SourceFile) -> Result {
    var p = IPFParser(lex: IPFLexer(file: file))
    p.parseAll()
    for d in p.lex.diagnostics.all { p.diags.append(d) }
    return Result(items: p.output, diagnostics: p.diags.all, file: file)
  }

  static func parseNumber(_ s: String) -> Int? {
    if s.hasPrefix("0x") || s.hasPrefix("0X") { return Int(s.dropFirst(2), radix: 16) }
    return Int(s)
  }

  // MARK: statements

  /// Applies a change to every rule of the statement (ipf's DOALL).
  mutating func all(_ change: (inout IPFRule) -> Void) {
    for i in current.indices { change(&current[i]) }
  }

  /// Applies a list: the first element to the rules as they are, each further element to a
  /// copy of them appended after (ipf's list expansion order).
  mutating func list<T>(_ items: [T], _ apply: (inout IPFRule, T) -> Void) {
    if items.isEmpty {
      diags.error("empty list", at: statementStart, id: "ipf-syntax")
      return
    }
    if items.count == 1 {
      for i in current.indices { apply(&current[i], items[0]) }
      return
    }
    let original = current
    var out: [IPFRule] = []
    for item in items {
      for r in original {
        var c = r
        apply(&c, item)
        out.append(c)
      }
    }
    current = out
  }

  /// ipf's setipftype: the rule compares packet fields.
  mutating func setIPFType() {
    all { $0.isIPF = true }
  }

  mutating func rule() throws {
    var r = IPFRule(origin: statementStart)
    if accept("@") { _ = try number() }
    if let n = IPFParser.parseNumber(peek().text), peek().kind == .word {
      next()
      r.collection = n
    }
    current = [r]
    try action()
    if accept("in") {
      all { $0.out = false }
    } else if accept("out") {
      all { $0.out = true }
    } else {
      throw syntaxError(peek())
    }
    try options()
    try ruleMain()
    try ruleTail()
    if !atEnd { throw syntaxError(peek()) }
    _ = accept(";")
    for var fr in current {
      if fr.group != nil { fillGroup(&fr) }
      rules.append(fr)
      output.append(.rule(fr))
    }
    current = []
  }

  /// A rule in a group takes the family and protocol of the group's head (fillgroup).
  func fillGroup(_ fr: inout IPFRule) {
    guard let head = rules.last(where: { $0.head == fr.group }) else { return }
    guard head.isIPF == fr.isIPF, head.isIPF else { return }
    if fr.family == nil, let f = head.family { fr.family = f }
    if fr.proto == nil, let p = head.proto { fr.proto = p }
    if fr.proto == nil && !fr.tcpudp && head.tcpudp { fr.tcpudp = true }
  }

  mutating func action() throws {
    let t = try word()
    switch t.text {
    case "pass": all { $0.action = .pass }
    case "block":
      all { $0.action = .block }
      try blockReturn()
    case "nomatch": all { $0.action = .nomatch }
    case "count": all { $0.action = .count }
    case "decapsulate": all { $0.action = .decapsulate }
    case "auth":
      all { $0.action = .auth }
      try blockReturn()
    case "preauth": all { $0.action = .preauth }
    case "log":
      all {
        $0.action = .log
        $0.log = true
      }
      try logOptions()
    case "call":
      let now = accept("now")
      let f = try word()
      try expect("/")
      let arg = try number()
      all { $0.action = .call(function: f.text, argument: arg, now: now) }
    case "skip":
      let n = try number()
      all { $0.action = .skip(n) }
    default:
      throw error("unknown rule action '\(t.text)'", at: t.location)
    }
  }

  mutating func blockReturn() throws {
    if accept("return-rst") {
      all { $0.returnKind = .rst }
    } else if peek().is("return-icmp") || peek().is("return-icmp-as-dest") {
      let asDest = next().text == "return-icmp-as-dest"
      var code: Int? = nil
      if accept("(") {
        let c = try word()
        guard let n = IPFParser.parseNumber(c.text) ?? IPFICMP.code(named: c.text), n >= 0, n <= 255 else {
          throw error("unknown icmp code '\(c.text)'", at: c.location)
        }
        code = n
        try expect(")")
      }
      all { $0.returnKind = asDest ? .icmpAsDest(code: code) : .icmp(code: code) }
    }
  }

  mutating func logOptions() throws {
    while true {
      if accept("body") {
        all { $0.logBody = true }
      } else if accept("first") {
        all { $0.logFirst = true }
      } else if accept("or-block") {
        all { $0.logOrBlock = true }
      } else if accept("level") {
        let t = try word()
        var fac = "local0"
        var pri = t.text
        if accept(".") {
          fac = t.text
          pri = try word().text
        } else if let dot = t.text.firstIndex(of: ".") {
          fac = String(t.text[..<dot])
          pri = String(t.text[t.text.index(after: dot)...])
        }
        guard IPFSyslog.facilities.contains(fac), IPFSyslog.priorities.contains(pri) else {
          throw error("unknown log level '\(t.text)'", at: t.location)
        }
        all { $0.logLevel = (fac, pri) }
      } else {
        return
      }
    }
  }

  /// The options between the direction and the match: log, quick, on, to/dup-to/reply-to, fastroute.
  mutating func options() throws {
    while true {
      let t = peek()
      if t.is("log") {
        next()
        all { $0.log = true }
        try logOptions()
      } else if t.is("quick") {
        next()
        all { $0.quick = true }
      } else if t.is("on") {
        next()
        if accept("{") {
          var names: [[String]] = []
          while !accept("}") {
            names.append(try interfaceNames())
            _ = accept(",")
          }
          list(names) { $0.interfaces = $1 }
        } else {
          let names = try interfaceNames()
          all { $0.interfaces = names }
          if peek().is("in-via") || peek().is("out-via") {
            next()
            let via = try interfaceNames()
            all { $0.via = via }
          }
        }
      } else if t.is("to") && isDestinationAhead() || t.is("route-to") {
        next()
        let d = try destination()
        all {
          $0.toDest = d.0
          if $0.family == nil { $0.family = d.1 }
        }
      } else if t.is("dup-to") {
        next()
        let d = try destination()
        all {
          $0.dupTo = d.0
          if $0.family == nil { $0.family = d.1 }
        }
      } else if t.is("reply-to") {
        next()
        let d = try destination()
        all {
          $0.replyTo = d.0
          if $0.family == nil { $0.family = d.1 }
        }
      } else if t.is("fastroute") {
        next()
        all { $0.fastroute = true }
      } else {
        return
      }
    }
  }

  /// `to` here routes the packet (an interface) rather than naming a destination address.
  mutating func isDestinationAhead() -> Bool {
    let n = lex.peek2()
    guard n.kind == .word else { return false }
    if n.text == "any" || n.text.first?.isNumber == true || n.text.contains("/") { return false }
    if ["pool", "hash", "port"].contains(n.text) { return false }
    return true
  }

  mutating func interfaceNames() throws -> [String] {
    var names: [String] = []
    names.append(try interfaceName())
    if accept(",") { names.append(try interfaceName()) }
    return names
  }

  /// An interface name; ipf's print marks unknown interfaces `name(!)`, which reads back as the name.
  mutating func interfaceName() throws -> String {
    let a = try word()
    skipUnknownMark()
    return a.text
  }

  mutating func skipUnknownMark() {
    if peek().is("("), lex.peek2().is("!") {
      next()
      next()
      _ = accept(")")
    }
  }

  mutating func destination() throws -> (IPFDestination, AddressFamily?) {
    if accept("dstlist") {
      try expect("/")
      return (IPFDestination(ifname: try word().text, address: nil, dstlist: true), nil)
    }
    let t = try word()
    skipUnknownMark()
    if let colon = t.text.firstIndex(of: ":") {
      let name = String(t.text[..<colon])
      let rest = String(t.text[t.text.index(after: colon)...])
      guard let a = IPAddress.parse(Substring(rest)) ?? IPFParser.lookupHost(rest) else {
        throw error("cannot resolve next hop '\(rest)'", at: t.location)
      }
      return (IPFDestination(ifname: name, address: a), a.family)
    }
    return (IPFDestination(ifname: t.text, address: nil), nil)
  }

  /// Names ipfilter's resolver knows in the test suite; everything else is an error.
  static func lookupHost(_ name: String) -> IPAddress? {
    switch name {
    case "localhost": return IPAddress.parseV4("127.0.0.1")
    case "test.host.dots": return IPAddress.parseV4("254.220.186.152")
    default: return nil
    }
  }

  // MARK: match

  mutating func ruleMain() throws {
    if accept("exp") {
      try expect("{")
      let text = try word()
      try expect("}")
      var terms: [IPFExpressionTerm] = []
      for part in text.text.split(separator: ";") {
        let p = part.trimmingCharacters(in: .whitespaces)
        if p.isEmpty { continue }
        let op = p.contains("!=") ? "!=" : "="
        let sides = p.components(separatedBy: op)
        guard sides.count == 2 else { throw error("invalid expression '\(p)'", at: text.location) }
        let field = sides[0].trimmingCharacters(in: .whitespaces)
        var values: [String] = []
        for v in sides[1].split(separator: ",") {
          let value = v.trimmingCharacters(in: .whitespaces)
          if field.hasPrefix("ip.") {
            let parts = value.split(separator: "/", maxSplits: 1).map(String.init)
            guard let a = IPFParser.hostAddress(parts[0]) else {
              throw error("invalid address '\(value)'", at: text.location)
            }
            var mask = IPAddress.mask(family: a.family, prefix: a.family.bitCount)
            if parts.count == 2 {
              guard let m = IPFParser.mask(parts[1], family: a.family) else {
                throw error("invalid mask '\(parts[1])'", at: text.location)
              }
              mask = m
            }
            values.append(IPFPrinter.hostMask(IPAddress(family: a.family, value: a.value & mask.value), mask: mask))
          } else {
            guard Int(value) != nil else { throw error("invalid value '\(value)'", at: text.location) }
            values.append(value)
          }
        }
        guard
          [
            "ip.addr", "ip.src", "ip.dst", "ip.p", "tcp.port", "tcp.sport", "tcp.dport", "udp.port", "udp.sport",
            "udp.dport", "tcp.flags", "icmp.type", "ip6.addr", "ip6.src", "ip6.dst",
          ].contains(field)
        else {
          throw error("unknown expression field '\(field)'", at: text.location)
        }
        terms.append(IPFExpressionTerm(field: field, op: op, values: values))
      }
      all { $0.expression = terms }
      return
    }
    if accept("family") {
      if accept("inet") {
        all { $0.family = .inet }
      } else if accept("inet6") {
        all { $0.family = .inet6 }
      } else {
        throw syntaxError(peek())
      }
    } else if accept("inet") {
      all { $0.family = .inet }
    } else if accept("inet6") {
      all { $0.family = .inet6 }
    }
    if accept("tos") {
      setIPFType()
      let values = try numberOrList()
      list(values) { $0.tos = $1 }
    }
    if accept("ttl") {
      setIPFType()
      let values = try numberOrList()
      list(values) { $0.ttl = $1 }
    }
    if accept("proto") {
      setIPFType()
      try protocolSpec()
    }
    if accept("all") {
    } else if peek().is("from") || peek().is("to") {
      try fromTo()
    }
    if peek().is("flags") { try flags() }
    if peek().is("icmp-type") { try icmp() }
  }

  /// A byte value (tos, ttl) or a `{ }` list of them.
  mutating func numberOrList() throws -> [Int] {
    func byte(_ p: inout IPFParser) throws -> Int {
      let t = p.peek()
      let n = try p.number()
      guard n >= 0, n <= 255 else { throw p.error("value \(n) out of range 0-255", at: t.location) }
      return n
    }
    if accept("{") {
      var out: [Int] = []
      while !accept("}") {
        out.append(try byte(&self))
        _ = accept(",")
      }
      if out.isEmpty { throw error("empty list") }
      return out
    }
    return [try byte(&self)]
  }

  mutating func protocolSpec() throws {
    let t = try word()
    if t.text == "tcp-udp" || t.text == "tcpudp" {
      all { $0.tcpudp = true }
      return
    }
    if t.text == "tcp", accept("/") {
      let u = try word()
      guard u.text == "udp" else { throw syntaxError(u) }
      all { $0.tcpudp = true }
      return
    }
    if let n = IPFParser.parseNumber(t.text), n >= 0, n <= 255 {
      all { $0.proto = n }
      return
    }
    guard let n = ProtocolNames.number(named: t.text) else { throw error("protocol unknown", at: t.location) }
    all { $0.proto = Int(n) }
  }

  mutating func fromTo() throws {
    if accept("from") {
      setIPFType()
      try addressObject(source: true)
    }
    if accept("to") {
      try addressObject(source: false)
    }
  }

  mutating func addressObject(source: Bool) throws {
    if peek().is("port") {
      try portSpec(source: source)
      return
    }
    let negated = accept("!")
    let family = current.first?.family
    let addrs: [(IPFAddress, AddressFamily?)]
    if accept("{") {
      var list: [(IPFAddress, AddressFamily?)] = []
      while !accept("}") {
        list.append(try address(family: family))
        _ = accept(",")
      }
      addrs = list
    } else {
      lastAnonymousPool = nil
      addrs = [try address(family: family)]
    }
    let pool = addrs.count == 1 ? lastAnonymousPool : nil
    lastAnonymousPool = nil
    list(addrs) { r, a in
      if source {
        r.source = a.0
        r.notSource = negated
        r.sourcePool = pool
      } else {
        r.destination = a.0
        r.notDestination = negated
        r.destinationPool = pool
      }
      if let f = a.1 { r.family = f }
    }
    if peek().is("port") { try portSpec(source: source) }
  }

  /// One address: any, host[/mask], pool/hash lookups, (ifname)…
  mutating func address(family: AddressFamily?) throws -> (IPFAddress, AddressFamily?) {
    let t = peek()
    if t.is("any") {
      next()
      return (.any, nil)
    }
    if t.is("pool") || t.is("hash") {
      next()
      let kind = t.text
      if accept("/") {
        let v = try word()
        if let n = IPFParser.parseNumber(v.text) { return (.lookup(kind: kind, number: n, name: nil), nil) }
        return (.lookup(kind: kind, number: nil, name: v.text), nil)
      }
      try expect("=")
      try expect("(")
      var entries: [(Bool, IPAddress, IPAddress)] = []
      while !accept(")") {
        let not = accept("!")
        let (a, _) = try address(family: nil)
        guard case .host(let addr, let mask) = a else { throw error("pool entries must be addresses", at: t.location) }
        entries.append((not, addr, mask))
        _ = accept(",")
      }
      let number = nextAnonymousPool
      output.append(.anonymousPool(kind: kind, entries: entries))
      lastAnonymousPool = entries.map { IPPoolDefinition.Entry(negated: $0.0, address: $0.1, mask: $0.2) }
      return (.lookup(kind: kind, number: number, name: nil), nil)
    }
    if t.is("(") {
      next()
      let name = try word()
      try expect(")")
      if accept("/") {
        let m = try word()
        if ["net", "network"].contains(m.text) {
          return (.dynamic(ifname: name.text, suffix: "net", prefix: nil), .inet)
        }
        if ["bcast", "broadcast"].contains(m.text) {
          return (.dynamic(ifname: name.text, suffix: "bcast", prefix: nil), .inet)
        }
        if m.text == "peer" { return (.dynamic(ifname: name.text, suffix: "peer", prefix: nil), .inet) }
        if m.text == "netmasked" { return (.dynamic(ifname: name.text, suffix: "netmasked", prefix: nil), .inet) }
        guard let n = Int(m.text) else { throw syntaxError(m) }
        return (.dynamic(ifname: name.text, suffix: nil, prefix: n), family ?? .inet)
      }
      return (.dynamic(ifname: name.text, suffix: nil, prefix: nil), nil)
    }
    let h = try word()
    let resolved = IPFParser.hostAddress(h.text)
    if resolved == nil, peek().is("/") {
      // An interface's address: `ppp0/peer`, `hme0/broadcast`, `bge0/network`, `eri0/netmasked`, `em0/32`.
      next()
      let m = try word()
      switch m.text {
      case "peer": return (.dynamic(ifname: h.text, suffix: "peer", prefix: nil), .inet)
      case "broadcast", "bcast": return (.dynamic(ifname: h.text, suffix: "bcast", prefix: nil), .inet)
      case "network", "net": return (.dynamic(ifname: h.text, suffix: "net", prefix: nil), .inet)
      case "netmasked": return (.dynamic(ifname: h.text, suffix: "netmasked", prefix: nil), .inet)
      default:
        guard let n = Int(m.text), n >= 0, n <= 32 else { throw syntaxError(m) }
        return (.dynamic(ifname: h.text, suffix: nil, prefix: n), .inet)
      }
    }
    guard let addr = resolved else {
      throw error("cannot resolve host '\(h.text)'", at: h.location, id: "ipf-unknown-host")
    }
    if let f = family, f != addr.family { throw error("src/dst address family mismatch", at: h.location) }
    var mask = IPAddress.mask(family: addr.family, prefix: addr.family.bitCount)
    if accept("/") || accept("mask") {
      let m = try word()
      guard let mk = IPFParser.mask(m.text, family: addr.family) else {
        throw error("invalid mask '\(m.text)'", at: m.location)
      }
      mask = mk
    }
    let masked = IPAddress(family: addr.family, value: addr.value & mask.value)
    return (.host(masked, mask: mask), addr.family)
  }

  /// A host: dotted IPv4 (2 to 4 parts, left-aligned), a bare number, hex, IPv6, or a name.
  static func hostAddress(_ s: String) -> IPAddress? {
    var octets: [UInt32] = []
    octets.reserveCapacity(4)
    var current: UInt32 = 0
    var digits = 0
    var dotted = true
    var sawColon = false
    for b in s.utf8 {
      if b >= 0x30 && b <= 0x39 {
        current = current &* 10 &+ UInt32(b - 0x30)
        digits += 1
        if digits > 10 { dotted = false }
      } else if b == UInt8(ascii: ".") {
        if digits == 0 || octets.count == 3 { dotted = false }
        octets.append(current)
        current = 0
        digits = 0
      } else {
        if b == UInt8(ascii: ":") { sawColon = true }
        dotted = false
      }
    }
    if sawColon { return IPAddress.parseV6(Substring(s)) }
    if dotted && digits > 0 {
      octets.append(current)
      if octets.count == 1 {
        guard let n = Int(s), n <= 0xFFFF_FFFF else { return nil }
        return IPAddress(family: .inet, value: UInt128(n))
      }
      var v: UInt32 = 0
      for i in 0..<4 {
        let o = i < octets.count ? octets[i] : 0
        if o > 255 { return nil }
        v = v << 8 | o
      }
      return IPAddress(family: .inet, value: UInt128(v))
    }
    if s.hasPrefix("0x"), let n = UInt32(s.dropFirst(2), radix: 16) {
      return IPAddress(family: .inet, value: UInt128(n))
    }
    return lookupHost(s)
  }

  /// A mask: prefix length, dotted quad, hex, or an IPv6 mask.
  static func mask(_ s: String, family: AddressFamily) -> IPAddress? {
    if let a = IPAddress.parse(Substring(s)), s.contains(".") || s.contains(":") {
      return a.family == family ? a : nil
    }
    if s.hasPrefix("0x"), let n = UInt32(s.dropFirst(2), radix: 16), family == .inet {
      return IPAddress(family: .inet, value: UInt128(n))
    }
    if let n = Int(s), n >= 0, n <= family.bitCount { return IPAddress.mask(family: family, prefix: n) }
    return nil
  }

  // MARK: ports

  /// Port comparison operators and their canonical spelling.
  static let portOperators: [String: String] = [
    "=": "=", "eq": "=", "!=": "!=", "ne": "!=", "<": "<", "lt": "<", ">": ">", "gt": ">", "<=": "<=",
    "le": "<=", ">=": ">=", "ge": ">=",
  ]

  mutating func portSpec(source: Bool) throws {
    try expect("port")
    let p: [IPFPortCompare]
    let t = peek()
    if let op = Self.portOperators[t.text], t.kind != .quoted {
      next()
      if op == "=" && accept("{") {
        var list: [IPFPortCompare] = []
        while !accept("}") {
          let w = try word()
          if let colon = w.text.firstIndex(of: ":") {
            let a = try portValue(String(w.text[..<colon]), at: w.location)
            let b = try portValue(String(w.text[w.text.index(after: colon)...]), at: w.location)
            list.append(IPFPortCompare(op: ":", port: a, top: b))
            _ = accept(",")
            continue
          }
          let a = try portValue(w.text, at: w.location)
          if accept(":") {
            list.append(IPFPortCompare(op: ":", port: a, top: try portNumber()))
          } else if accept("><") {
            list.append(IPFPortCompare(op: "><", port: a, top: try portNumber()))
          } else {
            list.append(IPFPortCompare(op: "=", port: a, top: 0))
          }
          _ = accept(",")
        }
        p = list
      } else {
        p = [IPFPortCompare(op: op, port: try portNumber(), top: 0)]
      }
    } else {
      let w = try word()
      if let colon = w.text.firstIndex(of: ":") {
        let a = try portValue(String(w.text[..<colon]), at: w.location)
        let b = try portValue(String(w.text[w.text.index(after: colon)...]), at: w.location)
        p = [IPFPortCompare(op: ":", port: a, top: b)]
      } else {
        let a = try portValue(w.text, at: w.location)
        let r = peek()
        guard r.is("><") || r.is("<>") else { throw syntaxError(r) }
        next()
        p = [IPFPortCompare(op: r.text, port: a, top: try portNumber())]
      }
    }
    list(p) { r, c in
      if source { r.sourcePort = c } else { r.destinationPort = c }
    }
  }

  mutating func portNumber() throws -> Int {
    let t = try word()
    return try portValue(t.text, at: t.location)
  }

  mutating func portValue(_ s: String, at loc: SourceLocation) throws -> Int {
    if let n = Int(s) {
      guard n >= 0, n <= 65535 else { throw error("invalid port number", at: loc) }
      return n
    }
    let proto = current.first?.proto
    let names = proto == 17 ? ["udp"] : proto == 6 ? ["tcp"] : ["tcp", "udp"]
    for n in names {
      if let p = ServiceNames.port(named: s, proto: n) { return Int(p) }
    }
    throw error("service unknown", at: loc)
  }

  // MARK: flags and icmp

  static let flagLetters: [(Character, Int)] = [
    ("F", 0x01), ("S", 0x02), ("R", 0x04), ("P", 0x08), ("A", 0x10), ("U", 0x20), ("E", 0x40), ("C", 0x80),
  ]

  mutating func flagValue() throws -> Int {
    let t = try word()
    if let n = IPFParser.parseNumber(t.text) {
      guard n >= 0, n <= 0xFF else { throw error("invalid TCP flags \(t.text)", at: t.location) }
      return n
    }
    var v = 0
    for ch in t.text {
      guard let f = IPFParser.flagLetters.first(where: { $0.0 == ch }) else {
        throw error("unknown TCP flag '\(ch)'", at: t.location)
      }
      v |= f.1
    }
    return v
  }

  mutating func flags() throws {
    let t = next()
    guard current.first?.isIPF == true else { throw error("flags with non-ipf type rule", at: t.location) }
    guard current.first?.proto == 6 else { throw error("flags with non-TCP rule", at: t.location) }
    var set = 0
    var mask = 0x3F
    if accept("/") {
      mask = try flagValue()
    } else {
      set = try flagValue()
      if accept("/") { mask = try flagValue() }
    }
    all {
      $0.tcpFlags = set
      $0.tcpFlagMask = mask
    }
  }

  mutating func icmp() throws {
    next()
    // ipf reads ICMPv6 types when run with -6; a rule for `proto ipv6-icmp` says the same.
    if current.first?.family == nil { all { $0.family = $0.proto == 58 ? .inet6 : .inet } }
    let v6 = current.first?.family == .inet6
    if current.first?.isIPF == true {
      if !v6 && current.first?.proto != 1 { throw error("proto not icmp") }
      if v6 && current.first?.proto != 58 { throw error("proto not ipv6-icmp") }
    }
    setIPFType()
    func type(_ p: inout IPFParser) throws -> Int {
      let t = try p.word()
      if let n = Int(t.text) {
        guard n >= 0, n <= 255 else { throw p.error("invalid icmp type \(n)", at: t.location) }
        return n
      }
      guard let n = IPFICMP.type(named: t.text, v6: v6) else { throw p.error("unrecognised icmp type", at: t.location) }
      return n
    }
    if accept("{") {
      var types: [Int] = []
      while !accept("}") {
        types.append(try type(&self))
        _ = accept(",")
      }
      list(types) { $0.icmpType = $1 }
    } else {
      let n = try type(&self)
      all { $0.icmpType = n }
    }
    if accept("code") {
      func code(_ p: inout IPFParser) throws -> Int {
        let t = try p.word()
        if let n = Int(t.text) {
          guard n >= 0, n <= 255 else { throw p.error("invalid icmp code \(n)", at: t.location) }
          return n
        }
        guard let n = IPFICMP.code(named: t.text) else {
          throw p.error("unknown icmp code '\(t.text)'", at: t.location)
        }
        return n
      }
      if accept("{") {
        var codes: [Int] = []
        while !accept("}") {
          codes.append(try code(&self))
          _ = accept(",")
        }
        list(codes) { $0.icmpCode = $1 }
      } else {
        let n = try code(&self)
        all { $0.icmpCode = n }
      }
    }
  }

  // MARK: after the match

  mutating func ruleTail() throws {
    if peek().is("with") || peek().is("and") { try withList() }
    while accept("keep") {
      if accept("state") {
        all { $0.keepState = true }
        if accept("(") { try stateOptions() }
      } else if accept("frags") || accept("frag") {
        all { $0.keepFrags = true }
        if accept("(") {
          while !accept(")") {
            try expect("strict")
            all { $0.fragStrict = true }
            _ = accept(",")
          }
        }
      } else {
        throw syntaxError(peek())
      }
    }
    if accept("head") {
      let g = try word().text
      all { $0.head = g }
    }
    if accept("group") {
      let g = try word().text
      all { $0.group = g }
    }
    while true {
      if accept("set-tag") {
        try expect("(")
        while !accept(")") {
          if accept("log") {
            try expect("=")
            let n = try number()
            all { $0.logTag = n }
          } else if accept("nat") {
            try expect("=")
            let v = String(try word().text.prefix(16))
            all { $0.natTag = v }
          } else {
            throw syntaxError(peek())
          }
          _ = accept(",")
        }
      } else if accept("pps") {
        let n = try number()
        all { $0.pps = n }
      } else if accept("age") {
        let a = try number()
        let b = accept("/") ? try number() : a
        all { $0.age = (a, b) }
      } else if accept("rule-ttl") {
        let n = try number()
        all { $0.ruleTTL = n }
      } else if accept("comment") {
        let c = try word().text
        all { $0.comment = c }
      } else {
        return
      }
    }
  }

  mutating func stateOptions() throws {
    while !accept(")") {
      let t = try word()
      switch t.text {
      case "limit":
        let n = try number()
        all { $0.stateLimit = n }
      case "strict":
        guard current.first?.proto == 6 else { throw error("strict only applies to tcp", at: t.location) }
        all { $0.stateStrict = true }
      case "loose":
        guard current.first?.proto == 6 else { throw error("loose only applies to tcp", at: t.location) }
        all { $0.stateLoose = true }
      case "newisn":
        guard current.first?.proto == 6 else { throw error("newisn only applies to tcp", at: t.location) }
        all { $0.stateNewISN = true }
      case "no-icmp-err": all { $0.stateNoICMPErr = true }
      case "sync": all { $0.stateSync = true }
      case "age":
        let a = try number()
        let b = accept("/") ? try number() : a
        all { $0.age = (a, b) }
      case "max-srcs":
        let n = try number()
        all { $0.maxNodes = n }
      case "max-per-src":
        let n = try number()
        var m: Int? = nil
        if accept("/") { m = try number() }
        all {
          $0.maxPerSource = n
          $0.perSourceMask = m ?? ($0.family == .inet ? 32 : 128)
        }
      case "nolog", "icmp-head":
        if t.text == "icmp-head" { _ = try word() }
      default:
        throw error("unknown state option '\(t.text)'", at: t.location)
      }
      _ = accept(",")
    }
  }

  mutating func withList() throws {
    next()
    setIPFType()
    while true {
      var not = false
      if accept("not") || accept("no") { not = true }
      let t = peek()
      if t.is("opt") {
        next()
        try ipOptions(not: not)
      } else if t.is("v6hdr") {
        next()
        try v6Headers(not: not)
      } else if t.kind == .word, let bit = IPFWith.bit(t.text) {
        next()
        all {
          $0.withMask |= bit
          if !not { $0.withBits |= bit }
        }
      } else if not {
        throw syntaxError(t)
      } else {
        return
      }
      if accept(",") { continue }
      let n = peek()
      if n.is("not") || n.is("no") || n.is("opt") || (n.kind == .word && IPFWith.bit(n.text) != nil) { continue }
      return
    }
  }

  mutating func v6Headers(not: Bool) throws {
    var bits: UInt32 = 0
    repeat {
      let t = try word()
      for name in t.text.split(separator: ",") {
        guard let h = IPFOptions.v6Headers.first(where: { $0.name == name }) else {
          throw error("unknown IPv6 extension header \(name)", at: t.location)
        }
        bits |= h.bit
      }
    } while accept(",")
    all {
      $0.family = .inet6
      $0.v6HeaderMask |= bits
      if !not { $0.v6HeaderBits |= bits }
    }
  }

  mutating func ipOptions(not: Bool) throws {
    var opts: UInt32 = 0
    var sec: UInt32 = 0
    var wantSecClass = false
    repeat {
      let t = try word()
      for name in t.text.split(separator: ",") {
        guard let o = IPFOptions.options.first(where: { $0.0 == name }) else {
          throw error("unknown IP option name \(name)", at: t.location)
        }
        opts |= o.1
        if name == "sec-class" { wantSecClass = true }
      }
    } while accept(",")
    if wantSecClass {
      repeat {
        let t = try word()
        for name in t.text.split(separator: ",") {
          guard let s = IPFOptions.securityClasses.first(where: { $0.0 == name }) else {
            throw error("no such security level: \(name)", at: t.location)
          }
          sec |= s.1
        }
      } while accept(",")
    }
    all {
      if $0.family == nil { $0.family = .inet }
      $0.optMask |= opts
      $0.secMask |= sec
      if !not {
        $0.optBits |= opts
        $0.secBits |= sec
      }
    }
  }
}

/// What `ipf -nv` prints, in order: rules, and the anonymous pools rules create.
public enum IPFOutput: Sendable {
  case rule(IPFRule)
  case anonymousPool(kind: String, entries: [(Bool, IPAddress, IPAddress)])
}
