import FirewallIR

extension PacketSpace {
  /// An example header from a set, chosen to read well: TCP with SYN or ACK, UDP or ICMP echo when the
  /// set has such packets, other fields varied by a seeded generator (the same set and seed
  /// give the same example).
  public func readableExample(_ set: BDD, seed: UInt64) -> PacketHeader? {
    let m = manager
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    func coin(_ v: Int) -> Bool {
      state = state &+ 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return (z ^ (z >> 31)) & 1 == 1
    }
    // TCP SYN, TCP ACK and UDP are fixed header bits, tried on the set itself; ICMP echo (a
    // choice of family, protocol and type) and then anything are tried on intersections.
    func fixing(_ fields: [(BitField, UInt128)]) -> [Int8] {
      var fixed = [Int8](repeating: -1, count: m.variableCount)
      for (f, value) in fields {
        for k in 0..<f.width { fixed[Int(f.variable(lsb: k))] = (value >> UInt128(k)) & 1 == 1 ? 1 : 0 }
      }
      return fixed
    }
    for cube in [[(proto, 6), (tcpFlags, 0x02)], [(proto, 6), (tcpFlags, 0x10)], [(proto, 17)]]
      as [[(BitField, UInt128)]]
    {
      if let bits = m.example(set, fixing: fixing(cube), choosing: coin) { return header(bits) }
    }
    for p in [m.and(icmpPackets, m.or(m.equals(icmpType, 8), m.equals(icmpType, 128))), .all] {
      let x = m.and(set, p)
      if x != .empty, let bits = m.example(x, choosing: coin) { return header(bits) }
    }
    return nil
  }

  /// The set holding exactly one header.
  public func point(_ h: PacketHeader) -> BDD {
    let bits = self.bits(h)
    var r = BDD.all
    for (i, b) in bits.enumerated().reversed() {
      r = manager.and(b ? manager.variable(i) : manager.notVariable(i), r)
    }
    return r
  }

  /// The interface names a ruleset's matches mention, for building a space that tells them apart.
  public static func interfaceNames(_ rulesets: [Ruleset], host: HostContext) -> [String] {
    var names: Set<String> = Set(host.interfaces.map(\.name))
    for rs in rulesets {
      names.formUnion(rs.skippedInterfaces)
      for r in rs.rules + rs.subrulesets.values.flatMap({ $0 }) {
        if let i = r.match.interface { names.insert(i) }
      }
    }
    return names.sorted()
  }
}
