import FirewallIR
import PacketSets

/// A match compiled for the evaluator's hot loop: plain values, no references, so that testing
/// a rule against a packet copies and retains nothing. What it cannot hold (tables, interface
/// addresses, header conditions, TOS) is left to `MatchReader` through `fallback`.
struct CompiledMatch {
  /// The rule's phase: filter, translation or another.
  var isFilter = false
  var isTranslation = false
  /// The match names a tag, which the evaluator checks itself.
  var tagged = false
  var family: UInt8 = 0  // 0 any, 4, 6
  var direction: UInt8 = 0  // 0 any, 1 in, 2 out
  /// Interfaces the packet may come through, as a bit set over `RuleList.interfaces`.
  var interfaces: UInt64 = 0
  var hasInterface = false
  var interfaceNegated = false
  var protocols: (UInt64, UInt64, UInt64, UInt64)? = nil
  /// Address terms in `RuleList.ranges`: [start, start + count).
  var sourceStart: Int32 = 0
  var sourceCount: Int32 = -1  // -1: any
  var sourceNegated = false
  var destinationStart: Int32 = 0
  var destinationCount: Int32 = -1
  var destinationNegated = false
  /// Port comparisons in `RuleList.ports`.
  var sourcePortStart: Int32 = 0
  var sourcePortCount: Int32 = -1
  var destinationPortStart: Int32 = 0
  var destinationPortCount: Int32 = -1
  var flagsSet: UInt8 = 0
  var flagsMask: UInt8 = 0
  var hasFlags = false
  var icmpTypes: (UInt64, UInt64, UInt64, UInt64)? = nil
  var icmpCode: Int16 = -1
  /// The match needs `MatchReader` for the rest (it is also tested there, in full).
  var fallback = false
}

/// An address range of one family, inclusive; for masked terms `low` is the value and `high`
/// the mask.
struct AddressRange {
  var family: UInt8
  var masked: Bool
  var low: UInt128
  var high: UInt128
}

/// One list of rules (the main ruleset, an anchor, a group) with its compiled matches.
final class RuleList {
  let rules: [Rule]
  /// The rules boxed once, so that decisions share them.
  let boxes: [RuleBox]
  /// The compiled matches, one per rule, read in place (no copies in the hot loop).
  let compiled: UnsafeMutableBufferPointer<CompiledMatch>
  var ranges: [AddressRange] = []
  var ports: [RangeMatch] = []
  /// Interface names the compiled matches know, by bit.
  let interfaces: [String: Int]

  init(_ rules: [Rule], interfaces: [String: Int], environment: AddressEnvironment) {
    self.rules = rules
    self.boxes = rules.map(RuleBox.init)
    self.interfaces = interfaces
    compiled = .allocate(capacity: rules.count)
    for (i, r) in rules.enumerated() {
      var c = Self.compile(r.match, environment, interfaces: interfaces, ranges: &ranges, ports: &ports)
      c.isFilter = r.phase == .filter
      c.isTranslation = r.phase == .translation
      c.tagged = r.match.tagged != nil
      (compiled.baseAddress! + i).initialize(to: c)
    }
  }

  deinit {
    compiled.deinitialize()
    compiled.deallocate()
  }

  var count: Int { compiled.count }
  @inline(__always) func isFilter(_ i: Int) -> Bool { compiled[i].isFilter }
  @inline(__always) func isTranslation(_ i: Int) -> Bool { compiled[i].isTranslation }
  @inline(__always) func isTagged(_ i: Int) -> Bool { compiled[i].tagged }

  static func bitmap(_ values: [UInt8]) -> (UInt64, UInt64, UInt64, UInt64) {
    var b: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    for v in values {
      let bit = UInt64(1) << UInt64(v & 63)
      switch v >> 6 {
      case 0: b.0 |= bit
      case 1: b.1 |= bit
      case 2: b.2 |= bit
      default: b.3 |= bit
      }
    }
    return b
  }

