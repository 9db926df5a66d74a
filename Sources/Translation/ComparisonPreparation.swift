import FirewallIR

/// What a translation is compared with its input on, as `fwc translate --verify` and the tests
/// do: the same rulesets, up to spellings the languages do not share.
public enum ComparisonPreparation {
  /// Both steps below.
  public static func prepared(_ rs: Ruleset) -> Ruleset { withStandInTables(normalized(rs)) }

  /// Block replies compared by kind (reset, ICMP error, drop), not by ICMP code, which the
  /// languages spell with different defaults.
  public static func normalized(_ rs: Ruleset) -> Ruleset {
    func fix(_ r: Rule) -> Rule {
      var r = r
      if case .block(let how) = r.action {
        switch how {
        case .icmpUnreachable, .icmp6Unreachable: r.action = .block(.returnICMP)
        case .returnRST6: r.action = .block(.returnRST)
        default: break
        }
      }
      // An rdr to the port the packet already has is an rdr without a port.
      if r.phase == .translation, var t = r.translation.first, t.kind == .rdr, t.portHigh == nil,
        let ps = r.match.destinationPort, ps.count == 1, ps[0].op == .equal, t.portLow.map(UInt32.init) == ps[0].low
      {
        t.portLow = nil
        r.translation[0] = t
      }
      return r
    }
    // pf's nat port range applies to TCP and UDP only: as two rules, the way ipnat says it.
    func split(_ r: Rule) -> [Rule] {
      guard rs.language == .pf, r.phase == .translation, let t = r.translation.first, t.kind == .nat,
        t.portLow != nil
      else { return [r] }
      if r.match.protocols == nil {
        var ported = r
        ported.match.protocols = [6, 17]
        var plain = r
        plain.translation[0].portLow = nil
        plain.translation[0].portHigh = nil
        return [ported, plain]
      }
      if let ps = r.match.protocols, !ps.contains(6) && !ps.contains(17) {
        var plain = r
        plain.translation[0].portLow = nil
        plain.translation[0].portHigh = nil
        return [plain]
      }
      return [r]
    }
    var out = rs
    out.rules = rs.rules.flatMap(split).map(fix)
    out.subrulesets = rs.subrulesets.mapValues { $0.flatMap(split).map(fix) }
    return out
  }

  /// Tables whose contents are known only at run time (named but not defined, or loaded from a
  /// file) get stand-in contents: one IPv4 /24 and one IPv6 /64 per name, the same on both sides
  /// by the name as the emitters write it (`pool/100` becomes `pool_100`).
  public static func withStandInTables(_ rs: Ruleset) -> Ruleset {
    var out = rs
    for r in rs.rules + rs.subrulesets.values.joined() {
      for t in r.match.source.terms + r.match.destination.terms + r.translation.flatMap(\.targets) {
        guard case .table(let name) = t, rs.tables[name].map({ !$0.files.isEmpty }) ?? true else { continue }
        let key = name.map { $0.isLetter || $0.isNumber ? $0 : "_" }
        var h: UInt32 = 2_166_136_261
        for b in String(key).utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        let v4 = IPAddress(family: .inet, value: UInt128(0xF000_0000 | (h & 0x0FFF_FF00)))
        let v6 = IPAddress(family: .inet6, value: (UInt128(0xFD5A) << 112) | (UInt128(h) << 64))
        out.tables[name] = Table(
          name: name,
          entries: [.network(IPNetwork(address: v4, prefix: 24)), .network(IPNetwork(address: v6, prefix: 64))],
          origin: nil)
      }
    }
    return out
  }

  /// The host context, with stand-in addresses for interfaces the rulesets name but the
  /// context does not describe.
  public static func standInHost(_ host: HostContext, rulesets: [Ruleset]) -> HostContext {
    var names: [String] = []
    for rs in rulesets {
      for r in rs.rules + rs.subrulesets.values.joined() {
        for t in r.match.source.terms + r.match.destination.terms + r.translation.flatMap(\.targets) {
          if case .interface(let name, _, _) = t, name != "self", host.interface(named: name) == nil,
            !names.contains(name)
          {
            names.append(name)
          }
        }
      }
    }
    let usesSelf = rulesets.contains { rs in
      (rs.rules + rs.subrulesets.values.joined()).contains { r in
        (r.match.source.terms + r.match.destination.terms).contains {
          if case .interface("self", _, _) = $0 { return true } else { return false }
        }
      }
    }
    if usesSelf && host.interfaces.isEmpty && names.isEmpty { names.append("standin0") }
    var h = host
    for (i, n) in names.enumerated() {
      h.interfaces.append(
        HostContext.Interface(name: n, addresses: ["100.64.\(i % 256).1/24", "fd00:\(String(i, radix: 16))::1/64"]))
    }
    return h
  }
}
