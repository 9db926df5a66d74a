import FirewallIR

/// Reads ipnat.conf the way `ipnat -Rnvf` does: map, map-block, bimap, rdr, rewrite and
/// divert rules with their port maps, proxies and options.
public struct IPNatParser: IPFLineStatements {
  static let syntaxID = "ipnat-syntax"
  static let newlinesAreBlank = false
  var lex: IPFLexer
  var diags = DiagnosticBag()
  var rules: [IPNatRule] = []
  var nat = IPNatRule(origin: SourceLocation(fileID: -1, line: 1, column: 1))
  /// ipnat's suggest_port: a `port` was written, so the rule is for TCP/UDP unless told otherwise.
  var suggestPort = false
  var statementStart = SourceLocation(fileID: -1, line: 1, column: 1)

  public struct Result {
    public var rules: [IPNatRule]
    public var diagnostics: [Diagnostic]
    public var file: SourceFile
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
  }

  public static func parse(_ file: SourceFile) -> Result {
    var p = IPNatParser(lex: IPFLexer(file: file))
    p.parseAll()
    for d in p.lex.diagnostics.all { p.diags.append(d) }
    return Result(rules: p.rules, diagnostics: p.diags.all, file: file)
  }

  mutating func rule() throws {
    nat = IPNatRule(origin: statementStart)
    suggestPort = false
    nat.no = accept("no")
    let kw = try word()
    switch kw.text {
    case "map", "bimap":
      nat.kind = kw.text == "map" ? .map : .bimap
      try map()
    case "map-block":
      nat.kind = .mapBlock
      try mapBlock()
    case "rdr":
      nat.kind = .rdr
      try rdr()
    case "rewrite", "divert":
      let out: Bool
      if accept("in") { out = false } else if accept("out") { out = true } else { throw syntaxError(peek()) }
      nat.kind = kw.text == "rewrite" ? .rewrite(out: out) : .divert(out: out)
      try expect("on")
      try rewrite(divert: kw.text == "divert")
    default:
      throw error("unknown NAT rule '\(kw.text)'", at: kw.location)
    }
    guard atEnd else { throw syntaxError(peek()) }
    _ = accept(";")
    if nat.versionIn == 0 { nat.versionIn = 4 }
    if nat.versionOut == 0 { nat.versionOut = nat.versionIn }
    rules.append(nat)
  }

  mutating func interfaces() throws {
    nat.interfaces = [try word().text]
    if accept(",") { nat.interfaces.append(try word().text) }
    if accept("inet") {
      nat.versionIn = 4
      nat.versionOut = 4
    } else if accept("inet6") {
      nat.versionIn = 6
      nat.versionOut = 6
    }
  }

  var family: AddressFamily { nat.versionIn == 6 ? .inet6 : .inet }

  mutating func map() throws {
    try interfaces()
    var lhsFamily: AddressFamily? = nil
    if peek().is("from") {
      lhsFamily = try mapFrom()
    } else {
      let a = try address()
      nat.originalSource = a.0
      lhsFamily = a.1
    }
    if nat.no {
      try setProto()
      setMapInterfaces()
      return
    }
    try expect("->")
    let r = try rhsAddress()
    nat.newSource = r.0
    if nat.versionIn == 0 { nat.versionIn = versionOf(r.1 ?? lhsFamily) }
    if nat.versionOut == 0 { nat.versionOut = versionOf(r.1 ?? lhsFamily) }
    if accept("portmap") {
      try portmap()
    } else if accept("icmpidmap") {
      let p = try word()
      guard p.text == "icmp" || p.text == "ipv6-icmp" else {
        throw error("icmpidmap not followed by icmp", at: p.location)
      }
      let pair = try portPair()
      nat.proto = p.text == "icmp" ? (1, 1) : (58, 58)
      nat.icmpQuery = true
      nat.tcp = false
      nat.udp = false
      nat.spmin = pair.0
      nat.spmax = pair.1
      if accept("sequential") { nat.sequential = true }
    } else if peek().is("proxy") {
      try proxy()
    }
    try mapOptions()
    setMapInterfaces()
  }

