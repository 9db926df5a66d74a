import FirewallIR

/// A cheap over-approximation of the packets a match selects (address intervals per family,
/// protocols, destination ports, direction), and an index over many of them that finds, for
/// one rule, the rules it may overlap without comparing it with every rule. Used to keep the
/// exact analyses of `RuleReachability` close to linear on large rulesets: only candidate
/// pairs reach the BDDs.
struct RuleSignature {
  /// Source and destination addresses per family (index 0 IPv4, 1 IPv6); nil: the family
  /// cannot match.
  var source: (ClosedRange<UInt128>?, ClosedRange<UInt128>?)
  var destination: (ClosedRange<UInt128>?, ClosedRange<UInt128>?)
  /// The protocols, as a 256-bit set; all bits set for any protocol.
  var protocols: (UInt128, UInt128)
  var anyProtocol: Bool
  /// Destination ports, when the match requires one.
  var ports: ClosedRange<UInt32>?
  var direction: Direction?

  init(_ m: Match) {
    let families: [AddressFamily] = m.family.map { [$0] } ?? [.inet, .inet6]
    let s = Self.intervals(m.source, families)
    let d = Self.intervals(m.destination, families)
    source = (s[.inet], s[.inet6])
    destination = (d[.inet], d[.inet6])
    anyProtocol = m.protocols == nil
    protocols = (0, 0)
    for p in m.protocols ?? [] {
      if p < 128 { protocols.0 |= UInt128(1) << UInt128(p) } else { protocols.1 |= UInt128(1) << UInt128(p - 128) }
    }
    ports = m.destinationPort.map(Self.portRange)
    direction = m.direction
  }

  /// The protocol numbers of a specific match; nil for any.
  var protocolList: [UInt8]? {
    guard !anyProtocol else { return nil }
    return (0..<256).compactMap { p -> UInt8? in
      let bit = p < 128 ? (protocols.0 >> UInt128(p)) & 1 : (protocols.1 >> UInt128(p - 128)) & 1
      return bit == 1 ? UInt8(p) : nil
    }
  }

  static func full(_ f: AddressFamily) -> ClosedRange<UInt128> {
    0...(f == .inet ? UInt128(UInt32.max) : UInt128.max)
  }

  static func intervals(_ a: AddressMatch, _ families: [AddressFamily]) -> [AddressFamily: ClosedRange<UInt128>] {
    var out: [AddressFamily: ClosedRange<UInt128>] = [:]
    func add(_ f: AddressFamily, _ r: ClosedRange<UInt128>) {
      guard families.contains(f) else { return }
      out[f] = out[f].map { min($0.lowerBound, r.lowerBound)...max($0.upperBound, r.upperBound) } ?? r
    }
    if a.negated {
      for f in families { add(f, full(f)) }
      return out
    }
    for t in a.terms {
      switch t {
      case .network(let n):
        let lo = n.address.masked(n.prefix).value
        let span: UInt128 =
          n.prefix == 0 ? full(n.family).upperBound : (UInt128(1) << UInt128(n.family.bitCount - n.prefix)) - 1
        add(n.family, lo...(lo + span))
      case .range(let lo, let hi) where lo.value <= hi.value:
        add(lo.family, lo.value...hi.value)
      case .range:
        continue
      default:
        for f in families { add(f, full(f)) }
      }
    }
    return out
  }

  static func portRange(_ rs: [RangeMatch]) -> ClosedRange<UInt32> {
    var lo = UInt32.max
    var hi: UInt32 = 0
    for r in rs {
      let (a, b): (UInt32, UInt32)
      switch r.op {
      case .equal: (a, b) = (r.low, r.low)
      case .inclusiveRange: (a, b) = (r.low, max(r.low, r.high))
      case .lessOrEqual: (a, b) = (0, r.low)
      case .less: (a, b) = (0, r.low == 0 ? 0 : r.low - 1)
      case .greaterOrEqual: (a, b) = (r.low, 65535)
      case .greater: (a, b) = (min(65535, r.low + 1), 65535)
      case .exclusiveRange: (a, b) = (r.low, max(r.low, r.high))
      default: (a, b) = (0, 65535)
      }
      lo = min(lo, a)
      hi = max(hi, b)
    }
    return lo <= hi ? lo...hi : 0...65535
  }

  /// Whether two matches may select a common packet (false only when they cannot).
  func mayOverlap(_ o: RuleSignature) -> Bool {
    if let a = direction, let b = o.direction, a != b { return false }
    if !anyProtocol && !o.anyProtocol && protocols.0 & o.protocols.0 == 0 && protocols.1 & o.protocols.1 == 0 {
      return false
    }
    if let a = ports, let b = o.ports, !a.overlaps(b) { return false }
    func meets(_ a: ClosedRange<UInt128>?, _ b: ClosedRange<UInt128>?) -> Bool {
      guard let a, let b else { return false }
      return a.overlaps(b)
    }
    return (meets(source.0, o.source.0) && meets(destination.0, o.destination.0))
      || (meets(source.1, o.source.1) && meets(destination.1, o.destination.1))
  }

