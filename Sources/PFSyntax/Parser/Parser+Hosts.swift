import FirewallIR

/// Addresses, ports, interfaces and protocols.
extension PFParser {
  static let modifiers: Set<String> = ["network", "broadcast", "peer", "0"]

  /// `ipspec`: `any`, a host, or `{ host_list }`; negation allowed per host.
  mutating func ipSpec() throws -> [PFHost] {
    if accept("any") { return [PFHost(address: .any, family: nil)] }
    if acceptPunct("{") { return try hostList() }
    return try host()
  }

  mutating func hostList() throws -> [PFHost] {
    var out: [PFHost] = []
    skipNewlines()
    while !acceptPunct("}") {
      if lex.peekKind() == .eof { throw syntaxError(peek()) }
      out += try host()
      _ = acceptPunct(",")
      skipNewlines()
    }
    if out.isEmpty { throw error("empty list", at: peek().location) }
    return out
  }

  /// One host, possibly negated: address[/len], range, (if), <table>, no-route, urpf-failed.
  mutating func host() throws -> [PFHost] {
    var negated = false
    while acceptPunct("!") { negated.toggle() }
    var hosts = try hostWithoutNegation()
    if negated { for i in hosts.indices { hosts[i].negated.toggle() } }
    return hosts
  }

  mutating func hostWithoutNegation() throws -> [PFHost] {
    let t = peek()
    if t.isWord("no-route") {
      next()
      return [PFHost(address: .noRoute, family: nil)]
    }
    if t.isWord("urpf-failed") {
      next()
      return [PFHost(address: .urpfFailed, family: nil)]
    }
    if t.isWord("any") {
      next()
      return [PFHost(address: .any, family: nil)]
    }
    if t.isPunct(UInt8(ascii: "<")) {
      next()
      let name = try string()
      try expectPunct(">")
      guard name.text.utf8.count < 32 else { throw error("table name too long", at: name.location) }
      return [PFHost(address: .table(name.text), family: nil)]
    }
    if t.isPunct(UInt8(ascii: "(")) {
      next()
      let name = try string()
      try expectPunct(")")
      var parts = name.text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      var mods: [String] = []
      while parts.count > 1, PFParser.modifiers.contains(parts.last!) { mods.insert(parts.removeLast(), at: 0) }
      guard parts.count == 1, !parts[0].isEmpty else {
        throw error("invalid interface specification \(name.text)", at: name.location)
      }
      if mods.filter({ $0 != "0" }).count > 1 {
        throw error("illegal combination of interface modifiers", at: name.location)
      }
      var prefix: Int? = nil
      if acceptPunct("/") {
        let n = try number()
        guard n >= 0, n <= 128 else { throw error("invalid netmask '/\(n)'", at: name.location) }
        prefix = Int(n)
      }
      return [PFHost(address: .dynamic(ifname: parts[0], modifiers: mods, prefix: prefix), family: nil)]
    }
    guard t.isString || t.kind == .number else { throw syntaxError(t) }
    next()
    var mask: Int? = nil
    if acceptPunct("/") {
      let m = try number()
      guard m >= 0, m <= 128 else { throw error("invalid netmask '/\(m)'", at: t.location) }
      mask = Int(m)
    } else if (lex.peekKind() == .punct(UInt8(ascii: "-"))) {
      next()
      let end = try stringOrNumber()
      guard let a = IPAddress.parse(Substring(t.text)), let b = IPAddress.parse(Substring(end.text)),
        a.family == b.family
      else {
        throw error("invalid address range \(t.text) - \(end.text)", at: t.location)
      }
      var h = PFHost(address: .range(a, b), family: a.family)
      h.negated = false
      return [h]
    }
    return try resolve(t.text, mask: mask, at: t.location)
  }

  /// Resolves a host name as pfctl's host(): IPv4, IPv6, interface (with modifiers), `self`,
  /// then the host context's names.
  mutating func resolve(_ s: String, mask: Int?, at loc: SourceLocation) throws -> [PFHost] {
    if let m = mask, let a = IPAddress.parseV4Network(Substring(s)), m <= 32 {
      return [PFHost(address: .addrMask(a.masked(m), prefix: m), family: .inet)]
    }
    if mask == nil, let a = IPAddress.parseV4(Substring(s)) {
      return [PFHost(address: .addrMask(a, prefix: 32), family: .inet)]
    }
    var v6text = Substring(s)
    var scope: String? = nil
    if let pct = v6text.firstIndex(of: "%") {
      scope = String(v6text[v6text.index(after: pct)...])
      v6text = v6text[..<pct]
    }
    if let a = IPAddress.parseV6(v6text) {
      let p = mask ?? 128
      var h = PFHost(address: .addrMask(a.masked(p), prefix: p), family: .inet6)
      h.scope = scope
      return [h]
    }
    if let hosts = try interfaceHosts(s, mask: mask, at: loc) { return hosts }
    if let addrs = hostContext.resolve(host: s), !addrs.isEmpty {
      return addrs.map { a in
        let p = a.family == .inet ? min(mask ?? 32, 32) : (mask ?? 128)
        return PFHost(address: .addrMask(a.masked(p), prefix: p), family: a.family)
      }
    }
    if hostContext.interfaces.isEmpty, PFParser.looksLikeInterface(s) {
      return [PFHost(address: .interfaceName(s), family: nil)]
    }
    diags.error("no IP address found for \(s)", at: loc, id: "pf-unknown-host")
    throw error("could not parse host specification", at: loc, id: "pf-unknown-host")
  }