  func versionOf(_ f: AddressFamily?) -> Int {
    switch f {
    case .inet: return 4
    case .inet6: return 6
    case nil: return 0
    }
  }

  mutating func portmap() throws {
    func tcpudp(_ p: inout IPNatParser) throws -> Bool {
      if p.accept("tcp") {
        if p.accept("/") {
          try p.expect("udp")
          p.nat.tcp = true
          p.nat.udp = true
          p.nat.proto = (0, 0)
        } else {
          p.setNatProto(6)
        }
        return true
      }
      if p.accept("udp") {
        p.setNatProto(17)
        return true
      }
      if p.accept("tcpudp") {
        p.nat.tcp = true
        p.nat.udp = true
        p.nat.proto = (0, 0)
        return true
      }
      return false
    }
    if try tcpudp(&self) {
      if accept("auto") {
        nat.autoPortmap = true
        nat.spmin = 1024
        nat.spmax = 65535
      } else {
        let pair = try portPair()
        nat.spmin = pair.0
        nat.spmax = pair.1
      }
    } else {
      let pair = try portPair()
      nat.spmin = pair.0
      nat.spmax = pair.1
      guard try tcpudp(&self) else { throw syntaxError(peek()) }
    }
    if accept("sequential") { nat.sequential = true }
  }

  mutating func proxy() throws {
    try expect("proxy")
    try expect("port")
    suggestPort = true
    let p = try word()
    let label = try word()
    try expect("/")
    let protoTok = try word()
    let proto = try protocolNumber(protoTok)
    let port: Int
    if let n = Int(p.text) {
      port = n
    } else if let n = ServiceNames.port(named: p.text, proto: proto == 17 ? "udp" : "tcp") {
      port = Int(n)
    } else {
      throw error("invalid port number", at: p.location)
    }
    nat.proxy = label.text
    if nat.destinationCompare == nil {
      nat.odport = port
    } else if port != nat.odport {
      throw error("proxy port numbers not consistant", at: p.location)
    }
    setNatProto(proto)
  }

  mutating func protocolNumber(_ t: IPFToken) throws -> Int {
    if let n = Int(t.text) {
      guard n >= 0, n <= 255 else { throw error("unknown protocol", at: t.location) }
      if n != 6 && n != 17 { suggestPort = false }
      return n
    }
    if t.text == "tcp" { return 6 }
    if t.text == "udp" { return 17 }
    guard let n = ProtocolNames.number(named: t.text) else { throw error("unknown protocol", at: t.location) }
    if n != 6 && n != 17 { suggestPort = false }
    return Int(n)
  }

  mutating func mapBlock() throws {
    try interfaces()
    let a = try address()
    nat.originalSource = a.0
    if nat.no {
      try setProto()
      setMapInterfaces()
      return
    }
    try expect("->")
    let b = try address()
    nat.newSource = b.0
    if nat.versionIn == 0 { nat.versionIn = versionOf(b.1 ?? a.1) }
    if nat.versionOut == 0 { nat.versionOut = versionOf(b.1 ?? a.1) }
    if accept("ports") {
      if accept("auto") {
        nat.autoPortmap = true
      } else {
        let t = peek()
        let n = try number()
        guard n >= 0, n <= 65535 else { throw error("invalid port count \(n)", at: t.location) }
        nat.spmin = n
      }
    }
    try mapOptions()
    setMapInterfaces()
  }

