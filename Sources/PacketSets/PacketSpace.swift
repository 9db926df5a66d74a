import FirewallIR

/// One packet's header fields, as the packet sets see them. IPv4 addresses are held in the low
/// 32 bits; packets without ports (not TCP, UDP or SCTP) have ports 0; non-ICMP packets have
/// ICMP type and code 0.
public struct PacketHeader: Hashable, Sendable {
  public var family: AddressFamily = .inet
  public var direction: Direction = .in
  /// The interface's name; nil for one the space does not name.
  public var interface: String?
  public var proto: UInt8 = 6
  public var source: UInt128 = 0
  public var destination: UInt128 = 0
  public var sourcePort: UInt16 = 0
  public var destinationPort: UInt16 = 0
  public var tcpFlags: UInt8 = 0
  public var icmpType: UInt8 = 0
  public var icmpCode: UInt8 = 0
  /// The TOS (traffic class) byte.
  public var tos: UInt8 = 0
  public var fragment: Fragment = .none

  /// Whether a packet is a fragment, and which: a later fragment carries no transport header.
  public enum Fragment: UInt8, Hashable, Sendable {
    case none, first, later
  }

  public init() {}
}

/// The layout of packet headers as BDD variables, and the encoding of IR matches into sets of
/// packets. Variable order: family, direction, interface, protocol, IPv4 addresses, ports, TCP
/// flags, ICMP type and code, TOS, fragment, IPv6 addresses. IPv4 and IPv6 addresses are
/// separate fields (the other family's are zero), so that an IPv4 prefix costs only its own bits
/// and the zero IPv6 fields of IPv4 packets are one shared chain at the bottom.
public final class PacketSpace {
  public let manager: BDDManager
  /// Interface names the space distinguishes; every other name is index 0.
  public let interfaces: [String]
  let family: BitField
  let direction: BitField
  let interface: BitField
  let proto: BitField
  let source4: BitField
  let destination4: BitField
  let source6: BitField
  let destination6: BitField
  let sourcePort: BitField
  let destinationPort: BitField
  let tcpFlags: BitField
  let icmpType: BitField
  let icmpCode: BitField
  let tos: BitField
  /// Whether the packet is a fragment, and whether it is a later one.
  let fragment: BitField
  let laterFragment: BitField
  /// The headers that can occur: IPv4 addresses fit 32 bits, portless protocols have port 0,
  /// non-ICMP packets have type and code 0, non-TCP packets have no flags.
  public private(set) var wellFormed = BDD.all
  /// Packets of the protocols that carry ports: TCP, UDP and SCTP.
  public private(set) var carriesPorts = BDD.all
  /// ICMP packets over IPv4 and ICMPv6 packets over IPv6.
  public private(set) var icmpPackets = BDD.all

  public init(interfaces: [String] = []) {
    self.interfaces = interfaces
    var offset = 0
    func field(_ width: Int) -> BitField {
      defer { offset += width }
      return BitField(offset: offset, width: width)
    }
    family = field(1)
    direction = field(1)
    var bits = 1
    while (1 << bits) <= interfaces.count { bits += 1 }
    interface = field(bits)
    proto = field(8)
    source4 = field(32)
    destination4 = field(32)
    sourcePort = field(16)
    destinationPort = field(16)
    tcpFlags = field(8)
    icmpType = field(8)
    icmpCode = field(8)
    tos = field(8)
    fragment = field(1)
    laterFragment = field(1)
    source6 = field(128)
    destination6 = field(128)
    manager = BDDManager(variableCount: offset)
    wellFormed = buildWellFormed()
  }

