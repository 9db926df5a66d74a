import FirewallIR

/// Prints a parsed pf.conf as `pfctl -o none -nv` does: echoed definitions first, then the
/// rules in load order (scrub, ether, nat, rdr, binat, filter), inline anchors nested.
public enum PFPrinter {
  public static func print(_ config: PFConfig) -> String { render(config).string }

  /// The print as UTF-8 bytes, for writing out without another copy.
  public static func render(_ config: PFConfig) -> TextBuffer {
    var out = TextBuffer()
    let rs = config.main
    let count = rs.scrub.count + rs.nat.count + rs.rdr.count + rs.binat.count + rs.filter.count + rs.ether.count
    // Rules print in about 90 bytes each: reserve once rather than grow by doubling.
    out = TextBuffer(capacity: config.echo.count * 40 + count * 100)
    for line in config.echo {
      out += line
      out += "\n"
    }
    ruleset(config.main, \.scrub, depth: 0, into: &out)
    etherRuleset(config.main, into: &out)
    ruleset(config.main, \.nat, depth: 0, into: &out)
    ruleset(config.main, \.rdr, depth: 0, into: &out)
    ruleset(config.main, \.binat, depth: 0, into: &out)
    ruleset(config.main, \.filter, depth: 0, into: &out)
    return out
  }

  static func ruleset(_ rs: PFRuleset, _ kind: KeyPath<PFRuleset, [PFRule]>, depth: Int, into out: inout TextBuffer) {
    let rules = rs[keyPath: kind]
    for i in rules.indices {
      if depth > 0 { out += String(repeating: "  ", count: depth) }
      rule(rules[i], into: &out)
      if let a = rules[i].anchor, !a[keyPath: kind].isEmpty {
        out += " {\n"
        ruleset(a, kind, depth: depth + 1, into: &out)
        out += String(repeating: "  ", count: depth) + "}\n"
      } else {
        out += "\n"
      }
    }
  }

  static func etherRuleset(_ rs: PFRuleset, into out: inout TextBuffer) {
    for r in rs.ether {
      out += etherRule(r)
      out += "\n"
    }
  }

  // MARK: addresses

  /// pfctl's print_addr.
  public static func address(_ a: PFAddress, af: AddressFamily?) -> String {
    switch a {
    case .addrMask(let addr, let prefix):
      guard let addr else { return prefix == 0 ? "any" : "?" }
      var s = af == nil || addr.family == af ? addr.description : "?"
      if af == nil && addr.family != .inet6 { s = addr.description }
      let full = (af ?? addr.family) == .inet ? 32 : 128
      if prefix != full { s += "/\(prefix)" }
      return s
    case .range(let a, let b):
      return "\(a) - \(b)"
    case .dynamic(let name, let mods, let prefix):
      var s = "(" + name
      for m in ["network", "broadcast", "peer", "0"] where mods.contains(m) { s += ":" + m }
      s += ")"
      if let p = prefix, p != (af == .inet ? 32 : 128) { s += "/\(p)" }
      return s
    case .table(let t): return "<\(t)>"
    case .interfaceName(let n): return n
    case .noRoute: return "no-route"
    case .urpfFailed: return "urpf-failed"
    }
  }

  static func op(_ op: RangeOperator, _ a: String, _ b: String) -> String {
    switch op {
    case .exclusiveRange: return " \(a) >< \(b)"
    case .outsideRange: return " \(a) <> \(b)"
    case .equal: return " = \(a)"
    case .notEqual: return " != \(a)"
    case .less: return " < \(a)"
    case .lessOrEqual: return " <= \(a)"
    case .greater: return " > \(a)"
    case .greaterOrEqual: return " >= \(a)"
    case .inclusiveRange: return " \(a):\(b)"
    }
  }

  static func port(_ p: PFRange, proto: UInt8) -> String {
    var a = "\(p.a)"
    if p.op == .equal || p.op == .notEqual,
      let n = ServiceNames.name(port: UInt16(p.a), proto: proto == 6 ? "tcp" : "udp")
    {
      a = n
    }
    return " port" + op(p.op, a, "\(p.b)")
  }

  static func fromTo(src: PFRuleAddress, os: String?, dst: PFRuleAddress, af: AddressFamily?, proto: UInt8) -> String {
    var b = TextBuffer()
    fromTo(src: src, os: os, dst: dst, af: af, proto: proto, into: &b)
    return b.string
  }

