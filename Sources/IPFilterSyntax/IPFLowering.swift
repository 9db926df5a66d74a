import FirewallIR

/// Lowers an ipfilter bundle (ipf.conf rules, ipnat.conf rules, ippool.conf pools) into the IR:
/// filter rules under ipf's model (last match wins unless `quick`; rules of a `group` form a
/// sub-ruleset evaluated when the rule with the matching `head` matches), and ipnat rules as
/// translation rules, which ipnat tries in order (first match).
public enum IPFLowering {
  public static func lower(ipf: [IPFRule], nat: [IPNatRule] = [], pools: [IPPoolDefinition] = []) -> Ruleset {
    var rs = Ruleset(language: .ipf, evaluation: .lastMatchUnlessQuick)
    for p in pools {
      var t = Table(name: p.name.isEmpty ? "anonymous" : p.name, entries: [], origin: p.origin)
      for e in p.entries {
        let term = AddressTerm.network(IPNetwork(address: e.address, prefix: prefix(e.mask)))
        if e.negated { t.excluded.append(term) } else { t.entries.append(term) }
      }
      rs.tables["\(p.kind == .hash ? "hash" : "pool")/\(p.name)"] = t
    }
    for (i, n) in nat.enumerated() {
      var r = lower(nat: n)
      r.number = i
      rs.rules.append(r)
      // bimap maps inbound packets to its new address back to its source.
      if let back = r.binatInboundHalf { rs.rules.append(back) }
    }
    for (i, f) in ipf.enumerated() {
      var r = lower(f)
      r.number = i
      // Anonymous pools become tables named after the rule.
      for (side, entries) in [("from", f.sourcePool), ("to", f.destinationPool)] {
        guard let entries else { continue }
        let name = "anonymous/\(i)/\(side)"
        var t = Table(name: name, entries: [], origin: f.origin)
        for e in entries {
          let term = AddressTerm.network(IPNetwork(address: e.address, prefix: prefix(e.mask)))
          if e.negated { t.excluded.append(term) } else { t.entries.append(term) }
        }
        rs.tables[name] = t
        if side == "from" { r.match.source.terms = [.table(name)] } else { r.match.destination.terms = [.table(name)] }
      }
      let expanded = groupMapCall(f, r, pools: pools, into: &rs) ?? [r]
      if let g = f.group {
        rs.subrulesets[g, default: []] += expanded
      } else {
        rs.rules += expanded
      }
    }
    return rs
  }

  /// `call now srcgrpmap/N` (or `dstgrpmap`) looks the packet's source (destination) up in the
  /// group map N and evaluates the group of the entry found: one rule per group, whose match
  /// adds the map's entries for that group and whose head is the group.
  static func groupMapCall(_ f: IPFRule, _ r: Rule, pools: [IPPoolDefinition], into rs: inout Ruleset) -> [Rule]? {
    guard case .call(let fn, let arg, now: true) = f.action, fn == "srcgrpmap" || fn == "dstgrpmap",
      let map = pools.first(where: {
        if case .groupMap = $0.kind { return $0.name == String(arg) } else { return false }
      })
    else { return nil }
    var groups: [String] = []
    for e in map.entries where !groups.contains(e.group ?? map.name) { groups.append(e.group ?? map.name) }
    return groups.map { g in
      let name = "groupmap/\(arg)/\(g)"
      var t = Table(name: name, entries: [], origin: map.origin)
      for e in map.entries where (e.group ?? map.name) == g {
        t.entries.append(.network(IPNetwork(address: e.address, prefix: prefix(e.mask))))
      }
      rs.tables[name] = t
      var rule = r
      rule.action = .match
      rule.head = g
      if fn == "srcgrpmap" {
        rule.match.source = AddressMatch([.table(name)])
      } else {
        rule.match.destination = AddressMatch([.table(name)])
      }
      return rule
    }
  }

  /// An interface name as a match: `*` and `-` stand for any interface.
  static func interface(_ name: String?) -> String? {
    name == "*" || name == "-" ? nil : name
  }

  static func prefix(_ mask: IPAddress) -> Int {
    let bits = mask.family.bitCount
    var n = 0
    while n < bits && (mask.value >> UInt128(bits - 1 - n)) & 1 == 1 { n += 1 }
    return n
  }

  static func term(_ a: IPFAddress) -> AddressTerm {
    switch a {
    case .any: return .any
    case .host(let addr, let mask): return .network(IPNetwork(address: addr, prefix: prefix(mask)))
    case .lookup(let kind, let number, let name): return .table("\(kind)/\(number.map(String.init) ?? name ?? "?")")
    case .dynamic(let ifname, let suffix, let p):
      // The IR spells modifiers as pf does.
      let modifier = suffix.map { ["bcast": "broadcast", "net": "network"][$0] ?? $0 }
      return .interface(name: ifname, modifier: modifier, prefix: p)
    }
  }

