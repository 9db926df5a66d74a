import FirewallIR

extension Match {
  /// The match selecting the packets both `self` and `other` select, when one match can say it
  /// field by field; nil when a field is constrained differently on both sides in a way one
  /// field cannot hold (two different address sets, say). `empty` is set when no packet can
  /// satisfy both.
  func conjoined(with other: Match) -> (match: Match, empty: Bool)? {
    var r = self
    var empty = false
    func same<T: Equatable>(_ a: T?, _ b: T?) -> T?? {
      guard let a else { return .some(b) }
      guard let b else { return .some(a) }
      return a == b ? .some(a) : nil
    }
    guard let family = same(family, other.family) else {
      return (r, true)
    }
    r.family = family
    switch (protocols, other.protocols) {
    case (let a?, let b?):
      let both = a.filter(b.contains)
      if both.isEmpty { empty = true }
      r.protocols = both
    case (nil, let b): r.protocols = b
    case (let a, nil): r.protocols = a
    }
    if source.isAny { r.source = other.source } else if !other.source.isAny && other.source != source { return nil }
    if destination.isAny {
      r.destination = other.destination
    } else if !other.destination.isAny && other.destination != destination {
      return nil
    }
    guard let sp = same(sourcePort, other.sourcePort), let dp = same(destinationPort, other.destinationPort) else {
      return nil
    }
    r.sourcePort = sp
    r.destinationPort = dp
    guard let d = same(direction, other.direction) else { return (r, true) }
    r.direction = d
    if interface == nil {
      r.interface = other.interface
      r.interfaceNegated = other.interfaceNegated
    } else if other.interface != nil && (other.interface != interface || other.interfaceNegated != interfaceNegated) {
      return nil
    }
    guard let f = same(tcpFlags, other.tcpFlags), let t = same(icmpType, other.icmpType),
      let c = same(icmpCode, other.icmpCode), let tos = same(tos, other.tos), let u = same(user, other.user),
      let g = same(group, other.group), let p = same(probability, other.probability),
      let cond = same(conditions, other.conditions)
    else { return nil }
    r.tcpFlags = f
    r.icmpType = t
    r.icmpCode = c
    r.tos = tos
    r.user = u
    r.group = g
    r.probability = p
    r.conditions = cond
    if tagged == nil {
      r.tagged = other.tagged
      r.taggedNegated = other.taggedNegated
    } else if other.tagged != nil && (other.tagged != tagged || other.taggedNegated != taggedNegated) {
      return nil
    }
    r.fragment = fragment || other.fragment
    r.opaque = opaque + other.opaque.filter { !opaque.contains($0) }
    return (r, empty)
  }
}