  /// The bucket of a side when it lies in one IPv4 /24 or IPv6 /64: the index's key.
  static func bucket(_ side: (ClosedRange<UInt128>?, ClosedRange<UInt128>?)) -> UInt128? {
    switch side {
    case (let r?, nil):
      return r.lowerBound >> 8 == r.upperBound >> 8 ? (r.lowerBound >> 8) << 1 : nil
    case (nil, let r?):
      return r.lowerBound >> 64 == r.upperBound >> 64 ? (r.lowerBound >> 64) << 1 | 1 : nil
    default:
      return nil
    }
  }
}

/// Finds the rules whose signatures may overlap a given rule's.
struct RuleOverlapIndex {
  let signatures: [RuleSignature]
  /// Rules with a narrow source, by source bucket.
  var bySource: [UInt128: [Int]] = [:]
  /// Rules with a narrow source and destination, by destination bucket; and those with a
  /// narrow source only.
  var narrowSourceByDestination: [UInt128: [Int]] = [:]
  var narrowSourceOnly: [Int] = []
  /// Rules with a wide source and a narrow destination, by destination bucket.
  var byDestination: [UInt128: [Int]] = [:]
  /// Every rule of `byDestination`.
  var wideSource: [Int] = []
  /// Rules narrow on neither side.
  var wide: [Int] = []

  init(_ signatures: [RuleSignature], members: [Int]) {
    self.signatures = signatures
    for i in members {
      let s = RuleSignature.bucket(signatures[i].source)
      let d = RuleSignature.bucket(signatures[i].destination)
      switch (s, d) {
      case (let s?, let d?):
        bySource[s, default: []].append(i)
        narrowSourceByDestination[d, default: []].append(i)
      case (let s?, nil):
        bySource[s, default: []].append(i)
        narrowSourceOnly.append(i)
      case (nil, let d?):
        byDestination[d, default: []].append(i)
      case (nil, nil):
        wide.append(i)
      }
      if d == nil && s == nil { continue }
      if s == nil { wideSource.append(i) }
    }
  }

  /// The rules (other than `i`) that may overlap rule `i`, in ascending order.
  func candidates(of i: Int) -> [Int] { candidates(for: signatures[i], excluding: i) }

  /// The rules (other than `excluded`) that may overlap a match of signature `sig`, in order.
  func candidates(for sig: RuleSignature, excluding i: Int = -1) -> [Int] {
    let s = RuleSignature.bucket(sig.source)
    let d = RuleSignature.bucket(sig.destination)
    var pools: [[Int]] = [wide]
    switch (s, d) {
    case (let s?, let d?):
      pools += [bySource[s] ?? [], byDestination[d] ?? []]
    case (let s?, nil):
      pools += [bySource[s] ?? [], wideSource]
    case (nil, let d?):
      pools += [narrowSourceByDestination[d] ?? [], narrowSourceOnly, byDestination[d] ?? []]
    case (nil, nil):
      pools += [Array(bySource.values.joined()), Array(byDestination.values.joined())]
    }
    var out: [Int] = []
    for pool in pools {
      for j in pool where j != i && sig.mayOverlap(signatures[j]) { out.append(j) }
    }
    out.sort()
    var unique: [Int] = []
    unique.reserveCapacity(out.count)
    for j in out where unique.last != j { unique.append(j) }
    return unique
  }
}

/// `RuleOverlapIndex` split by protocol: a rule of one protocol is compared only with rules
/// of that protocol and with rules of any protocol.
struct ProtocolOverlapIndex {
  let signatures: [RuleSignature]
  var byProtocol: [UInt8: RuleOverlapIndex] = [:]
  var anyProtocol: RuleOverlapIndex

  init(_ signatures: [RuleSignature], members: [Int]) {
    self.signatures = signatures
    var groups: [UInt8: [Int]] = [:]
    var rest: [Int] = []
    for i in members {
      if let ps = signatures[i].protocolList, ps.count == 1 {
        groups[ps[0], default: []].append(i)
      } else {
        rest.append(i)
      }
    }
    anyProtocol = RuleOverlapIndex(signatures, members: rest)
    for (p, ms) in groups { byProtocol[p] = RuleOverlapIndex(signatures, members: ms) }
  }

  /// The rules (other than `i`) that may overlap rule `i`, in ascending order.
  func candidates(of i: Int) -> [Int] { candidates(for: signatures[i], excluding: i) }

  /// The rules (other than `excluded`) that may overlap a match of signature `sig`, in order.
  func candidates(for sig: RuleSignature, excluding i: Int = -1) -> [Int] {
    var parts = [anyProtocol.candidates(for: sig, excluding: i)]
    if let ps = sig.protocolList {
      for p in ps { if let x = byProtocol[p] { parts.append(x.candidates(for: sig, excluding: i)) } }
    } else {
      for x in byProtocol.values { parts.append(x.candidates(for: sig, excluding: i)) }
    }
    return parts.count == 1 ? parts[0] : parts.joined().sorted()
  }
}