  mutating func rdr() throws {
    try interfaces()
    var lhsFamily: AddressFamily? = nil
    if peek().is("from") || peek().is("!") {
      lhsFamily = try rdrFrom()
    } else {
      let a = try address()
      nat.originalDestination = a.0
      lhsFamily = a.1
      if accept("port") {
        suggestPort = true
        let pair = try portPair()
        nat.odport = pair.0
        nat.dtop = pair.1 == 0 ? pair.0 : pair.1
      }
    }
    if nat.no {
      try setProto()
      setRdrInterfaces()
      return
    }
    try expect("->")
    let dip = try destinationIP()
    if nat.versionIn == 0 { nat.versionIn = versionOf(lhsFamily ?? dip) }
    if accept("port") {
      suggestPort = true
      if accept("=") {
        let p = try portSpec()
        nat.dpmin = p
        nat.dpnext = p
        if nat.dtop == 0 { nat.dtop = nat.odport }
        nat.fixedDestinationPort = true
      } else {
        let pair = try portPair()
        nat.dpmin = pair.0
        nat.dpnext = pair.0
        nat.dpmax = pair.1
        if nat.dtop == 0 { nat.dtop = pair.1 }
      }
    }
    try setProto()
    try rdrOptions()
    setRdrInterfaces()
  }

  mutating func rewrite(divert: Bool) throws {
    try interfaces()
    if accept("proto") { try setProto() }
    let f = try mapFrom()
    if nat.versionIn == 0 { nat.versionIn = versionOf(f) }
    try expect("->")
    try expect("src")
    if divert {
      let a = try address()
      nat.newSource = a.0
      try expect(",")
      let sp = try portSpec()
      nat.nsports = (sp, sp)
      try expect("dst")
      let b = try address()
      nat.newDestination = b.0
      try expect(",")
      let dp = try portSpec()
      nat.ndports = (dp, dp)
      try expect("udp")
    } else {
      let a = try rhsAddress()
      nat.newSource = a.0
      var fixedSource = false
      nat.nsports = try rewritePorts(fixed: &fixedSource)
      nat.fixedSourcePort = fixedSource
      try expect("dst")
      if accept("dstlist") {
        try expect("/")
        let v = try word()
        nat.newDestination = Int(v.text).map { .dstlist(number: $0, name: nil) } ?? .dstlist(number: nil, name: v.text)
      } else {
        nat.newDestination = try destinationAddress().0
      }
      var fixedDestination = false
      nat.ndports = try rewritePorts(fixed: &fixedDestination)
      nat.fixedDestinationPort = fixedDestination
    }
    if accept("purge") { nat.purge = true }
    if case .rewrite(let out) = nat.kind, out {
      setMapInterfaces()
    } else if case .divert(let out) = nat.kind, out {
      setMapInterfaces()
      nat.proto.0 = 17
    } else {
      setRdrInterfaces()
      if case .divert = nat.kind { nat.proto.1 = 17 }
    }
    if case .divert = nat.kind {
      nat.tcp = false
    }
  }

  mutating func rewritePorts(fixed: inout Bool) throws -> (Int, Int) {
    if accept(",") {
      guard nat.anyTCPUDP else { throw error("must be TCP/UDP for ports") }
      return try portPair()
    }
    if accept("port") {
      try expect("=")
      let p = try portSpec()
      fixed = true
      return (p, p)
    }
    return (0, 0)
  }

  // MARK: from/to

  mutating func mapFrom() throws -> AddressFamily? {
    try expect("from")
    nat.filter = true
    let s = try object(source: true)
    if accept("!") { nat.notDestination = true }
    try expect("to")
    if accept("!") { nat.notDestination = true }
    let d = try object(source: false)
    if let a = s, let b = d, a != b { throw error("address family mismatch") }
    return s ?? d
  }

  mutating func rdrFrom() throws -> AddressFamily? {
    if accept("!") { nat.notSource = true }
    try expect("from")
    nat.filter = true
    if accept("!") { nat.notSource = true }
    let s = try object(source: true)
    try expect("to")
    let d = try object(source: false)
    if let a = s, let b = d, a != b { throw error("address family mismatch") }
    return s ?? d
  }

