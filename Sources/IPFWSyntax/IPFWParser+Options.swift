import FirewallIR

/// Rule options (match patterns), their `{ a or b }` blocks and `not`, and the kernel's
/// canonical form of each.
extension IPFWParser {
  static let stateKeywords: Set<String> = ["keep-state", "record-state", "limit", "set-limit"]

  /// Every word that starts an option (or an option block), so that a port list after an
  /// address is never confused with one.
  static let optionKeywords: Set<String> = [
    "in", "out", "via", "recv", "xmit", "established", "estab", "setup", "layer2", "bridged", "antispoof",
    "verrevpath", "versrcreach", "ipsec", "sockarg", "diverted", "diverted-loopback", "diverted-output",
    "defer-action", "defer-immediate-action", "keep-state", "record-state", "limit", "set-limit", "frag", "fragment",
    "tcpflags", "tcpflgs", "tcpoptions", "tcpopts", "ipoptions", "ipopts", "iptos", "dscp", "icmptypes", "icmptype",
    "icmp6types", "icmp6type", "iplen", "ipttl", "ipid", "tcpdatalen", "tcpwin", "tcpmss", "tagged", "flow-id",
    "ipversion", "ipver", "ipprecedence", "tcpseq", "tcpack", "fib", "uid", "gid", "jail", "src-port", "dst-port",
    "src-ip", "dst-ip", "src-ip6", "dst-ip6", "src-ipv6", "dst-ipv6", "proto", "ip4", "ipv4", "ip6", "ipv6", "lookup",
    "flow", "src-mac", "dst-mac", "mac", "MAC", "mac-type", "ext6hdr", "not", "!", "{", "(", "//", "or", "|",
    "to", "from", "any", "me", "me6",
  ]

  mutating func parseOptions(_ rule: inout IPFWRule) throws {
    needsReordering = false
    mayMoveIntoSlots = false
    var blockStart: Int? = nil
    while let w = next() {
      switch w.text {
      case "//":
        let text = restAsComment()
        guard text.utf8.count <= 80 else { throw error("comment too long (max 80 characters)", at: w.location) }
        rule.comment = text
        return
      case "{", "(":
        guard blockStart == nil else { throw error("only one level of `{ }` is allowed", at: w.location) }
        blockStart = rule.options.count
        continue
      case "}", ")":
        guard let s = blockStart, rule.options.count > s else {
          throw error("`\(w.text)` without an option block to close", at: w.location)
        }
        if rule.options[rule.options.count - 1].orNext { throw error("`or` before `\(w.text)`", at: w.location) }
        blockStart = nil
        continue
      case "or", "|":
        guard let s = blockStart, rule.options.count > s else {
          throw error("`or` outside an option block `{ … }`", at: w.location)
        }
        rule.options[rule.options.count - 1].orNext = true
        continue
      default:
        pos -= 1
      }
      var negated = false
      while accept("not") || accept("!") { negated.toggle() }
      // `!via em0`: a `!` glued to the keyword.
      if pos < words.count, words[pos].text.utf8.count > 1, words[pos].text.utf8.first == UInt8(ascii: "!") {
        words[pos].text.removeFirst()
        negated.toggle()
      }
      let keywordWord = words[min(pos, words.count - 1)]
      guard var option = try parseOption(rule) else { continue }
      if option.keyword == "in" || option.keyword == "out" {
        if negated { option.keyword = option.keyword == "in" ? "out" : "in" }
      } else {
        option.negated = option.negated != negated
      }
      switch option.keyword {
      case "proto", "src-ip", "dst-ip", "src-ip6", "dst-ip6": mayMoveIntoSlots = true
      case "defer-immediate-action": needsReordering = true
      default: break
      }
      if Self.stateKeywords.contains(option.keyword) {
        needsReordering = true
        if blockStart != nil {
          throw error("`\(option.keyword)` cannot be inside an `{ or }` block", at: keywordWord.location)
        }
        if negated { throw error("`\(option.keyword)` cannot be negated", at: keywordWord.location) }
        if rule.options.contains(where: { Self.stateKeywords.contains($0.keyword) }) {
          throw error("only one of keep-state, record-state, limit and set-limit per rule", at: keywordWord.location)
        }
      }
      rule.options.append(option)
    }
    if blockStart != nil { throw error("missing `}` closing the option block") }
  }

