import FirewallIR
import PacketSets

/// The connections a firewall tracks: a packet of a known flow, in either direction, is
/// decided by the state its first packet created.
struct StateTable {
  struct Key: Hashable {
    var family: AddressFamily
    var proto: UInt8
    var a: UInt128
    var b: UInt128
    var portA: UInt16
    var portB: UInt16

    func hash(into hasher: inout Hasher) {
      var x = UInt64(truncatingIfNeeded: a) &* 0x9E37_79B9_7F4A_7C15
      x = (x ^ UInt64(truncatingIfNeeded: a >> 64)) &* 0xC2B2_AE3D_27D4_EB4F
      x = (x ^ UInt64(truncatingIfNeeded: b)) &* 0x1656_67B1_9E37_79F9
      x = (x ^ UInt64(truncatingIfNeeded: b >> 64)) &* 0x9E37_79B9_7F4A_7C15
      x ^= UInt64(portA) | UInt64(portB) << 16 | UInt64(proto) << 32 | UInt64(family.rawValue) << 40
      hasher.combine(x &* 0xC2B2_AE3D_27D4_EB4F)
    }
  }

  struct Entry {
    var rule: RuleBox
    var verdict: Verdict
    /// The direction of the first packet; replies come the other way.
    var direction: Direction
    /// Whether the state matches packets in both directions on any interface (ipfw dynamic
    /// rules) or only the first packet's direction and the replies.
    var anyDirection: Bool
    var translation: AppliedTranslation?
    var translationRule: RuleBox?
    var effect: String? = nil
    var name: String?
  }

  private var entries: [Key: Entry] = [:]
  /// An upper bound on entries (ipf `state_max`); nil for none.
  var limit: Int?

  /// ICMP queries and their replies share a flow, named by the query's type: echo request 8
  /// and reply 0, and the like; ICMPv6 neighbour and router discovery pair the same way.
  static func icmpQuery(_ type: UInt8, v6: Bool) -> (query: UInt8, reply: Bool) {
    let replies: [UInt8: UInt8] = v6 ? [129: 128, 131: 130, 134: 133, 136: 135] : [0: 8, 14: 13, 16: 15, 18: 17]
    if let q = replies[type] { return (q, true) }
    return (type, false)
  }

  static func key(_ p: Packet, forward: Bool) -> Key {
    let h = p.header
    var sp = h.sourcePort
    var dp = h.destinationPort
    if p.isICMP {
      sp = UInt16(icmpQuery(h.icmpType, v6: h.family == .inet6).query)
      dp = sp
    }
    return forward
      ? Key(family: h.family, proto: h.proto, a: h.source, b: h.destination, portA: sp, portB: dp)
      : Key(family: h.family, proto: h.proto, a: h.destination, b: h.source, portA: dp, portB: sp)
  }

  /// The state this packet belongs to, if any: a packet of the first packet's direction, or a
  /// reply (for ICMP, the reply type of the query).
  func lookup(_ p: Packet, name: String? = nil) -> Entry? {
    if entries.isEmpty { return nil }
    let reply = p.isICMP && Self.icmpQuery(p.header.icmpType, v6: p.header.family == .inet6).reply
    if !reply, let e = entries[Self.key(p, forward: true)], e.anyDirection || e.direction == p.header.direction,
      name == nil || e.name == name
    {
      return e
    }
    if !p.isICMP || reply, let e = entries[Self.key(p, forward: false)],
      e.anyDirection || e.direction != p.header.direction, name == nil || e.name == name
    {
      return e
    }
    return nil
  }

  /// The state an ICMP error refers to: the flow of the packet quoted in it, either way.
  func related(_ p: Packet) -> Entry? {
    if entries.isEmpty { return nil }
    // The error goes back to the quoted packet's sender; redirects are not errors here.
    guard let quoted = p.quoted, quoted.source == p.header.destination, quoted.family == p.header.family,
      !(p.header.family == .inet && p.header.icmpType == 5)
    else { return nil }
    var q = Packet(header: quoted)
    q.header.direction = p.header.direction
    return entries[Self.key(q, forward: true)] ?? entries[Self.key(q, forward: false)]
  }

  /// Records the flow of `p`; false when the table is full.
  @discardableResult
  mutating func insert(_ p: Packet, _ e: Entry) -> Bool {
    let k = Self.key(p, forward: true)
    if entries[k] == nil, let limit, entries.count >= limit { return false }
    entries[k] = e
    return true
  }

  mutating func removeAll() { entries.removeAll() }
}
