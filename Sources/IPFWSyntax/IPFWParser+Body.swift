import FirewallIR

/// The rule body: `[proto] from SRC [ports] to DST [ports]`, or options alone.
extension IPFWParser {
  mutating func parseBody(_ rule: inout IPFWRule) throws {
    guard let first = peekText, isProtocolStart(first) else {
      if atEnd && rule.comment == nil { throw error("missing protocol") }
      rule.justOptions = true
      try parseOptions(&rule)
      return
    }
    try parseProtocols(&rule)
    guard accept("from") else { throw error("missing `from`") }
    rule.source = try parseAddress(destination: false)
    try parsePortsIfAny(&rule, keyword: "src-port")
    guard accept("to") else { throw error("missing `to`") }
    rule.destination = try parseAddress(destination: true)
    try parsePortsIfAny(&rule, keyword: "dst-port")
    try parseOptions(&rule)
  }

  func isProtocolStart(_ t: String) -> Bool {
    if t == "{" || t == "(" || t == "not" || t == "!" || t == "from" { return true }
    return protocolValue(t) != nil
  }

  /// A protocol word: nil for unknown; `.number(0)` stands for `ip`/`all`.
  func protocolValue(_ t: String) -> IPFWProtocol? {
    switch t {
    case "ip", "all": return .number(0)
    case "ip4", "ipv4": return .ip4
    case "ip6", "ipv6": return .ip6
    case "icmp6": return .number(58)
    default:
      if let n = Int(t) { return (0...255).contains(n) ? .number(UInt8(n)) : nil }
      if let n = ProtocolNames.number(named: t) { return .number(n) }
      return nil
    }
  }

  mutating func parseProtocols(_ rule: inout IPFWRule) throws {
    if peekText == "from" { return }
    rule.protocolNegated = accept("not") || accept("!")
    let block = accept("{") || accept("(")
    var list: [IPFWProtocol] = []
    repeat {
      let w = try expectWord("protocol")
      guard let p = protocolValue(w.text) else { throw error("unknown protocol `\(w.text)`", at: w.location) }
      if p != .number(0) {
        list.append(p)
      } else if block {
        throw error("`\(w.text)` inside a protocol block matches everything", at: w.location)
      }
    } while block && accept("or")
    if block && !(accept("}") || accept(")")) { throw error("expected `}` closing the protocol block") }
    rule.protocols = list
    if list.isEmpty && rule.protocolNegated { throw error("`not ip` matches nothing") }
  }

  // MARK: Addresses

  mutating func parseAddress(destination: Bool) throws -> IPFWAddress {
    if accept("{") || accept("(") {
      var terms: [IPFWAddressTerm] = []
      repeat {
        let negated = accept("not") || accept("!")
        let w = try expectWord("address")
        terms.append(IPFWAddressTerm(try addressItems(w), negated: negated))
      } while accept("or")
      guard accept("}") || accept(")") else { throw error("expected `}` closing the address block") }
      return IPFWAddress(terms)
    }
    let negated = accept("not") || accept("!")
    let w = try expectWord(destination ? "destination address" : "source address")
    return IPFWAddress([IPFWAddressTerm(try addressItems(w), negated: negated)])
  }

  /// Splits on commas outside `{ }`.
  func splitList(_ s: String) -> [Substring] {
    if !s.utf8.contains(UInt8(ascii: ",")) { return [s[...]] }
    var parts: [Substring] = []
    var depth = 0
    var start = s.startIndex
    for i in s.indices {
      if s[i] == "{" {
        depth += 1
      } else if s[i] == "}" {
        depth -= 1
      } else if s[i] == ",", depth == 0 {
        parts.append(s[start..<i])
        start = s.index(after: i)
      }
    }
    parts.append(s[start...])
    return parts
  }

