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
    }
    for (i, f) in ipf.enumerated() {
      var r = lower(f)
      r.number = i
      if let g = f.group {
        rs.subrulesets[g, default: []].append(r)
      } else {
        rs.rules.append(r)
      }
    }
    return rs
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
    case .dynamic(let ifname, let suffix, let p): return .interface(name: ifname, modifier: suffix, prefix: p)
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
    m.interface = f.interfaces.first
    if f.tcpFlagMask != 0 {
      m.tcpFlags = TCPFlagsMatch(
        set: UInt8(truncatingIfNeeded: f.tcpFlags), mask: UInt8(truncatingIfNeeded: f.tcpFlagMask))
    }
    m.icmpType = f.icmpType.map { [UInt8(clamping: $0)] }
    m.icmpCode = f.icmpCode.map { UInt8(clamping: $0) }
    m.tos = f.tos.map { UInt8(clamping: $0) }
    m.fragment = f.withBits & 0x4 != 0
    if f.withMask & ~0x4 != 0 || f.optMask != 0 { m.opaque.append("with") }
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
    if let h = f.head { features.append("head \(h)") }
    if f.toDest != nil { features.append("to") }
    if f.dupTo != nil { features.append("dup-to") }
    if f.replyTo != nil { features.append("reply-to") }
    if f.fastroute { features.append("fastroute") }
    if f.keepFrags { features.append("keep frags") }
    if f.pps != 0 { features.append("pps") }
    if f.logTag != nil || f.natTag != nil { features.append("set-tag") }
    return Rule(
      phase: .filter, match: m, action: action, quick: f.quick, state: f.keepState ? .keep : .none, log: f.log,
      features: features, origin: [f.origin])
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
    m.interface = n.interfaces.first
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