  /// Addresses of an interface or group (`em0`, `em0:network`, `self`), or nil if `s` names none.
  mutating func interfaceHosts(_ s: String, mask: Int?, at loc: SourceLocation) throws -> [PFHost]? {
    var parts = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    var mods: Set<String> = []
    while parts.count > 1 {
      guard PFParser.modifiers.contains(parts.last!) else { return nil }
      mods.insert(parts.removeLast())
    }
    let name = parts[0]
    if mods.subtracting(["0"]).count > 1 {
      throw error("illegal combination of interface modifiers", at: loc)
    }
    if (mods.contains("network") || mods.contains("broadcast")) && mask != nil {
      throw error("network or broadcast lookup, but extra netmask given", at: loc)
    }
    let interfaces: [HostContext.Interface]
    if name == "self" {
      if hostContext.interfaces.isEmpty { return nil }
      interfaces = hostContext.interfaces
    } else if let i = hostContext.interface(named: name) {
      interfaces = [i]
    } else {
      let members = hostContext.members(ofGroup: name)
      if members.isEmpty { return nil }
      interfaces = members
    }
    var out: [PFHost] = []
    for i in interfaces {
      var got4 = false
      var got6 = false
      for net in i.networks {
        let a = net.address
        if mods.contains("broadcast"), a.family != .inet || i.isLoopback { continue }
        if mods.contains("peer"), i.peers == nil { continue }
        if mods.contains("network"), a.isLinkLocal { continue }
        if mods.contains("0") {
          if a.family == .inet && got4 { continue }
          if a.family == .inet6 && (a.isLinkLocal || got6) { continue }
        }
        if a.family == .inet { got4 = true } else { got6 = true }
        var addr = a
        var prefix = a.family.bitCount
        if mods.contains("broadcast") {
          let hostBits = ~IPAddress.mask(family: .inet, prefix: net.prefix).value & 0xFFFF_FFFF
          addr = IPAddress(family: .inet, value: a.value | hostBits)
        } else if mods.contains("peer") {
          guard
            let peer = i.peers?.compactMap({ IPAddress.parse(Substring($0)) }).first(where: { $0.family == a.family })
          else { continue }
          addr = peer
        }
        if mods.contains("network") {
          prefix = net.prefix
          addr = addr.masked(prefix)
        }
        if let m = mask {
          prefix = min(m, a.family.bitCount)
          addr = addr.masked(prefix)
        }
        var h = PFHost(address: .addrMask(addr, prefix: prefix), family: a.family)
        if a.isLinkLocal { h.scope = i.name }
        h.ifname = i.name
        out.append(h)
      }
    }
    return out.isEmpty ? nil : out
  }

  /// `em0`, `em0:network`, `self`: names that are interfaces on a real host.
  static func looksLikeInterface(_ s: String) -> Bool {
    var parts = s.split(separator: ":", omittingEmptySubsequences: false)
    while parts.count > 1, modifiers.contains(String(parts.last!)) { parts.removeLast() }
    guard parts.count == 1, let name = parts.first, let first = name.first, first.isLetter else { return false }
    if name == "self" { return true }
    return name.last!.isNumber && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
  }

  // MARK: ports

  /// `port` operand list: `port_item` or `{ port_list }`.
  mutating func portSpec() throws -> [PFRange] {
    if acceptPunct("{") {
      var out: [PFRange] = []
      skipNewlines()
      while !acceptPunct("}") {
        if lex.peekKind() == .eof { throw syntaxError(peek()) }
        out.append(try portItem())
        _ = acceptPunct(",")
        skipNewlines()
      }
      if out.isEmpty { throw error("empty port list") }
      return out
    }
    return [try portItem()]
  }

  /// A unary operator: `=`, `!=`, `<`, `<=`, `>`, `>=`.
  mutating func unaryOp() -> RangeOperator? {
    let t = peek()
    guard case .punct(let c) = t.kind else { return nil }
    switch c {
    case UInt8(ascii: "="):
      next()
      return .equal
    case UInt8(ascii: "!"):
      guard lex.peek2().isPunct(UInt8(ascii: "=")) else { return nil }
      next()
      next()
      return .notEqual
    case UInt8(ascii: "<"):
      next()
      return acceptPunct("=") ? .lessOrEqual : .less
    case UInt8(ascii: ">"):
      next()
      return acceptPunct("=") ? .greaterOrEqual : .greater
    default: return nil
    }
  }

