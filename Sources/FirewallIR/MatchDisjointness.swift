extension Match {
  /// Whether no packet can match both `self` and `other`, as far as the fields tell without
  /// packet sets: different families, directions, protocols, ICMP types, or address and port
  /// lists with no entry in common. False means "not shown", never "they overlap". Interface
  /// names are not compared (a pf name may be a group holding the other).
  public func isDisjoint(from other: Match) -> Bool {
    if let a = family, let b = other.family, a != b { return true }
    if let a = direction, let b = other.direction, a != b { return true }
    if let a = protocols, let b = other.protocols, Set(a).isDisjoint(with: b) { return true }
    if let a = icmpType, let b = other.icmpType, Set(a).isDisjoint(with: b) { return true }
    if Self.disjoint(source, other.source) || Self.disjoint(destination, other.destination) { return true }
    if Self.disjoint(sourcePort, other.sourcePort) || Self.disjoint(destinationPort, other.destinationPort) {
      return true
    }
    return false
  }

  /// Two address matches of plain networks with no address in common.
  static func disjoint(_ a: AddressMatch, _ b: AddressMatch) -> Bool {
    guard !a.negated, !b.negated else { return false }
    var x: [IPNetwork] = []
    var y: [IPNetwork] = []
    for t in a.terms {
      guard case .network(let n) = t else { return false }
      x.append(n)
    }
    for t in b.terms {
      guard case .network(let n) = t else { return false }
      y.append(n)
    }
    for n in x {
      for m in y where n.family == m.family {
        let p = min(n.prefix, m.prefix)
        if n.address.masked(p) == m.address.masked(p) { return false }
      }
    }
    return true
  }

  /// Two port lists of positive ranges with no port in common (both set: only packets with
  /// ports can match either).
  static func disjoint(_ a: [RangeMatch]?, _ b: [RangeMatch]?) -> Bool {
    guard let a, let b else { return false }
    func interval(_ r: RangeMatch) -> ClosedRange<UInt32>? {
      switch r.op {
      case .equal: return r.low...r.low
      case .inclusiveRange: return r.low <= r.high ? r.low...r.high : nil
      case .less: return r.low > 0 ? 0...(r.low - 1) : nil
      case .lessOrEqual: return 0...r.low
      case .greater: return r.low < 65535 ? (r.low + 1)...65535 : nil
      case .greaterOrEqual: return r.low...65535
      case .exclusiveRange: return r.high >= r.low + 2 ? (r.low + 1)...(r.high - 1) : nil
      default: return nil
      }
    }
    var xs: [ClosedRange<UInt32>] = []
    for r in a {
      switch r.op {
      case .notEqual, .outsideRange: return false
      default: if let i = interval(r) { xs.append(i) }
      }
    }
    for r in b {
      switch r.op {
      case .notEqual, .outsideRange: return false
      default:
        guard let i = interval(r) else { continue }
        if xs.contains(where: { $0.overlaps(i) }) { return false }
      }
    }
    return true
  }
}