  private static func compile(
    _ m: Match, _ environment: AddressEnvironment, interfaces: [String: Int], ranges: inout [AddressRange],
    ports: inout [RangeMatch]
  ) -> CompiledMatch {
    var c = CompiledMatch()
    if m.tos != nil || m.fragment || m.conditions != nil || !m.opaque.isEmpty || m.user != nil || m.group != nil
      || m.probability != nil
    {
      c.fallback = true
    }
    c.family = m.family.map { $0 == .inet ? 4 : 6 } ?? 0
    c.direction = m.direction.map { $0 == .in ? 1 : 2 } ?? 0
    if let name = m.interface {
      c.hasInterface = true
      c.interfaceNegated = m.interfaceNegated
      for n in [name] + environment.host.members(ofGroup: name).map(\.name) {
        if let bit = interfaces[n], bit < 64 { c.interfaces |= 1 << UInt64(bit) } else { c.fallback = true }
      }
    }
    c.protocols = m.protocols.map(Self.bitmap)
    func address(_ a: AddressMatch) -> (Int32, Int32)? {
      if a.isAny { return (0, -1) }
      let start = Int32(ranges.count)
      for t in a.terms {
        switch t {
        case .any:
          ranges.append(AddressRange(family: 4, masked: false, low: 0, high: 0xFFFF_FFFF))
          ranges.append(AddressRange(family: 6, masked: false, low: 0, high: .max))
        case .network(let n):
          let low = n.address.masked(n.prefix).value
          let host =
            ~IPAddress.mask(family: n.family, prefix: n.prefix).value
            & (n.family == .inet ? 0xFFFF_FFFF : .max)
          ranges.append(AddressRange(family: n.family == .inet ? 4 : 6, masked: false, low: low, high: low | host))
        case .range(let lo, let hi):
          ranges.append(AddressRange(family: lo.family == .inet ? 4 : 6, masked: false, low: lo.value, high: hi.value))
        case .masked(let v, let mask):
          ranges.append(
            AddressRange(family: v.family == .inet ? 4 : 6, masked: true, low: v.value & mask.value, high: mask.value))
        default:
          return nil
        }
      }
      return (start, Int32(ranges.count) - start)
    }
    if let (s, n) = address(m.source) {
      (c.sourceStart, c.sourceCount) = (s, n)
      c.sourceNegated = m.source.negated
    } else {
      c.fallback = true
    }
    if let (s, n) = address(m.destination) {
      (c.destinationStart, c.destinationCount) = (s, n)
      c.destinationNegated = m.destination.negated
    } else {
      c.fallback = true
    }
    if let rs = m.sourcePort {
      c.sourcePortStart = Int32(ports.count)
      c.sourcePortCount = Int32(rs.count)
      ports += rs
    }
    if let rs = m.destinationPort {
      c.destinationPortStart = Int32(ports.count)
      c.destinationPortCount = Int32(rs.count)
      ports += rs
    }
    if let f = m.tcpFlags {
      c.hasFlags = true
      c.flagsSet = f.set
      c.flagsMask = f.mask
    }
    c.icmpTypes = m.icmpType.map(Self.bitmap)
    c.icmpCode = m.icmpCode.map { Int16($0) } ?? -1
    return c
  }

  @inline(__always)
  static func contains(_ b: (UInt64, UInt64, UInt64, UInt64), _ v: UInt8) -> Bool {
    let bit = UInt64(1) << UInt64(v & 63)
    switch v >> 6 {
    case 0: return b.0 & bit != 0
    case 1: return b.1 & bit != 0
    case 2: return b.2 & bit != 0
    default: return b.3 & bit != 0
    }
  }

  @inline(__always)
  func inRanges(_ start: Int32, _ count: Int32, _ family: UInt8, _ v: UInt128) -> Bool {
    var k = Int(start)
    let end = k + Int(count)
    while k < end {
      let r = ranges[k]
      if r.family == family && (r.masked ? v & r.high == r.low : r.low <= v && v <= r.high) { return true }
      k += 1
    }
    return false
  }

  @inline(__always)
  func inPorts(_ start: Int32, _ count: Int32, _ v: UInt16) -> Bool {
    var k = Int(start)
    let end = k + Int(count)
    while k < end {
      if ports[k].matches(UInt32(v)) { return true }
      k += 1
    }
    return false
  }

  /// Whether rule `i` matches the packet; `interface` is the packet's interface bit (-1 for
  /// one the list does not know). Equivalent to `MatchReader.matches`.
  @inline(__always)
  func matches(_ i: Int, _ p: Packet, interface: Int, reader: MatchReader) -> Bool {
    // Fields are read through the pointer: the compiled match is not copied.
    let c = UnsafePointer(compiled.baseAddress! + i)
    let h = p.header
    let fam: UInt8 = h.family == .inet ? 4 : 6
    if c.pointee.family != 0 && c.pointee.family != fam { return false }
    if c.pointee.direction != 0 && c.pointee.direction != (h.direction == .in ? 1 : 2) { return false }
    if c.pointee.hasInterface {
      let on = interface >= 0 && interface < 64 && c.pointee.interfaces & (1 << UInt64(interface)) != 0
      if on == c.pointee.interfaceNegated && !c.pointee.fallback { return false }
    }
    if let ps = c.pointee.protocols, !Self.contains(ps, h.proto) { return false }
    if c.pointee.sourceCount >= 0
      && inRanges(c.pointee.sourceStart, c.pointee.sourceCount, fam, h.source) == c.pointee.sourceNegated
    {
      return false
    }
    if c.pointee.destinationCount >= 0
      && inRanges(c.pointee.destinationStart, c.pointee.destinationCount, fam, h.destination)
        == c.pointee.destinationNegated
    {
      return false
    }
    if c.pointee.sourcePortCount >= 0 || c.pointee.destinationPortCount >= 0 {
      guard p.hasPorts, !p.isLaterFragment, !(p.short && p.length - p.headerLength < 4) else { return false }
      if c.pointee.sourcePortCount >= 0 && !inPorts(c.pointee.sourcePortStart, c.pointee.sourcePortCount, h.sourcePort)
      {
        return false
      }
      if c.pointee.destinationPortCount >= 0
        && !inPorts(c.pointee.destinationPortStart, c.pointee.destinationPortCount, h.destinationPort)
      {
        return false
      }
    }
    if c.pointee.hasFlags && h.proto == 6 {
      if p.isLaterFragment || p.short || h.tcpFlags & c.pointee.flagsMask != c.pointee.flagsSet { return false }
    }
    if let ts = c.pointee.icmpTypes, !p.isICMP || p.isLaterFragment || !Self.contains(ts, h.icmpType) { return false }
    if c.pointee.icmpCode >= 0 && (!p.isICMP || Int16(h.icmpCode) != c.pointee.icmpCode) { return false }
    // What the compiled form does not hold, the reader decides (on the whole match).
    return !c.pointee.fallback || reader.matches(rules[i].match, p)
  }
}
