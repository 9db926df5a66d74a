import FirewallIR
import PacketSets

/// One packet as the evaluator sees it: the header fields packet sets model, plus what the
/// languages can also match on (fragments, IP options, TTL, TOS) and what state tracking needs.
public struct Packet: Hashable, Sendable {
  public var header: PacketHeader
  public var ttl: UInt8 = 63
  /// The TOS (IPv4) or traffic class (IPv6) byte.
  public var tos: UInt8 {
    get { header.tos }
    set { header.tos = newValue }
  }
  public var identification: UInt16 = 0
  /// Total length of the IP packet in bytes.
  public var length: Int = 0
  /// Length of the IP header (with options, or IPv6 extension headers) in bytes.
  public var headerLength: Int = 20
  /// Fragment offset in bytes; 0 for the first fragment and unfragmented packets.
  public var fragmentOffset: Int = 0 { didSet { updateFragment() } }
  public var moreFragments = false { didSet { updateFragment() } }
  public var dontFragment = false
  /// IPv4 options present, one bit per option in ipfilter's numbering.
  public var ipOptions: UInt32 = 0
  /// IPSO security class bits, in ipfilter's numbering.
  public var securityClass: UInt32 = 0
  /// The transport header is cut short.
  public var short = false
  /// The packet is malformed (bad length, version or header): the firewall drops it.
  public var malformed = false
  /// The packet is odd but can be evaluated (a fragment of a length that is not a multiple of
  /// 8 …): rules can match it as bad (ipf `with bad`).
  public var bad = false
  public var multicast = false
  public var broadcast = false
  public var sequence: UInt32 = 0
  public var acknowledgement: UInt32 = 0
  public var window: UInt16 = 0
  /// The raw bytes, when the packet was read from a capture or hex dump.
  public var bytes: [UInt8]?
  /// For an ICMP error, the header of the packet it quotes.
  public var quoted: PacketHeader? {
    get { quotedBox?.header }
    set { quotedBox = newValue.map(HeaderBox.init) }
  }
  var quotedBox: HeaderBox?

  /// Whether this is an ICMP or ICMPv6 error message (unreachable, time exceeded …).
  public var isICMPError: Bool {
    guard isICMP else { return false }
    return header.family == .inet ? [3, 4, 5, 11, 12].contains(header.icmpType) : (1...4).contains(header.icmpType)
  }

  public init(header: PacketHeader = PacketHeader()) { self.header = header }

  public var isFragment: Bool { header.fragment != .none }
  /// A fragment that is not the first: it carries no transport header.
  public var isLaterFragment: Bool { header.fragment == .later }

  mutating func updateFragment() {
    header.fragment = fragmentOffset != 0 ? .later : moreFragments ? .first : .none
  }

  /// The source address as an `IPAddress`.
  public var source: IPAddress { IPAddress(family: header.family, value: header.source) }
  public var destination: IPAddress { IPAddress(family: header.family, value: header.destination) }

  /// Whether the protocol carries ports.
  public var hasPorts: Bool { [6, 17, 132].contains(header.proto) }
  public var isICMP: Bool { header.proto == (header.family == .inet ? 1 : 58) }
}

/// TCP flag bits as the IR numbers them.
public enum TCPFlag {
  public static let fin: UInt8 = 0x01
  public static let syn: UInt8 = 0x02
  public static let rst: UInt8 = 0x04
  public static let push: UInt8 = 0x08
  public static let ack: UInt8 = 0x10
  public static let urg: UInt8 = 0x20
  public static let ece: UInt8 = 0x40
  public static let cwr: UInt8 = 0x80
  /// Letters in bit order, as pf and ipfilter spell them (`C` is CWR, also written `W`).
  public static let letters: [Character] = ["F", "S", "R", "P", "A", "U", "E", "C"]

  /// Flags from letters such as `SA`; nil for an unknown letter.
  public static func parse(_ s: Substring) -> UInt8? {
    var v: UInt8 = 0
    for c in s {
      if c == "W" {
        v |= cwr
        continue
      }
      guard let i = letters.firstIndex(of: c) else { return nil }
      v |= 1 << UInt8(i)
    }
    return v
  }

  public static func format(_ v: UInt8) -> String {
    String((0..<8).compactMap { v & (1 << $0) != 0 ? letters[$0] : nil })
  }
}

/// A header held by reference (an ICMP error's quoted packet), so that packets copy cheaply.
final class HeaderBox: Hashable, Sendable {
  let header: PacketHeader
  init(_ header: PacketHeader) { self.header = header }
  static func == (a: HeaderBox, b: HeaderBox) -> Bool { a.header == b.header }
  func hash(into h: inout Hasher) { h.combine(header) }
}