  mutating func object(source: Bool) throws -> AddressFamily? {
    let a = try address()
    if source { nat.originalSource = a.0 } else { nat.originalDestination = a.0 }
    if accept("port") {
      suggestPort = true
      let t = peek()
      let ops: [String: String] = [
        "=": "=", "eq": "=", "!=": "!=", "ne": "!=", "<": "<", "lt": "<", ">": ">", "gt": ">", "<=": "<=",
        "le": "<=", ">=": ">=", "ge": ">=",
      ]
      var cmp: IPFPortCompare
      if let op = ops[t.text], t.kind != .quoted {
        next()
        cmp = IPFPortCompare(op: op, port: try portSpec(), top: 0)
      } else {
        let w = try word()
        if let colon = w.text.firstIndex(of: ":") {
          cmp = IPFPortCompare(
            op: ":", port: try portValue(String(w.text[..<colon]), at: w.location),
            top: try portValue(String(w.text[w.text.index(after: colon)...]), at: w.location))
        } else {
          let p1 = try portValue(w.text, at: w.location)
          let r = peek()
          guard r.is("><") || r.is("<>") else { throw syntaxError(r) }
          next()
          cmp = IPFPortCompare(op: r.text, port: p1, top: try portSpec())
        }
      }
      if source {
        nat.sourceCompare = cmp
      } else {
        nat.destinationCompare = cmp
        nat.odport = cmp.port
        nat.dtop = cmp.top
      }
    }
    return a.1
  }

  // MARK: addresses

  mutating func host(_ t: IPFToken) throws -> (IPAddress, AddressFamily?) {
    if let n = Int(t.text), !t.text.contains(".") {
      let a = IPAddress(family: family, value: UInt128(UInt32(truncatingIfNeeded: n)))
      return (a, n == 0 ? nil : .inet)
    }
    if let a = IPAddress.parse(Substring(t.text)) { return (a, a.family) }
    if let a = IPFParser.lookupHost(t.text) {
      if family == .inet6, t.text == "test.host.dots" {
        return (IPAddress.parseV6("fe80:aa55:1234:5678:5a5a:a5a5:fedc:ba98")!, .inet6)
      }
      return (a, a.family)
    }
    throw error("Unknown host '\(t.text)'", at: t.location, id: "ipnat-unknown-host")
  }

  mutating func address() throws -> (IPNatAddress, AddressFamily?) {
    let t = try word()
    if t.text == "any" { return (.zero(family), nil) }
    if t.text == "pool" || t.text == "hash" {
      guard nat.filter else { throw error("Can only use \(t.text) with from/to rules", at: t.location) }
      try expect("/")
      let v = try word()
      return (
        Int(v.text).map { .lookup(kind: t.text, number: $0, name: nil) }
          ?? .lookup(kind: t.text, number: nil, name: v.text), nil
      )
    }
    let (a, f) = try host(t)
    let fam = f ?? family
    var mask = IPAddress.mask(family: fam, prefix: f == nil ? 0 : fam.bitCount)
    if f == nil && a.value == 0 { mask = IPAddress(family: fam, value: 0) }
    if accept("/") || accept("mask") {
      let m = try word()
      if let n = Int(m.text) {
        guard n >= 0, n <= 128 else { throw error("invalid mask '\(m.text)'", at: m.location) }
        // As ipnat's ntomask: a length longer than the family's leaves the mask empty.
        mask = n <= fam.bitCount ? IPAddress.mask(family: fam, prefix: n) : IPAddress(family: fam, value: 0)
      } else if m.text.hasPrefix("0x"), let v = UInt32(m.text.dropFirst(2), radix: 16) {
        mask = IPAddress(family: .inet, value: UInt128(v))
      } else if let ma = IPAddress.parse(Substring(m.text)) {
        mask = IPAddress(family: fam, value: ma.value)
      } else {
        throw error("invalid mask '\(m.text)'", at: m.location)
      }
    }
    let masked = IPAddress(family: fam, value: a.value & mask.value)
    return (.normal(masked, mask: mask), f)
  }