  func buildWellFormed() -> BDD {
    let m = manager
    let v4 = m.equals(family, 0)
    let v4Addresses = m.and(m.equals(source6, 0), m.equals(destination6, 0))
    let v6Addresses = m.and(m.equals(source4, 0), m.equals(destination4, 0))
    let addresses = m.ite(v4, v4Addresses, v6Addresses)
    let ported = m.or([m.equals(proto, 6), m.equals(proto, 17), m.equals(proto, 132)])
    carriesPorts = ported
    let ports = m.or(ported, m.and(m.equals(sourcePort, 0), m.equals(destinationPort, 0)))
    let icmp = m.or(m.and(v4, m.equals(proto, 1)), m.and(m.not(v4), m.equals(proto, 58)))
    icmpPackets = icmp
    let types = m.or(icmp, m.and(m.equals(icmpType, 0), m.equals(icmpCode, 0)))
    let flags = m.or(m.equals(proto, 6), m.equals(tcpFlags, 0))
    let names = m.atMost(interface, UInt128(interfaces.count))
    // A later fragment is a fragment and carries no transport header.
    let later = m.equals(laterFragment, 1)
    let bare = m.and([
      m.equals(fragment, 1), m.equals(sourcePort, 0), m.equals(destinationPort, 0), m.equals(tcpFlags, 0),
      m.equals(icmpType, 0), m.equals(icmpCode, 0),
    ])
    let fragments = m.or(m.not(later), bare)
    return m.and([addresses, ports, types, flags, names, fragments])
  }

  /// The variable assignment of a header.
  public func bits(_ h: PacketHeader) -> [Bool] {
    var bits = [Bool](repeating: false, count: manager.variableCount)
    func put(_ f: BitField, _ v: UInt128) {
      for i in 0..<f.width { bits[f.offset + i] = (v >> UInt128(f.width - 1 - i)) & 1 == 1 }
    }
    put(family, h.family == .inet ? 0 : 1)
    put(direction, h.direction == .in ? 0 : 1)
    put(interface, UInt128(h.interface.flatMap { interfaces.firstIndex(of: $0).map { $0 + 1 } } ?? 0))
    put(proto, UInt128(h.proto))
    let v4 = h.family == .inet
    put(source4, v4 ? h.source & 0xFFFF_FFFF : 0)
    put(destination4, v4 ? h.destination & 0xFFFF_FFFF : 0)
    put(source6, v4 ? 0 : h.source)
    put(destination6, v4 ? 0 : h.destination)
    put(sourcePort, UInt128(h.sourcePort))
    put(destinationPort, UInt128(h.destinationPort))
    put(tcpFlags, UInt128(h.tcpFlags))
    put(icmpType, UInt128(h.icmpType))
    put(icmpCode, UInt128(h.icmpCode))
    put(tos, UInt128(h.tos))
    put(fragment, h.fragment == .none ? 0 : 1)
    put(laterFragment, h.fragment == .later ? 1 : 0)
    return bits
  }

  /// The header a variable assignment stands for.
  public func header(_ bits: [Bool]) -> PacketHeader {
    let m = manager
    var h = PacketHeader()
    h.family = m.value(of: family, in: bits) == 0 ? .inet : .inet6
    h.direction = m.value(of: direction, in: bits) == 0 ? .in : .out
    let index = Int(m.value(of: interface, in: bits))
    h.interface = index > 0 && index <= interfaces.count ? interfaces[index - 1] : nil
    h.proto = UInt8(m.value(of: proto, in: bits))
    let v4 = h.family == .inet
    h.source = m.value(of: v4 ? source4 : source6, in: bits)
    h.destination = m.value(of: v4 ? destination4 : destination6, in: bits)
    h.sourcePort = UInt16(m.value(of: sourcePort, in: bits))
    h.destinationPort = UInt16(m.value(of: destinationPort, in: bits))
    h.tcpFlags = UInt8(m.value(of: tcpFlags, in: bits))
    h.icmpType = UInt8(m.value(of: icmpType, in: bits))
    h.icmpCode = UInt8(m.value(of: icmpCode, in: bits))
    h.tos = UInt8(m.value(of: tos, in: bits))
    h.fragment =
      m.value(of: laterFragment, in: bits) == 1 ? .later : m.value(of: fragment, in: bits) == 1 ? .first : .none
    return h
  }

