import FirewallIR

/// Lowers an ipfw configuration into the IR: rules in number order, first match decides;
/// tables become IR tables. Rules of disabled sets are not evaluated and are left out.
public enum IPFWLowering {
  public static func lower(_ config: IPFWRuleset) -> Ruleset {
    var rs = Ruleset(language: .ipfw, evaluation: .firstMatch)
    for r in config.rules where !r.disabled {
      var rule = lower(r)
      if case .external("nat", let arg, _) = rule.action, let id = Int(arg), let nat = config.nats[id] {
        rule.translation = natTranslation(nat)
      }
      rs.rules.append(rule)
    }
    // The default rule closes the chain.
    rs.rules.append(
      Rule(
        phase: .filter, match: Match(), action: config.defaultAction == "allow" ? .pass : .block(.drop), quick: true,
        origin: [], number: 65535))
    for (name, t) in config.tables {
      let entries: [AddressTerm] = t.entries.compactMap { e in
        IPNetwork.parse(Substring(e.key)).map { .network($0) }
      }
      rs.tables[name] = Table(name: name, entries: entries, origin: t.location)
    }
    return rs
  }

  /// The translation an in-kernel NAT instance makes: of outbound packets, to its address
  /// (`if`, `ip`; `port_range` bounds the ports it picks), and of inbound packets its
  /// `redirect_port` entries match (with `deny_in`, other inbound packets are dropped). Nil when the configuration has anything else that changes
  /// what it translates (the `nat` action then stays opaque).
  static func natTranslation(_ nat: IPFWConfig) -> [Translation] {
    // The parser keeps an option and its arguments as one word (`redirect_port tcp a:1 2`).
    let w = nat.words.flatMap { $0.split(separator: " ").map(String.init) }
    guard w.count >= 5, w[2] == "config" else { return [] }
    var target: AddressTerm? = nil
    var ports: ClosedRange<UInt16>?
    var redirects: [PortRedirect] = []
    var options: [String] = []
    var i = 3
    while i < w.count {
      switch w[i] {
      case "if" where i + 1 < w.count:
        target = .interface(name: w[i + 1], modifier: "0", prefix: nil)
        i += 2
      case "ip" where i + 1 < w.count:
        guard let a = IPAddress.parse(Substring(w[i + 1])) else { return [] }
        target = .network(IPNetwork(address: a, prefix: a.family.bitCount))
        i += 2
      case "port_range" where i + 1 < w.count:
        guard let r = portRange(w[i + 1]) else { return [] }
        ports = r
        i += 2
      case "redirect_port" where i + 3 < w.count:
        // redirect_port PROTO LOCAL:PORT[-PORT] [ALIAS:]PORT[-PORT] (a remote address is not followed).
        guard let proto = ProtocolNames.number(named: w[i + 1]), let colon = w[i + 2].lastIndex(of: ":"),
          let local = IPAddress.parse(w[i + 2][..<colon]),
          let localPorts = portRange(String(w[i + 2][w[i + 2].index(after: colon)...]))
        else { return [] }
        var alias = Substring(w[i + 3])
        var aliasAddress: IPAddress?
        if let c = alias.lastIndex(of: ":") {
          guard let a = IPAddress.parse(alias[..<c]) else { return [] }
          aliasAddress = a
          alias = alias[alias.index(after: c)...]
        }
        guard let aliasPorts = portRange(String(alias)),
          localPorts.count == 1 || localPorts.count == aliasPorts.count
        else { return [] }
        if i + 4 < w.count, w[i + 4].first?.isNumber == true { return [] }
        redirects.append(
          PortRedirect(
            proto: UInt8(proto), aliasAddress: aliasAddress, aliasPorts: aliasPorts, local: local,
            localPorts: localPorts))
        i += 4
      case "log", "same_ports", "reset":
        i += 1
      case "deny_in":
        options.append("deny_in")
        i += 1
      default:
        return []
      }
    }
    guard let target else { return [] }
    var t = Translation(kind: .nat, targets: [target])
    if let ports {
      t.portLow = ports.lowerBound
      t.portHigh = ports.upperBound
    }
    t.redirects = redirects
    t.options = options
    return [t]
  }

  /// `PORT` or `LOW-HIGH`.
  static func portRange(_ s: String) -> ClosedRange<UInt16>? {
    let ends = s.split(separator: "-", omittingEmptySubsequences: false)
    guard ends.count <= 2, let low = UInt16(ends[0]), let high = UInt16(ends.last!), low <= high else { return nil }
    return low...high
  }

