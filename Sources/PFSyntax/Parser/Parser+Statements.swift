import FirewallIR

/// Translation rules, anchors, antispoof, ether rules and limiters.
extension PFParser {
  // MARK: nat / rdr / binat

  mutating func translationRule() throws {
    let start = peek().location
    var spec = RuleSpec(origin: start)
    let negated = accept("no")
    let kw = next()
    switch kw.text {
    case "nat": spec.rule.action = negated ? .noNat : .nat
    case "rdr": spec.rule.action = negated ? .noRdr : .rdr
    case "binat": spec.rule.action = negated ? .noBinat : .binat
    default: throw syntaxError(kw)
    }
    if accept("pass") {
      if negated { throw error("\"pass\" not valid with \"no\"", at: kw.location) }
      spec.rule.natPass = true
      if lex.peekIsWord("log") { try logOption(&spec.rule) }
    }
    if accept("on") { spec.interfaces = try interfaceSpec() }
    if accept("inet") { spec.rule.af = .inet } else if accept("inet6") { spec.rule.af = .inet6 }
    if accept("proto") { spec.protos = try protoSpec() }
    try fromTo(&spec)
    while true {
      if accept("tag") {
        spec.rule.tag = try string().text
      } else if accept("tagged") {
        spec.rule.tagged = try string().text
      } else if (lex.peekKind() == .punct(UInt8(ascii: "!"))), lex.peek2().isWord("tagged") {
        next()
        next()
        spec.rule.taggedNot = true
        spec.rule.tagged = try string().text
      } else if accept("rtable") {
        spec.rule.rtable = Int(try number())
      } else {
        break
      }
    }
    pendingTranslation = nil
    if peek().kind == .arrow {
      let arrow = next()
      if negated { throw error("translation rule with 'no' does not need '->'", at: arrow.location) }
      var p = PoolSpec(location: arrow.location)
      p.pool.hosts = try ipSpec()
      if accept("port") {
        let r = try portRange(allowStar: true)
        p.portGiven = true
        p.portLow = r.a
        p.portHigh = r.isRange ? r.b : 0
        p.portStar = r.star
        if r.star, spec.rule.action == .rdr {
          if let d = spec.dstPorts.first ?? nil, d.op == .inclusiveRange {
            p.portHigh = r.a + (d.b - d.a)
          } else {
            p.portStar = false
          }
        }
      }
      try poolOptions(&p.pool, at: arrow.location)
      if spec.rule.action == .binat {
        if p.pool.hosts.count != 1 {
          throw error("binat rule must have exactly one translation address", at: arrow.location)
        }
      }
      pendingTranslation = p
    } else if !negated {
      throw error("translation rule requires '-> address'", at: peek().location)
    }
    try endOfLine()
    let rules = try expand(spec)
    pendingTranslation = nil
    switch spec.rule.action {
    case .nat, .noNat: current.nat += rules
    case .rdr, .noRdr: current.rdr += rules
    default: current.binat += rules
    }
  }

  // MARK: anchors

  mutating func anchorRule() throws {
    let start = peek().location
    let kw = next()
    var spec = RuleSpec(origin: start)
    switch kw.text {
    case "nat-anchor": spec.rule.action = .nat
    case "rdr-anchor": spec.rule.action = .rdr
    case "binat-anchor": spec.rule.action = .binat
    default: spec.rule.action = .pass
    }
    var name: String? = nil
    if peek().isString,
      !["in", "out", "on", "inet", "inet6", "proto", "from", "to", "all", "log", "quick"].contains(peek().text)
        || peek().kind == .quoted
    {
      let n = next()
      name = n.text
      if n.text.utf8.count >= 1024 { throw error("anchor name too long", at: n.location) }
    }
    try directionLogQuick(&spec.rule)
    if accept("on") { spec.interfaces = try interfaceSpec() }
    if accept("inet") { spec.rule.af = .inet } else if accept("inet6") { spec.rule.af = .inet6 }
    if accept("proto") { spec.protos = try protoSpec() }
    try fromTo(&spec)
    if spec.rule.action == .pass { try filterOptions(&spec) }
    var inline: PFRuleset? = nil
    if (lex.peekKind() == .punct(UInt8(ascii: "{"))) {
      next()
      if let n = name, n.contains("*") || n.hasPrefix("/") {
        throw error("anchor with inline rules cannot have a wildcard or absolute name", at: start)
      }
      inlineAnchorCount += 1
      let rs = PFRuleset(name: name ?? "_\(inlineAnchorCount)")
      rulesets.append(rs)
      parseAll()
      rulesets.removeLast()
      guard acceptPunct("}") else { throw error("syntax error (missing '}')", at: peek().location) }
      inline = rs
    } else if name == nil {
      throw error("anchors without explicit rules must specify a name", at: start)
    }
    try endOfLine()
    spec.rule.anchorCall = name ?? "_\(inlineAnchorCount)"
    spec.rule.anchor = inline
    spec.rule.keepState = .none
    let rules = try expand(spec)
    switch kw.text {
    case "nat-anchor": current.nat += rules
    case "rdr-anchor": current.rdr += rules
    case "binat-anchor": current.binat += rules
    default: current.filter += rules
    }
  }

