import FirewallIR

/// List expansion and pfctl's per-rule checks (`expand_rule`, `rule_consistent`).
extension PFParser {
  /// Picks the rule's family from a pool when every host shares one, then drops hosts of the
  /// other family (pfctl's decide_address_family + remove_invalid_hosts).
  static func settleFamily(_ hosts: inout [PFHost], _ af: inout AddressFamily?, decide: Bool) {
    if decide, af == nil, let first = hosts.first, let f = first.family, hosts.allSatisfy({ $0.family == f }) {
      af = f
    }
    var kept: [PFHost] = []
    for h in hosts {
      if let a = af, let f = h.family, f != a { continue }
      if af == nil, let f = h.family { af = f }
      kept.append(h)
    }
    hosts = kept
  }

  /// Sets the family when every host of a list has the same one (decide_address_family).
  static func decideFamily(_ hosts: [PFHost], _ af: inout AddressFamily?) {
    guard af == nil, let f = hosts.first?.family, hosts.allSatisfy({ $0.family == f }) else { return }
    af = f
  }

  /// Applies pool defaults and checks to a translation pool (nat-to, rdr-to, `->`).
  mutating func settlePool(_ spec: PoolSpec, kind: PFAction, af: inout AddressFamily?, afTo: Bool = false) throws
    -> PFPool
  {
    var p = spec.pool
    if afTo {
      PFParser.settleFamily(&p.hosts, &af, decide: false)
    } else {
      PFParser.settleFamily(&p.hosts, &af, decide: false)
      if p.hosts.isEmpty {
        throw error("no translation address with matching address family found.", at: spec.location)
      }
      if af == nil,
        p.hosts.contains(where: { h in
          if case .table = h.address { return false }
          if case .dynamic = h.address { return false }
          if case .interfaceName = h.address { return false }
          return true
        })
      {
        throw error(
          "address family not given and translation address expands to multiple address families", at: spec.location)
      }
    }
    for h in p.hosts {
      if h.negated { throw error("translation address cannot be negated", at: spec.location) }
    }
    if p.type == .bitmask || p.type == .random || p.type == .sourceHash {
      if p.hosts.count > 1 {
        throw error("only round-robin valid for multiple redirection addresses", at: spec.location)
      }
    }
    if p.type != .none && p.type != .roundRobin {
      for h in p.hosts {
        if case .table = h.address, p.type != .random {
          throw error("tables are not supported by pool type", at: spec.location)
        }
        if case .dynamic(let ifname, _, _) = h.address {
          throw error("interface (\(ifname)) is not supported by pool type", at: spec.location)
        }
      }
    }
    if p.type == .none && !afTo && (p.hosts.count > 1 || p.hosts.contains(where: PFParser.isMultiAddress)) {
      p.type = .roundRobin
    }
    if p.staticPort && kind != .nat {
      throw error("the 'static-port' option is only valid with nat rules", at: spec.location)
    }
    if p.mapE != nil && kind != .nat {
      throw error("the 'map-e-portset' option is only valid with nat rules", at: spec.location)
    }
    if p.mapE != nil && p.staticPort {
      throw error("the 'map-e-portset' option can't be used 'static-port'", at: spec.location)
    }
    if kind == .nat {
      if spec.portGiven {
        if p.staticPort {
          throw error("the 'static-port' option can't be used when specifying a port range", at: spec.location)
        }
        if p.mapE != nil {
          throw error("the 'map-e-portset' option can't be used when specifying a port range", at: spec.location)
        }
        p.proxyLow = UInt16(spec.portLow)
        p.proxyHigh = UInt16(spec.portHigh == 0 ? spec.portLow : spec.portHigh)
      } else if p.staticPort {
        p.proxyLow = 0
        p.proxyHigh = 0
      } else {
        p.proxyLow = 50001
        p.proxyHigh = 65535
      }
    } else if spec.portGiven {
      p.proxyLow = UInt16(spec.portLow)
      p.proxyHigh = UInt16(spec.portHigh)
    }
    return p
  }

  static func isMultiAddress(_ h: PFHost) -> Bool {
    if case .table = h.address { return true }
    if case .dynamic(_, let mods, _) = h.address { return !mods.contains("0") }
    return false
  }

