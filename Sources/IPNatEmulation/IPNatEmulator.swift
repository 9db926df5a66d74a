import FirewallIR
import IPFilterSyntax
import Semantics

/// ipnat's translation as ipftest runs it (`ipftest -N`): sessions created by map, bimap,
/// map-block and rdr rules, with ipnat's own choice of new addresses and ports (the host map,
/// the next-address cursor and its conflict retries, sequential and automatic port maps,
/// round-robin and sticky redirects), and the reverse translation of later packets.
///
/// Written from the behaviour ipfilter's NAT regression tests show; it models TCP, UDP, ICMP
/// queries and other protocols, not proxies, rewrite/divert/encap rules or ICMP error payloads.
public final class IPNatEmulator {
  static let tcp = 1
  static let udp = 2
  static let icmpQuery = 8

  /// A rule with ipnat's run-time cursors.
  final class NatRule {
    let rule: IPNatRule
    let kind: IPNatRule.Kind
    let interface: String
    let family: AddressFamily
    let proto: Int
    /// TCP (1) and UDP (2) bits the rule is limited to; 0 for any protocol.
    let tcpudp: Int
    let filter: Bool
    let notSource: Bool
    let notDestination: Bool
    var osrc: (UInt128, UInt128)
    var odst: (UInt128, UInt128)
    var nsrc: (UInt128, UInt128)
    var ndst: (UInt128, UInt128)
    let sourceRange: Bool
    let split: Bool
    let sticky: Bool
    let auto: Bool
    let fixedDestinationPort: Bool
    /// Port comparisons of a rule in filter form (`from a port > 1024 to b port = 80`).
    let sourceCompare: IPFPortCompare?
    let destinationCompare: IPFPortCompare?
    let spmin: Int
    let spmax: Int
    var spnext: Int
    let odport: Int
    let dtop: Int
    let dpmin: Int
    let dpmax: Int
    var dpnext: Int
    var ippip = 0
    var ppip = 0
    /// The next address to hand out, and the next split target.
    var snip: UInt128 = 0
    var dnip: UInt128 = 0
    let all: UInt128

    init?(_ r: IPNatRule) {
      rule = r
      kind = r.kind
      switch r.kind {
      case .map, .bimap, .mapBlock, .rdr: break
      default: return nil
      }
      interface = r.interfaces.first ?? ""
      family = r.versionIn == 6 ? .inet6 : .inet
      all = family == .inet ? 0xFFFF_FFFF : .max
      proto = r.proto.0
      tcpudp = (r.tcp ? IPNatEmulator.tcp : 0) | (r.udp ? IPNatEmulator.udp : 0)
      filter = r.filter
      notSource = r.notSource
      notDestination = r.notDestination
      func pair(_ a: IPNatAddress) -> (UInt128, UInt128)? {
        switch a {
        case .normal(let addr, let mask): return (addr.value & mask.value, mask.value)
        case .range(let lo, let hi): return (lo.value, hi.value)
        case .split(let x, let y): return (x.value, y.value)
        default: return nil
        }
      }
      guard let os = pair(r.originalSource), let od = pair(r.originalDestination), let ns = pair(r.newSource),
        let nd = pair(r.newDestination)
      else { return nil }
      (osrc, odst, nsrc, ndst) = (os, od, ns, nd)
      if case .range = r.newSource { sourceRange = true } else { sourceRange = false }
      split = r.split
      sticky = r.sticky
      auto = r.autoPortmap
      fixedDestinationPort = r.fixedDestinationPort
      sourceCompare = r.filter ? r.sourceCompare : nil
      destinationCompare = r.filter ? r.destinationCompare : nil
      spmin = r.spmin
      spmax = r.spmax
      odport = r.odport
      dtop = r.dtop
      dpmin = r.dpmin
      dpmax = r.dpmax == 0 ? r.dpmin : r.dpmax
      dpnext = r.dpnext
      spnext = r.kind == .map || r.kind == .bimap ? r.spmin : 0
      if r.kind == .mapBlock || r.autoPortmap {
        let notO = ~osrc.1 & all
        let notN = ~nsrc.1 & all
        if nsrc.1 == osrc.1 {
          ippip = 1
        } else if r.autoPortmap {
          var x = notO
          if nsrc.1 != all { x /= notN + 1 }
          ippip = Int((x + 1) & 0xFFFF)
          if ippip == 0 { ippip = 1 }
          ppip = 64512 / ippip
        } else {
          ppip = spmin == 0 ? 1 : spmin
          ippip = 64512 / ppip
        }
      }
      if sourceRange || nsrc.1 == all { snip = nsrc.0 } else { snip = nsrc.0 + 1 }
      if r.kind == .bimap {
        ndst = osrc
        odst = nsrc
      }
      if split { dnip = ndst.0 }
    }
  }

