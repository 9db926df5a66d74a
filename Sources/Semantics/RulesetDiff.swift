import FirewallIR
import PacketSets

/// Compares what two rulesets do to every first packet, exactly.
public struct RulesetDiff {
  /// A set of packets the two rulesets treat differently.
  public struct Region {
    public var left: Outcome
    public var right: Outcome
    public var packets: BDD
    /// The number of headers in the region (an exact count up to 2^53).
    public var count: Double
  }

  public let left: DecisionSets
  public let right: DecisionSets
  /// Packets decided or translated differently.
  public private(set) var regions: [Region] = []
  /// Packets both pass alike, but only one of them creates state for.
  public private(set) var stateRegions: [Region] = []

  public var space: PacketSpace { left.space }
  public var isEquivalent: Bool { regions.isEmpty }

  /// Both decision sets must share one packet space.
  public init(_ left: DecisionSets, _ right: DecisionSets) {
    precondition(left.space === right.space, "the decision sets must share a packet space")
    self.left = left
    self.right = right
    let m = left.space.manager
    for (a, sa) in left.outcomes.sorted(by: { $0.key.description < $1.key.description }) {
      for (b, sb) in right.outcomes.sorted(by: { $0.key.description < $1.key.description }) where a != b {
        let both = m.and(sa, sb)
        guard both != .empty else { continue }
        let r = Region(left: a, right: b, packets: both, count: m.count(both))
        if a.stateless == b.stateless { stateRegions.append(r) } else { regions.append(r) }
      }
    }
    regions.sort { $0.count > $1.count }
    stateRegions.sort { $0.count > $1.count }
  }

  /// Up to `limit` example packets spread over the regions: one from each region first, then
  /// more from the largest.
  public func examples(_ regions: [Region], limit: Int) -> [(Region, PacketHeader)] {
    var out: [(Region, PacketHeader)] = []
    var remaining = regions.map(\.packets)
    let m = space.manager
    var round = 0
    while out.count < limit && round < limit {
      var progressed = false
      for (i, r) in regions.enumerated() where out.count < limit {
        guard let h = space.readableExample(remaining[i], seed: UInt64(out.count + 1)) else { continue }
        out.append((r, h))
        remaining[i] = m.diff(remaining[i], space.point(h))
        progressed = true
      }
      if !progressed { break }
      round += 1
    }
    return out
  }
}

extension Packet {
  /// A packet with these header fields and plausible lengths, for the evaluator.
  public init(example h: PacketHeader) {
    self.init(header: h)
    switch h.fragment {
    case .none: break
    case .first: moreFragments = true
    case .later: fragmentOffset = 8
    }
    headerLength = h.family == .inet ? 20 : 40
    let transport: Int
    switch h.proto {
    case 6: transport = 20
    case 17, 132: transport = 8
    default: transport = isICMP ? 8 : 0
    }
    length = headerLength + transport
  }
}