  /// Expands a rule's lists into the rules pfctl loads, in pfctl's order.
  mutating func expand(_ spec: RuleSpec) throws -> [PFRule] {
    var out: [PFRule] = []
    try expand(spec, into: &out)
    return out
  }

  /// Expands a rule's lists, appending the rules to `out` (a ruleset's list of one kind).
  mutating func expand(_ spec: RuleSpec, into out: inout [PFRule]) throws {
    var base = spec.rule
    var af = base.af
    // pfctl decides the family from the source, then the destination hosts, when all agree;
    // pools then drop hosts of another family (the first host with a family decides if none).
    PFParser.decideFamily(spec.srcHosts, &af)
    PFParser.decideFamily(spec.dstHosts, &af)
    if spec.routeGiven {
      var hosts = base.route.hosts
      if base.afTo == nil && !(base.route.preferIPv6NextHop && af == .inet) {
        PFParser.settleFamily(&hosts, &af, decide: false)
        if hosts.isEmpty { throw error("no routing address with matching address family found.") }
      }
      base.route.hosts = hosts
      if base.route.type == .none && (hosts.count > 1 || hosts.contains(where: PFParser.isMultiAddress)) {
        base.route.type = .roundRobin
      }
    }
    if let afTo = base.afTo {
      guard af != nil else { throw error("must indicate address family with af-to") }
      var toAF: AddressFamily? = afTo
      if let n = spec.natSpec {
        let p = try settlePool(n, kind: .nat, af: &toAF, afTo: true)
        if p.hosts.isEmpty { throw error("af-to address family mismatch") }
        base.natPool = p
      }
      if let r = spec.rdrSpec { base.rdrPool = try settlePool(r, kind: .rdr, af: &toAF, afTo: true) }
    } else {
      if let n = spec.natSpec { base.natPool = try settlePool(n, kind: .nat, af: &af) }
      if let r = spec.rdrSpec { base.rdrPool = try settlePool(r, kind: .rdr, af: &af) }
    }
    if base.action.isTranslation, let t = pendingTranslation {
      base.translation = try settlePool(t, kind: base.action == .noNat ? .nat : base.action, af: &af)
    }

    let first = out.count
    var errors = 0
    for (ifname, ifnot) in spec.interfaces {
      for proto in spec.protos {
        for icmp in spec.icmp {
          for src in spec.srcHosts {
            for sport in spec.srcPorts {
              for os in spec.oses {
                for dst in spec.dstHosts {
                  for dport in spec.dstPorts {
                    for uid in spec.uids {
                      for gid in spec.gids {
                        if let a = af, let f = src.family, a != f { continue }
                        if let a = af, let f = dst.family, a != f { continue }
                        if let a = src.family, let b = dst.family, a != b { continue }
                        if let a = src.scope, let b = dst.scope, a != b { continue }
                        if let s = src.scope, !ifname.isEmpty, s != ifname { continue }
                        if let s = dst.scope, !ifname.isEmpty, s != ifname { continue }
                        out.append(base)
                        let k = out.count - 1
                        out[k].af = af ?? src.family ?? dst.family
                        out[k].ifname = ifname.isEmpty ? (src.scope ?? dst.scope) : ifname
                        out[k].ifNot = ifnot
                        out[k].proto = proto
                        out[k].src.address = PFParser.fixDynamicMask(src.address, af: out[k].af)
                        out[k].src.negated = src.negated
                        out[k].src.port = sport
                        out[k].dst.address = PFParser.fixDynamicMask(dst.address, af: out[k].af)
                        out[k].dst.negated = dst.negated
                        out[k].dst.port = dport
                        out[k].os = os
                        out[k].uid = uid
                        out[k].gid = gid
                        out[k].icmpType = icmp.type
                        out[k].icmpCode = icmp.code
                        if (out[k].keepState == .modulate || out[k].keepState == .synproxy) && proto != 0 && proto != 6
                        {
                          out[k].keepState = .keep
                        }
                        if proto != 0 && proto != 6 {
                          out[k].flags = 0
                          out[k].flagset = 0
                        }
                        var problems: [String] = []
                        if icmp.proto != 0 && proto != icmp.proto { problems.append("icmp-type mismatch") }
                        if case .addrMask(_, let p) = out[k].src.address, out[k].af == .inet, p > 32 {
                          problems.append("netmask \(p) invalid for IPv4 address")
                        }
                        if case .addrMask(_, let p) = out[k].dst.address, out[k].af == .inet, p > 32 {
                          problems.append("netmask \(p) invalid for IPv4 address")
                        }
                        problems += PFParser.consistencyProblems(out[k])
                        if problems.isEmpty {
                          out[k].nr = k
                        } else {
                          out.removeLast()
                          for p in problems { diags.error(p, at: spec.location, id: "pf-semantic") }
                          diags.error("skipping rule due to errors", at: spec.location, id: "pf-semantic")
                          errors += 1
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    if out.count == first && errors == 0 {
      diags.error("rule expands to no valid combination", at: spec.location, id: "pf-semantic")
    }
  }

  /// A dynamic address's mask narrows to 32 bits in an IPv4 rule (check_netmask).
  static func fixDynamicMask(_ a: PFAddress, af: AddressFamily?) -> PFAddress {
    if case .dynamic(let n, let m, let p) = a, af == .inet, let pp = p, pp > 32 {
      return .dynamic(ifname: n, modifiers: m, prefix: 32)
    }
    return a
  }

  /// pfctl's filter_consistent / rdr_consistent checks.
  static func consistencyProblems(_ r: PFRule) -> [String] {
    var p: [String] = []
    switch r.action {
    case .pass, .block, .match, .scrub, .noScrub:
      if r.proto != 6 && r.proto != 17 && r.proto != 132 && (r.src.port != nil || r.dst.port != nil) {
        p.append("port only applies to tcp/udp/sctp")
      }
      if r.proto != 1 && r.proto != 58 && (r.icmpType != 0 || r.icmpCode != 0) {
        p.append("icmp-type/code only applies to icmp")
      }
      if r.af == nil && (r.icmpType != 0 || r.icmpCode != 0) {
        p.append("must indicate address family with icmp-type/code")
      }
      if r.stateOptions.overload != nil && r.stateOptions.maxSrcConn == 0 && r.stateOptions.maxSrcConnRate == nil {
        p.append("'overload' requires 'max-src-conn' or 'max-src-conn-rate'")
      }
      if (r.proto == 1 && r.af == .inet6) || (r.proto == 58 && r.af == .inet) {
        p.append(
          "proto \(r.proto == 1 ? "icmp" : "icmp6") doesn't match address family \(r.af == .inet ? "inet" : "inet6")")
      }
      if r.allowOpts && r.action != .pass && r.action != .match {
        p.append("allow-opts can only be specified for pass or match rules")
      }
      if r.fragment && (r.src.port != nil || r.dst.port != nil || r.flagset != 0 || r.icmpType != 0 || r.icmpCode != 0)
      {
        p.append("fragments can be filtered only on IP header fields")
      }
      if case .returnRST = r.blockPolicy, r.action == .block, r.proto != 6 {
        p.append("return-rst can only be applied to TCP rules")
      }
      if r.stateOptions.maxSrcNodes != 0 && r.stateOptions.sourceTrack != "rule" {
        p.append("max-src-nodes requires 'source-track rule'")
      }
      if r.stateOptions.sloppy && (r.keepState == .modulate || r.keepState == .synproxy) {
        p.append("sloppy state matching cannot be used with synproxy state or modulate state")
      }
    case .rdr, .noRdr:
      if r.proto != 6 && r.proto != 17 && r.proto != 132 {
        if r.src.port != nil { p.append("src port only applies to tcp/udp/sctp") }
        if r.dst.port != nil { p.append("dst port only applies to tcp/udp/sctp") }
        if r.translation.proxyLow != 0 { p.append("rpool port only applies to tcp/udp/sctp") }
      }
      if let op = r.dst.port?.op, op != .equal, op != .inclusiveRange {
        p.append("invalid port operator for rdr destination port")
      }
    default: break
    }
    return p
  }
}