  static func fromTo(
    src: PFRuleAddress, os: String?, dst: PFRuleAddress, af: AddressFamily?, proto: UInt8, into s: inout TextBuffer
  ) {
    if src.address.isAny && dst.address.isAny && !src.negated && !dst.negated && src.port == nil
      && dst.port == nil && os == nil
    {
      s += " all"
      return
    }
    s += " from "
    if src.negated { s += "! " }
    address(src.address, af: af, into: &s)
    if let p = src.port { port(p, proto: proto, into: &s) }
    if let o = os { s += " os \"\(o)\"" }
    s += " to "
    if dst.negated { s += "! " }
    address(dst.address, af: af, into: &s)
    if let p = dst.port { port(p, proto: proto, into: &s) }
  }

  /// print_addr into a buffer; addresses of the common kinds without temporary strings.
  static func address(_ a: PFAddress, af: AddressFamily?, into s: inout TextBuffer) {
    if case .addrMask(let addr?, let prefix) = a, af == nil || addr.family == af {
      s.append(address: addr)
      if prefix != (addr.family == .inet ? 32 : 128) {
        s.append(byte: UInt8(ascii: "/"))
        s.append(decimal: UInt64(prefix))
      }
      return
    }
    s += address(a, af: af)
  }

  static func port(_ p: PFRange, proto: UInt8, into s: inout TextBuffer) {
    s += " port"
    if p.op == .equal || p.op == .notEqual,
      let n = ServiceNames.name(port: UInt16(p.a), proto: proto == 6 ? "tcp" : "udp")
    {
      s += op(p.op, n, "")
      return
    }
    switch p.op {
    case .equal: s += " = "
    case .notEqual: s += " != "
    case .less: s += " < "
    case .lessOrEqual: s += " <= "
    case .greater: s += " > "
    case .greaterOrEqual: s += " >= "
    default:
      s += op(p.op, "\(p.a)", "\(p.b)")
      return
    }
    s.append(decimal: UInt64(p.a))
  }

  enum PoolKind { case nat, rdr, binat, route }

  static func pool(_ p: PFPool, kind: PoolKind, af: AddressFamily?) -> String {
    var s = ""
    if p.hosts.count > 1 { s += "{ " }
    for (i, h) in p.hosts.enumerated() {
      if kind == .route {
        let zero: Bool
        if case .addrMask(nil, _) = h.address { zero = af != nil } else { zero = false }
        if zero {
          s += h.ifname ?? ""
        } else {
          s += "(\(h.ifname ?? "") " + address(h.address, af: h.family ?? af) + ")"
        }
      } else {
        s += address(h.address, af: h.family ?? af)
      }
      if i < p.hosts.count - 1 { s += ", " } else if p.hosts.count > 1 { s += " }" }
    }
    let p1 = p.proxyLow
    let p2 = p.proxyHigh
    switch kind {
    case .nat:
      if (p1 != 50001 || p2 != 65535) && (p1 != 0 || p2 != 0) {
        s += p1 == p2 ? " port \(p1)" : " port \(p1):\(p2)"
      }
    case .rdr:
      if p1 != 0 {
        s += " port \(p1)"
        if p2 != 0 && p2 != p1 { s += ":\(p2)" }
      }
    default: break
    }
    switch p.type {
    case .none: break
    case .bitmask: s += " bitmask"
    case .random: s += " random"
    case .sourceHash: s += " source-hash 0x" + (p.key ?? String(repeating: "0", count: 32))
    case .roundRobin: s += " round-robin"
    }
    if p.sticky { s += " sticky-address" }
    if p.preferIPv6NextHop { s += " prefer-ipv6-nexthop" }
    if p.endpointIndependent { s += " endpoint-independent" }
    if kind == .nat && p1 == 0 && p2 == 0 { s += " static-port" }
    if let m = p.mapE { s += " map-e-portset \(m.0)/\(m.1)/\(m.2)" }
    return s
  }

  static func flags(_ f: UInt8) -> String {
    var s = ""
    for (i, c) in "FSRPAUEW".enumerated() where f & (1 << UInt8(i)) != 0 { s.append(c) }
    return s
  }

  static let timeoutOrder: [String] = [
    "tcp.first", "tcp.opening", "tcp.established", "tcp.closing", "tcp.finwait", "tcp.closed",
    "sctp.first", "sctp.opening", "sctp.established", "sctp.closing", "sctp.closed", "udp.first",
    "udp.single", "udp.multiple", "icmp.first", "icmp.error", "other.first", "other.single",
    "other.multiple", "frag", "interval", "adaptive.start", "adaptive.end", "src.track", "tcp.tsdiff",
  ]

  // MARK: rules

