/// Joining two rules that differ in one list into one rule with the longer list.
extension Rule {
  /// The fields along which two rules may be joined.
  public enum JoinField: String, CaseIterable, Sendable {
    case destinationPort, sourcePort, icmpType, source, destination
  }

  /// This rule and `b` as one rule when they differ in one list only — destination or source
  /// ports, ICMP types, source or destination addresses — with `b`'s values after this rule's.
  /// Placed next to each other with nothing between, the two decide every packet as the
  /// joined rule does, under either evaluation order. Lists stay below `maxList` entries.
  ///
  /// With `sameOrigin`, only rules expanded from one written line are joined (and their
  /// origins must be equal); otherwise the result keeps this rule's origin and number, and
  /// rules whose effect depends on counting what they matched (state limits, probability)
  /// are never joined.
  public func joined(
    with b: Rule, maxList: Int, sameOrigin: Bool, fields: [JoinField] = JoinField.allCases
  ) -> Rule? {
    let a = self
    guard a.phase == .filter, b.phase == .filter, !b.origin.isEmpty, a.stateLimits == nil else { return nil }
    if sameOrigin {
      guard a.origin == b.origin else { return nil }
    } else {
      guard b.stateLimits == nil, a.match.probability == nil, b.match.probability == nil else { return nil }
    }
    func positive(_ ps: [RangeMatch]?) -> Bool {
      ps.map { $0.allSatisfy { $0.op != .notEqual && $0.op != .outsideRange } } ?? false
    }
    func plain(_ a: AddressMatch) -> Bool {
      !a.negated && a.terms.allSatisfy { if case .network = $0 { return true } else { return false } }
    }
    /// The rules with one field cleared are equal: `a` with the field's two values combined.
    func along<T>(_ field: WritableKeyPath<Match, T>, cleared: T, _ combine: (T, T) -> T) -> Rule? {
      var x = a
      var y = b
      y.number = x.number
      if !sameOrigin { y.origin = x.origin }
      x.match[keyPath: field] = cleared
      y.match[keyPath: field] = cleared
      guard x == y else { return nil }
      x.match[keyPath: field] = combine(a.match[keyPath: field], b.match[keyPath: field])
      return x
    }
    for field in fields {
      switch field {
      case .destinationPort:
        if positive(a.match.destinationPort), positive(b.match.destinationPort),
          (a.match.destinationPort?.count ?? 0) + (b.match.destinationPort?.count ?? 0) <= maxList,
          let r = along(\.destinationPort, cleared: nil, { ($0 ?? []) + ($1 ?? []) })
        {
          return r
        }
      case .sourcePort:
        if positive(a.match.sourcePort), positive(b.match.sourcePort),
          (a.match.sourcePort?.count ?? 0) + (b.match.sourcePort?.count ?? 0) <= maxList,
          let r = along(\.sourcePort, cleared: nil, { ($0 ?? []) + ($1 ?? []) })
        {
          return r
        }
      case .icmpType:
        if a.match.icmpType != nil, b.match.icmpType != nil, a.match.icmpCode == nil,
          let r = along(\.icmpType, cleared: nil, { ($0 ?? []) + ($1 ?? []) })
        {
          return r
        }
      case .source:
        if plain(a.match.source), plain(b.match.source),
          a.match.source.terms.count + b.match.source.terms.count <= maxList,
          let r = along(\.source, cleared: .any, { AddressMatch($0.terms + $1.terms) })
        {
          return r
        }
      case .destination:
        if plain(a.match.destination), plain(b.match.destination),
          a.match.destination.terms.count + b.match.destination.terms.count <= maxList,
          let r = along(\.destination, cleared: .any, { AddressMatch($0.terms + $1.terms) })
        {
          return r
        }
      }
    }
    return nil
  }
}
