import FirewallIR

/// Lowers a parsed pf.conf into the IR: pf's evaluation model (last match wins unless `quick`,
/// translation before filtering, anchors evaluated in place), with every rule's origin.
public enum PFLowering {
  /// `return-icmp`'s codes when none are given: port unreachable (ICMP 3/3, ICMPv6 1/4).
  static let defaultReturnICMP: UInt16 = 3 << 8 | 3
  static let defaultReturnICMP6: UInt16 = 1 << 8 | 4
  public static func lower(_ config: PFConfig) -> Ruleset {
    var rs = Ruleset(language: .pf, evaluation: .lastMatchUnlessQuick)
    for name in config.tableOrder {
      guard let t = config.tables[name] else { continue }
      var table = Table(name: name, entries: [], origin: t.origin)
      for h in t.entries {
        let term = addressTerm(h.address)
        if h.negated { table.excluded.append(term) } else { table.entries.append(term) }
      }
      table.files = t.files
      rs.tables[name] = table
    }
    rs.rules = lower(config.main, path: "", into: &rs)
    rs.skippedInterfaces = config.skip
    return rs
  }

  /// The rules of one anchor in evaluation order: ether, scrub, translation, then filter.
  static func lower(_ set: PFRuleset, path: String, into rs: inout Ruleset) -> [Rule] {
    var out: [Rule] = []
    for r in set.ether { out.append(lower(ether: r)) }
    for bucket in [set.scrub, set.nat, set.rdr, set.binat, set.filter] {
      for r in bucket {
        var rule = lower(r)
        if case .translate(.binat, _) = rule.action {
          // binat maps outbound packets from its source, and inbound ones to its new address back.
          rule.match.direction = .out
          out.append(rule)
          if let back = rule.binatInboundHalf { out.append(back) }
        } else {
          out.append(rule)
        }
        if let anchor = r.anchor, let call = r.anchorCall {
          let sub = path.isEmpty ? call : path + "/" + call
          rs.subrulesets[sub] = lower(anchor, path: sub, into: &rs)
        }
      }
    }
    return out
  }

  public static func addressTerm(_ a: PFAddress) -> AddressTerm {
    switch a {
    case .addrMask(nil, _): return .any
    case .addrMask(let addr?, let p): return .network(IPNetwork(address: addr, prefix: p))
    case .range(let a, let b): return .range(a, b)
    case .dynamic(let n, let mods, let p): return .interface(name: n, modifier: mods.first, prefix: p)
    case .interfaceName(let text):
      let parts = text.split(separator: ":").map(String.init)
      return .interface(name: parts[0], modifier: parts.count > 1 ? parts[1] : nil, prefix: nil)
    case .table(let t): return .table(t)
    case .noRoute: return .noRoute
    case .urpfFailed: return .urpfFailed
    }
  }

  static func range(_ r: PFRange?) -> RangeMatch? {
    r.map { RangeMatch($0.op, $0.a, $0.b) }
  }

  static func translation(_ kind: TranslationKind, _ p: PFPool) -> Translation {
    var t = Translation(kind: kind, targets: p.hosts.map { addressTerm($0.address) })
    if p.proxyLow != 0 || p.proxyHigh != 0 {
      t.portLow = p.proxyLow
      t.portHigh = p.proxyHigh == 0 ? nil : p.proxyHigh
    }
    switch p.type {
    case .none: break
    case .bitmask: t.pool = "bitmask"
    case .random: t.pool = "random"
    case .sourceHash: t.pool = "source-hash"
    case .roundRobin: t.pool = "round-robin"
    }
    if p.sticky { t.options.append("sticky-address") }
    if p.staticPort || (kind == .nat && p.proxyLow == 0 && p.proxyHigh == 0) { t.options.append("static-port") }
    if p.endpointIndependent { t.options.append("endpoint-independent") }
    if p.mapE != nil { t.options.append("map-e-portset") }
    return t
  }