  public static func lower(_ r: IPFWRule) -> Rule {
    var m = Match()
    var features: [String] = []
    var state = StateMode.none
    var stateName: String? = nil

    // Protocols.
    var numbers: [UInt8] = []
    for p in r.protocols {
      switch p {
      case .number(let n): numbers.append(n)
      case .ip4: m.family = .inet
      case .ip6: m.family = .inet6
      }
    }
    if r.protocolNegated {
      m.opaque.append("not " + IPFWPrinter.protocols(r).dropFirst(4))
    } else if !numbers.isEmpty && numbers.count == r.protocols.count {
      m.protocols = numbers
    } else if !numbers.isEmpty {
      m.opaque.append("proto " + IPFWPrinter.protocols(r))
    }
    if let a = address(r.source, &m) { m.source = a } else { m.opaque.append("from " + IPFWPrinter.address(r.source)) }
    if let a = address(r.destination, &m) {
      m.destination = a
    } else {
      m.opaque.append("to " + IPFWPrinter.address(r.destination))
    }
    m.probability = r.probability

    for (i, o) in r.options.enumerated() {
      let inBlock = o.orNext || (i > 0 && r.options[i - 1].orNext)
      if inBlock || !lowerOption(o, &m, &state, &stateName) {
        m.opaque.append((inBlock ? "{or} " : "") + IPFWPrinter.option(o))
      }
    }
    if let q = r.altq { features.append("altq \(q)") }
    var tag: String? = nil
    if let t = r.tag {
      if t.untag { features.append("untag \(t.value)") } else { tag = String(t.value) }
    }
    if let n = r.logAmount { features.append("logamount \(n)") }
    if r.set != 0 { features.append("set \(r.set)") }
    var rule = Rule(
      phase: .filter, match: m, action: action(r.action), quick: true, state: state, log: r.log, tag: tag,
      features: features, origin: [r.location], number: r.number)
    rule.stateName = stateName
    rule.comment = r.comment
    return rule
  }

  /// Options the IR models; false leaves the option opaque.
  static func lowerOption(
    _ o: IPFWOption, _ m: inout Match, _ state: inout StateMode, _ stateName: inout String?
  ) -> Bool {
    func ranges() -> [RangeMatch] {
      o.values.map {
        $0.low == $0.high
          ? RangeMatch(.equal, UInt32($0.low)) : RangeMatch(.inclusiveRange, UInt32($0.low), UInt32($0.high))
      }
    }
    switch o.keyword {
    case "in", "out":
      m.direction = o.keyword == "in" ? .in : .out
    case "via":
      guard m.interface == nil, !o.arguments[0].hasPrefix("table("),
        IPAddress.parse(Substring(o.arguments[0])) == nil, !o.arguments[0].contains("*")
      else { return false }
      m.interface = o.arguments[0]
      m.interfaceNegated = o.negated
    case "src-port", "dst-port":
      var values = ranges()
      if o.negated {
        // `not 25` and `not 1024-65535`: one value or range, outside it.
        guard values.count == 1 else { return false }
        values = [
          values[0].op == .equal
            ? RangeMatch(.notEqual, values[0].low) : RangeMatch(.outsideRange, values[0].low, values[0].high)
        ]
      }
      if o.keyword == "src-port" {
        guard m.sourcePort == nil else { return false }
        m.sourcePort = values
      } else {
        guard m.destinationPort == nil else { return false }
        m.destinationPort = values
      }
    case "tcpflags":
      guard !o.negated, m.tcpFlags == nil, let v = o.values.first else { return false }
      m.tcpFlags = TCPFlagsMatch(set: UInt8(v.low), mask: UInt8(v.low | v.high))
      // `tcpflags` (and `setup`) match TCP packets only, whatever the rule's protocol.
      m.protocols = (m.protocols ?? [6]).filter { $0 == 6 }
    case "icmptypes", "icmp6types":
      guard !o.negated, m.icmpType == nil else { return false }
      m.icmpType = o.values.map { UInt8($0.low) }
      // `icmptypes` match ICMP packets only, `icmp6types` ICMPv6 ones.
      let icmp: UInt8 = o.keyword == "icmptypes" ? 1 : 58
      m.protocols = (m.protocols ?? [icmp]).filter { $0 == icmp }
    case "uid", "gid":
      guard !o.negated, o.values.count == 1 else { return false }
      if o.keyword == "uid" { m.user = ranges()[0] } else { m.group = ranges()[0] }
    case "tagged":
      guard o.values.count == 1, o.values[0].low == o.values[0].high, m.tagged == nil else { return false }
      m.tagged = String(o.values[0].low)
      m.taggedNegated = o.negated
    case "frag":
      // `frag offset`: a fragment that is not the first.
      guard !o.negated, o.arguments == ["offset"], m.conditions == nil else { return false }
      var c = HeaderConditions()
      c.bits = HeaderConditions.Property.fragmentBody
      c.mask = HeaderConditions.Property.fragmentBody
      m.conditions = c
    case "dscp":
      guard !o.negated, o.values.count == 1, o.values[0].low == o.values[0].high, m.tos == nil else { return false }
      m.tos = UInt8(o.values[0].low << 2)
    case "keep-state", "record-state":
      state = o.keyword == "keep-state" ? .keep : .record
      stateName = String(o.arguments[0].dropFirst())
    case "limit":
      state = .limit
      stateName = String(o.arguments[2].dropFirst())
      m.opaque.append("limit \(o.arguments[0]) \(o.arguments[1])")
    case "proto":
      guard !o.negated else { return false }
      switch o.arguments[0] {
      case "ip4": m.family = .inet
      case "ip6": m.family = .inet6
      default:
        guard m.protocols == nil, let n = ProtocolNames.number(named: o.arguments[0]) ?? UInt8(o.arguments[0])
        else { return false }
        m.protocols = [n]
      }
    default:
      return false
    }
    return true
  }

