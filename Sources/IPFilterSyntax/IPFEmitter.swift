import FirewallIR

/// Writes IR rules as an ipfilter bundle: ipf.conf (filter rules), ipnat.conf (translation
/// rules) and ippool.conf (tables as tree pools).
///
/// ipf rules hold one protocol, one address or pool and one port comparison per side, and a
/// direction: a rule with lists or without a direction becomes several adjacent rules with the
/// same action, which decide alike under ipf's order. The rules must already be in ipf's order
/// (last match unless `quick`) with no groups or jumps; `gap(in:)` says beforehand what ipf
/// cannot say.
public enum IPFEmitter {
  public struct Options: Sendable {
    public var origins = true
    public var source: Language?
    public init() {}
  }

  /// The three files of a bundle; an empty part is not needed.
  public struct Bundle: Sendable {
    public var ipf = ""
    public var ipnat = ""
    public var ippool = ""
  }

  /// What ipfilter cannot say in a rule, if anything.
  public static func gap(in r: Rule) -> (what: String, reason: String)? {
    let m = r.match
    if let o = m.opaque.first { return (o, "ipfilter has no such match") }
    if m.user != nil || m.group != nil { return ("user/group", "ipfilter does not match socket owners") }
    if m.probability != nil { return ("probability", "ipfilter has no random match") }
    if m.interfaceNegated { return ("a negated interface", "ipf rules name the interface they apply to") }
    if let i = m.interface, i.last?.isNumber != true {
      return ("interface group \(i)", "ipfilter matches interfaces by name, not by group")
    }
    if m.icmpCode != nil && (m.icmpType?.count ?? 0) != 1 {
      return ("icmp-code", "ipf matches an ICMP code with one ICMP type")
    }
    if let ps = m.protocols, ps.contains(132), m.sourcePort != nil || m.destinationPort != nil {
      return ("sctp ports", "ipf compares ports of TCP and UDP only")
    }
    if m.fragment && m.conditions != nil { return ("fragment", "combined with other header conditions") }
    for a in [m.source, m.destination] {
      for t in a.terms {
        switch t {
        case .interface, .noRoute, .urpfFailed:
          return ("\(describe(t))", "ipf rules have no address of an interface")
        case .range where a.negated:
          return ("a negated address range", "ipf has no ranges")
        case .table where a.terms.count > 1:
          return ("a table in an address list", "ipf names one pool per side")
        default: continue
        }
      }
    }
    if r.phase == .translation {
      guard case .translate(let kind, let negated) = r.action else { return nil }
      if negated { return ("no \(kind.rawValue)", "not translated to ipnat") }
      if m.interface == nil || m.interfaceNegated {
        return ("\(kind.rawValue) without an interface", "ipnat rules name their interface")
      }
      if m.family == .inet6 { return ("IPv6 \(kind.rawValue)", "not translated to ipnat") }
      guard let t = r.translation.first, t.targets.count == 1 else {
        return ("an address pool", "ipnat maps to one address or network")
      }
      switch t.targets[0] {
      case .network, .interface(_, "0", nil): break
      case .interface(let name, nil, nil) where name == m.interface: break
      default:
        return ("the translation address \(describe(t.targets[0]))", "ipnat maps to an address, a network or 0/32")
      }
      if t.pool != nil && t.pool != "round-robin" { return (t.pool!, "ipnat has no such pool option") }
      if kind == .rdr {
        if m.destination.negated || m.source.negated {
          return ("a negated address on an rdr rule", "not translated to ipnat")
        }
        if let ps = m.sourcePort, ps.count != 1 {
          return ("a source port list on an rdr rule", "ipnat compares one port")
        }
        if let ps = m.destinationPort, ps.count != 1 || ps[0].op != .equal {
          return ("an rdr port comparison", "ipnat redirects one port")
        }
        if m.protocols != nil && m.protocols! != [6] && m.protocols! != [17] && m.protocols! != [6, 17] {
          return ("rdr protocol", "ipnat redirects tcp, udp or both")
        }
        if t.portHigh != nil { return ("an rdr target port range", "not translated to ipnat") }
      }
      if kind == .nat {
        for ps in [m.sourcePort, m.destinationPort] where (ps?.count ?? 1) != 1 {
          return ("a port list on a nat rule", "ipnat compares one port per side")
        }
        if m.protocols.map({ $0.count > 1 && $0 != [6, 17] }) == true {
          return ("a protocol list on a nat rule", "ipnat names one protocol or tcp/udp")
        }
      }
      if m.source.negated { return ("a negated source on a translation rule", "not translated to ipnat") }
      // The inbound half of a binat has the outbound rule's destination as its source.
      let far = m.direction == .in ? m.source : m.destination
      if kind == .binat, !far.isAny || m.protocols != nil || m.sourcePort != nil || m.destinationPort != nil {
        return ("binat with a destination, protocol or ports", "ipnat's bimap maps an address only")
      }
      for a in [m.source, m.destination] where a.terms.count > 1 {
        return ("an address list on a translation rule", "ipnat rules name one address per side")
      }
    }
    return nil
  }