  public static func lower(_ r: PFRule) -> Rule {
    var m = Match()
    m.family = r.af
    m.protocols = r.proto == 0 ? nil : [r.proto]
    m.source = AddressMatch([addressTerm(r.src.address)], negated: r.src.negated)
    m.destination = AddressMatch([addressTerm(r.dst.address)], negated: r.dst.negated)
    m.sourcePort = range(r.src.port).map { [$0] }
    m.destinationPort = range(r.dst.port).map { [$0] }
    m.direction = r.direction
    m.interface = r.ifname
    m.interfaceNegated = r.ifNot
    if r.flagset != 0 { m.tcpFlags = TCPFlagsMatch(set: r.flags, mask: r.flagset) }
    if r.icmpType != 0 { m.icmpType = [UInt8(r.icmpType - 1)] }
    if r.icmpCode != 0 { m.icmpCode = UInt8(r.icmpCode - 1) }
    if r.tos != 0 { m.tos = r.tos }
    m.user = range(r.uid)
    m.group = range(r.gid)
    m.tagged = r.tagged
    m.taggedNegated = r.taggedNot
    m.fragment = r.fragment
    if r.probability != 0 { m.probability = Double(r.probability) / Double(UInt32.max) }
    if let os = r.os { m.opaque.append("os \"\(os)\"") }
    if let rc = r.receivedOn { m.opaque.append("\(r.receivedOnNot ? "!" : "")received-on \(rc)") }
    if r.prio != nil { m.opaque.append("prio") }
    if r.maxPktSize != 0 { m.opaque.append("max-pkt-size") }

    let phase: Phase
    let action: Action
    var translations: [Translation] = []
    switch r.action {
    case .pass: action = .pass; phase = .filter
    case .match: action = .match; phase = .filter
    case .block:
      phase = .filter
      switch r.blockPolicy {
      case .drop: action = .block(.drop)
      case .return: action = .block(.returnAny)
      case .returnRST: action = .block(.returnRST)
      case .returnICMP: action = .block(.returnICMP)
      }
    case .scrub, .noScrub: action = .match; phase = .normalization
    case .nat, .noNat, .rdr, .noRdr, .binat, .noBinat:
      phase = .translation
      let kind: TranslationKind =
        [.nat, .noNat].contains(r.action) ? .nat : [.rdr, .noRdr].contains(r.action) ? .rdr : .binat
      let negated = [.noNat, .noRdr, .noBinat].contains(r.action)
      action = .translate(kind, negated: negated)
      if !negated && r.anchorCall == nil { translations.append(translation(kind, r.translation)) }
    }
    if let n = r.natPool { translations.append(translation(.nat, n)) }
    if let d = r.rdrPool, !d.hosts.isEmpty { translations.append(translation(.rdr, d)) }

    var features: [String] = []
    if let k = r.routeKind { features.append(k) }
    if r.queue != nil { features.append("queue") }
    if !r.labels.isEmpty { features.append("label") }
    if r.setPrio != nil { features.append("set prio") }
    if r.rtable != nil { features.append("rtable") }
    if r.divertPort != 0 || r.divertReply { features.append("divert") }
    if r.maxPktRate != nil { features.append("max-pkt-rate") }
    if r.afTo != nil { features.append("af-to") }
    if r.once { features.append("once") }
    if r.keepState == .synproxy { features.append("synproxy state") }
    if r.keepState == .modulate { features.append("modulate state") }
    if !r.stateOptions.isEmpty { features.append("state options") }
    if r.stateLimiter != nil || r.sourceLimiter != nil { features.append("limiter") }
    if r.dnpipe != 0 { features.append(r.dnIsPipe ? "dnpipe" : "dnqueue") }
    if r.allowOpts { features.append("allow-opts") }
    if r.natPass { features.append("pass (on translation rule)") }
    // Details the IR does not carry: named, so that no pass or translation takes two rules
    // that differ in them for one.
    if r.logAll || r.logMatches || r.logUser || r.logIf != 0 { features.append("log options") }
    if r.ridentifier != 0 { features.append("ridentifier") }
    switch r.blockPolicy {
    case .returnRST(let ttl) where ttl != 0: features.append("return-rst ttl")
    case .returnICMP(let v4, let v6) where v4 != Self.defaultReturnICMP || v6 != Self.defaultReturnICMP6:
      features.append("return-icmp code")
    default: break
    }
    if r.noDF || r.randomID || r.minTTL != 0 || r.maxMSS != 0 || r.setTOS != nil || r.reassembleTCP {
      features.append("scrub options")
    }

    var rule = Rule(
      phase: phase,
      match: m,
      action: r.anchorCall.map { .call($0) } ?? action,
      quick: r.quick,
      state: r.keepState == .none
        ? .none : r.keepState == .keep ? .keep : r.keepState == .modulate ? .modulate : .synproxy,
      log: r.log,
      translation: translations,
      tag: r.tag,
      features: features,
      origin: [r.origin])
    rule.number = r.nr
    return rule
  }

  static func lower(ether r: PFEtherRule) -> Rule {
    var m = Match()
    m.direction = r.direction
    m.interface = r.ifname
    m.interfaceNegated = r.ifNot
    m.source = AddressMatch([addressTerm(r.ipsrc.address)], negated: r.ipsrc.negated)
    m.destination = AddressMatch([addressTerm(r.ipdst.address)], negated: r.ipdst.negated)
    m.tagged = r.tagged
    m.taggedNegated = r.taggedNot
    if r.src != nil || r.dst != nil { m.opaque.append("mac") }
    if r.proto != 0 { m.opaque.append("ethertype") }
    return Rule(
      phase: .ethernet, match: m, action: r.anchorCall.map { .call($0) } ?? (r.action == .pass ? .pass : .block(.drop)),
      quick: r.quick, tag: r.tag, features: r.queue != nil ? ["queue"] : [], origin: [r.origin])
  }
}