  /// pfctl's print_rule, without the trailing newline.
  public static func rule(_ r: PFRule, into s: inout TextBuffer) {
    let anchorCall = r.anchorCall
    if r.action == .match {
      s += "match"
    } else if let a = anchorCall {
      let type: String
      switch r.action {
      case .nat, .noNat: type = "nat-anchor"
      case .rdr, .noRdr: type = "rdr-anchor"
      case .binat, .noBinat: type = "binat-anchor"
      default: type = "anchor"
      }
      let last = a.split(separator: "/").last.map(String.init) ?? a
      s += last.hasPrefix("_") ? type : "\(type) \"\(a)\""
    } else {
      switch r.action {
      case .pass: s += "pass"
      case .block: s += "block"
      case .scrub: s += "scrub"
      case .noScrub: s += "no scrub"
      case .nat: s += "nat"
      case .noNat: s += "no nat"
      case .binat: s += "binat"
      case .noBinat: s += "no binat"
      case .rdr: s += "rdr"
      case .noRdr: s += "no rdr"
      case .match: break
      }
      if r.natPass { s += " pass" }
    }
    if r.action == .block {
      switch r.blockPolicy {
      case .drop: s += " drop"
      case .return: s += " return"
      case .returnRST(let ttl): s += ttl == 0 ? " return-rst" : " return-rst(ttl \(ttl))"
      case .returnICMP(let v4, let v6):
        let n4 = ICMPNames.codeName(type: UInt8(v4 >> 8), code: UInt8(v4 & 255), v6: false) ?? "\(v4 & 255)"
        let n6 = ICMPNames.codeName(type: UInt8(v6 >> 8), code: UInt8(v6 & 255), v6: true) ?? "\(v6 & 255)"
        switch r.af {
        case .inet: s += " return-icmp(\(n4))"
        case .inet6: s += " return-icmp6(\(n6))"
        case nil: s += " return-icmp(\(n4), \(n6))"
        }
      }
    }
    if let d = r.direction { s += d == .in ? " in" : " out" }
    if r.log {
      s += " log"
      if r.logAll || r.logMatches || r.logUser || r.logIf != 0 {
        var parts: [String] = []
        if r.logAll { parts.append("all") }
        if r.logMatches { parts.append("matches") }
        if r.logUser { parts.append("user") }
        if r.logIf != 0 { parts.append("to pflog\(r.logIf)") }
        s += " (" + parts.joined(separator: ", ") + ")"
      }
    }
    if r.quick { s += " quick" }
    if let i = r.ifname, !i.isEmpty { s += r.ifNot ? " on ! \(i)" : " on \(i)" }
    if let k = r.routeKind { s += " \(k) " + pool(r.route, kind: .route, af: r.af) }
    if let af = r.af { s += af == .inet ? " inet" : " inet6" }
    if r.proto != 0 {
      s += " proto " + (ProtocolNames.name(number: r.proto) ?? "\(r.proto)")
    }
    fromTo(src: r.src, os: r.os, dst: r.dst, af: r.af, proto: r.proto, into: &s)
    if let rc = r.receivedOn { s += " \(r.receivedOnNot ? "!" : "")received-on \(rc)" }
    if let u = r.uid {
      s +=
        " user" + op(u.op, u.a == UInt32.max && (u.op == .equal || u.op == .notEqual) ? "unknown" : "\(u.a)", "\(u.b)")
    }
    if let g = r.gid {
      s +=
        " group" + op(g.op, g.a == UInt32.max && (g.op == .equal || g.op == .notEqual) ? "unknown" : "\(g.a)", "\(g.b)")
    }
    if r.flags != 0 || r.flagset != 0 {
      s += " flags " + flags(r.flags) + "/" + flags(r.flagset)
    } else if r.action == .pass && (r.proto == 0 || r.proto == 6) && !r.fragment && anchorCall == nil
      && r.keepState != .none
    {
      s += " flags any"
    }
    if r.icmpType != 0 {
      let v6 = r.af == .inet6
      let t = UInt8(r.icmpType - 1)
      s += v6 ? " icmp6-type" : " icmp-type"
      s += " " + (ICMPNames.typeName(t, v6: v6) ?? "\(t)")
      if r.icmpCode != 0 {
        let c = UInt8(r.icmpCode - 1)
        s += " code " + (ICMPNames.codeName(type: t, code: c, v6: v6) ?? "\(c)")
      }
    }
    if r.tos != 0 { s += " tos 0x" + hex2(r.tos) }
    if let p = r.prio { s += " prio \(p)" }
    if let rate = r.maxPktRate { s += " max-pkt-rate \(rate.0)/\(rate.1)" }
    if r.maxPktSize != 0 { s += " max-pkt-size \(r.maxPktSize)" }
    if let sp = r.setPrio {
      s += " set ("
      s += sp.0 == sp.1 ? " prio \(sp.0)" : " prio(\(sp.0), \(sp.1))"
      s += " )"
    }
    if r.keepState == .none && r.action == .pass && anchorCall == nil {
      s += " no state"
    } else if r.keepState == .keep {
      s += " keep state"
    } else if r.keepState == .modulate {
      s += " modulate state"
    } else if r.keepState == .synproxy {
      s += " synproxy state"
    }
    if r.probability != 0 { s += " probability \(probabilityText(r.probability))%" }
    stateOptions(r.stateOptions, into: &s)
    if let id = r.stateLimiter { s += " state limiter id \(id)" + (r.limiterNoMatch ? " (no-match)" : "") }
    if let id = r.sourceLimiter { s += " source limiter id \(id)" + (r.limiterNoMatch ? " (no-match)" : "") }
    if r.fragment { s += " fragment" }
    if r.action == .scrub {
      if r.noDF { s += " no-df" }
      if r.randomID { s += " random-id" }
      if r.minTTL != 0 { s += " min-ttl \(r.minTTL)" }
      if r.maxMSS != 0 { s += " max-mss \(r.maxMSS)" }
      if let t = r.setTOS { s += " set-tos 0x" + hex2(t) }
      if r.reassembleTCP { s += " reassemble tcp" }
      s += r.fragmentNoReassemble ? " fragment no reassemble" : " fragment reassemble"
    } else if r.noDF || r.randomID || r.minTTL != 0 || r.maxMSS != 0 || r.setTOS != nil || r.reassembleTCP {
      s += " scrub ("
      var parts: [String] = []
      if r.noDF { parts.append("no-df") }
      if r.randomID { parts.append("random-id") }
      if r.minTTL != 0 { parts.append("min-ttl \(r.minTTL)") }
      if let t = r.setTOS { parts.append("set-tos 0x" + hex2(t)) }
      if r.reassembleTCP { parts.append("reassemble tcp") }
      if r.maxMSS != 0 { parts.append("max-mss \(r.maxMSS)") }
      s += parts.joined(separator: " ") + ")"
    }
    if r.allowOpts { s += " allow-opts" }
    if r.once { s += " once" }
    for l in r.labels { s += " label \"\(l)\"" }
    if r.ridentifier != 0 { s += " ridentifier \(r.ridentifier)" }
    if r.dnrpipe != 0 {
      s += " \(r.dnIsPipe ? "dnpipe" : "dnqueue")(\(r.dnpipe), \(r.dnrpipe))"
    } else if r.dnpipe != 0 {
      s += " \(r.dnIsPipe ? "dnpipe" : "dnqueue") \(r.dnpipe)"
    }
    if let q = r.queue {
      if let pq = r.priorityQueue { s += " queue(\(q), \(pq))" } else { s += " queue \(q)" }
    }
    if let t = r.tag { s += " tag \(t)" }
    if let t = r.tagged {
      if r.taggedNot { s += " !" }
      s += " tagged \(t)"
    }
    if let t = r.rtable { s += " rtable \(t)" }
    if r.divertPort != 0 { s += " divert-to \(r.divertPort)" }
    if r.divertReply { s += " divert-reply" }
    if anchorCall == nil {
      if let naf = r.afTo, let n = r.natPool {
        s += " af-to \(naf.keyword) from " + pool(n, kind: .nat, af: naf)
        if let d = r.rdrPool { s += " to " + pool(d, kind: .rdr, af: naf) }
      } else {
        if let n = r.natPool { s += " nat-to " + pool(n, kind: .nat, af: r.af) }
        if let d = r.rdrPool, !d.hosts.isEmpty { s += " rdr-to " + pool(d, kind: .rdr, af: r.af) }
      }
      switch r.action {
      case .nat: s += " -> " + pool(r.translation, kind: .nat, af: r.af)
      case .rdr: s += " -> " + pool(r.translation, kind: .rdr, af: r.af)
      case .binat: s += " -> " + pool(r.translation, kind: .binat, af: r.af)
      default: break
      }
    }
  }