  /// The right side of map: an address or a range `a-b` / `range a-b`.
  mutating func rhsAddress() throws -> (IPNatAddress, AddressFamily?) {
    let isRange = accept("range")
    let t = peek()
    if t.kind == .word, lex.peek2().is("-") {
      next()
      next()
      let u = try word()
      let (a, fa) = try host(t)
      let (b, fb) = try host(u)
      if fa != fb { throw error("address family mismatch", at: t.location) }
      nat.sourceRange = true
      return (.range(a, b), fa)
    }
    if t.kind == .word, let dash = t.text.firstIndex(of: "-"), !t.text.hasPrefix("-") {
      next()
      let (a, fa) = try host(IPFToken(kind: .word, text: String(t.text[..<dash]), location: t.location))
      let (b, fb) = try host(
        IPFToken(kind: .word, text: String(t.text[t.text.index(after: dash)...]), location: t.location))
      if fa != fb { throw error("address family mismatch", at: t.location) }
      nat.sourceRange = true
      return (.range(a, b), fa)
    }
    if isRange { throw syntaxError(t) }
    return try address()
  }

  mutating func destinationAddress() throws -> (IPNatAddress, AddressFamily?) {
    let isRange = accept("range")
    let t = peek()
    if t.kind == .word, lex.peek2().is("-") {
      next()
      next()
      let (a, _) = try host(t)
      let (b, _) = try host(try word())
      nat.destinationRange = true
      return (.range(a, b), a.family)
    }
    if t.kind == .word, let dash = t.text.firstIndex(of: "-"), !t.text.hasPrefix("-") {
      next()
      let (a, _) = try host(IPFToken(kind: .word, text: String(t.text[..<dash]), location: t.location))
      let (b, _) = try host(
        IPFToken(kind: .word, text: String(t.text[t.text.index(after: dash)...]), location: t.location))
      nat.destinationRange = true
      return (.range(a, b), a.family)
    }
    if isRange { throw syntaxError(t) }
    return try address()
  }

  /// rdr's target: `a,b` (split) or an address whose mask must be a host mask.
  mutating func destinationIP() throws -> AddressFamily? {
    if peek().kind == .word, lex.peek2().is(",") {
      let a = try host(try word())
      next()
      let b = try host(try word())
      nat.split = true
      nat.newDestination = .split(a.0, b.0)
      return a.1
    }
    let (addr, f) = try destinationAddress()
    if case .normal(_, let mask) = addr {
      var ones = 0
      let bits = mask.family.bitCount
      while ones < bits && (mask.value >> UInt128(bits - 1 - ones)) & 1 == 1 { ones += 1 }
      if ones != 0 && ones != bits { throw error("dest ip bitmask not /\(bits)") }
    }
    nat.newDestination = addr
    return f
  }

  // MARK: ports and protocols

  mutating func portSpec() throws -> Int {
    let t = try word()
    return try portValue(t.text, at: t.location)
  }

  mutating func portValue(_ s: String, at loc: SourceLocation) throws -> Int {
    if let n = Int(s) {
      guard n >= 0, n <= 65535 else { throw error("invalid port number", at: loc) }
      return n
    }
    if let p = ServiceNames.port(named: s, proto: "tcp") ?? ServiceNames.port(named: s, proto: "udp") { return Int(p) }
    throw error("invalid port number", at: loc)
  }

  /// `a`, `a-b` or `a:b` (one word to the lexer).
  mutating func portPair() throws -> (Int, Int) {
    let t = try word()
    for sep in ["-", ":"] as [Character] {
      if let i = t.text.firstIndex(of: sep), i != t.text.startIndex {
        return (
          try portValue(String(t.text[..<i]), at: t.location),
          try portValue(String(t.text[t.text.index(after: i)...]), at: t.location)
        )
      }
    }
    let a = try portValue(t.text, at: t.location)
    if accept(":") { return (a, try portSpec()) }
    return (a, a)
  }

