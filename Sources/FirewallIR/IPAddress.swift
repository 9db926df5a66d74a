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
  /// The address bits, kept as two halves so that the type needs only 8-byte alignment.
  private var high: UInt64
  private var low: UInt64

  public init(family: AddressFamily, value: UInt128) {
    self.family = family
    self.high = UInt64(truncatingIfNeeded: value >> 64)
    self.low = UInt64(truncatingIfNeeded: value)
  }

  /// The address as a 128-bit number (IPv4 in the low 32 bits).
  public var value: UInt128 {
    get { UInt128(high) << 64 | UInt128(low) }
    set {
      high = UInt64(truncatingIfNeeded: newValue >> 64)
      low = UInt64(truncatingIfNeeded: newValue)
    }
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
    var octets: [UInt32] = []
    var cur: UInt32 = 0
    var digits = 0
    for b in s.utf8 {
      if b == UInt8(ascii: ".") {
        guard digits > 0, octets.count < 3 else { return nil }
        octets.append(cur)
        cur = 0
        digits = 0
      } else if b >= 0x30 && b <= 0x39 {
        cur = cur * 10 + UInt32(b - 0x30)
        digits += 1
        guard digits <= 3, cur <= 255 else { return nil }
      } else {
        return nil
      }
    }
    guard digits > 0 else { return nil }
    octets.append(cur)
    var v: UInt32 = 0
    for i in 0..<4 { v = v << 8 | (i < octets.count ? octets[i] : 0) }
    return IPAddress(family: .inet, value: UInt128(v))
  }

  /// Parses an IPv6 address (RFC 4291 text forms, with an optional trailing dotted quad).
  /// A `%scope` suffix is not accepted here.
  public static func parseV6(_ s: Substring) -> IPAddress? {
    let b = Array(s.utf8)
    let n = b.count
    guard n >= 2 else { return nil }
    var words: [UInt16] = []
    words.reserveCapacity(8)
    var doubleAt = -1
    var i = 0
    let colon = UInt8(ascii: ":")
    if b[0] == colon {
      guard b[1] == colon else { return nil }
      doubleAt = 0
      i = 2
    }
    while i < n {
      var j = i
      var value = 0
      while j < n, let h = hexValue(b[j]) {
        value = value * 16 + h
        j += 1
        if j - i > 4 { break }
      }
      if j < n && b[j] == UInt8(ascii: ".") {
        guard words.count <= 6, let v4 = parseV4(Substring(String(decoding: b[i..<n], as: UTF8.self))) else {
          return nil
        }
        words.append(UInt16(truncatingIfNeeded: v4.value >> 16))
        words.append(UInt16(truncatingIfNeeded: v4.value))
        i = n
        break
      }
      guard j > i, j - i <= 4 else { return nil }
      words.append(UInt16(value))
      if j == n {
        i = n
        break
      }
      guard b[j] == colon else { return nil }
      if j + 1 < n && b[j + 1] == colon {
        guard doubleAt < 0 else { return nil }
        doubleAt = words.count
        i = j + 2
      } else {
        i = j + 1
        guard i < n else { return nil }
      }
    }
    if doubleAt >= 0 {
      guard words.count <= 7 else { return nil }
      words.insert(contentsOf: [UInt16](repeating: 0, count: 8 - words.count), at: doubleAt)
    } else {
      guard words.count == 8 else { return nil }
    }
    var v: UInt128 = 0
    for w in words { v = v << 16 | UInt128(w) }
    return IPAddress(family: .inet6, value: v)
  }

  @inline(__always)
  private static func hexValue(_ c: UInt8) -> Int? {
    switch c {
    case 0x30...0x39: return Int(c - 0x30)
    case 0x61...0x66: return Int(c - 0x61 + 10)
    case 0x41...0x46: return Int(c - 0x41 + 10)
    default: return nil
    }
  }

  /// Parses either family.
  public static func parse(_ s: Substring) -> IPAddress? {
    s.utf8.contains(UInt8(ascii: ":")) ? parseV6(s) : parseV4(s)
  }

  public var description: String {
    switch family {
    case .inet:
      let v = UInt32(truncatingIfNeeded: value)
      var bytes: [UInt8] = []
      bytes.reserveCapacity(15)
      for shift in [24, 16, 8, 0] as [UInt32] {
        let octet = UInt8(truncatingIfNeeded: v >> shift)
        if octet >= 100 { bytes.append(0x30 + octet / 100) }
        if octet >= 10 { bytes.append(0x30 + octet / 10 % 10) }
        bytes.append(0x30 + octet % 10)
        if shift != 0 { bytes.append(UInt8(ascii: ".")) }
      }
      return String(decoding: bytes, as: UTF8.self)
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

extension IPNetwork {
  /// The fewest networks that cover the addresses from `a` to `b` (inclusive) exactly.
  public static func covering(from a: IPAddress, to b: IPAddress) -> [IPNetwork] {
    var out: [IPNetwork] = []
    var low = a.value
    let bits = a.family.bitCount
    while low <= b.value {
      var size = 0
      while size < bits {
        let block = UInt128(1) << UInt128(size + 1)
        if low & (block - 1) != 0 || low + (block - 1) > b.value { break }
        size += 1
      }
      out.append(IPNetwork(address: IPAddress(family: a.family, value: low), prefix: bits - size))
      let next = low &+ (UInt128(1) << UInt128(size))
      if next <= low { break }
      low = next
    }
    return out
  }
}
