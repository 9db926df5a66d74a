import FirewallIR
import PacketSets

/// ipftest's packet input formats (ipftest(1)): `text`, one packet per line such as
/// `in on em0 tcp 1.1.1.1,1025 2.2.2.2,25 S`, and `hex`, raw IP packets in hex digits ending at
/// an empty line, each optionally preceded by `[dir,ifname]`.
public enum IPFTestFormat {
  public struct Failure: Error, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
  }

  /// ICMP type names ipftest's text format accepts.
  static let icmpTypes: [String: UInt8] = [
    "echorep": 0, "unreach": 3, "squench": 4, "redir": 5, "echo": 8, "routerad": 9, "routersol": 10,
    "timex": 11, "paramprob": 12, "timest": 13, "timestrep": 14, "inforeq": 15, "inforep": 16, "maskreq": 17,
    "maskrep": 18,
  ]
  /// IPv4 option names, as ipfilter numbers them (the option's type byte and ipf's bit).
  static let options: [String: (type: UInt8, bit: UInt32)] = [
    "nop": (1, 0x1), "rr": (7, 0x2), "zsu": (0x0A, 0x4), "mtup": (0x0B, 0x8), "mtur": (0x0C, 0x10),
    "encode": (0x0F, 0x20), "ts": (0x44, 0x40), "tr": (0x52, 0x80), "sec": (0x82, 0x100),
    "sec-class": (0x82, 0x100), "lsrr": (0x83, 0x200), "e-sec": (0x85, 0x400), "cipso": (0x86, 0x800),
    "satid": (0x88, 0x1000), "ssrr": (0x89, 0x2000), "addext": (0x93, 0x4000), "visa": (0x8E, 0x8000),
    "imitd": (0x90, 0x10000), "eip": (0x91, 0x20000), "finn": (0xCD, 0x40000), "dps": (0x97, 0x80000),
    "sdb": (0x95, 0x100000), "nsapa": (0x96, 0x200000), "rtralrt": (0x94, 0x400000), "ump": (0x98, 0x800000),
  ]
  static let securityClasses: [String: UInt32] = [
    "reserv-4": 0x01, "topsecret": 0x02, "secret": 0x04, "reserv-3": 0x08, "confid": 0x10, "unclass": 0x20,
    "reserv-2": 0x40, "reserv-1": 0x80,
  ]

  /// Reads packets in the text format.
  public static func parseText(_ text: String) throws(Failure) -> [Packet] {
    var out: [Packet] = []
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      guard let first = words.first, first != "nic" else { continue }
      out.append(try textPacket(words, line: n + 1))
    }
    return out
  }

  static func textPacket(_ words: [String], line: Int) throws(Failure) -> Packet {
    func fail(_ m: String) -> Failure { Failure(line: line, message: m) }
    var p = Packet()
    var i = 0
    switch words[0] {
    case "in", "in6": p.header.direction = .in
    case "out", "out6": p.header.direction = .out
    default: throw fail("expected in or out, not '\(words[0])'")
    }
    let v6 = words[0].hasSuffix("6")
    p.header.family = v6 ? .inet6 : .inet
    i = 1
    if i + 1 < words.count, words[i] == "on" {
      p.header.interface = words[i + 1]
      i += 2
    } else {
      p.header.interface = "anon0"
    }
    var proto: UInt8 = 0
    if i < words.count {
      switch words[i] {
      case "tcp": proto = 6; i += 1
      case "udp": proto = 17; i += 1
      case "icmp": proto = v6 ? 58 : 1; i += 1
      case "icmpv6", "ipv6-icmp": proto = 58; i += 1
      default:
        if let n = UInt8(words[i]) {
          proto = n
          i += 1
        }
      }
    }
    p.header.proto = proto
    func endpoint(_ w: String) throws(Failure) -> (UInt128, UInt16) {
      let parts = w.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
      guard let a = IPAddress.parse(parts[0]), a.family == p.header.family else {
        throw fail("bad address '\(w)'")
      }
      var port: UInt16 = 0
      if parts.count > 1 {
        let proto = p.header.proto == 17 ? "udp" : "tcp"
        guard let n = UInt16(parts[1]) ?? ServiceNames.port(named: String(parts[1]), proto: proto) else {
          throw fail("bad port in '\(w)'")
        }
        port = n
      }
      return (a.value, port)
    }
    guard i + 1 < words.count else { throw fail("expected source and destination addresses") }
    let (s, sp) = try endpoint(words[i])
    let (d, dp) = try endpoint(words[i + 1])
    i += 2
    p.header.source = s
    p.header.destination = d
    if p.hasPorts {
      p.header.sourcePort = sp
      p.header.destinationPort = dp
    }
    p.window = 4096
    var optionBytes = 0
    while i < words.count {
      let w = words[i]
      i += 1
      if proto == 6, let f = TCPFlag.parse(Substring(w)) {
        p.header.tcpFlags = f
      } else if w.hasPrefix("seq="), let n = UInt32(w.dropFirst(4)) {
        p.sequence = n
      } else if w.hasPrefix("ack="), let n = UInt32(w.dropFirst(4)) {
        p.acknowledgement = n
      } else if p.isICMP,
        case let parts = w.split(separator: ",", omittingEmptySubsequences: false),
        let t = icmpTypes[String(parts[0])] ?? UInt8(parts[0])
      {
        p.header.icmpType = t
        if parts.count > 1 { p.header.icmpCode = UInt8(parts[1]) ?? 0 }
      } else if w == "opt", i < words.count {
        for item in words[i].split(separator: ",") {
          let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
          guard let o = options[String(kv[0])] else { throw fail("unknown IP option '\(kv[0])'") }
          p.ipOptions |= o.bit
          optionBytes += o.type == 1 ? 1 : 4
          if kv[0] == "sec-class", kv.count > 1 {
            guard let c = securityClasses[String(kv[1])] else { throw fail("unknown security class '\(kv[1])'") }
            p.securityClass |= c
          }
        }
        i += 1
      } else {
        throw fail("unexpected '\(w)'")
      }
    }
    let base = v6 ? 40 : 20
    p.headerLength = base + (optionBytes + 3) / 4 * 4
    p.ttl = 63
    // The lengths ipftest gives text packets (its IPv6 ones carry one byte, or 88 for ICMPv6).
    switch proto {
    case 6: p.length = p.headerLength + 20
    case 17: p.length = p.headerLength + 8
    case 1: p.length = p.headerLength + 28
    case 58: p.length = p.headerLength + (v6 ? 88 : 28)
    default: p.length = p.headerLength + (v6 ? 1 : 0)
    }
    return p
  }

  /// Reads packets in the hex format.
  public static func parseHex(_ text: String) throws(Failure) -> [Packet] {
    var out: [Packet] = []
    var bytes: [UInt8] = []
    var pendingNibble: UInt8? = nil
    var direction = Direction.in
    var interface = "anon0"
    var started = false
    func finish() {
      if started, !bytes.isEmpty,
        let p = PacketDecoder.decode(bytes, direction: direction, interface: interface)
      {
        out.append(p)
      } else if started, !bytes.isEmpty {
        var p = Packet()
        p.malformed = true
        p.header.direction = direction
        p.header.interface = interface
        out.append(p)
      }
      bytes = []
      pendingNibble = nil
      direction = .in
      interface = "anon0"
      started = false
    }
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = Substring(raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
      if raw.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
        finish()
        continue
      }
      if line.hasPrefix("[") {
        guard let close = line.firstIndex(of: "]") else {
          throw Failure(line: n + 1, message: "unterminated '['")
        }
        let inside = line[line.index(after: line.startIndex)..<close].split(separator: ",", maxSplits: 1)
        var name: Substring? = nil
        if let first = inside.first {
          if first == "in" || first == "out" {
            direction = first == "in" ? .in : .out
            name = inside.count > 1 ? inside[1] : nil
          } else {
            name = first
          }
        }
        if let name { interface = String(name.split(separator: "=", omittingEmptySubsequences: false)[0]) }
        line = line[line.index(after: close)...]
        if line.hasPrefix("+") { line = line.drop { $0 != " " } }
      }
      for c in line where !c.isWhitespace {
        guard let v = c.hexDigitValue else { throw Failure(line: n + 1, message: "bad hex digit '\(c)'") }
        started = true
        if let hi = pendingNibble {
          bytes.append(hi << 4 | UInt8(v))
          pendingNibble = nil
        } else {
          pendingNibble = UInt8(v)
        }
      }
      if !line.allSatisfy(\.isWhitespace) { started = true }
    }
    // A packet not followed by an empty line is not read (as ipftest does).
    return out
  }
}