  struct PortRange {
    var a: UInt32
    var b: UInt32
    var isRange: Bool
    var star: Bool
  }

  mutating func portRange(allowStar: Bool = false) throws -> PortRange {
    let t = try stringOrNumber()
    let text = t.text
    if let colon = text.firstIndex(of: ":") {
      let lhs = String(text[..<colon])
      let rhs = String(text[text.index(after: colon)...])
      let a = try service(lhs, at: t.location)
      if rhs == "*" {
        guard allowStar else { throw error("port range '*' not allowed here", at: t.location) }
        return PortRange(a: a, b: 0, isRange: false, star: true)
      }
      let b = try service(rhs, at: t.location)
      return a == b
        ? PortRange(a: a, b: 0, isRange: false, star: false) : PortRange(a: a, b: b, isRange: true, star: false)
    }
    return PortRange(a: try service(text, at: t.location), b: 0, isRange: false, star: false)
  }

  /// A port number or service name (tcp first, then udp, as pfctl's getservice).
  mutating func service(_ s: String, at loc: SourceLocation) throws -> UInt32 {
    if let v = parseCNumber(s) {
      guard v <= 65535 else { throw error("illegal port value \(v)", at: loc) }
      return UInt32(v)
    }
    if let p = ServiceNames.port(named: s, proto: "tcp") ?? ServiceNames.port(named: s, proto: "udp") {
      return UInt32(p)
    }
    throw error("unknown port \(s)", at: loc, id: "pf-unknown-port")
  }

  mutating func portItem() throws -> PFRange {
    let start = peek().location
    if let op = unaryOp() {
      let r = try portRange()
      if r.isRange { throw error("':' cannot be used with an other port operator", at: start) }
      return PFRange(op, r.a)
    }
    let r = try portRange()
    if case .portBinary(let op) = peek().kind {
      next()
      let r2 = try portRange()
      if r.isRange || r2.isRange { throw error("':' cannot be used with an other port operator", at: start) }
      return PFRange(op, r.a, r2.a)
    }
    if r.isRange {
      if r.a > r.b { throw error("invalid port range", at: start, id: "pf-port-range") }
      return PFRange(.inclusiveRange, r.a, r.b)
    }
    return PFRange(.equal, r.a)
  }

  // MARK: interfaces and protocols

  /// `on` operand: `[!] name` or `{ list }`.
  mutating func interfaceSpec() throws -> [(String, Bool)] {
    if acceptPunct("{") {
      var out: [(String, Bool)] = []
      skipNewlines()
      while !acceptPunct("}") {
        if lex.peekKind() == .eof { throw syntaxError(peek()) }
        let not = acceptPunct("!")
        let n = try string()
        try checkInterfaceName(n)
        out.append((n.text, not))
        _ = acceptPunct(",")
        skipNewlines()
      }
      if out.isEmpty { throw error("empty interface list") }
      return out
    }
    let not = acceptPunct("!")
    let n = try string()
    try checkInterfaceName(n)
    return [(n.text, not)]
  }

  mutating func checkInterfaceName(_ t: Token) throws {
    if t.text.utf8.count >= 16 { throw error("interface name too long", at: t.location) }
  }

  /// `proto` operand: a name or number, or a list.
  mutating func protoSpec() throws -> [UInt8] {
    func one(_ p: inout PFParser) throws -> UInt8 {
      let t = try p.stringOrNumber()
      if t.kind == .number {
        guard t.number >= 0, t.number <= 255 else { throw p.error("protocol outside range", at: t.location) }
        if t.number == 0 { throw p.error("proto 0 is not supported", at: t.location) }
        return UInt8(t.number)
      }
      if let n = ProtocolNames.number(named: t.text) { return n }
      throw p.error("unknown protocol \(t.text)", at: t.location, id: "pf-unknown-protocol")
    }
    if acceptPunct("{") {
      var out: [UInt8] = []
      skipNewlines()
      while !acceptPunct("}") {
        if lex.peekKind() == .eof { throw syntaxError(peek()) }
        out.append(try one(&self))
        _ = acceptPunct(",")
        skipNewlines()
      }
      if out.isEmpty { throw error("empty protocol list") }
      return out
    }
    return [try one(&self)]
  }
}

/// Parses a number the way strtoul(s, 0) does for whole strings: decimal, 0x hex or 0 octal.
func parseCNumber(_ s: String) -> UInt64? {
  if s.isEmpty { return nil }
  if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
  if s.count > 1, s.hasPrefix("0") { return UInt64(s.dropFirst(), radix: 8) }
  return UInt64(s)
}