  static func hex2(_ v: UInt8) -> String {
    let h = String(v, radix: 16)
    return h.count == 1 ? "0" + h : h
  }

  static func probabilityText(_ p: UInt32) -> String {
    let v = Double(p) * 100.0 / (Double(UInt32.max) + 1.0)
    // "%f" then strip trailing zeros and a trailing dot.
    let scaled = (v * 1_000_000).rounded()
    let whole = Int(scaled / 1_000_000)
    let frac = Int(scaled) - whole * 1_000_000
    var f = String(frac)
    f = String(repeating: "0", count: 6 - f.count) + f
    while f.hasSuffix("0") { f.removeLast() }
    return f.isEmpty ? "\(whole)" : "\(whole).\(f)"
  }

  static func stateOptions(_ o: PFStateOptions, into s: inout TextBuffer) {
    let any =
      o.max != 0 || o.maxSrcNodes != 0 || o.maxSrcStates != 0 || o.noSync || o.sourceTrack != nil
      || o.ifBound || o.floating || o.sloppy || o.pflow || !o.timeoutList.isEmpty
    guard any else { return }
    var parts: [String] = []
    if o.max != 0 { parts.append("max \(o.max)") }
    if o.noSync { parts.append("no-sync") }
    if let st = o.sourceTrack { parts.append("source-track \(st)") }
    if o.maxSrcStates != 0 { parts.append("max-src-states \(o.maxSrcStates)") }
    if o.maxSrcConn != 0 { parts.append("max-src-conn \(o.maxSrcConn)") }
    if let r = o.maxSrcConnRate { parts.append("max-src-conn-rate \(r.0)/\(r.1)") }
    if o.maxSrcNodes != 0 { parts.append("max-src-nodes \(o.maxSrcNodes)") }
    if let t = o.overload {
      var x = "overload <\(t)>"
      if o.flush { x += " flush" }
      if o.flushGlobal { x += " global" }
      parts.append(x)
    }
    if o.ifBound { parts.append("if-bound") }
    if o.floating { parts.append("floating") }
    if o.sloppy { parts.append("sloppy") }
    if o.pflow { parts.append("pflow") }
    for name in timeoutOrder {
      for t in o.timeoutList where t.name == name { parts.append("\(t.name) \(t.seconds)") }
    }
    s += " (" + parts.joined(separator: ", ") + ")"
  }