  /// One option after its `not`; nil for options that compile to nothing (`via any`).
  mutating func parseOption(_ rule: IPFWRule) throws -> IPFWOption? {
    let w = next()!
    switch w.text {
    case "in", "out": return IPFWOption(w.text)
    case "via", "recv", "xmit":
      let a = try expectWord("interface")
      if a.text == "any" { return nil }
      if a.text.hasPrefix("table(") {
        _ = try addressItems(a)
        return IPFWOption(w.text, [a.text])
      }
      let first = a.text.utf8.first ?? 0
      if first >= 0x30 && first <= 0x39 || a.text.utf8.contains(UInt8(ascii: ":")),
        let addr = IPAddress.parse(Substring(a.text))
      {
        return IPFWOption(w.text, ["\(addr)"])
      }
      guard a.text.utf8.count < 16,
        a.text.utf8.allSatisfy({
          $0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A || $0 >= 0x30 && $0 <= 0x39 || $0 == 0x5F || $0 == 0x2E || $0 == 0x2A
            || $0 == 0x2D
        })
      else {
        throw error("`\(a.text)` is not an interface name, address or table", at: a.location)
      }
      return IPFWOption(w.text, [a.text])
    case "established", "estab": return IPFWOption("established")
    case "setup": return IPFWOption("tcpflags", ["syn,!ack"], values: [IPFWPortRange(0x02, 0x10)])
    case "layer2", "bridged": return IPFWOption("layer2")
    case "antispoof", "verrevpath", "versrcreach", "ipsec", "sockarg", "diverted", "diverted-loopback",
      "diverted-output":
      return IPFWOption(w.text)
    case "defer-action", "defer-immediate-action": return IPFWOption("defer-immediate-action")
    case "keep-state", "record-state":
      var name = "default"
      if let t = peekText, t.hasPrefix(":") { name = try stateName(next()!) }
      return IPFWOption(w.text, [":" + name])
    case "limit", "set-limit":
      return try limitOption(w.text)
    case "frag", "fragment":
      return try fragOption()
    case "tcpflags", "tcpflgs": return try flagsOption("tcpflags", Self.tcpFlagNames)
    case "tcpoptions", "tcpopts": return try flagsOption("tcpoptions", Self.tcpOptionNames)
    case "ipoptions", "ipopts": return try flagsOption("ipoptions", Self.ipOptionNames)
    case "iptos": return try flagsOption("iptos", Self.tosNames)
    case "dscp":
      let a = try expectWord("DSCP list")
      var values: [Int] = []
      for item in a.text.split(separator: ",") {
        guard let v = Self.dscpValue(String(item)) else { throw error("`\(item)` is not a DSCP value", at: a.location) }
        values.append(v)
      }
      let sorted = Array(Set(values)).sorted()
      return IPFWOption(
        "dscp", [sorted.map(Self.dscpName).joined(separator: ",")], values: sorted.map { IPFWPortRange($0, $0) })
    case "icmptypes", "icmptype": return try typesOption("icmptypes", max: 31)
    case "icmp6types", "icmp6type": return try typesOption("icmp6types", max: 255)
    case "iplen", "ipttl", "ipid", "tcpdatalen", "tcpwin", "tcpmss", "tagged", "flow-id":
      return try rangesOption(w.text, max: Self.rangeLimits[w.text]!)
    case "ipversion", "ipver":
      let n = try number("IP version", in: 4...6)
      guard n != 5 else { throw error("IP version must be 4 or 6", at: words[pos - 1].location) }
      return IPFWOption("ipver", [String(n)], values: [IPFWPortRange(n, n)])
    case "ipprecedence":
      let n = try number("precedence", in: 0...7)
      return IPFWOption("ipprecedence", [String(n)], values: [IPFWPortRange(n, n)])
    case "tcpseq", "tcpack":
      let n = try number(w.text, in: 0...Int(UInt32.max))
      return IPFWOption(w.text, [String(n)])
    case "fib":
      let n = try number("fib", in: 0...65535)
      return IPFWOption("fib", [String(n)], values: [IPFWPortRange(n, n)])
    case "uid", "gid", "jail":
      let a = try expectWord(w.text)
      guard a.text.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
        throw error(
          "`\(a.text)` is not a \(w.text == "jail" ? "jail" : "user or group") name or number", at: a.location)
      }
      return IPFWOption(w.text, [a.text], values: Int(a.text).map { [IPFWPortRange($0, $0)] } ?? [])
    case "src-port", "dst-port":
      let a = try expectWord("port list")
      guard let list = portList(a.text, rule) else { throw error("`\(a.text)` is not a port list", at: a.location) }
      return IPFWOption(w.text, [Self.renderRanges(list)], values: list)
    case "src-ip", "dst-ip", "src-ip6", "dst-ip6", "src-ipv6", "dst-ipv6":
      let a = try expectWord("address")
      let items = try addressItems(a)
      return IPFWOption(w.text.replacingOccurrences(of: "ipv6", with: "ip6"), [Self.renderItems(items)])
    case "proto":
      let a = try expectWord("protocol")
      guard let p = protocolValue(a.text), p != .number(0) else {
        throw error("`\(a.text)` is not a protocol", at: a.location)
      }
      return IPFWOption("proto", [Self.protocolName(p)])
    case "ip4", "ipv4": return IPFWOption("proto", ["ip4"])
    case "ip6", "ipv6": return IPFWOption("proto", ["ip6"])
    case "lookup":
      let kind = try expectWord("lookup key")
      let kinds = [
        "dst-ip", "src-ip", "dst-ip4", "src-ip4", "dst-ip6", "src-ip6", "dst-port", "src-port", "uid", "jail", "dscp",
        "dst-mac", "src-mac", "rulenum", "mark",
      ]
      // `KEY:MASK` looks the key up after masking it.
      let key = kind.text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
      guard kinds.contains(key) else { throw error("unknown lookup key `\(kind.text)`", at: kind.location) }
      let name = try expectWord("table name")
      return IPFWOption("lookup", [kind.text, name.text])
    case "flow", "src-mac", "dst-mac":
      let a = try expectWord("table")
      guard a.text.hasPrefix("table(") else { throw error("`\(w.text)` needs `table(NAME)`", at: a.location) }
      _ = try addressItems(a)
      return IPFWOption(w.text, [a.text])
    case "mac", "MAC":
      let d = try expectWord("destination MAC")
      let s = try expectWord("source MAC")
      for m in [d, s] where !Self.isMAC(m.text) {
        throw error("`\(m.text)` is not a MAC address (or `any`)", at: m.location)
      }
      return IPFWOption("MAC", [d.text.lowercased(), s.text.lowercased()])
    case "mac-type":
      let a = try expectWord("ether types")
      var list: [IPFWPortRange] = []
      for item in a.text.split(separator: ",") {
        let ends = item.split(separator: "-")
        var vals: [Int] = []
        for e in ends {
          guard let v = Self.etherType(e) else { throw error("`\(e)` is not an ethernet type", at: a.location) }
          vals.append(v)
        }
        guard (1...2).contains(vals.count), vals[0] <= vals.last! else {
          throw error("`\(item)` is not an ethernet type or range", at: a.location)
        }
        list.append(IPFWPortRange(vals[0], vals.last!))
      }
      let text = list.map {
        $0.low == $0.high ? Self.hex4($0.low) : "\(Self.hex4($0.low))-\(Self.hex4($0.high))"
      }.joined(separator: ",")
      return IPFWOption("mac-type", [text], values: list)
    case "ext6hdr":
      let a = try expectWord("extension headers")
      let known: Set<Substring> = ["frag", "hopopt", "route", "dstopt", "ah", "esp", "rthdr0", "rthdr2"]
      for h in a.text.split(separator: ",") where !known.contains(h) {
        throw error("unknown IPv6 extension header `\(h)`", at: a.location)
      }
      return IPFWOption("ext6hdr", [a.text])
    default:
      throw error("`\(w.text)` is not an ipfw rule option", at: w.location)
    }
  }

  // MARK: Option kinds

  /// The largest value of each numeric-list option.
  static let rangeLimits = [
    "iplen": 65535, "ipttl": 255, "ipid": 65535, "tcpdatalen": 65535, "tcpwin": 65535, "tcpmss": 65535,
    "tagged": 65534, "flow-id": 0xFFFFF,
  ]

  static let tcpFlagNames: [(String, Int)] = [
    ("syn", 0x02), ("fin", 0x01), ("ack", 0x10), ("psh", 0x08), ("rst", 0x04), ("urg", 0x20),
  ]
  static let tcpOptionNames: [(String, Int)] = [
    ("mss", 0x01), ("maxseg", 0x01), ("window", 0x02), ("sack", 0x04), ("ts", 0x08), ("timestamp", 0x08), ("cc", 0x10),
  ]
  static let ipOptionNames: [(String, Int)] = [("ssrr", 0x01), ("lsrr", 0x02), ("rr", 0x04), ("ts", 0x08)]
  static let tosNames: [(String, Int)] = [
    ("lowdelay", 0x10), ("throughput", 0x08), ("reliability", 0x04), ("mincost", 0x02), ("congestion", 0x01),
    ("ecntransport", 0x02),
  ]
  static let fragNames: [(String, Int)] = [("mf", 0x01), ("df", 0x02), ("rf", 0x04), ("offset", 0x08)]

  /// A flag list such as `syn,!ack`: values hold one range (set bits, cleared bits).
  mutating func flagsOption(_ keyword: String, _ names: [(String, Int)]) throws -> IPFWOption {
    let a = try expectWord("\(keyword) list")
    return IPFWOption(keyword, [try flagsText(a, names)], values: [try flagBits(a, names)])
  }

  mutating func flagBits(_ a: IPFWWord, _ names: [(String, Int)]) throws -> IPFWPortRange {
    var set = 0
    var clear = 0
    if a.text.split(separator: ",").isEmpty { throw error("invalid flag list `\(a.text)`", at: a.location) }
    for item in a.text.split(separator: ",") {
      let neg = item.hasPrefix("!")
      let name = neg ? item.dropFirst() : item
      guard let bit = names.first(where: { $0.0 == name })?.1 else {
        throw error("unknown flag `\(name)` in `\(a.text)`", at: a.location)
      }
      if neg { clear |= bit } else { set |= bit }
    }
    return IPFWPortRange(set, clear)
  }

  /// The canonical print: for each flag in ipfw's order, set then cleared.
  mutating func flagsText(_ a: IPFWWord, _ names: [(String, Int)]) throws -> String {
    let bits = try flagBits(a, names)
    var out: [String] = []
    var seen = 0
    for (name, bit) in names where seen & bit == 0 {
      if bits.low & bit != 0 { out.append(name) }
      if bits.high & bit != 0 { out.append("!" + name) }
      if bits.low & bit != 0 || bits.high & bit != 0 { seen |= bit }
    }
    return out.joined(separator: ",")
  }

  mutating func fragOption() throws -> IPFWOption {
    if let t = peekText, !t.isEmpty,
      t.split(separator: ",").allSatisfy({ item in Self.fragNames.contains { $0.0 == item.drop(while: { $0 == "!" }) } }
      )
    {
      let a = next()!
      return IPFWOption("frag", [try flagsText(a, Self.fragNames)], values: [try flagBits(a, Self.fragNames)])
    }
    return IPFWOption("frag", ["offset"], values: [IPFWPortRange(0x08, 0)])
  }

  mutating func typesOption(_ keyword: String, max: Int) throws -> IPFWOption {
    let a = try expectWord("\(keyword) list")
    var types: Set<Int> = []
    for item in a.text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let n = Int(item), (0...max).contains(n) else {
        throw error("`\(item)` is not a type from 0 to \(max)", at: a.location)
      }
      types.insert(n)
    }
    let sorted = types.sorted()
    return IPFWOption(
      keyword, [sorted.map(String.init).joined(separator: ",")], values: sorted.map { IPFWPortRange($0, $0) })
  }

  mutating func rangesOption(_ keyword: String, max: Int) throws -> IPFWOption {
    let a = try expectWord("\(keyword) list")
    var list: [IPFWPortRange] = []
    for item in a.text.split(separator: ",", omittingEmptySubsequences: false) {
      let ends = item.split(separator: "-", omittingEmptySubsequences: false)
      let parse: (Substring) -> Int? = { s in
        if s.hasPrefix("0x") { return Int(s.dropFirst(2), radix: 16) }
        return Int(s)
      }
      guard (1...2).contains(ends.count), let lo = parse(ends[0]), let hi = parse(ends.last!), lo <= hi, hi <= max,
        lo >= 0
      else {
        throw error("`\(item)` is not a value or range from 0 to \(max)", at: a.location)
      }
      list.append(IPFWPortRange(lo, hi))
    }
    return IPFWOption(keyword, [Self.renderRanges(list)], values: list)
  }

  mutating func limitOption(_ keyword: String) throws -> IPFWOption {
    let order = ["all", "src-addr", "src-port", "dst-addr", "dst-port"]
    var masks: Set<String> = []
    while let t = peekText, Int(t) == nil {
      let parts = t.split(separator: ",").map(String.init)
      guard parts.allSatisfy(order.contains) else { break }
      masks.formUnion(parts)
      pos += 1
    }
    guard !masks.isEmpty else { throw error("`\(keyword)` needs src-addr, src-port, dst-addr or dst-port") }
    let n = try number("limit", in: 1...Int(UInt32.max))
    var name = "default"
    if let t = peekText, t.hasPrefix(":") { name = try stateName(next()!) }
    let maskText = order.filter(masks.contains).joined(separator: ",")
    return IPFWOption(keyword, [maskText, String(n), ":" + name], values: [IPFWPortRange(n, n)])
  }

  // MARK: Helpers

  static func protocolName(_ p: IPFWProtocol) -> String {
    switch p {
    case .ip4: return "ip4"
    case .ip6: return "ip6"
    case .number(let n): return ProtocolNames.name(number: n) ?? String(n)
    }
  }

  static func hex4(_ v: Int) -> String {
    let h = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 4 - h.count)) + h
  }

  static let etherTypeNames: [String: Int] = [
    "ip": 0x0800, "ipv4": 0x0800, "ipv6": 0x86dd, "arp": 0x0806, "rarp": 0x8035, "vlan": 0x8100, "loop": 0x9000,
    "trail": 0x1000, "at": 0x809b, "atalk": 0x809b, "aarp": 0x80f3, "pppoe_disc": 0x8863, "pppoe_sess": 0x8864,
    "ipx_8022": 0x00e0, "ipx_8023": 0x0000, "ipx_ii": 0x8137, "ipx_snap": 0x8137, "ipx": 0x8137, "ns": 0x0600,
  ]

  static func etherType(_ s: Substring) -> Int? {
    if let v = etherTypeNames[String(s)] { return v }
    if s.hasPrefix("0x"), let v = Int(s.dropFirst(2), radix: 16), v <= 0xFFFF { return v }
    if let v = Int(s), v <= 0xFFFF { return v }
    return nil
  }

  static func isMAC(_ s: String) -> Bool {
    if s == "any" { return true }
    var body = Substring(s)
    if let cut = body.firstIndex(where: { $0 == "/" || $0 == "&" }) { body = body[..<cut] }
    let parts = body.split(separator: ":", omittingEmptySubsequences: false)
    return parts.count == 6 && parts.allSatisfy { (1...2).contains($0.count) && $0.allSatisfy(\.isHexDigit) }
  }

  /// The canonical print of an address list.
  static func renderItems(_ items: [IPFWAddressItem]) -> String {
    var b = TextBuffer()
    renderItems(items, into: &b)
    return b.string
  }

  static func renderItems(_ items: [IPFWAddressItem], into s: inout TextBuffer) {
    for (k, item) in items.enumerated() {
      if k > 0 { s.append(byte: UInt8(ascii: ",")) }
      switch item {
      case .any: s += "any"
      case .me: s += "me"
      case .me6: s += "me6"
      case .table(let n, let v): s += v.map { "table(\(n),\($0))" } ?? "table(\(n))"
      case .network(let n):
        s.append(address: n.address)
        if n.prefix != n.address.family.bitCount {
          s.append(byte: UInt8(ascii: "/"))
          s.append(decimal: UInt64(n.prefix))
        }
      case .masked(let a, let m):
        s.append(address: a)
        s.append(byte: UInt8(ascii: ":"))
        s.append(address: m)
      case .set(let n, let members): s += "\(n.address)/\(n.prefix){\(compressRuns(members))}"
      }
    }
  }

  /// `1,2,3,5` → `1-3,5`: runs of three or more become ranges.
  static func compressRuns(_ members: [Int]) -> String {
    var out: [String] = []
    var i = 0
    while i < members.count {
      var j = i
      while j + 1 < members.count && members[j + 1] == members[j] + 1 { j += 1 }
      if j - i >= 2 {
        out.append("\(members[i])-\(members[j])")
      } else {
        out += members[i...j].map(String.init)
      }
      i = j + 1
    }
    return out.joined(separator: ",")
  }

  // MARK: Canonical form

  /// Puts a rule in the form the kernel keeps: state options last, an address or protocol given
  /// as an option moved into its slot, the comment checked.
  mutating func canonicalize(_ rule: inout IPFWRule) throws {
    // keep-state / limit go after every other option, defer-immediate-action after them.
    if needsReordering { reorderStateOptions(&rule) }
    guard !rule.justOptions else { return }
    try moveOptionsIntoSlots(&rule)
  }

  func reorderStateOptions(_ rule: inout IPFWRule) {
    let state = rule.options.filter { Self.stateKeywords.contains($0.keyword) }
    let deferred = rule.options.filter { $0.keyword == "defer-immediate-action" }
    rule.options =
      rule.options.filter { !Self.stateKeywords.contains($0.keyword) && $0.keyword != "defer-immediate-action" }
      + state + deferred
  }

  /// A protocol or address given as an option moves into its slot when the slot is empty.
  mutating func moveOptionsIntoSlots(_ rule: inout IPFWRule) throws {
    if !mayMoveIntoSlots { return }
    func standalone(_ i: Int) -> Bool {
      !rule.options[i].orNext && (i == 0 || !rule.options[i - 1].orNext)
    }
    if rule.protocols.isEmpty && !rule.protocolNegated,
      let i = rule.options.indices.first(where: { rule.options[$0].keyword == "proto" && standalone($0) })
    {
      let o = rule.options.remove(at: i)
      rule.protocols = [protocolValue(o.arguments[0])!]
      rule.protocolNegated = o.negated
    }
    for (slot, keywords) in [(false, ["src-ip", "src-ip6"]), (true, ["dst-ip", "dst-ip6"])] {
      guard (slot ? rule.destination : rule.source).isAny,
        let i = rule.options.indices.first(where: { keywords.contains(rule.options[$0].keyword) && standalone($0) })
      else { continue }
      let o = rule.options.remove(at: i)
      let items = try addressItems(IPFWWord(o.arguments[0], at: rule.location))
      let address = IPFWAddress([IPFWAddressTerm(items, negated: o.negated)])
      if slot { rule.destination = address } else { rule.source = address }
    }
  }
}