  /// One translation session.
  final class Session {
    var rule: NatRule
    var flags: Int
    var outbound: Bool
    var proto: Int
    var osrc: UInt128 = 0
    var nsrc: UInt128 = 0
    var odst: UInt128 = 0
    var ndst: UInt128 = 0
    var osport = 0
    var nsport = 0
    var odport = 0
    var ndport = 0
    var oicmpid = 0
    var nicmpid = 0
    var hostmap: HostMap?
    init(rule: NatRule, flags: Int, outbound: Bool, proto: Int) {
      self.rule = rule
      self.flags = flags
      self.outbound = outbound
      self.proto = proto
    }
  }

  /// ipnat's host map: which new address a (source, destination) pair was given.
  final class HostMap {
    var osrc: UInt128
    var odst: UInt128
    var nsrc: UInt128
    var ndst: UInt128 = 0
    var port: Int
    var references = 1
    var rule: NatRule
    init(osrc: UInt128, odst: UInt128, nsrc: UInt128, port: Int, rule: NatRule) {
      (self.osrc, self.odst, self.nsrc, self.port, self.rule) = (osrc, odst, nsrc, port, rule)
    }
  }

  let rules: [NatRule]
  /// Sessions and host map entries, newest first.
  var sessions: [Session] = []
  var hostmaps: [HostMap] = []

  /// The rules it can follow; the others are skipped.
  public init(rules: [IPNatRule]) {
    self.rules = rules.compactMap(NatRule.init)
  }

  /// The outcome for one packet: left alone, translated in place, or dropped (ipnat could not
  /// create the session: ipftest's block reason 15 or 16).
  public enum Result { case passed, translated, dropped }

  /// The packet's key fields as ipnat sees them.
  struct Key {
    var proto: Int
    var src: UInt128
    var dst: UInt128
    var sport: Int
    var dport: Int
    var icmpid: Int
    var flags: Int
  }

  static func key(_ p: Packet) -> Key {
    let h = p.header
    let proto = Int(h.proto)
    var flags = 0
    if proto == 6 { flags = tcp } else if proto == 17 { flags = udp }
    let query: Set<UInt8> = h.family == .inet ? [0, 8, 13, 14, 15, 16, 17, 18] : [128, 129]
    if p.isICMP && query.contains(h.icmpType) { flags = icmpQuery }
    return Key(
      proto: proto, src: h.source, dst: h.destination, sport: Int(h.sourcePort), dport: Int(h.destinationPort),
      icmpid: 0, flags: flags)
  }