  // MARK: antispoof

  mutating func antispoof() throws {
    let start = peek().location
    next()
    var log = false
    var quick = false
    while true {
      if accept("log") { log = true } else if accept("quick") { quick = true } else { break }
    }
    try expect("for")
    let ifs = try interfaceSpec()
    var af: AddressFamily? = nil
    if accept("inet") { af = .inet } else if accept("inet6") { af = .inet6 }
    var labels: [String] = []
    while accept("label") { labels.append(try string().text) }
    try endOfLine()
    for (ifname, not) in ifs {
      if not { throw error("antispoof for ! <interface> is not supported", at: start) }
      var base = RuleSpec(origin: start)
      base.rule.action = .block
      base.rule.blockPolicy = blockPolicyReturn ? .return : .drop
      base.rule.direction = .in
      base.rule.log = log
      base.rule.quick = quick
      base.rule.af = af
      base.rule.labels = labels
      let isDynamic = ifname.hasPrefix("(")
      guard !isDynamic, hostContext.hasInterfaceOrGroup(ifname) || ifname == "self" else {
        // Without host knowledge the interface's networks stay symbolic.
        var s = base
        s.interfaces = [(ifname, true)]
        var h = PFHost(address: .dynamic(ifname: ifname, modifiers: ["network"], prefix: nil), family: nil)
        h.negated = false
        s.srcHosts = [h]
        current.filter += try expand(s)
        continue
      }
      if let nets = try interfaceHosts(ifname + ":network", mask: nil, at: start), !nets.isEmpty {
        var s = base
        s.interfaces = [(ifname, true)]
        s.srcHosts = nets.map {
          var h = $0; h.scope = nil; return h
        }
        current.filter += try expandQuiet(s)
      }
      let loopback = hostContext.interface(named: ifname)?.isLoopback ?? false
      if !loopback, let addrs = try interfaceHosts(ifname, mask: nil, at: start), !addrs.isEmpty {
        var s = base
        s.srcHosts = addrs
        current.filter += try expandQuiet(s)
      }
    }
  }

  /// Expands without the "no valid combination" error (antispoof's family filter may leave none).
  mutating func expandQuiet(_ s: RuleSpec) throws -> [PFRule] {
    let before = diags.all.count
    let r = try expand(s)
    if r.isEmpty, diags.all.count == before + 1 {
      var d = diags
      d = DiagnosticBag()
      for x in diags.all.dropLast() { d.append(x) }
      diags = d
    }
    return r
  }

  // MARK: ether

  mutating func etherRule() throws {
    let start = peek().location
    next()
    var r = PFEtherRule(origin: start)
    let a = next()
    switch a.text {
    case "pass": r.action = .pass
    case "block": r.action = .block
    case "anchor":
      r.anchorCall = try string().text
    default: throw syntaxError(a)
    }
    if accept("in") { r.direction = .in } else if accept("out") { r.direction = .out }
    if accept("quick") { r.quick = true }
    var ifs: [(String, Bool)] = [("", false)]
    if accept("on") { ifs = try interfaceSpec() }
    if accept("bridge-to") { r.bridgeTo = try string().text }
    var protos: [UInt16] = [0]
    if accept("proto") {
      func one(_ p: inout PFParser) throws -> UInt16 {
        let t = try p.stringOrNumber()
        if let n = parseCNumber(t.text), n <= 0xFFFF { return UInt16(n) }
        switch t.text {
        case "ip", "inet": return 0x0800
        case "ip6", "inet6": return 0x86DD
        case "arp": return 0x0806
        default: throw p.error("unknown ethernet protocol \(t.text)", at: t.location)
        }
      }
      if acceptPunct("{") {
        protos = []
        skipNewlines()
        while !acceptPunct("}") {
          if lex.peekKind() == .eof { throw syntaxError(peek()) }
          protos.append(try one(&self))
          _ = acceptPunct(",")
          skipNewlines()
        }
        if protos.isEmpty { throw error("empty protocol list") }
      } else {
        protos = [try one(&self)]
      }
    }
    var srcs: [PFMAC?] = [nil]
    var dsts: [PFMAC?] = [nil]
    if accept("from") { srcs = try macSpec() }
    if accept("to") { dsts = try macSpec() }
    var l3 = RuleSpec(origin: start)
    if accept("l3") { try fromTo(&l3) }
    while true {
      if accept("queue") {
        r.queue = try string().text
      } else if accept("tag") {
        r.tag = try string().text
      } else if accept("tagged") {
        r.tagged = try string().text
      } else if (lex.peekKind() == .punct(UInt8(ascii: "!"))) {
        next()
        try expect("tagged")
        r.taggedNot = true
        r.tagged = try string().text
      } else if accept("label") {
        r.labels.append(try string().text)
      } else if accept("ridentifier") {
        r.ridentifier = UInt32(try positive())
      } else if lex.peekIsWord("dnpipe") || lex.peekIsWord("dnqueue") {
        r.dnIsPipe = next().text == "dnpipe"
        r.dnpipe = Int(try number())
      } else {
        break
      }
    }
    try endOfLine()
    for (ifname, not) in ifs {
      for proto in protos {
        for s in srcs {
          for d in dsts {
            for ips in l3.srcHosts {
              for ipd in l3.dstHosts {
                var x = r
                x.ifname = ifname.isEmpty ? nil : ifname
                x.ifNot = not
                x.proto = proto
                if x.proto == 0, let f = ips.family ?? ipd.family { x.proto = f == .inet ? 0x0800 : 0x86DD }
                x.src = s
                x.dst = d
                x.ipsrc.address = ips.address
                x.ipsrc.negated = ips.negated
                x.ipdst.address = ipd.address
                x.ipdst.negated = ipd.negated
                current.ether.append(x)
              }
            }
          }
        }
      }
    }
  }

