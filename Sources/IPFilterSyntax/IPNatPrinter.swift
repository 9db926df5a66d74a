import FirewallIR

/// Prints ipnat.conf rules as `ipnat -Rnv` does (ipfilter's printnat).
public enum IPNatPrinter {
  public static func print(_ rules: [IPNatRule]) -> String {
    var out = TextBuffer()
    for r in rules { rule(r, into: &out) }
    return out.string
  }

  static func count(_ mask: IPAddress) -> Int {
    let bits = mask.family.bitCount
    var ones = 0
    while ones < bits && (mask.value >> UInt128(bits - 1 - ones)) & 1 == 1 { ones += 1 }
    return IPAddress.mask(family: mask.family, prefix: ones).value == mask.value ? ones : -1
  }

  /// printnataddr: `0/len` for a zero IPv4 address, `any` for IPv6 zero, else address/mask.
  static func address(_ a: IPNatAddress, version: Int) -> String {
    switch a {
    case .normal(let addr, let mask):
      if version == 6 {
        let a6 = IPAddress(family: .inet6, value: addr.family == .inet6 ? addr.value : 0)
        let m6 = IPAddress(family: .inet6, value: mask.family == .inet6 ? mask.value : 0)
        if a6.value == 0 && m6.value == 0 { return "any" }
        return a6.description + "/\(max(count(m6), 0))"
      }
      let m4 = IPAddress(family: .inet, value: mask.value & 0xFFFF_FFFF)
      if addr.value == 0 { return "0/\(count(m4))" }
      return IPFPrinter.hostMask(IPAddress(family: .inet, value: addr.value), mask: m4)
    case .range(let a, let b): return "\(a)-\(b)"
    case .split(let a, let b): return "\(a),\(b)"
    case .lookup(let kind, let number, let name): return "\(kind)/" + (number.map(String.init) ?? name ?? "?")
    case .dstlist(let number, let name): return "dstlist/" + (number.map(String.init) ?? name ?? "?")
    }
  }

  /// printproto with a NAT rule.
  static func proto(_ r: IPNatRule, _ p: Int) -> String {
    if r.tcpudp { return "tcp/udp" }
    if r.tcp { return "tcp" }
    if r.udp { return "udp" }
    if r.icmpQuery { return "icmp" }
    if r.proto.0 == 0 { return "ip" }
    return UInt8(exactly: p).flatMap { ProtocolNames.name(number: $0) } ?? "\(p)"
  }

  static func portCompare(_ c: IPFPortCompare) -> String {
    switch c.op {
    case "><", "<>": return " port \(c.port) \(c.op) \(c.top)"
    case ":": return " port \(c.port):\(c.top)"
    default: return " port \(c.op) \(c.port)"
    }
  }