  mutating func setProto() throws {
    let t = peek()
    guard t.kind == .word,
      !["round-robin", "frag", "age", "sticky", "mssclamp", "proxy", "tag", "purge"].contains(t.text)
    else { return }
    if nat.proto.0 != 0 || nat.proto.1 != 0 || nat.anyTCPUDP { throw error("protocol set twice", at: t.location) }
    if t.text == "tcpudp" {
      next()
      nat.tcp = true
      nat.udp = true
      return
    }
    if t.text == "tcp", lex.peek2().is("/") {
      next()
      next()
      try expect("udp")
      nat.tcp = true
      nat.udp = true
      return
    }
    next()
    if t.text == "ip" {
      suggestPort = false
      setNatProto(0)
      return
    }
    setNatProto(try protocolNumber(t))
  }

  /// ipnat's setnatproto: a protocol other than TCP/UDP forgets the ports.
  mutating func setNatProto(_ p: Int) {
    nat.proto = (p, p)
    switch p {
    case 6:
      nat.tcp = true
      nat.udp = false
    case 17:
      nat.udp = true
      nat.tcp = false
    case 1, 58:
      nat.tcp = false
      nat.udp = false
      if !nat.icmpQuery { clearPorts() }
    default:
      if nat.kind != .mapBlock {
        nat.tcp = false
        nat.udp = false
        clearPorts()
      }
    }
    if !nat.tcp && !nat.udp {
      nat.odport = 0
      nat.dtop = 0
    }
    if !nat.anyTCPUDP && nat.fixedDestinationPort { nat.fixedDestinationPort = false }
  }

  mutating func clearPorts() {
    nat.destinationCompare = nil
    nat.sourceCompare = nil
    nat.dpmin = 0
    nat.dpmax = 0
    nat.dpnext = 0
    nat.spmin = 0
    nat.spmax = 0
  }

  mutating func setMapInterfaces() {
    if suggestPort && !nat.anyTCPUDP {
      nat.tcp = true
      nat.udp = true
    }
    if !nat.anyTCPUDP { setNatProto(nat.proto.1) }
  }

  mutating func setRdrInterfaces() {
    if suggestPort && !nat.anyTCPUDP {
      nat.tcp = true
      nat.udp = true
    }
    if nat.proto.0 == 0 && !nat.anyTCPUDP && (nat.dpmin != 0 || nat.dpmax != 0 || nat.dpnext != 0) { setNatProto(6) }
  }

  // MARK: options

  /// The options after a map rule: round-robin, frag, age, mssclamp, tag, a protocol, purge.
  mutating func mapOptions() throws {
    while try commonOption() {}
  }

  /// The options after an rdr rule, which may also name a proxy.
  mutating func rdrOptions() throws {
    while true {
      if try commonOption() { continue }
      guard peek().is("proxy") else { return }
      if lex.peek2().is("port") {
        try proxy()
        nat.dpmin = nat.odport
        nat.dpmax = nat.odport
        nat.dtop = nat.odport
        nat.dpnext = nat.odport
      } else {
        next()
        nat.proxy = try word().text
        nat.odport = nat.dpnext
        nat.dtop = nat.odport
      }
    }
  }

  /// One option both rule kinds take; false when none comes next.
  mutating func commonOption() throws -> Bool {
    if accept("round-robin") {
      nat.roundRobin = true
    } else if accept("frag") {
      nat.frag = true
    } else if accept("age") {
      let a = try number()
      let b = accept("/") ? try number() : a
      nat.age = (a, b)
    } else if accept("mssclamp") {
      nat.mssclamp = try number()
    } else if accept("tag") {
      nat.tag = String(try word().text.prefix(16))
    } else if accept("purge") {
      nat.purge = true
    } else if accept("sticky") {
      if nat.roundRobin || nat.split { nat.sticky = true }
    } else if nat.kind != .rdr, !atEnd, peek().kind == .word, !peek().is("proxy") {
      try setProto()
      if !atEnd && peek().kind == .word && ProtocolNames.number(named: peek().text) != nil { throw syntaxError(peek()) }
    } else {
      return false
    }
    return true
  }

}