  mutating func macSpec() throws -> [PFMAC?] {
    func one(_ p: inout PFParser) throws -> PFMAC? {
      if p.accept("any") { return nil }
      let neg = p.acceptPunct("!")
      let t = try p.string()
      var text = Substring(t.text)
      var maskBytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
      if let amp = text.firstIndex(of: "&") {
        guard let m = PFParser.parseMAC(text[text.index(after: amp)...]) else {
          throw p.error("invalid MAC mask", at: t.location)
        }
        maskBytes = m
        text = text[..<amp]
      }
      guard let bytes = PFParser.parseMAC(text) else { throw p.error("invalid MAC address", at: t.location) }
      if p.acceptPunct("/") {
        let n = try p.number()
        guard n >= 0, n <= 48 else { throw p.error("invalid MAC mask length", at: t.location) }
        maskBytes = [0, 0, 0, 0, 0, 0]
        for i in 0..<Int(n) { maskBytes[i / 8] |= 1 << UInt8(i % 8) }
      }
      return PFMAC(bytes: bytes, mask: maskBytes, negated: neg)
    }
    if acceptPunct("{") {
      var out: [PFMAC?] = []
      skipNewlines()
      while !acceptPunct("}") {
        if lex.peekKind() == .eof { throw syntaxError(peek()) }
        out.append(try one(&self))
        _ = acceptPunct(",")
        skipNewlines()
      }
      if out.isEmpty { throw error("empty MAC address list") }
      return out
    }
    return [try one(&self)]
  }

  static func parseMAC(_ s: Substring) -> [UInt8]? {
    let parts = s.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 6 else { return nil }
    var out: [UInt8] = []
    for p in parts {
      guard (1...2).contains(p.count), let v = UInt8(p, radix: 16) else { return nil }
      out.append(v)
    }
    return out
  }

  // MARK: limiters

  mutating func limiterDefinition() throws {
    let kind = next()
    try expect("limiter")
    let name = try string()
    var line = "\(kind.text) limiter \(name.text)"
    try expect("id")
    let id = try positive()
    line += " id \(id)"
    var words: [String] = []
    while lex.peekKind() != .newline && lex.peekKind() != .eof {
      let t = next()
      if t.isPunct(UInt8(ascii: "/")) {
        guard !words.isEmpty else { throw syntaxError(t) }
        words[words.count - 1] += "/"
        let n = try number()
        words[words.count - 1] += "\(n)"
        continue
      }
      words.append(t.text)
    }
    if kind.text == "source" {
      // `entries N limit M` prints as `limit N states M`.
      var out: [String] = []
      var i = 0
      while i < words.count {
        if words[i] == "entries", i + 1 < words.count {
          out += ["limit", words[i + 1]]
          i += 2
          if i + 1 < words.count, words[i] == "limit" {
            out += ["states", words[i + 1]]
            i += 2
          }
          continue
        }
        out.append(words[i])
        i += 1
      }
      words = out
    }
    if !words.isEmpty { line += " " + words.joined(separator: " ") }
    config.limiterIDs["\(kind.text) \(name.text)"] = Int(id)
    config.echo.append(line)
    try endOfLine()
  }
}