  // MARK: ether

  static func mac(_ m: PFMAC) -> String {
    var s = m.negated ? "! " : ""
    s += m.bytes.map { hex2($0) }.joined(separator: ":")
    if m.mask == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] { return s }
    // A prefix mask (as `/len` sets it: low bits of each byte first) prints as /len.
    var bits = 0
    var isPrefix = true
    var ended = false
    for byte in m.mask {
      for i in 0..<8 {
        let set = byte & (1 << UInt8(i)) != 0
        if set {
          if ended { isPrefix = false }
          bits += 1
        } else {
          ended = true
        }
      }
    }
    if isPrefix { return s + "/\(bits)" }
    return s + "&" + m.mask.map { hex2($0) }.joined(separator: ":")
  }

  public static func etherRule(_ r: PFEtherRule) -> String {
    var s = "ether "
    if let a = r.anchorCall {
      s += "anchor \"\(a)\""
    } else {
      s += r.action == .pass ? "pass" : "block"
    }
    if let d = r.direction { s += d == .in ? " in" : " out" }
    if r.quick { s += " quick" }
    if let i = r.ifname { s += r.ifNot ? " on ! \(i)" : " on \(i)" }
    if let b = r.bridgeTo { s += " bridge-to \(b)" }
    if r.proto != 0 { s += " proto 0x" + String(format4: r.proto) }
    if let m = r.src { s += " from " + mac(m) }
    if let m = r.dst { s += " to " + mac(m) }
    let af: AddressFamily? = r.proto == 0x0800 ? .inet : r.proto == 0x86DD ? .inet6 : nil
    s += " l3" + fromTo(src: r.ipsrc, os: nil, dst: r.ipdst, af: af, proto: 0)
    if let q = r.queue { s += " queue \(q)" }
    if let t = r.tag { s += " tag \(t)" }
    if let t = r.tagged { s += (r.taggedNot ? " !" : "") + " tagged \(t)" }
    if r.dnpipe != 0 { s += " \(r.dnIsPipe ? "dnpipe" : "dnqueue") \(r.dnpipe)" }
    for l in r.labels { s += " label \"\(l)\"" }
    if r.ridentifier != 0 { s += " ridentifier \(r.ridentifier)" }
    return s
  }
}

extension String {
  init(format4 v: UInt16) {
    self = zeroPad(String(v, radix: 16), 4)
  }
}