  /// Translates one packet as ipnat would, changing its header in place.
  public func process(_ p: inout Packet) -> Result {
    var k = Self.key(p)
    let portKey = k.flags & (Self.tcp | Self.udp) != 0 ? k.dport : k.icmpid
    let ifname = p.header.interface ?? "anon0"
    let out = p.header.direction == .out
    var session =
      out ? outLookup(k.proto, k.src, k.sport, k.dst, portKey) : inLookup(k.proto, k.src, k.sport, k.dst, portKey)
    var failed = false
    if session == nil {
      for r in rules where r.family == p.header.family && r.interface == ifname {
        if out {
          guard r.kind == .map || r.kind == .bimap || r.kind == .mapBlock else { continue }
        } else {
          guard r.kind == .rdr || r.kind == .bimap else { continue }
        }
        if r.proto != 0 && r.proto != k.proto { continue }
        if r.tcpudp != 0 && r.tcpudp & k.flags == 0 { continue }
        if r.filter {
          if !filterMatch(k, r) { continue }
        } else if out {
          if k.src & r.osrc.1 != r.osrc.0 { continue }
        } else {
          if k.dst & r.odst.1 != r.odst.0 { continue }
          let dport = k.flags != 0 ? portKey : 0
          if r.odport != 0 && (r.dtop < dport || dport < r.odport) { continue }
        }
        if let s = add(k, r, outbound: out) {
          session = s
          failed = false
          break
        }
        failed = true
      }
    }
    guard let s = session else { return failed ? .dropped : .passed }
    let ported = s.flags & (Self.tcp | Self.udp) != 0
    // A packet in the session's own direction takes its new addresses; one the other way, its
    // original ones reversed. Ports change when the session has them (ipnat tests the new
    // source port outbound and the original destination port inbound).
    let portsSet = out ? s.nsport != 0 : s.odport != 0
    if s.outbound == out {
      (k.src, k.dst) = (s.nsrc, s.ndst)
      if portsSet && ported { (k.sport, k.dport) = (s.nsport, s.ndport) }
    } else {
      (k.src, k.dst) = (s.odst, s.osrc)
      if portsSet && ported { (k.sport, k.dport) = (s.odport, s.osport) }
    }
    p.header.source = k.src
    p.header.destination = k.dst
    if ported {
      p.header.sourcePort = UInt16(truncatingIfNeeded: k.sport)
      p.header.destinationPort = UInt16(truncatingIfNeeded: k.dport)
    }
    return .translated
  }

  func filterMatch(_ k: Key, _ r: NatRule) -> Bool {
    if (k.src & r.osrc.1 != r.osrc.0) != r.notSource { return false }
    if (k.dst & r.odst.1 != r.odst.0) != r.notDestination { return false }
    if k.proto != 6 && k.proto != 17 { return r.destinationCompare == nil && r.sourceCompare == nil }
    if let c = r.sourceCompare, !Self.compare(c, k.sport) { return false }
    if let c = r.destinationCompare, !Self.compare(c, k.dport) { return false }
    return true
  }

  /// Whether a port satisfies an ipf port comparison.
  static func compare(_ c: IPFPortCompare, _ v: Int) -> Bool {
    switch c.op {
    case "=", "eq": return v == c.port
    case "!=", "ne": return v != c.port
    case "<", "lt": return v < c.port
    case "<=", "le": return v <= c.port
    case ">", "gt": return v > c.port
    case ">=", "ge": return v >= c.port
    case "><": return v > c.port && v < c.top
    case "<>": return v < c.port || v > c.top
    default: return v >= c.port && v <= c.top
    }
  }

  // MARK: Lookups (newest session first)

  func inLookup(_ p: Int, _ src: UInt128, _ sport: Int, _ dst: UInt128, _ dport: Int) -> Session? {
    lookup(p, src, sport, dst, dport, inbound: true)
  }

  func outLookup(_ p: Int, _ src: UInt128, _ sport: Int, _ dst: UInt128, _ dport: Int) -> Session? {
    lookup(p, src, sport, dst, dport, inbound: false)
  }