  static func range(_ c: IPFPortCompare?) -> RangeMatch? {
    guard let c else { return nil }
    let op: RangeOperator
    switch c.op {
    case "=": op = .equal
    case "!=": op = .notEqual
    case "<": op = .less
    case "<=": op = .lessOrEqual
    case ">": op = .greater
    case ">=": op = .greaterOrEqual
    case "><": op = .exclusiveRange
    case "<>": op = .outsideRange
    default: op = .inclusiveRange
    }
    return RangeMatch(op, UInt32(clamping: c.port), UInt32(clamping: c.top))
  }

  public static func lower(_ f: IPFRule) -> Rule {
    var m = Match()
    m.family = f.family
    if f.tcpudp { m.protocols = [6, 17] } else if let p = f.proto { m.protocols = [UInt8(clamping: p)] }
    m.source = AddressMatch([term(f.source)], negated: f.notSource)
    m.destination = AddressMatch([term(f.destination)], negated: f.notDestination)
    m.sourcePort = range(f.sourcePort).map { [$0] }
    m.destinationPort = range(f.destinationPort).map { [$0] }
    m.direction = f.out ? .out : .in
    m.interface = interface(f.interfaces.first)
    if f.tcpFlagMask != 0 {
      m.tcpFlags = TCPFlagsMatch(
        set: UInt8(truncatingIfNeeded: f.tcpFlags), mask: UInt8(truncatingIfNeeded: f.tcpFlagMask))
    }
    m.icmpType = f.icmpType.map { [UInt8(clamping: $0)] }
    m.icmpCode = f.icmpCode.map { UInt8(clamping: $0) }
    m.tos = f.tos.map { UInt8(clamping: $0) }
    if f.withMask != 0 || f.optMask != 0 || f.secMask != 0 || f.v6HeaderMask != 0 {
      var c = HeaderConditions()
      c.bits = f.withBits
      c.mask = f.withMask
      // IPv6 extension headers share the options' bits, as in ipfilter.
      c.optionBits = f.optBits | f.v6HeaderBits
      c.optionMask = f.optMask | f.v6HeaderMask
      // `sec-class` compares the security class alone, not the presence of the option.
      if f.secMask != 0 {
        c.optionBits &= ~0x100
        c.optionMask &= ~0x100
      }
      c.securityBits = f.secBits
      c.securityMask = f.secMask
      m.conditions = c
      if f.withMask & ~HeaderConditions.Property.known != 0 { m.opaque.append("with") }
    }
    if f.ttl != nil { m.opaque.append("ttl") }
    if f.expression != nil { m.opaque.append("exp") }
    if f.interfaces.count > 1 { m.opaque.append("second interface") }
    let action: Action
    switch f.action {
    case .pass: action = .pass
    case .block:
      switch f.returnKind {
      case .none: action = .block(.drop)
      case .rst: action = .block(.returnRST)
      // ipf answers a bare return-icmp with "network unreachable" (code 0).
      case .icmp(let code) where (0...255).contains(code ?? 0):
        let c = UInt8(code ?? 0)
        action = .block(f.family == .inet6 ? .icmp6Unreachable(code: c) : .icmpUnreachable(code: c, mtu: nil))
      case .icmp, .icmpAsDest: action = .block(.returnICMP)
      }
    case .skip(let n): action = .skip(to: n)
    case .call(let fn, _, _): action = .call(fn)
    default: action = .match
    }
    var features: [String] = []
    switch f.action {
    case .log: features.append("log action")
    case .count: features.append("count")
    case .auth, .preauth: features.append("auth")
    case .nomatch: features.append("nomatch")
    case .decapsulate: features.append("decapsulate")
    default: break
    }
    if f.toDest != nil { features.append("to") }
    if f.dupTo != nil { features.append("dup-to") }
    if f.replyTo != nil { features.append("reply-to") }
    if f.fastroute { features.append("fastroute") }
    if f.keepFrags { features.append("keep frags") }
    if f.pps != 0 { features.append("pps") }
    if f.logTag != nil || f.natTag != nil { features.append("set-tag") }
    // Details the IR does not carry: named, so that no pass or translation takes two rules
    // that differ in them for one.
    if f.logBody || f.logFirst || f.logOrBlock || f.logLevel != nil { features.append("log options") }
    switch f.returnKind {
    case .icmp(let code?) where !(0...255).contains(code): features.append("return-icmp code")
    case .icmpAsDest: features.append("return-icmp-as-dest")
    default: break
    }
    if f.stateStrict || f.stateLoose || f.stateNewISN || f.stateNoICMPErr || f.stateSync || f.age != (0, 0) {
      features.append("state options")
    }
    var rule = Rule(
      phase: .filter, match: m, action: action, quick: f.quick, state: f.keepState ? .keep : .none, log: f.log,
      features: features, origin: [f.origin])
    rule.head = f.head
    rule.comment = f.comment
    if f.stateLimit != 0 || f.maxNodes != 0 || f.maxPerSource != 0 {
      rule.stateLimits = StateLimits(
        states: f.stateLimit == 0 ? nil : f.stateLimit, sources: f.maxNodes == 0 ? nil : f.maxNodes,
        statesPerSource: f.maxPerSource == 0 ? nil : f.maxPerSource,
        sourcePrefix: f.maxPerSource == 0 ? nil : f.perSourceMask)
    }
    return rule
  }