  /// An address match, or nil when the IR cannot say it (an `or` block with `not`).
  static func address(_ a: IPFWAddress, _ m: inout Match) -> AddressMatch? {
    if a.terms.count > 1 && a.terms.contains(where: \.negated) { return nil }
    var terms: [AddressTerm] = []
    for t in a.terms {
      for item in t.items {
        switch item {
        case .any: terms.append(.any)
        case .me, .me6:
          // `me` is every address of the host, IPv4 and IPv6; `me6` only its IPv6 ones.
          terms.append(.interface(name: "self", modifier: nil, prefix: nil))
          if a.terms.count == 1 && t.items.count == 1 && item == .me6 { m.family = .inet6 }
        case .table(let name, let value):
          if value != nil { return nil }
          terms.append(.table(name))
        case .network(let n): terms.append(.network(n))
        case .masked(let addr, let mask): terms.append(.masked(addr, mask: mask))
        case .set(let n, let members):
          for k in members {
            let host = IPAddress(family: .inet, value: (n.address.value & ~UInt128(0xFF)) + UInt128(k))
            terms.append(.network(IPNetwork(address: host, prefix: 32)))
          }
        }
      }
    }
    return AddressMatch(terms, negated: a.terms.count == 1 && a.terms[0].negated)
  }

  static let unreachCodes = Dictionary(
    uniqueKeysWithValues: IPFWParser.unreachCodes.enumerated().map { ($1, UInt8($0)) })

  public static func action(_ a: IPFWAction) -> Action {
    let arg = a.arguments.joined(separator: " ")
    switch a.keyword {
    case "allow": return .pass
    case "deny": return .block(.drop)
    case "reject": return .block(.icmpUnreachable(code: 1, mtu: nil))
    case "reset": return .block(.returnRST)
    case "reset6": return .block(.returnRST6)
    case "abort": return .block(.sctpAbort(v6: false))
    case "abort6": return .block(.sctpAbort(v6: true))
    case "unreach":
      let code = unreachCodes[a.arguments[0]] ?? UInt8(a.arguments[0]) ?? 0
      return .block(.icmpUnreachable(code: code, mtu: a.arguments.count > 1 ? UInt16(a.arguments[1]) : nil))
    case "unreach6":
      let code = IPFWParser.unreach6Codes[a.arguments[0]].map(UInt8.init) ?? UInt8(a.arguments[0]) ?? 0
      return .block(.icmp6Unreachable(code: code))
    case "count": return .match
    case "skipto":
      if let n = Int(arg) { return .skip(to: n) }
      return .external("skipto", argument: arg, decides: false)
    case "call": return .call(arg)
    case "return": return .returnFromCall
    case "check-state": return .checkState(name: String(arg.dropFirst()))
    case "tee", "ngtee", "setfib", "setdscp", "reass", "tcp-setmss", "setmark":
      return .external(a.keyword, argument: arg, decides: false)
    default:
      // divert, netgraph, pipe, queue, fwd, nat, nat64*, nptv6, eaction: the packet leaves the
      // ruleset (with net.inet.ip.fw.one_pass=1, the default, for dummynet and nat).
      return .external(a.keyword, argument: arg, decides: true)
    }
  }
}