  /// The session a packet belongs to. A session created in the packet's direction is matched
  /// on its original addresses and ports; one created the other way, on its translated ones
  /// reversed.
  func lookup(_ p: Int, _ src: UInt128, _ sport: Int, _ dst: UInt128, _ dport: Int, inbound: Bool) -> Session? {
    for s in sessions where s.proto == p {
      let original = s.outbound != inbound
      let (a, b) = original ? (s.osrc, s.odst) : (s.ndst, s.nsrc)
      if a != src || b != dst { continue }
      if s.flags & (Self.tcp | Self.udp) != 0 {
        let (pa, pb) = original ? (s.osport, s.odport) : (s.ndport, s.nsport)
        if pa != sport || pb != dport { continue }
      } else if p == 1 && (original ? s.oicmpid : s.nicmpid) != dport {
        continue
      }
      return s
    }
    return nil
  }

  // MARK: Host map

  func hostmap(_ r: NatRule?, _ src: UInt128, _ dst: UInt128, _ address: UInt128, _ port: Int) -> HostMap? {
    for h in hostmaps
    where h.osrc == src && h.odst == dst && (r == nil || r === h.rule) && (port == 0 || port == h.port) {
      h.references += 1
      return h
    }
    guard let r else { return nil }
    let h = HostMap(osrc: src, odst: dst, nsrc: address, port: port, rule: r)
    hostmaps.insert(h, at: 0)
    return h
  }

  func release(_ h: HostMap) {
    h.references -= 1
    if h.references == 0 { hostmaps.removeAll { $0 === h } }
  }

  // MARK: New sessions

  func add(_ k: Key, _ r: NatRule, outbound: Bool) -> Session? {
    let s = Session(rule: r, flags: k.flags, outbound: outbound, proto: k.proto)
    let portKey = k.flags & (Self.tcp | Self.udp) != 0 ? k.dport : k.icmpid
    if outbound {
      if let existing = outLookup(k.proto, k.src, k.sport, k.dst, portKey) { return existing }
      guard newMap(k, s, r) else { return nil }
    } else {
      if let existing = inLookup(k.proto, k.src, k.sport, k.dst, portKey) { return existing }
      guard newRdr(k, s, r) else { return nil }
    }
    sessions.insert(s, at: 0)
    return s
  }

  /// ipnat's choice of a new source for a map-type rule; false when none is free.
  func newMap(_ k: Key, _ s: Session, _ r: NatRule) -> Bool {
    let flags = s.flags
    let startIP = r.snip
    let startPort = r.spnext
    let sport = flags & Self.icmpQuery != 0 ? k.icmpid : k.sport
    var hm: HostMap? = nil
    var l = 0
    var address: UInt128 = 0
    var port = 0
    let ported = flags & (Self.tcp | Self.udp) != 0
    while true {
      port = 0
      address = r.snip
      if l == 0 {
        hm = hostmap(r, k.src, k.dst, address, 0)
        if let h = hm { address = h.nsrc }
      } else if l == 1, let h = hm {
        release(h)
        hm = nil
      }
      s.hostmap = hm
      if r.nsrc.1 == r.all && r.spnext == 0 && l > 0 { return false }
      if r.kind == .bimap && r.osrc.1 == r.nsrc.1 {
        address = r.nsrc.0 | (k.src & ~r.osrc.1 & r.all)
      } else if r.kind == .mapBlock {
        if l >= r.ppip || (l > 0 && !ported) { return false }
        let host = k.src & (~r.osrc.1 & r.all)
        address = (host / UInt128(r.ippip)) & (~r.nsrc.1 & r.all) + r.nsrc.0
        if ported && r.ppip != 0 {
          port = (sport + l) % r.ppip + r.ppip * Int(host % UInt128(r.ippip)) + 1024
          port &= 0xFFFF
        }
      } else if r.nsrc.1 != r.all && r.spnext == 0 && (l > 0 || hm == nil) {
        r.snip += 1
      }
      if ported && r.kind != .mapBlock && r.auto {
        if l > 0 && l % r.ppip == 0 && l > r.ppip && r.nsrc.1 != r.all { r.snip += 1 }
        if r.ppip != 0 {
          port = (sport + l % r.ppip) % r.ppip + r.ppip * Int(k.src % UInt128(r.ippip)) + 1024
          port &= 0xFFFF
        }
      } else if r.kind != .mapBlock && flags & (Self.tcp | Self.udp | Self.icmpQuery) != 0 && r.spnext != 0 {
        port = r.spnext
        r.spnext += 1
        if r.spnext > r.spmax {
          r.spnext = r.spmin
          if r.nsrc.1 != r.all { r.snip += 1 }
        }
      }
      if r.sourceRange {
        if r.snip > r.nsrc.1 { r.snip = r.nsrc.0 }
      } else if r.nsrc.1 != r.all && (r.snip + 1) & r.nsrc.1 > r.nsrc.0 {
        r.snip = r.nsrc.0 + 1
      }
      if port == 0 && flags & (Self.tcp | Self.udp | Self.icmpQuery) != 0 { port = sport }
      let conflict = inLookup(k.proto, k.dst, k.dport, address, port)
      if conflict != nil && r.spnext != 0 && startPort == r.spnext && r.snip != 0 && startIP == r.snip {
        return false
      }
      l += 1
      if conflict == nil { break }
    }
    s.osrc = k.src
    s.nsrc = address
    s.odst = k.dst
    s.ndst = k.dst
    if s.hostmap == nil { s.hostmap = hostmap(r, k.src, k.dst, address, 0) }
    if ported {
      (s.osport, s.nsport, s.odport, s.ndport) = (sport, port, k.dport, k.dport)
    } else if flags & Self.icmpQuery != 0 {
      s.oicmpid = k.icmpid
      s.nicmpid = port
    }
    return true
  }