  mutating func addressItems(_ w: IPFWWord) throws -> [IPFWAddressItem] {
    switch w.text {
    case "any": return [.any]
    case "me": return [.me]
    case "me6": return [.me6]
    default: break
    }
    if w.text.utf8.first == UInt8(ascii: "t") && w.text.hasPrefix("table(") {
      guard w.text.hasSuffix(")") else { throw error("expected `)` closing `\(w.text)`", at: w.location) }
      let inner = w.text.dropFirst(6).dropLast()
      let parts = inner.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
      guard let name = parts.first, !name.isEmpty else { throw error("missing table name", at: w.location) }
      return [.table(String(name), value: parts.count > 1 ? String(parts[1]) : nil)]
    }
    var items: [IPFWAddressItem] = []
    for part in splitList(w.text) {
      items.append(try addressItem(part, at: w.location))
    }
    // A zero-length mask matches every address.
    if items.count == 1, case .network(let n) = items[0], n.prefix != 0 { return items }
    if items.contains(where: { if case .network(let n) = $0 { return n.prefix == 0 } else { return false } }) {
      return [.any]
    }
    return items
  }

  mutating func addressItem(_ s: Substring, at location: SourceLocation) throws -> IPFWAddressItem {
    if let brace = s.utf8.firstIndex(of: UInt8(ascii: "{")) {
      guard s.hasSuffix("}") else { throw error("expected `}` closing the address set `\(s)`", at: location) }
      var base = s[..<brace]
      var prefix = 24
      if let slash = base.firstIndex(of: "/") {
        guard let p = Int(base[base.index(after: slash)...]), (24...31).contains(p) else {
          throw error("an address set needs a mask from /24 to /31", at: location)
        }
        prefix = p
        base = base[..<slash]
      }
      guard let a = IPAddress.parseV4(base) else { throw error("`\(base)` is not an IPv4 address", at: location) }
      // Members are last-octet values inside the network.
      var members: [Int] = []
      let size = 1 << (32 - prefix)
      let first = Int(a.masked(prefix).value & 0xFF)
      for m in s[s.index(after: brace)..<s.index(before: s.endIndex)].split(separator: ",") {
        let ends = m.split(separator: "-")
        guard (1...2).contains(ends.count), let lo = Int(ends[0]), let hi = Int(ends.last!), lo <= hi, lo >= first,
          hi < first + size
        else {
          throw error("`\(m)` is not a host number in the address set", at: location)
        }
        members += Array(lo...hi)
      }
      return .set(IPNetwork(address: a.masked(prefix), prefix: prefix), members: Array(Set(members)).sorted())
    }
    if let colon = s.utf8.firstIndex(of: UInt8(ascii: ":")), let a = IPAddress.parseV4(s[..<colon]) {
      guard let m = IPAddress.parseV4(s[s.index(after: colon)...]) else {
        throw error("`\(s)` has a bad mask", at: location)
      }
      let bits = m.value.nonzeroBitCount
      let contiguous = bits == 0 || (m.value >> (32 - UInt128(bits))) == (UInt128(1) << UInt128(bits)) - 1
      if contiguous {
        return .network(IPNetwork(address: a.masked(bits), prefix: bits))
      }
      return .masked(IPAddress(family: .inet, value: a.value & m.value), mask: m)
    }
    if let slash = s.utf8.firstIndex(of: UInt8(ascii: "/")) {
      guard let a = IPAddress.parse(s[..<slash]) else {
        throw error("`\(s[..<slash])` is not an address (fwc does not resolve host names)", at: location)
      }
      let lenText = s[s.index(after: slash)...]
      guard let len = Int(lenText), len >= 0, len <= a.family.bitCount else {
        throw error("`\(lenText)` is not a prefix length", at: location)
      }
      return .network(IPNetwork(address: a.masked(len), prefix: len))
    }
    guard let a = IPAddress.parse(s) else {
      throw error("`\(s)` is not an address (fwc does not resolve host names)", at: location)
    }
    return .network(IPNetwork(address: a, prefix: a.family.bitCount))
  }

  // MARK: Ports

