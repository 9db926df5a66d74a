import FirewallIR
import PacketSets

/// Writes packet headers as raw IPv4 or IPv6 packets (checksums left zero): for generated
/// captures and round trips through `PacketDecoder`.
public enum PacketEncoder {
  /// The IP packet for a header, with `payload` zero bytes after the transport header.
  public static func bytes(_ h: PacketHeader, payload: Int = 0) -> [UInt8] {
    let later = h.fragment == .later
    var transport: [UInt8] = []
    if !later {
      switch h.proto {
      case 6:
        transport =
          be16(h.sourcePort) + be16(h.destinationPort) + [0, 0, 0, 1, 0, 0, 0, 0, 0x50, h.tcpFlags]
          + be16(65535) + [0, 0, 0, 0]
      case 17, 132:
        transport = be16(h.sourcePort) + be16(h.destinationPort) + be16(UInt16(8 + payload)) + [0, 0]
        if h.proto == 132 { transport += [0, 0, 0, 0] }
      case 1, 58:
        transport = [h.icmpType, h.icmpCode, 0, 0, 0, 0, 0, 0]
      default:
        break
      }
    }
    let body = transport + [UInt8](repeating: 0, count: payload + (later ? 8 : 0))
    if h.family == .inet {
      var ip: [UInt8] = [0x45, h.tos] + be16(UInt16(20 + body.count)) + [0x12, 0x34]
      let frag: UInt16 = later ? 1 : h.fragment == .first ? 0x2000 : 0
      ip += be16(frag) + [64, h.proto, 0, 0]
      ip += be32(UInt32(truncatingIfNeeded: h.source)) + be32(UInt32(truncatingIfNeeded: h.destination))
      return ip + body
    }
    var next = h.proto
    var ext: [UInt8] = []
    if h.fragment != .none {
      next = 44
      ext = [h.proto, 0] + be16(later ? 8 : 1) + [0, 0, 0x12, 0x34]
    }
    var ip: [UInt8] = [0x60 | h.tos >> 4, (h.tos & 0x0F) << 4, 0, 0]
    ip += be16(UInt16(ext.count + body.count)) + [next, 64]
    ip += be128(h.source) + be128(h.destination)
    return ip + ext + body
  }

  /// An Ethernet frame carrying the packet.
  public static func ethernetFrame(_ h: PacketHeader, payload: Int = 0) -> [UInt8] {
    [0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2] + (h.family == .inet ? [0x08, 0x00] : [0x86, 0xDD])
      + bytes(h, payload: payload)
  }

  static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
  static func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (24 - 8 * UInt32($0))) & 0xFF) } }
  static func be128(_ v: UInt128) -> [UInt8] { (0..<16).map { UInt8((v >> (120 - 8 * UInt128($0))) & 0xFF) } }
}