  /// ipnat's choice of a new destination for an rdr (or inbound bimap) rule; false when the
  /// redirection would clash with an existing session.
  func newRdr(_ k: Key, _ s: Session, _ rule: NatRule) -> Bool {
    var r = rule
    let flags = s.flags
    let dport = flags & Self.icmpQuery != 0 ? k.icmpid : k.dport
    let sport = flags & Self.icmpQuery != 0 ? 0 : k.sport
    var address: UInt128 = 0
    var hm: HostMap? = nil
    if r.split && r.sticky, let h = hostmap(nil, k.src, k.dst, 0, dport) {
      address = h.ndst
      r = h.rule
      release(h)
    }
    if r.split {
      address = r.dnip
      if r.sticky {
        hm = hostmap(nil, k.src, k.dst, address, dport)
        if let h = hm { address = h.ndst }
      }
      if hm == nil || hm!.references == 1 {
        r.dnip = r.ndst.0 == address ? r.ndst.1 : r.ndst.0
      }
      if let h = hm {
        release(h)
        hm = nil
      }
    } else if r.ndst == (0, 0) {
      address = k.dst
    } else if r.kind == .bimap && r.ndst.1 == r.odst.1 {
      address = r.ndst.0 | (k.dst & ~r.ndst.1 & r.all)
    } else {
      address = r.ndst.0
    }
    var nport: Int
    if r.dpnext == 0 {
      nport = dport
    } else if !r.fixedDestinationPort && r.odport != r.dtop {
      nport = (dport - r.odport + r.dpmax) & 0xFFFF
    } else {
      nport = r.dpnext
      r.dpnext += 1
      if r.dpnext > r.dpmax { r.dpnext = r.dpmin }
    }
    if address == 0 {
      if nport == dport { return false }
      address = k.dst
    }
    let ported = flags & (Self.tcp | Self.udp) != 0
    if outLookup(k.proto, address, nport, k.src, ported ? k.sport : k.icmpid) != nil { return false }
    s.ndst = address
    s.odst = k.dst
    s.nsrc = k.src
    s.osrc = k.src
    if r.sticky {
      s.hostmap = hostmap(r, k.src, k.dst, address, dport)
    }
    if ported {
      (s.odport, s.ndport, s.osport, s.nsport) = (dport, nport, sport, sport)
    } else if flags & Self.icmpQuery != 0 {
      s.oicmpid = k.icmpid
      s.nicmpid = nport
    }
    return true
  }
}