  public static func rule(_ r: IPNatRule, into s: inout TextBuffer) {
    if r.no { s += "no " }
    let p: Int
    switch r.kind {
    case .encap(let out):
      s += out ? "encap out on" : "encap in on"
      p = out ? r.proto.1 : r.proto.0
    case .divert(let out):
      s += out ? "divert out on" : "divert in on"
      p = out ? r.proto.1 : r.proto.0
    case .rewrite(let out):
      s += out ? "rewrite out on" : "rewrite in on"
      p = out ? r.proto.1 : r.proto.0
    case .rdr:
      s += "rdr"
      p = r.proto.0
    case .map:
      s += "map"
      p = r.proto.1
    case .mapBlock:
      s += "map-block"
      p = r.proto.1
    case .bimap:
      s += "bimap"
      p = r.proto.0
    }
    let first = r.interfaces.first ?? "-"
    s += first == "-" ? " \"-\"" : " \(first)"
    if r.interfaces.count > 1, r.interfaces[1] != first {
      s += r.interfaces[1] == "-" ? ",\"-\"" : ",\(r.interfaces[1])"
    }
    s += " "
    if r.versionIn == 6 { s += "inet6 " }
    let isRewriteLike: Bool
    switch r.kind {
    case .rewrite, .divert, .encap: isRewriteLike = true
    default: isRewriteLike = false
    }
    if isRewriteLike && (p != 0 || r.anyTCPUDP) {
      s += "proto " + proto(r, p) + " "
    }
    if r.filter {
      if r.notSource { s += "! " }
      s += "from " + address(r.originalSource, version: r.versionIn)
      if let c = r.sourceCompare { s += portCompare(c) }
      if r.notDestination { s += " !" }
      s += " to " + address(r.originalDestination, version: r.versionIn)
      if let c = r.destinationCompare { s += portCompare(c) }
    }
    switch r.kind {
    case .divert, .encap:
      s += " -> src " + address(r.newSource, version: r.versionOut)
      if case .divert = r.kind { s += ",\(r.nsports.0)" }
      s += " dst " + address(r.newDestination, version: r.versionOut)
      if case .divert = r.kind { s += ",\(r.ndports.0) udp" }
      if r.purge { s += " purge" }
      s += ";\n"
    case .rewrite:
      s += " -> src " + address(r.newSource, version: r.versionOut)
      if r.anyTCPUDP { s += rewritePorts(r.nsports, fixed: r.fixedSourcePort) }
      s += " dst " + address(r.newDestination, version: r.versionOut)
      if r.anyTCPUDP { s += rewritePorts(r.ndports, fixed: r.fixedDestinationPort) }
      if r.purge { s += " purge" }
      s += ";\n"
    case .rdr:
      if !r.filter {
        s += address(r.originalDestination, version: r.versionIn)
        if r.anyTCPUDP {
          s += " port \(r.odport)"
          if r.odport != r.dtop { s += "-\(r.dtop)" }
        }
      }
      if r.no {
        s += " " + proto(r, p) + ";\n"
        return
      }
      s += " -> " + address(r.newDestination, version: r.versionOut)
      if r.anyTCPUDP {
        if r.fixedDestinationPort {
          s += " port = \(r.dpmin)"
        } else {
          s += " port \(r.dpmin)"
          if r.dpmin != r.dpmax { s += "-\(r.dpmax)" }
        }
      }
      s += " " + proto(r, p)
      if r.roundRobin { s += " round-robin" }
      if r.frag { s += " frag" }
      if r.age.0 != 0 || r.age.1 != 0 { s += " age \(r.age.0)/\(r.age.1)" }
      if r.sticky { s += " sticky" }
      if r.mssclamp != 0 { s += " mssclamp \(r.mssclamp)" }
      if let px = r.proxy { s += " proxy \(px)" }
      if let t = r.tag { s += " tag \(t)" }
      if r.purge { s += " purge" }
      s += "\n"
    case .map, .mapBlock, .bimap:
      var protoPrinted = false
      if !r.filter { s += address(r.originalSource, version: r.versionIn) }
      if r.no {
        s += " " + proto(r, p) + ";\n"
        return
      }
      s += " -> "
      if r.sourceRange { s += "range " }
      s += address(r.newSource, version: r.versionOut)
      if let px = r.proxy {
        s += " proxy port "
        if r.odport != 0 { s += "\(r.odport)" }
        s += " \(px)/" + (UInt8(exactly: p).flatMap { ProtocolNames.name(number: $0) } ?? "\(p)")
        protoPrinted = true
      } else if r.kind == .mapBlock {
        s += r.spmin == 0 && r.autoPortmap ? " ports auto" : " ports \(r.spmin)"
      } else if r.spmin != 0 || r.spmax != 0 {
        s += r.icmpQuery ? " icmpidmap " : " portmap "
        s += proto(r, p)
        protoPrinted = true
        if r.autoPortmap { s += " auto" } else { s += " \(r.spmin):\(r.spmax)" }
        if r.sequential { s += " sequential" }
      }
      if r.frag { s += " frag" }
      if r.age.0 != 0 || r.age.1 != 0 { s += " age \(r.age.0)/\(r.age.1)" }
      if r.mssclamp != 0 { s += " mssclamp \(r.mssclamp)" }
      if let t = r.tag { s += " tag \(t)" }
      if !protoPrinted && (r.anyTCPUDP || p != 0) { s += " " + proto(r, p) }
      if r.purge { s += " purge" }
      s += "\n"
    }
  }

  /// The port part of a `rewrite` target: `,port = N`, `,N` or `,N-M`; nothing for port 0.
  static func rewritePorts(_ ports: (Int, Int), fixed: Bool) -> String {
    guard ports.0 != 0 else { return "" }
    if fixed { return ",port = \(ports.0)" }
    return ports.1 != ports.0 ? ",\(ports.0)-\(ports.1)" : ",\(ports.0)"
  }
}