  static func describe(_ t: AddressTerm) -> String {
    if case .any = t { return "any" }
    switch t {
    case .interface(let n, let mod, _): return "(\(n)\(mod.map { ":" + $0 } ?? ""))"
    case .noRoute: return "no-route"
    case .urpfFailed: return "urpf-failed"
    default: return "address"
    }
  }

  /// The ipfilter files of a translated ruleset.
  public static func emit(_ rs: Ruleset, options: Options = Options()) -> Bundle {
    var b = Bundle()
    var pools: [(name: String, entries: [AddressTerm], excluded: [AddressTerm])] = []
    var poolNames: [String: String] = [:]
    func pool(_ table: String) -> String {
      if let n = poolNames[table] { return n }
      let n = poolName(table)
      poolNames[table] = n
      let t = rs.tables[table]
      pools.append((n, t?.entries ?? [], t?.excluded ?? []))
      return n
    }
    func anonymous(_ terms: [AddressTerm]) -> String {
      let n = "fwc\(pools.count + 1)"
      pools.append((n, terms, []))
      return n
    }
    let header = options.source.map { "# translated by fwc from \($0.rawValue)\n" } ?? ""
    var ipf = header
    ipf.reserveCapacity(rs.rules.count * 120)
    var ipnat = header
    for r in rs.rules where !(r.translationKind == .binat && r.match.direction == .in) {
      let comment = originComment(r, options)
      if r.phase == .translation {
        ipnat += comment + natRule(r, pool: pool) + "\n"
        continue
      }
      guard r.phase == .filter else { continue }
      ipf += comment
      for line in filterRules(r, pool: pool, anonymous: anonymous) {
        ipf += line
        ipf += "\n"
      }
    }
    var ippool = header
    for p in pools {
      let entries = p.entries.flatMap(cidrs).map { "\($0);" } + p.excluded.flatMap(cidrs).map { "!\($0);" }
      let key = p.name.allSatisfy(\.isNumber) ? "number = \(p.name)" : "name = \(p.name)"
      ippool += "table role = ipf type = tree \(key) { " + entries.joined(separator: " ") + " };\n"
    }
    b.ipf = ipf
    if rs.rules.contains(where: { $0.phase == .translation }) { b.ipnat = ipnat }
    if !pools.isEmpty { b.ippool = ippool }
    return b
  }

  static func originComment(_ r: Rule, _ options: Options) -> String {
    if r.origin.isEmpty, let c = r.comment { return "# \(c)\n" }
    guard options.origins, let o = r.origin.first else { return "" }
    return "# from \(o.commentText)\n"
  }