  static func natTerm(_ a: IPNatAddress) -> AddressTerm {
    switch a {
    case .normal(let addr, let mask):
      return addr.value == 0 && mask.value == 0 ? .any : .network(IPNetwork(address: addr, prefix: prefix(mask)))
    case .range(let a, let b), .split(let a, let b): return .range(a, b)
    case .lookup(let kind, let number, let name): return .table("\(kind)/\(number.map(String.init) ?? name ?? "?")")
    case .dstlist(let number, let name): return .table("dstlist/\(number.map(String.init) ?? name ?? "?")")
    }
  }

  public static func lower(nat n: IPNatRule) -> Rule {
    var m = Match()
    m.family = n.versionIn == 6 ? .inet6 : .inet
    if n.tcpudp {
      m.protocols = [6, 17]
    } else if n.tcp {
      m.protocols = [6]
    } else if n.udp {
      m.protocols = [17]
    } else if n.proto.0 != 0 {
      m.protocols = [UInt8(clamping: n.proto.0)]
    }
    m.interface = interface(n.interfaces.first)
    let kind: TranslationKind
    var targets: [AddressTerm]
    switch n.kind {
    case .rdr, .rewrite(out: false), .divert(out: false), .encap(out: false):
      kind = .rdr
      m.direction = .in
      m.source = AddressMatch([natTerm(n.originalSource)], negated: n.notSource)
      m.destination = AddressMatch([natTerm(n.originalDestination)], negated: n.notDestination)
      if n.anyTCPUDP && n.odport != 0 {
        m.destinationPort =
          n.dtop > n.odport
          ? [RangeMatch(.inclusiveRange, UInt32(clamping: n.odport), UInt32(clamping: n.dtop))]
          : [RangeMatch(.equal, UInt32(clamping: n.odport))]
      }
      targets = [natTerm(n.newDestination)]
    case .bimap:
      kind = .binat
      m.direction = .out
      m.source = AddressMatch([natTerm(n.originalSource)])
      targets = [natTerm(n.newSource)]
    default:
      kind = .nat
      m.direction = .out
      m.source = AddressMatch([natTerm(n.originalSource)], negated: n.notSource)
      m.destination = AddressMatch([natTerm(n.originalDestination)], negated: n.notDestination)
      targets = [natTerm(n.newSource)]
      // `-> 0/32` is the address of the interface the rule is on.
      if case .normal(let a, let mask) = n.newSource, a.value == 0,
        mask.value == IPAddress.mask(family: a.family, prefix: a.family.bitCount).value,
        let ifname = n.interfaces.first
      {
        targets = [.interface(name: ifname, modifier: "0", prefix: nil)]
      }
    }
    m.sourcePort = range(n.sourceCompare).map { [$0] }
    if let d = n.destinationCompare { m.destinationPort = range(d).map { [$0] } }
    var t = Translation(kind: kind, targets: targets)
    if n.dpmin != 0 {
      t.portLow = UInt16(clamping: n.dpmin)
      t.portHigh = n.dpmax != n.dpmin && n.dpmax != 0 ? UInt16(clamping: n.dpmax) : nil
    } else if n.spmin != 0 {
      t.portLow = UInt16(clamping: n.spmin)
      t.portHigh = UInt16(clamping: n.spmax)
    }
    if n.roundRobin { t.pool = "round-robin" }
    if n.sticky { t.options.append("sticky") }
    if n.autoPortmap { t.options.append("portmap auto") }
    var features: [String] = []
    if n.proxy != nil { features.append("proxy") }
    if n.mssclamp != 0 { features.append("mssclamp") }
    if n.kind == .mapBlock { features.append("map-block") }
    if case .rewrite = n.kind { features.append("rewrite") }
    if case .divert = n.kind { features.append("divert") }
    return Rule(
      phase: .translation, match: m, action: .translate(kind, negated: n.no), quick: true,
      translation: n.no ? [] : [t], tag: n.tag, features: features, origin: [n.origin])
  }
}