  /// The protocol whose service names a port name is looked up in.
  func serviceProtocols(_ rule: IPFWRule) -> [String] {
    if rule.protocols.count == 1, case .number(let n) = rule.protocols[0] {
      if n == 6 { return ["tcp"] }
      if n == 17 { return ["udp"] }
      if n == 132 { return ["sctp"] }
    }
    return ["tcp", "udp", "sctp"]
  }

  func port(_ s: Substring, _ rule: IPFWRule) -> Int? {
    if let n = Int(s) { return (0...65535).contains(n) ? n : nil }
    let name = s.utf8.contains(UInt8(ascii: "\\")) ? String(s.filter { $0 != "\\" }) : String(s)
    for p in serviceProtocols(rule) {
      if let n = ServiceNames.port(named: name, proto: p) { return Int(n) }
    }
    return nil
  }

  /// A port list `22,80-90,http`, or nil if the word is not one.
  func portList(_ s: String, _ rule: IPFWRule) -> [IPFWPortRange]? {
    // Numbers and ranges, the common case, without looking up names.
    var list: [IPFWPortRange] = []
    var value = 0
    var low = -1
    var digits = 0
    var numeric = true
    for c in s.utf8 {
      if c >= 0x30 && c <= 0x39 {
        value = value * 10 + Int(c - 0x30)
        digits += 1
        if value > 65535 { return nil }
      } else if c == UInt8(ascii: "-") && low < 0 && digits > 0 {
        low = value
        value = 0
        digits = 0
      } else if c == UInt8(ascii: ",") && digits > 0 {
        list.append(low < 0 ? IPFWPortRange(value, value) : IPFWPortRange(low, value))
        if low > value { return nil }
        value = 0
        low = -1
        digits = 0
      } else {
        numeric = false
        break
      }
    }
    if numeric {
      guard digits > 0, low <= value else { return nil }
      list.append(low < 0 ? IPFWPortRange(value, value) : IPFWPortRange(low, value))
      return list
    }
    // Option keywords are never service names worth a lookup.
    if Self.optionKeywords.contains(s) { return nil }
    list = []
    for item in s.split(separator: ",", omittingEmptySubsequences: false) {
      if item.isEmpty { return nil }
      if let p = port(item, rule) {
        list.append(IPFWPortRange(p, p))
        continue
      }
      // `a-b`, where a service name may itself contain an escaped `\-`.
      var split: IPFWPortRange? = nil
      var i = item.startIndex
      while let dash = item[i...].firstIndex(of: "-") {
        if dash > item.startIndex, item[item.index(before: dash)] != "\\",
          let lo = port(item[..<dash], rule), let hi = port(item[item.index(after: dash)...], rule), lo <= hi
        {
          split = IPFWPortRange(lo, hi)
          break
        }
        i = item.index(after: dash)
      }
      guard let range = split else { return nil }
      list.append(range)
    }
    return list
  }

  /// Ports after an address, if the next word is a port list (`not` included): kept as a
  /// `src-port`/`dst-port` option, which is what ipfw compiles them to.
  mutating func parsePortsIfAny(_ rule: inout IPFWRule, keyword: String) throws {
    let save = pos
    let negated = accept("not") || accept("!")
    guard let t = peekText, let list = portList(t, rule) else {
      pos = save
      return
    }
    pos += 1
    // Plain numbers without leading zeros print as written.
    var canonical = true
    var previous: UInt8 = UInt8(ascii: ",")
    for c in t.utf8 {
      let digit = c >= 0x30 && c <= 0x39
      if !digit && c != UInt8(ascii: ",") && c != UInt8(ascii: "-")
        || c == 0x30 && (previous == UInt8(ascii: ",") || previous == UInt8(ascii: "-"))
      {
        canonical = false
        break
      }
      previous = c
    }
    rule.options.append(
      IPFWOption(keyword, [canonical ? t : Self.renderRanges(list)], negated: negated, values: list))
  }

  static func renderRanges(_ list: [IPFWPortRange]) -> String {
    list.map { $0.low == $0.high ? String($0.low) : "\($0.low)-\($0.high)" }.joined(separator: ",")
  }
}
