/// An IPv4 or IPv6 address family.
public enum AddressFamily: UInt8, Sendable, Hashable, Codable {
  case inet = 4
  case inet6 = 6

  /// The number of bits in an address of this family.
  public var bitCount: Int { self == .inet ? 32 : 128 }
  /// The keyword pf, ipfw and ipf use for it.
  public var keyword: String { self == .inet ? "inet" : "inet6" }
}

/// An IPv4 or IPv6 address. IPv4 addresses are kept in the low 32 bits.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var family: AddressFamily
  public var value: UInt128

  public init(family: AddressFamily, value: UInt128) {
    self.family = family
    self.value = value
  }

  public static func < (a: IPAddress, b: IPAddress) -> Bool {
    (a.family.rawValue, a.value) < (b.family.rawValue, b.value)
  }

  /// An address with the given number of leading one bits (a netmask).
  public static func mask(family: AddressFamily, prefix: Int) -> IPAddress {
    let bits = family.bitCount
    let p = max(0, min(prefix, bits))
    let all: UInt128 = bits == 128 ? ~0 : (UInt128(1) << 32) - 1
    let m: UInt128 = p == 0 ? 0 : (all << UInt128(bits - p)) & all
    return IPAddress(family: family, value: m)
  }

  /// This address with every bit past `prefix` cleared.
  public func masked(_ prefix: Int) -> IPAddress {
    IPAddress(family: family, value: value & IPAddress.mask(family: family, prefix: prefix).value)
  }

  /// Whether this is an IPv6 link-local address (fe80::/10).
  public var isLinkLocal: Bool {
    family == .inet6 && (value >> 118) == 0x3FA
  }

  /// Parses a dotted-quad IPv4 address (exactly four parts, as inet_pton).
  public static func parseV4(_ s: Substring) -> IPAddress? {
    var parts: [UInt32] = []
    var cur: UInt32 = 0
    var digits = 0
    for b in s.utf8 {
      if b == UInt8(ascii: ".") {
        if digits == 0 { return nil }
        parts.append(cur)
        cur = 0
        digits = 0
      } else if b >= 0x30, b <= 0x39 {
        if digits > 0 && cur == 0 { return nil }  // no leading zeros
        cur = cur * 10 + UInt32(b - 0x30)
        digits += 1
        if cur > 255 || digits > 3 { return nil }
      } else {
        return nil
      }
    }
    if digits == 0 { return nil }
    parts.append(cur)
    guard parts.count == 4 else { return nil }
    let v = parts.reduce(UInt32(0)) { $0 << 8 | $1 }
    return IPAddress(family: .inet, value: UInt128(v))
  }

  /// Parses a network in the loose form inet_net_pton accepts before a `/`: `10`, `10.1`, `10.1.2`,
  /// `10.1.2.3` (missing parts are zero).
  public static func parseV4Network(_ s: Substring) -> IPAddress? {
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...4).contains(parts.count) else { return nil }
    var v: UInt32 = 0
    for i in 0..<4 {
      var octet: UInt32 = 0
      if i < parts.count {
        guard !parts[i].isEmpty, parts[i].count <= 3, let n = UInt32(parts[i]), n <= 255 else { return nil }
        octet = n
      }
      v = v << 8 | octet
    }
    return IPAddress(family: .inet, value: UInt128(v))
  }

  /// Parses an IPv6 address (RFC 4291 text forms, with an optional trailing dotted quad).
  /// A `%scope` suffix is not accepted here.
  public static func parseV6(_ s: Substring) -> IPAddress? {
    var str = s
    var tailV4: UInt32? = nil
    if let lastColon = str.lastIndex(of: ":"), str[lastColon...].contains(".") {
      guard let v4 = parseV4(str[str.index(after: lastColon)...]) else { return nil }
      tailV4 = UInt32(v4.value)
      str = str[...lastColon]
      if str.hasSuffix("::") == false { str = str.dropLast() }
    }
    let maxGroups = tailV4 == nil ? 8 : 6
    var head: [UInt16] = []
    var tail: [UInt16] = []
    var sawDouble = false
    if let range = str.range(of: "::") {
      sawDouble = true
      let left = str[..<range.lowerBound]
      let right = str[range.upperBound...]
      if right.contains("::") { return nil }
      guard let l = groups(left), let r = groups(right) else { return nil }
      head = l
      tail = r
      if head.count + tail.count > maxGroups - 1 { return nil }
    } else {
      guard let g = groups(str) else { return nil }
      head = g
      if head.count != maxGroups { return nil }
    }
    var words = head
    if sawDouble { words += Array(repeating: 0, count: maxGroups - head.count - tail.count) + tail }
    var v: UInt128 = 0
    for w in words { v = v << 16 | UInt128(w) }
    if let t = tailV4 { v = v << 32 | UInt128(t) }
    return IPAddress(family: .inet6, value: v)
  }

  private static func groups(_ s: Substring) -> [UInt16]? {
    if s.isEmpty { return [] }
    var out: [UInt16] = []
    for part in s.split(separator: ":", omittingEmptySubsequences: false) {
      guard (1...4).contains(part.count), let n = UInt16(part, radix: 16) else { return nil }
      out.append(n)
    }
    return out
  }

  /// Parses either family.
  public static func parse(_ s: Substring) -> IPAddress? {
    s.contains(":") ? parseV6(s) : parseV4(s)
  }

  public var description: String {
    switch family {
    case .inet:
      let v = UInt32(truncatingIfNeeded: value)
      return "\(v >> 24).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)"
    case .inet6:
      return IPAddress.formatV6(value)
    }
  }

  /// Formats as BSD inet_ntop does: the first longest run of two or more zero groups becomes
  /// `::`, and `::a.b.c.d` / `::ffff:a.b.c.d` keep their IPv4 tail.
  static func formatV6(_ value: UInt128) -> String {
    var words = [Int](repeating: 0, count: 8)
    for i in 0..<8 { words[i] = Int((value >> UInt128(16 * (7 - i))) & 0xFFFF) }
    var bestBase = -1
    var bestLen = 0
    var curBase = -1
    var curLen = 0
    for i in 0..<8 {
      if words[i] == 0 {
        if curBase < 0 {
          curBase = i
          curLen = 1
        } else {
          curLen += 1
        }
      } else if curBase >= 0 {
        if bestBase < 0 || curLen > bestLen {
          bestBase = curBase
          bestLen = curLen
        }
        curBase = -1
      }
    }
    if curBase >= 0, bestBase < 0 || curLen > bestLen {
      bestBase = curBase
      bestLen = curLen
    }
    if bestBase >= 0, bestLen < 2 { bestBase = -1 }
    var out = ""
    var i = 0
    while i < 8 {
      if bestBase >= 0, i >= bestBase, i < bestBase + bestLen {
        if i == bestBase { out += ":" }
        i += 1
        continue
      }
      if i != 0 { out += ":" }
      if i == 6, bestBase == 0, bestLen == 6 || (bestLen == 5 && words[5] == 0xFFFF) {
        let v4 = UInt32(truncatingIfNeeded: value)
        out += IPAddress(family: .inet, value: UInt128(v4)).description
        return out
      }
      out += String(words[i], radix: 16)
      i += 1
    }
    if bestBase >= 0, bestBase + bestLen == 8 { out += ":" }
    return out
  }
}

/// An address with a prefix length: a host (full length) or a network.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
  public var address: IPAddress
  public var prefix: Int

  public init(address: IPAddress, prefix: Int) {
    self.address = address
    self.prefix = prefix
  }

  /// Parses `addr` or `addr/len`, keeping host bits as written.
  public static func parse(_ s: Substring) -> IPNetwork? {
    if let slash = s.firstIndex(of: "/") {
      guard let a = IPAddress.parse(s[..<slash]), let p = Int(s[s.index(after: slash)...]),
        p >= 0, p <= a.family.bitCount
      else { return nil }
      return IPNetwork(address: a, prefix: p)
    }
    guard let a = IPAddress.parse(s) else { return nil }
    return IPNetwork(address: a, prefix: a.family.bitCount)
  }

  public var family: AddressFamily { address.family }

  public func contains(_ a: IPAddress) -> Bool {
    a.family == family && a.masked(prefix) == address.masked(prefix)
  }

  public var description: String {
    prefix == family.bitCount ? address.description : "\(address)/\(prefix)"
  }
}