  /// The packets whose rewritten form is in `set`: `set` seen through a translation that sets
  /// the given fields (nil fields are kept).
  public func rewritten(
    _ set: BDD, family: AddressFamily, source: UInt128? = nil, sourcePort: UInt16? = nil, destination: UInt128? = nil,
    destinationPort: UInt16? = nil
  ) -> BDD {
    var a: [Int32: Bool] = [:]
    if let v = source { a.merge(manager.assignment(addressField(family, source: true), v)) { $1 } }
    if let v = sourcePort { a.merge(manager.assignment(self.sourcePort, UInt128(v))) { $1 } }
    if let v = destination { a.merge(manager.assignment(addressField(family, source: false), v)) { $1 } }
    if let v = destinationPort { a.merge(manager.assignment(self.destinationPort, UInt128(v))) { $1 } }
    return manager.restrict(set, a)
  }

  /// The packets of one address family (intersect with `wellFormed` for those that can occur).
  public func family(_ f: AddressFamily) -> BDD { manager.equals(family, f == .inet ? 0 : 1) }

  /// The packets of one IP protocol (intersect with `wellFormed` for those that can occur).
  public func protocolNumber(_ p: UInt8) -> BDD { manager.equals(proto, UInt128(p)) }

  /// The packets of one direction (intersect with `wellFormed` for those that can occur).
  public func direction(_ d: Direction) -> BDD { manager.equals(direction, d == .in ? 0 : 1) }

  // MARK: Encoding matches

  /// The packets a match selects (intersect with `wellFormed` for the headers that can occur),
  /// or nil when the match uses something packet sets
  /// do not model (users, tags, fragments, opaque fields, tables or interfaces whose contents the
  /// environment does not know …).
  public func encode(_ match: Match, environment: AddressEnvironment = AddressEnvironment()) -> BDD? {
    let m = manager
    var parts: [BDD] = []
    if unmodeled(match) != nil { return nil }
    if let f = match.family { parts.append(m.equals(family, f == .inet ? 0 : 1)) }
    if let d = match.direction { parts.append(m.equals(direction, d == .in ? 0 : 1)) }
    if let name = match.interface {
      // The interface itself, or the members of the group of that name.
      let names = [name] + environment.host.members(ofGroup: name).map(\.name)
      let named = m.or(
        names.compactMap { n in interfaces.firstIndex(of: n).map { m.equals(interface, UInt128($0 + 1)) } })
      parts.append(match.interfaceNegated ? m.not(named) : named)
    }
    if let ps = match.protocols { parts.append(m.or(ps.map { m.equals(proto, UInt128($0)) })) }
    guard let src = address(match.source, source: true, environment),
      let dst = address(match.destination, source: false, environment)
    else {
      return nil
    }
    parts += [src, dst]
    // Ports select only packets that carry ports (not later fragments); TCP flags constrain only
    // TCP packets, and no later fragment has them.
    let notLater = m.equals(laterFragment, 0)
    if let rs = match.sourcePort {
      parts.append(m.and([carriesPorts, notLater, m.or(rs.map { ports($0, sourcePort) })]))
    }
    if let rs = match.destinationPort {
      parts.append(m.and([carriesPorts, notLater, m.or(rs.map { ports($0, destinationPort) })]))
    }
    if let f = match.tcpFlags {
      // Flags outside the mask can never be found set: such a match selects no TCP packet.
      var flags = f.set & ~f.mask != 0 ? BDD.empty : BDD.all
      for bit in 0..<8 where f.mask & (1 << bit) != 0 {
        let v = Int(tcpFlags.variable(lsb: bit))
        flags = m.and(flags, f.set & (1 << bit) != 0 ? m.variable(v) : m.notVariable(v))
      }
      parts.append(m.or(m.not(m.equals(proto, 6)), m.and(notLater, flags)))
    }
    // TOS compares the DSCP bits; ECN is ignored.
    if let t = match.tos { parts.append(m.prefix(tos, UInt128(t), length: 6)) }
    if match.fragment { parts.append(m.equals(fragment, 1)) }
    if let c = match.conditions {
      typealias P = HeaderConditions.Property
      if c.mask & P.fragment != 0 { parts.append(m.equals(fragment, c.bits & P.fragment != 0 ? 1 : 0)) }
      if c.mask & P.fragmentBody != 0 { parts.append(m.equals(laterFragment, c.bits & P.fragmentBody != 0 ? 1 : 0)) }
    }
    // ICMP type and code select only ICMP (or ICMPv6) packets.
    if let ts = match.icmpType {
      parts.append(m.and([icmpPackets, notLater, m.or(ts.map { m.equals(icmpType, UInt128($0)) })]))
    }
    if let c = match.icmpCode { parts.append(m.and([icmpPackets, notLater, m.equals(icmpCode, UInt128(c))])) }
    return m.and(parts)
  }

