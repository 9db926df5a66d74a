import FirewallIR
import PacketSets

/// Decides whether one packet satisfies a match, reading the match directly (no packet sets):
/// the evaluator's half of the two independent engines.
public final class MatchReader {
  public let environment: AddressEnvironment
  /// Names whose addresses are unknown (tables loaded from files, interfaces the host context
  /// lacks); they match no address, and the evaluator reports them.
  public private(set) var unknownNames: Set<String> = []
  private var tableCache: [String: [AddressEnvironment.Entry]?] = [:]

  public init(environment: AddressEnvironment) { self.environment = environment }

  public func matches(_ m: Match, _ p: Packet) -> Bool {
    let h = p.header
    if let f = m.family, f != h.family { return false }
    if let d = m.direction, d != h.direction { return false }
    if let name = m.interface, onInterface(name, h.interface) == m.interfaceNegated { return false }
    if let ps = m.protocols, !ps.contains(h.proto) { return false }
    if !address(m.source, p.source) || !address(m.destination, p.destination) { return false }
    if m.sourcePort != nil || m.destinationPort != nil {
      guard p.hasPorts, !p.isLaterFragment, !(p.short && p.length - p.headerLength < 4) else { return false }
      if let rs = m.sourcePort, !rs.contains(where: { $0.matches(UInt32(h.sourcePort)) }) { return false }
      if let rs = m.destinationPort, !rs.contains(where: { $0.matches(UInt32(h.destinationPort)) }) { return false }
    }
    if let f = m.tcpFlags, h.proto == 6 {
      if p.isLaterFragment || p.short || h.tcpFlags & f.mask != f.set { return false }
    }
    if let ts = m.icmpType, !p.isICMP || p.isLaterFragment || !ts.contains(h.icmpType) { return false }
    if let c = m.icmpCode, !p.isICMP || c != h.icmpCode { return false }
    if let t = m.tos, t & 0xFC != p.tos & 0xFC { return false }
    if m.fragment && !p.isFragment { return false }
    if let c = m.conditions, !conditions(c, p) { return false }
    return true
  }

  func onInterface(_ name: String, _ packetInterface: String?) -> Bool {
    guard let i = packetInterface else { return false }
    if i == name { return true }
    return environment.host.members(ofGroup: name).contains { $0.name == i }
  }

  func conditions(_ c: HeaderConditions, _ p: Packet) -> Bool {
    typealias P = HeaderConditions.Property
    var have: UInt32 = 0
    if p.ipOptions != 0 { have |= P.ipOptions }
    if p.short { have |= P.short }
    if p.isFragment { have |= P.fragment }
    if p.isLaterFragment { have |= P.fragmentBody }
    if p.bad || p.malformed { have |= P.bad }
    if p.multicast || p.broadcast { have |= P.multicastBroadcast }
    if p.broadcast { have |= P.broadcast }
    if p.multicast { have |= P.multicast }
    let mask = c.mask & P.known
    if have & mask != c.bits & mask { return false }
    if p.ipOptions & c.optionMask != c.optionBits { return false }
    if p.securityClass & c.securityMask != c.securityBits { return false }
    return true
  }

  func address(_ a: AddressMatch, _ addr: IPAddress) -> Bool {
    var hit = false
    for term in a.terms where !hit {
      switch term {
      case .any: hit = true
      case .network(let n): hit = n.family == addr.family && n.contains(addr)
      case .range(let lo, let hi): hit = lo.family == addr.family && lo.value <= addr.value && addr.value <= hi.value
      case .masked(let v, let mask): hit = v.family == addr.family && addr.value & mask.value == v.value & mask.value
      case .table(let name): hit = inTable(name, addr)
      case .interface(let name, let modifier, let prefix):
        if let nets = environment.networks(ofInterface: name, modifier: modifier, prefix: prefix) {
          hit = nets.contains { $0.family == addr.family && $0.contains(addr) }
        } else {
          unknownNames.insert(name)
        }
      case .noRoute, .urpfFailed:
        unknownNames.insert(term == .noRoute ? "no-route" : "urpf-failed")
      }
    }
    return hit != a.negated
  }

  /// Longest-prefix match over the table's entries.
  func inTable(_ name: String, _ addr: IPAddress) -> Bool {
    let entries: [AddressEnvironment.Entry]?
    if let cached = tableCache[name] {
      entries = cached
    } else {
      entries = environment.entries(ofTable: name)
      tableCache[name] = entries
    }
    guard let entries else {
      unknownNames.insert("<\(name)>")
      return false
    }
    var best: AddressEnvironment.Entry? = nil
    for e in entries where e.network.family == addr.family && e.network.contains(addr) {
      if best == nil || e.network.prefix >= best!.network.prefix { best = e }
    }
    return best?.included ?? false
  }
}
