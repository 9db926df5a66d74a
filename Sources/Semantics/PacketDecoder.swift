import FirewallIR
import PacketSets

/// Reads raw IPv4 and IPv6 packets (from a capture or a hex dump) into `Packet`s.
public enum PacketDecoder {
  /// The packet these bytes hold, starting at the IP header; nil when they are not IPv4 or IPv6.
  /// A truncated or inconsistent packet comes back with `malformed` or `short` set.
  public static func decode(_ bytes: [UInt8], direction: Direction = .in, interface: String? = nil) -> Packet? {
    var p = bytes.withUnsafeBytes { decode($0, direction: direction, interface: interface) }
    p?.bytes = bytes
    return p
  }

  /// As `decode(_:direction:interface:)`, reading the bytes in place (the packet keeps no copy).
  public static func decode(_ bytes: UnsafeRawBufferPointer, direction: Direction = .in, interface: String? = nil)
    -> Packet?
  {
    guard let first = bytes.first else { return nil }
    var p: Packet
    switch first >> 4 {
    case 4: p = decodeV4(bytes)
    case 6: p = decodeV6(bytes)
    default: return nil
    }
    p.header.direction = direction
    p.header.interface = interface
    return p
  }

  typealias Bytes = UnsafeRawBufferPointer

  @inline(__always) static func be16(_ b: Bytes, _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
  @inline(__always) static func be32(_ b: Bytes, _ i: Int) -> UInt32 {
    UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
  }

  static func decodeV4(_ b: Bytes) -> Packet {
    var p = Packet()
    p.header.family = .inet
    guard b.count >= 20 else {
      p.malformed = true
      return p
    }
    let hl = Int(b[0] & 0x0F) * 4
    p.headerLength = hl
    p.tos = b[1]
    p.length = Int(be16(b, 2))
    p.identification = be16(b, 4)
    let frag = be16(b, 6)
    p.dontFragment = frag & 0x4000 != 0
    p.moreFragments = frag & 0x2000 != 0
    p.fragmentOffset = Int(frag & 0x1FFF) * 8
    p.ttl = b[8]
    p.header.proto = b[9]
    p.header.source = UInt128(be32(b, 12))
    p.header.destination = UInt128(be32(b, 16))
    let d = p.header.destination
    p.multicast = d >> 28 == 0xE
    p.broadcast = d == 0xFFFF_FFFF
    if hl < 20 || hl > b.count || p.length < hl {
      p.malformed = true
      return p
    }
    // A capture may hold less than the packet (a snap length): read what is there.
    p.length = min(p.length, b.count)
    readOptions(b, hl, &p)
    if p.moreFragments && (p.length - hl) % 8 != 0 { p.bad = true }
    transport(Bytes(rebasing: b[hl..<p.length]), &p)
    return p
  }

  /// IPv4 options, as ipfilter numbers them.
  static let optionBits: [UInt8: UInt32] = [
    1: 0x1, 7: 0x2, 0x0A: 0x4, 0x0B: 0x8, 0x0C: 0x10, 0x0F: 0x20, 0x44: 0x40, 0x52: 0x80, 0x82: 0x100,
    0x83: 0x200, 0x85: 0x400, 0x86: 0x800, 0x88: 0x1000, 0x89: 0x2000, 0x93: 0x4000, 0x8E: 0x8000,
    0x90: 0x10000, 0x91: 0x20000, 0xCD: 0x40000, 0x97: 0x80000, 0x95: 0x100000, 0x96: 0x200000,
    0x94: 0x400000, 0x98: 0x800000,
  ]
  /// IPv6 extension headers as ipfilter's option bits (hop-by-hop, routing, fragment, AH,
  /// destination options).
  static let v6HeaderBits: [UInt8: UInt32] = [0: 0x1, 43: 0x4, 44: 0x8, 51: 0x20, 60: 0x80]

  /// IPSO classification levels (the byte after the option length) as ipfilter's bits.
  static let securityBits: [UInt8: UInt32] = [
    0x01: 0x01, 0x3D: 0x02, 0x5A: 0x04, 0x66: 0x08, 0x96: 0x10, 0xAB: 0x20, 0xCC: 0x40, 0xF1: 0x80,
  ]

  static func readOptions(_ b: Bytes, _ hl: Int, _ p: inout Packet) {
    var i = 20
    while i < hl {
      let type = b[i]
      if type == 0 { break }
      if type == 1 {
        p.ipOptions |= 0x1
        i += 1
        continue
      }
      guard i + 1 < hl else { break }
      let len = Int(b[i + 1])
      p.ipOptions |= optionBits[type] ?? 0
      if type == 0x82, i + 2 < hl { p.securityClass |= securityBits[b[i + 2]] ?? 0 }
      if len < 2 { break }
      i += len
    }
  }

  static func decodeV6(_ b: Bytes) -> Packet {
    var p = Packet()
    p.header.family = .inet6
    guard b.count >= 40 else {
      p.malformed = true
      return p
    }
    p.tos = UInt8((be16(b, 0) >> 4) & 0xFF)
    p.length = Int(be16(b, 4)) + 40
    p.ttl = b[7]
    var src: UInt128 = 0
    var dst: UInt128 = 0
    for i in 0..<16 {
      src = src << 8 | UInt128(b[8 + i])
      dst = dst << 8 | UInt128(b[24 + i])
    }
    p.header.source = src
    p.header.destination = dst
    p.multicast = b[24] == 0xFF
    p.length = min(p.length, b.count)
    var next = b[6]
    var off = 40
    // Extension headers: hop-by-hop, routing, fragment, destination options, authentication.
    while [0, 43, 44, 60, 51].contains(next) {
      guard off + 8 <= p.length else {
        // The headers run past the packet: a short packet, not a malformed one.
        p.short = true
        p.header.proto = next
        p.headerLength = min(off, p.length)
        return p
      }
      let nh = b[off]
      p.ipOptions |= v6HeaderBits[next] ?? 0
      if next == 44 {
        let frag = be16(b, off + 2)
        p.fragmentOffset = Int(frag & 0xFFF8)
        p.moreFragments = frag & 1 != 0
        p.identification = UInt16(truncatingIfNeeded: be32(b, off + 4))
        off += 8
      } else if next == 51 {
        off += (Int(b[off + 1]) + 2) * 4
      } else {
        off += (Int(b[off + 1]) + 1) * 8
      }
      next = nh
    }
    p.header.proto = next
    p.headerLength = off
    guard off <= p.length else {
      p.short = true
      return p
    }
    // A fragment that is not the last carries a multiple of 8 bytes.
    if p.moreFragments && (p.length - off) % 8 != 0 { p.bad = true }
    transport(Bytes(rebasing: b[off..<p.length]), &p)
    return p
  }

  /// Reads ports, flags or ICMP type and code from the transport header.
  static func transport(_ t: Bytes, _ p: inout Packet) {
    guard p.fragmentOffset == 0 else {
      // A later fragment: no transport header. It is short when it overlaps the header.
      let need = p.header.proto == 6 ? 20 : p.hasPorts ? 8 : p.isICMP ? 8 : 0
      if p.fragmentOffset < need { p.short = true }
      return
    }
    switch p.header.proto {
    case 6:
      guard t.count >= 20 else {
        p.short = true
        if t.count >= 4 {
          p.header.sourcePort = be16(t, 0)
          p.header.destinationPort = be16(t, 2)
        }
        return
      }
      p.header.sourcePort = be16(t, 0)
      p.header.destinationPort = be16(t, 2)
      p.sequence = be32(t, 4)
      p.acknowledgement = be32(t, 8)
      p.header.tcpFlags = t[13]
      p.window = be16(t, 14)
    case 17, 132:
      guard t.count >= 8 else {
        // No header at all is short; part of one cannot be read (ipf frees such packets).
        if t.count == 0 { p.short = true } else { p.malformed = true }
        return
      }
      p.header.sourcePort = be16(t, 0)
      p.header.destinationPort = be16(t, 2)
    default:
      if p.isICMP {
        guard t.count >= 4 else {
          p.short = true
          return
        }
        p.header.icmpType = t[0]
        p.header.icmpCode = t[1]
        if t.count < 8 { p.short = true }
        if p.isICMPError, t.count > 8, let inner = decode(Bytes(rebasing: t[8...])) {
          p.quoted = inner.header
        }
      }
    }
  }
}