  /// The first field of a match that packet sets do not model, by name; nil when every field is
  /// modelled (addresses are checked when they are encoded).
  public func unmodeled(_ match: Match) -> String? {
    if let o = match.opaque.first { return o }
    if match.user != nil { return "user" }
    if match.group != nil { return "group" }
    if match.tagged != nil { return "tagged" }
    if match.probability != nil { return "probability" }
    if let c = match.conditions {
      let fragmentBits = HeaderConditions.Property.fragment | HeaderConditions.Property.fragmentBody
      if c.mask & ~fragmentBits != 0 || c.optionMask != 0 || c.securityMask != 0 { return "with" }
    }
    return nil
  }

  /// The address field of a family, source or destination.
  func addressField(_ family: AddressFamily, source: Bool) -> BitField {
    family == .inet ? (source ? source4 : destination4) : (source ? source6 : destination6)
  }

  func network(_ n: IPNetwork, source: Bool) -> BDD {
    let m = manager
    let field = addressField(n.family, source: source)
    return m.and(m.equals(family, n.family == .inet ? 0 : 1), m.prefix(field, n.address.value, length: n.prefix))
  }

  func address(_ a: AddressMatch, source: Bool, _ environment: AddressEnvironment) -> BDD? {
    let m = manager
    var set = BDD.empty
    for term in a.terms {
      switch term {
      case .any:
        set = .all
      case .network(let n):
        set = m.or(set, network(n, source: source))
      case .table(let name):
        // Longest-prefix match: entries from least to most specific, each overriding the last.
        guard let entries = environment.entries(ofTable: name) else { return nil }
        var t = BDD.empty
        for e in entries {
          let n = network(e.network, source: source)
          t = e.included ? m.or(t, n) : m.diff(t, n)
        }
        set = m.or(set, t)
      case .interface(let name, let modifier, let prefix):
        guard let nets = environment.networks(ofInterface: name, modifier: modifier, prefix: prefix) else {
          return nil
        }
        for n in nets { set = m.or(set, network(n, source: source)) }
      case .range(let lo, let hi):
        let field = addressField(lo.family, source: source)
        set = m.or(set, m.and(m.equals(family, lo.family == .inet ? 0 : 1), m.range(field, lo.value, hi.value)))
      case .masked(let addr, let mask):
        let field = addressField(addr.family, source: source)
        var s = m.equals(family, addr.family == .inet ? 0 : 1)
        for k in 0..<field.width where (mask.value >> UInt128(k)) & 1 == 1 {
          let v = Int(field.variable(lsb: k))
          s = m.and(s, (addr.value >> UInt128(k)) & 1 == 1 ? m.variable(v) : m.notVariable(v))
        }
        set = m.or(set, s)
      default:
        return nil
      }
    }
    return a.negated ? m.not(set) : set
  }

  func ports(_ r: RangeMatch, _ field: BitField) -> BDD {
    let m = manager
    let a = UInt128(r.low)
    let b = UInt128(r.high)
    switch r.op {
    case .equal: return m.equals(field, a)
    case .notEqual: return m.not(m.equals(field, a))
    case .less: return a == 0 ? .empty : m.atMost(field, a - 1)
    case .lessOrEqual: return m.atMost(field, a)
    case .greater: return a >= 65535 ? .empty : m.atLeast(field, a + 1)
    case .greaterOrEqual: return m.atLeast(field, a)
    case .inclusiveRange: return m.range(field, a, b)
    case .exclusiveRange: return b <= a + 1 ? .empty : m.range(field, a + 1, b - 1)
    case .outsideRange: return m.not(m.range(field, a, b))
    }
  }
}
