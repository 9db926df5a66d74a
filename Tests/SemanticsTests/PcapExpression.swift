import FirewallIR

/// A pcap-filter(7) expression selecting the packets an IR match selects, ignoring direction and
/// interface (a capture has neither); nil when pcap-filter cannot say it.
enum PcapExpression {
  static func of(_ m: Match, environment: AddressEnvironment) -> String? {
    if !m.opaque.isEmpty || m.user != nil || m.group != nil || m.tagged != nil || m.probability != nil
      || m.conditions != nil
    {
      return nil
    }
    var parts: [String] = []
    if let f = m.family { parts.append(f == .inet ? "ip" : "ip6") }
    if let ps = m.protocols { parts.append(any(ps.map { "ip proto \($0) or ip6 proto \($0)" })) }
    guard let src = address(m.source, "src", environment), let dst = address(m.destination, "dst", environment) else {
      return nil
    }
    parts += [src, dst].compactMap { $0 }
    let ported = "(ip proto 6 or ip proto 17 or ip proto 132 or ip6 proto 6 or ip6 proto 17 or ip6 proto 132)"
    for (ranges, side) in [(m.sourcePort, "src"), (m.destinationPort, "dst")] {
      guard let ranges else { continue }
      let each = ranges.map { port($0, side) }
      // The IR's port matches select no later fragment (they carry no ports).
      parts.append("(\(ported) and ((ip and ip[6:2] & 0x1fff = 0) or ip6) and \(any(each)))")
    }
    if let f = m.tcpFlags {
      let v6 = "ip6[53] & \(f.mask) = \(f.set)"
      parts.append(
        "((ip and (not ip proto 6 or (ip[6:2] & 0x1fff = 0 and tcp[13] & \(f.mask) = \(f.set)))) or (ip6 and (not ip6 proto 6 or \(v6))))"
      )
    }
    if let ts = m.icmpType {
      parts.append(
        any(
          ts.map { "(ip proto 1 and ip[6:2] & 0x1fff = 0 and icmp[0] = \($0)) or (ip6 proto 58 and ip6[40] = \($0))" }))
    }
    if let c = m.icmpCode {
      parts.append("((ip proto 1 and ip[6:2] & 0x1fff = 0 and icmp[1] = \(c)) or (ip6 proto 58 and ip6[41] = \(c)))")
    }
    if let t = m.tos {
      parts.append("((ip and ip[1] & 0xfc = \(t & 0xFC)) or (ip6 and ip6[0:2] & 0x0fc0 = \(Int(t & 0xFC) << 4)))")
    }
    if m.fragment { parts.append("((ip and ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] = 44))") }
    return parts.isEmpty ? "ip or ip6" : parts.joined(separator: " and ")
  }

  static func any(_ alternatives: [String]) -> String {
    alternatives.count == 1
      ? "(\(alternatives[0]))" : "(" + alternatives.map { "(\($0))" }.joined(separator: " or ") + ")"
  }

  static func port(_ r: RangeMatch, _ side: String) -> String {
    let a = r.low
    let b = r.high
    switch r.op {
    case .equal: return "\(side) port \(a)"
    case .notEqual: return "not \(side) port \(a)"
    case .less: return a == 0 ? "\(side) port 1 and not \(side) port 1" : "\(side) portrange 0-\(a - 1)"
    case .lessOrEqual: return "\(side) portrange 0-\(a)"
    case .greater: return a >= 65535 ? "\(side) port 1 and not \(side) port 1" : "\(side) portrange \(a + 1)-65535"
    case .greaterOrEqual: return "\(side) portrange \(a)-65535"
    case .inclusiveRange: return a <= b ? "\(side) portrange \(a)-\(b)" : "\(side) port 1 and not \(side) port 1"
    case .exclusiveRange:
      return b > a + 1 ? "\(side) portrange \(a + 1)-\(b - 1)" : "\(side) port 1 and not \(side) port 1"
    case .outsideRange: return a <= b ? "not \(side) portrange \(a)-\(b)" : "(\(side) port 1 or not \(side) port 1)"
    }
  }

  /// The networks of an address match, or nil when one is not a network pcap can name.
  static func address(_ a: AddressMatch, _ side: String, _ environment: AddressEnvironment) -> String?? {
    if a.isAny { return .some(nil) }
    var nets: [String] = []
    for term in a.terms {
      switch term {
      case .any: nets.append("ip or ip6")
      case .network(let n): nets.append("\(side) net \(n.address.masked(n.prefix))/\(n.prefix)")
      case .table(let name):
        guard let entries = environment.entries(ofTable: name), entries.allSatisfy(\.included) else { return nil }
        nets += entries.map { "\(side) net \($0.network.address.masked($0.network.prefix))/\($0.network.prefix)" }
        if entries.isEmpty { nets.append("\(side) net 0.0.0.0/32 and \(side) net 0.0.0.1/32") }
      default:
        return nil
      }
    }
    let set = any(nets)
    return .some(a.negated ? "not \(set)" : set)
  }
}