  /// A pool name ipf accepts: letters, digits and `_`.
  static func poolName(_ table: String) -> String {
    let cleaned = String(table.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    return cleaned.first?.isNumber == true && !cleaned.allSatisfy(\.isNumber) ? "t" + cleaned : cleaned
  }

  /// An address term as CIDR blocks, as ipf writes them.
  public static func cidrs(_ t: AddressTerm) -> [String] {
    switch t {
    case .network(let n): return [n.description + (n.prefix == n.family.bitCount ? "/\(n.prefix)" : "")]
    case .range(let a, let b): return IPNetwork.covering(from: a, to: b).map { "\($0.address)/\($0.prefix)" }
    case .masked(let a, let m): return ["\(a)/\(m)"]
    default: return []
    }
  }

  /// One side's address choices: each alternative is one rule's `from`/`to` text.
  static func sides(_ a: AddressMatch, pool: (String) -> String, anonymous: ([AddressTerm]) -> String) -> [String] {
    if a.isAny { return ["any"] }
    let bang = a.negated ? "!" : ""
    if a.terms.count == 1, case .table(let t) = a.terms[0] { return [bang + "pool/" + pool(t)] }
    let blocks = a.terms.flatMap { t -> [String] in
      switch t {
      case .any: return ["any"]
      case .masked(let x, let m): return ["\(x) mask \(m)"]
      default: return cidrs(t)
      }
    }
    if a.negated {
      if blocks.count == 1 { return ["!" + blocks[0]] }
      return ["!pool/" + anonymous(a.terms)]
    }
    return blocks
  }

  static func port(_ r: RangeMatch) -> String {
    switch r.op {
    case .equal: return "port = \(r.low)"
    case .inclusiveRange: return "port \(r.low):\(r.high)"
    case .exclusiveRange: return "port \(r.low) >< \(r.high)"
    case .outsideRange: return "port \(r.low) <> \(r.high)"
    default: return "port \(r.op.rawValue) \(r.low)"
    }
  }

  static func flags(_ f: TCPFlagsMatch) -> String {
    "flags " + IPFPrinter.flags(Int(f.set)) + "/" + IPFPrinter.flags(Int(f.mask))
  }

  /// A filter rule as ipf rules: one per direction, protocol, address, port and ICMP type.
  public static func filterRules(
    _ r: Rule, pool: (String) -> String, anonymous: ([AddressTerm]) -> String
  ) -> [String] {
    let m = r.match
    var action: String
    switch r.action {
    case .pass: action = "pass"
    case .block(let how):
      switch how {
      case .returnRST, .returnRST6: action = "block return-rst"
      // pf's return-icmp answers port unreachable; ipf's bare return-icmp would say net.
      case .returnICMP: action = "block return-icmp(3)"
      case .icmpUnreachable(let code, _), .icmp6Unreachable(let code): action = "block return-icmp(\(code))"
      case .returnAny: action = m.protocols == [6] ? "block return-rst" : "block return-icmp(3)"
      default: action = "block"
      }
    default: action = "count"
    }
    let directions = m.direction.map { [$0.rawValue] } ?? ["in", "out"]
    let protocols: [UInt8?] = m.protocols.map { $0.map { Optional($0) } } ?? [nil]
    let sources = sides(m.source, pool: pool, anonymous: anonymous)
    let destinations = sides(m.destination, pool: pool, anonymous: anonymous)
    let sourcePorts: [String?] = m.sourcePort.map { $0.map { Optional(port($0)) } } ?? [nil]
    let destinationPorts: [String?] = m.destinationPort.map { $0.map { Optional(port($0)) } } ?? [nil]
    let icmpTypes: [UInt8?] = m.icmpType.map { $0.map { Optional($0) } } ?? [nil]
    var out: [String] = []
    for d in directions {
      for p in protocols {
        for s in sources {
          for sp in sourcePorts {
            for dst in destinations {
              for dp in destinationPorts {
                for t in icmpTypes {
                  var head = " " + d
                  if r.log { head += " log" }
                  if r.quick { head += " quick" }
                  if let i = m.interface { head += " on \(i)" }
                  if let f = m.family {
                    head += " family \(f.keyword)"
                  } else if p == 58 && t != nil {
                    // ipf reads ICMP types as ICMPv6 only in an inet6 rule.
                    head += " family inet6"
                  }
                  if let t = m.tos { head += " tos \(t)" }
                  let ends = " from \(s)" + (sp.map { " " + $0 } ?? "") + " to \(dst)" + (dp.map { " " + $0 } ?? "")
                  var tail = ""
                  if let t { tail += " icmp-type \(t)" + (m.icmpCode.map { " code \($0)" } ?? "") }
                  if m.fragment { tail += " with frag" }
                  if let c = m.conditions { tail += conditionWords(c) }
                  tail += stateWords(r)
                  let proto = p.map { " proto " + ProtocolNames.ruleWord($0) } ?? ""
                  if let f = m.tcpFlags, p == nil {
                    // Flags constrain TCP packets only, and ipf writes them on TCP rules: TCP
                    // packets skip the rule for the other protocols and meet the TCP rule.
                    out.append("skip 1" + head + " proto tcp" + ends)
                    out.append(action + head + ends + tail)
                    out.append(action + head + " proto tcp" + ends + " " + flags(f) + tail)
                  } else {
                    let flagWords = m.tcpFlags.map { p == 6 ? " " + flags($0) : "" } ?? ""
                    out.append(action + head + proto + ends + flagWords + tail)
                  }
                }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// `keep state` and its limits, on pass rules that keep state.
  static func stateWords(_ r: Rule) -> String {
    guard r.state != .none, case .pass = r.action else { return "" }
    var s = " keep state"
    if let l = r.stateLimits {
      var opts: [String] = []
      if let n = l.states { opts.append("limit \(n)") }
      if let n = l.sources { opts.append("max-srcs \(n)") }
      if let n = l.statesPerSource { opts.append("max-per-src \(n)" + (l.sourcePrefix.map { "/\($0)" } ?? "")) }
      if !opts.isEmpty { s += " (" + opts.joined(separator: ", ") + ")" }
    }
    return s
  }

  /// `with` words for the header properties ipf rules name.
  static func conditionWords(_ c: HeaderConditions) -> String {
    typealias P = HeaderConditions.Property
    let names: [(UInt32, String)] = [
      (P.ipOptions, "ipopts"), (P.short, "short"), (P.fragment, "frag"), (P.fragmentBody, "frag-body"),
      (P.bad, "bad"), (P.badSource, "bad-src"), (P.multicastBroadcast, "mbcast"), (P.broadcast, "bcast"),
      (P.multicast, "mcast"),
    ]
    var words: [String] = []
    for (bit, name) in names where c.mask & bit != 0 {
      words.append((c.bits & bit != 0 ? "" : "not ") + name)
    }
    return words.isEmpty ? "" : " with " + words.joined(separator: ", ")
  }

  static func natRule(_ r: Rule, pool: (String) -> String) -> String {
    guard case .translate(let kind, _) = r.action, let t = r.translation.first else { return "# ?" }
    let m = r.match
    let ifname = m.interface ?? "?"
    func object(_ a: AddressMatch) -> String {
      if a.isAny { return "any" }
      if a.terms.count == 1, case .table(let n) = a.terms[0] { return "pool/" + pool(n) }
      return a.terms.flatMap(cidrs).first ?? "any"
    }
    var target: String
    switch t.targets[0] {
    case .interface: target = "0/32"
    default: target = t.targets.flatMap(cidrs).first ?? "0/32"
    }
    var proto = ""
    switch m.protocols {
    case [6]?: proto = " tcp"
    case [17]?: proto = " udp"
    case [6, 17]?: proto = " tcp/udp"
    case let ps? where ps.count == 1: proto = " \(ps[0])"
    default: proto = ""
    }
    switch kind {
    case .nat:
      func side(_ a: AddressMatch, _ ports: [RangeMatch]?) -> String {
        (a.negated ? "! " : "") + object(a) + (ports.map { " " + port($0[0]) } ?? "")
      }
      var base = "map \(ifname) from " + side(m.source, m.sourcePort) + " to " + side(m.destination, m.destinationPort)
      base += " -> \(target)"
      var options = ""
      if t.pool == "round-robin" { options += " round-robin" }
      if t.options.contains("sticky-address") || t.options.contains("sticky") { options += " sticky" }
      guard let low = t.portLow else { return base + options + proto }
      let ports = "\(low):\(t.portHigh ?? low)"
      switch m.protocols {
      // pf maps the ports of TCP and UDP packets and the address of all others.
      case nil: return base + " portmap tcp/udp \(ports)" + options + "\n" + base + options
      case [6]?: return base + " portmap tcp \(ports)" + options
      case [17]?: return base + " portmap udp \(ports)" + options
      case [6, 17]?: return base + " portmap tcp/udp \(ports)" + options
      default: return base + options + proto
      }
    case .rdr:
      var s = "rdr \(ifname) from \(object(m.source))" + (m.sourcePort.map { " " + port($0[0]) } ?? "")
      s += " to \(object(m.destination))"
      if let p = m.destinationPort?.first { s += " port = \(p.low)" }
      s += " -> \(target)"
      if m.destinationPort != nil || t.portLow != nil {
        s += " port \(t.portLow.map(String.init) ?? String(m.destinationPort?.first?.low ?? 0))"
      }
      s += proto.isEmpty ? "" : proto
      if t.pool == "round-robin" { s += " round-robin" }
      if t.options.contains("sticky-address") || t.options.contains("sticky") { s += " sticky" }
      return s
    case .binat:
      return "bimap \(ifname) \(object(m.source)) -> \(target)"
    }
  }
}
