import FirewallIR
import PacketSets

/// One packet written on the command line:
/// `in on em0 tcp 198.51.100.7:40000 > 203.0.113.5:22 flags S`,
/// `out on em1 udp [2001:db8::1]:53 > [2001:db8::2]:5353`,
/// `in on em0 icmp 192.0.2.1 > 203.0.113.5 type echo-request code 0`.
public enum PacketSpec {
  public struct Failure: Error, CustomStringConvertible {
    /// The offending word's offset in the spec (0-based), for a marker.
    public var column: Int
    public var message: String
    public var description: String { message }
  }

  /// Common ICMP type spellings beyond pf's own names.
  static let icmpAliases: [String: (v4: UInt8, v6: UInt8)] = [
    "echo-request": (8, 128), "echo-reply": (0, 129), "echo": (8, 128), "unreachable": (3, 1),
    "time-exceeded": (11, 3), "packet-too-big": (3, 2), "neighbor-solicitation": (0, 135),
    "neighbor-advertisement": (0, 136), "router-solicitation": (10, 133), "router-advertisement": (9, 134),
  ]

  public static func parse(_ spec: String) throws(Failure) -> Packet {
    var words: [(text: String, column: Int)] = []
    var current = ""
    var start = 0
    for (i, c) in spec.enumerated() {
      if c == " " || c == "\t" {
        if !current.isEmpty { words.append((current, start)) }
        current = ""
      } else {
        if current.isEmpty { start = i }
        current.append(c)
      }
    }
    if !current.isEmpty { words.append((current, start)) }
    var i = 0
    func fail(_ message: String) -> Failure {
      Failure(column: i < words.count ? words[i].column : spec.count, message: message)
    }
    func word() -> String? { i < words.count ? words[i].text : nil }

    var p = Packet()
    p.window = 65535
    p.ttl = 64
    switch word() {
    case "in": p.header.direction = .in
    case "out": p.header.direction = .out
    default: throw fail("a packet starts with `in` or `out`")
    }
    i += 1
    if word() == "on" {
      i += 1
      guard let name = word() else { throw fail("expected an interface name after `on`") }
      p.header.interface = name
      i += 1
    }
    guard let protoWord = word() else { throw fail("expected a protocol (tcp, udp, icmp, icmp6 or a number)") }
    var proto: UInt8
    switch protoWord {
    case "icmp6", "ipv6-icmp": proto = 58
    default:
      guard let n = ProtocolNames.number(named: protoWord) ?? UInt8(protoWord) else {
        throw fail("unknown protocol `\(protoWord)`")
      }
      proto = n
    }
    i += 1
    func endpoint() throws(Failure) -> (IPAddress, UInt16?) {
      guard let w = word() else { throw fail("expected an address") }
      var addr = Substring(w)
      var port: Substring? = nil
      if addr.hasPrefix("[") {
        guard let close = addr.firstIndex(of: "]") else { throw fail("unterminated `[` in `\(w)`") }
        let rest = addr[addr.index(after: close)...]
        addr = addr[addr.index(after: addr.startIndex)..<close]
        if rest.hasPrefix(":") { port = rest.dropFirst() } else if !rest.isEmpty { throw fail("bad address `\(w)`") }
      } else if addr.filter({ $0 == ":" }).count == 1, let colon = addr.firstIndex(of: ":") {
        port = addr[addr.index(after: colon)...]
        addr = addr[..<colon]
      }
      guard let a = IPAddress.parse(addr) else { throw fail("bad address `\(w)`") }
      var number: UInt16? = nil
      if let port {
        guard let n = UInt16(port) ?? ServiceNames.port(named: String(port), proto: proto == 17 ? "udp" : "tcp")
        else { throw fail("bad port `\(port)`") }
        number = n
      }
      i += 1
      return (a, number)
    }
    let (src, sp) = try endpoint()
    guard word() == ">" else { throw fail("expected `>` between source and destination") }
    i += 1
    let (dst, dp) = try endpoint()
    guard src.family == dst.family else { throw fail("source and destination are of different address families") }
    p.header.family = src.family
    if proto == 1 && src.family == .inet6 { proto = 58 }
    p.header.proto = proto
    p.header.source = src.value
    p.header.destination = dst.value
    if p.hasPorts {
      guard let sp, let dp else { throw fail("a \(protoWord) packet needs ports: `address:port`") }
      p.header.sourcePort = sp
      p.header.destinationPort = dp
      if proto == 6 { p.header.tcpFlags = TCPFlag.syn }
    } else if sp != nil || dp != nil {
      throw fail("\(protoWord) packets have no ports")
    }
    if p.isICMP { p.header.icmpType = src.family == .inet ? 8 : 128 }
    let v6 = src.family == .inet6
    while let w = word() {
      i += 1
      guard let value = word() else { throw fail("`\(w)` needs a value") }
      switch w {
      case "flags" where proto == 6:
        guard let f = TCPFlag.parse(Substring(value)) else { throw fail("bad TCP flags `\(value)` (letters FSRPAUEC)") }
        p.header.tcpFlags = f
      case "type" where p.isICMP:
        guard
          let t = ICMPNames.type(named: value, v6: v6) ?? icmpAliases[value].map({ v6 ? $0.v6 : $0.v4 })
            ?? UInt8(value)
        else { throw fail("unknown ICMP type `\(value)`") }
        p.header.icmpType = t
      case "code" where p.isICMP:
        guard let c = UInt8(value) ?? ICMPNames.code(named: value, type: p.header.icmpType, v6: v6) else {
          throw fail("bad ICMP code `\(value)`")
        }
        p.header.icmpCode = c
      case "ttl":
        guard let n = UInt8(value) else { throw fail("bad TTL `\(value)`") }
        p.ttl = n
      default:
        i -= 1
        throw fail("unexpected `\(w)` (expected flags, type, code or ttl)")
      }
      i += 1
    }
    let hl = v6 ? 40 : 20
    p.headerLength = hl
    p.length = hl + (proto == 6 ? 20 : proto == 17 || proto == 132 ? 8 : p.isICMP ? 8 : 0)
    return p
  }

  /// A packet written back in this syntax.
  public static func format(_ p: Packet) -> String {
    let h = p.header
    var s = h.direction == .in ? "in" : "out"
    if let i = h.interface { s += " on \(i)" }
    let name = p.isICMP ? (h.family == .inet ? "icmp" : "icmp6") : ProtocolNames.name(number: h.proto) ?? "\(h.proto)"
    s += " \(name) "
    func endpoint(_ a: IPAddress, _ port: UInt16) -> String {
      guard p.hasPorts else { return "\(a)" }
      return a.family == .inet6 ? "[\(a)]:\(port)" : "\(a):\(port)"
    }
    s += endpoint(p.source, h.sourcePort) + " > " + endpoint(p.destination, h.destinationPort)
    if h.proto == 6 { s += " flags " + (h.tcpFlags == 0 ? "0" : TCPFlag.format(h.tcpFlags)) }
    if p.isICMP {
      let v6 = h.family == .inet6
      s += " type " + (ICMPNames.typeName(h.icmpType, v6: v6) ?? "\(h.icmpType)")
      if h.icmpCode != 0 { s += " code \(h.icmpCode)" }
    }
    return s
  }
}
