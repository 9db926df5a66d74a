import FirewallIR

/// A rule as written, before its lists are expanded: pfctl's `expand_rule` input.
struct RuleSpec {
  var rule: PFRule
  var interfaces: [(String, Bool)] = [("", false)]
  var protos: [UInt8] = [0]
  var icmp: [(type: UInt16, code: UInt16, proto: UInt8)] = [(0, 0, 0)]
  var srcHosts: [PFHost] = [PFHost(address: .any, family: nil)]
  var srcPorts: [PFRange?] = [nil]
  var oses: [String?] = [nil]
  var dstHosts: [PFHost] = [PFHost(address: .any, family: nil)]
  var dstPorts: [PFRange?] = [nil]
  var uids: [PFRange?] = [nil]
  var gids: [PFRange?] = [nil]
  var stateGiven = false
  var flagsGiven = false
  var routeGiven = false
  var natSpec: PoolSpec? = nil
  var rdrSpec: PoolSpec? = nil
  var location: SourceLocation

  init(origin: SourceLocation) {
    rule = PFRule(origin: origin)
    location = origin
  }
}

/// A pool as written: hosts, optional port range, options.
struct PoolSpec {
  var pool = PFPool()
  var portGiven = false
  var portLow: UInt32 = 0
  var portHigh: UInt32 = 0
  var portStar = false
  var location: SourceLocation
}

extension PFParser {
  static let timeoutNames: [String] = [
    "tcp.first", "tcp.opening", "tcp.established", "tcp.closing", "tcp.finwait", "tcp.closed",
    "tcp.tsdiff", "sctp.first", "sctp.opening", "sctp.established", "sctp.closing", "sctp.closed",
    "udp.first", "udp.single", "udp.multiple", "icmp.first", "icmp.error", "other.first",
    "other.single", "other.multiple", "frag", "interval", "adaptive.start", "adaptive.end",
    "src.track",
  ]

  // MARK: pass / block / match / scrub

  mutating func filterRule() throws {
    let start = peek().location
    var spec = RuleSpec(origin: start)
    let t = next()
    switch t.text {
    case "pass": spec.rule.action = .pass
    case "match": spec.rule.action = .match
    case "scrub": spec.rule.action = .scrub
    case "no":
      try expect("scrub")
      spec.rule.action = .noScrub
    default:
      spec.rule.action = .block
      spec.rule.blockPolicy = blockPolicyReturn ? .return : .drop
      try blockPolicy(&spec.rule)
    }
    try directionLogQuick(&spec.rule)
    if accept("on") { spec.interfaces = try interfaceSpec() }
    try routeOption(&spec)
    if accept("inet") { spec.rule.af = .inet } else if accept("inet6") { spec.rule.af = .inet6 }
    if accept("proto") { spec.protos = try protoSpec() }
    try fromTo(&spec)
    if spec.rule.action == .scrub || spec.rule.action == .noScrub {
      try scrubOptions(&spec.rule)
    } else {
      try filterOptions(&spec)
    }
    try endOfLine()
    try finishFilterRule(&spec)
    if spec.rule.action == .scrub || spec.rule.action == .noScrub {
      try expand(spec, into: &current.scrub)
    } else {
      try expand(spec, into: &current.filter)
    }
  }

  mutating func blockPolicy(_ r: inout PFRule) throws {
    if accept("drop") {
      r.blockPolicy = .drop
    } else if accept("return") {
      r.blockPolicy = .return
    } else if accept("return-rst") {
      var ttl = 0
      if acceptPunct("(") {
        try expect("ttl")
        let n = try number()
        guard n >= 0, n <= 255 else { throw error("illegal ttl value \(n)") }
        ttl = Int(n)
        try expectPunct(")")
      }
      r.blockPolicy = .returnRST(ttl: ttl)
    } else if accept("return-icmp") {
      var v4: UInt16 = 3 << 8 | 3
      var v6: UInt16 = 1 << 8 | 4
      if acceptPunct("(") {
        v4 = try icmpReturnCode(v6: false)
        _ = acceptPunct(",")
        if !(lex.peekKind() == .punct(UInt8(ascii: ")"))) { v6 = try icmpReturnCode(v6: true) }
        try expectPunct(")")
      }
      r.blockPolicy = .returnICMP(v4: v4, v6: v6)
    } else if accept("return-icmp6") {
      var v6: UInt16 = 1 << 8 | 4
      if acceptPunct("(") {
        v6 = try icmpReturnCode(v6: true)
        try expectPunct(")")
      }
      r.blockPolicy = .returnICMP(v4: 3 << 8 | 3, v6: v6)
    }
  }

  mutating func icmpReturnCode(v6: Bool) throws -> UInt16 {
    let t = try stringOrNumber()
    let type: UInt8 = v6 ? 1 : 3
    if let n = parseCNumber(t.text) {
      guard n <= 255 else { throw error("invalid icmp code \(n)", at: t.location) }
      return UInt16(type) << 8 | UInt16(n)
    }
    guard let c = ICMPNames.code(named: t.text, type: type, v6: v6) else {
      throw error("unknown icmp code \(t.text)", at: t.location)
    }
    return UInt16(type) << 8 | UInt16(c)
  }

  mutating func directionLogQuick(_ r: inout PFRule) throws {
    if accept("in") { r.direction = .in } else if accept("out") { r.direction = .out }
    while true {
      if accept("quick") {
        r.quick = true
      } else if lex.peekIsWord("log") {
        try logOption(&r)
      } else {
        break
      }
    }
  }

  mutating func logOption(_ r: inout PFRule) throws {
    next()
    r.log = true
    guard acceptPunct("(") else { return }
    repeat {
      if accept("all") {
        r.logAll = true
      } else if accept("matches") {
        r.logMatches = true
      } else if accept("user") {
        r.logUser = true
      } else if accept("to") {
        let t = try string()
        guard t.text.hasPrefix("pflog"), let n = Int(t.text.dropFirst(5)) else {
          throw error("\(t.text): log interface must be a pflog interface", at: t.location)
        }
        r.logIf = n
      } else {
        throw syntaxError(peek())
      }
    } while acceptPunct(",")
    try expectPunct(")")
  }

  /// `route-to`, `reply-to`, `dup-to` with their pool.
  mutating func routeOption(_ spec: inout RuleSpec) throws {
    let t = peek()
    guard t.isWord("route-to") || t.isWord("reply-to") || t.isWord("dup-to") || t.isWord("fastroute") else { return }
    next()
    if t.text == "fastroute" { throw error("fastroute is not supported", at: t.location) }
    spec.rule.routeKind = t.text
    spec.routeGiven = true
    var hosts: [PFHost] = []
    if acceptPunct("{") {
      skipNewlines()
      while !acceptPunct("}") {
        if lex.peekKind() == .eof { throw syntaxError(peek()) }
        hosts += try routeHost()
        _ = acceptPunct(",")
        skipNewlines()
      }
    } else {
      hosts = try routeHost()
    }
    spec.rule.route.hosts = hosts
    try poolOptions(&spec.rule.route, at: t.location)
  }

  mutating func routeHost() throws -> [PFHost] {
    if acceptPunct("(") {
      let ifname = try string()
      try checkInterfaceName(ifname)
      var hosts = try host()
      try expectPunct(")")
      for i in hosts.indices { hosts[i].ifname = ifname.text }
      return hosts
    }
    let ifname = try string()
    try checkInterfaceName(ifname)
    var h = PFHost(address: .addrMask(nil, prefix: 128), family: nil)
    h.ifname = ifname.text
    return [h]
  }

  mutating func poolOptions(_ pool: inout PFPool, at loc: SourceLocation) throws {
    while true {
      let t = peek()
      guard t.kind == .word else { return }
      switch t.text {
      case "bitmask", "random", "round-robin", "source-hash":
        next()
        if pool.type != .none { throw error("pool type cannot be redefined", at: t.location) }
        switch t.text {
        case "bitmask": pool.type = .bitmask
        case "random": pool.type = .random
        case "round-robin": pool.type = .roundRobin
        default:
          pool.type = .sourceHash
          let k = peek()
          if k.kind == .word, k.text.hasPrefix("0x") {
            next()
            let hex = k.text.dropFirst(2)
            guard hex.count == 32, hex.allSatisfy(\.isHexDigit) else {
              throw error("hash key must be 128 bits long", at: k.location)
            }
            pool.key = hex.lowercased()
          } else if k.kind == .quoted || (k.kind == .word && !PFParser.keywords.contains(k.text)) {
            next()
            pool.key = md5Hex(k.text)
          }
        }
      case "sticky-address":
        next()
        if pool.sticky { throw error("sticky-address cannot be redefined", at: t.location) }
        pool.sticky = true
      case "static-port":
        next()
        if pool.staticPort { throw error("static-port cannot be redefined", at: t.location) }
        pool.staticPort = true
      case "endpoint-independent":
        next()
        pool.endpointIndependent = true
      case "prefer-ipv6-nexthop":
        next()
        pool.preferIPv6NextHop = true
      case "map-e-portset":
        next()
        var values: [UInt64] = []
        for i in 0..<3 {
          if i > 0 { try expectPunct("/") }
          let v = try stringOrNumber()
          guard let n = parseCNumber(v.text) else { throw error("invalid map-e-portset", at: v.location) }
          values.append(n)
        }
        guard values[0] < 16, values[1] < 16, values[0] + values[1] <= 16, values[2] < 65536 else {
          throw error("invalid map-e-portset", at: t.location)
        }
        pool.mapE = (Int(values[0]), Int(values[1]), Int(values[2]))
      default:
        return
      }
    }
  }

  // MARK: from / to

  mutating func fromTo(_ spec: inout RuleSpec) throws {
    if accept("all") { return }
    if accept("from") {
      if !lex.peekIsWord("port") { spec.srcHosts = try ipSpec() }
      if accept("port") { spec.srcPorts = try portSpec() }
      if accept("os") { spec.oses = try osSpec() }
    }
    if accept("to") {
      if !lex.peekIsWord("port") { spec.dstHosts = try ipSpec() }
      if accept("port") { spec.dstPorts = try portSpec() }
    }
  }

  mutating func osSpec() throws -> [String?] {
    if acceptPunct("{") {
      var out: [String?] = []
      skipNewlines()
      while !acceptPunct("}") {
        out.append(try string().text)
        _ = acceptPunct(",")
        skipNewlines()
      }
      return out
    }
    return [try string().text]
  }

  // MARK: options after from/to

  mutating func filterOptions(_ spec: inout RuleSpec) throws {
    while true {
      let t = peek()
      if t.kind == .newline || t.kind == .eof || t.isPunct(UInt8(ascii: "{")) || t.isPunct(UInt8(ascii: "}")) { return }
      if t.isPunct(UInt8(ascii: "!")) {
        next()
        if accept("tagged") {
          spec.rule.taggedNot = true
          spec.rule.tagged = try string().text
          continue
        }
        if accept("received-on") {
          spec.rule.receivedOnNot = true
          spec.rule.receivedOn = try string().text
          continue
        }
        throw syntaxError(peek())
      }
      guard t.kind == .word else { throw syntaxError(t) }
      switch t.text {
      case "user", "group":
        next()
        let list = try idSpec(user: t.text == "user")
        if t.text == "user" { spec.uids = list } else { spec.gids = list }
      case "flags":
        next()
        spec.flagsGiven = true
        if accept("any") { break }
        var f: UInt8 = 0
        if !(lex.peekKind() == .punct(UInt8(ascii: "/"))) { f = try tcpFlags() }
        try expectPunct("/")
        spec.rule.flags = f
        spec.rule.flagset = try tcpFlags()
      case "icmp-type", "icmp6-type":
        next()
        spec.icmp = try icmpSpec(v6: t.text == "icmp6-type")
      case "tos":
        next()
        spec.rule.tos = try tosValue()
      case "keep", "modulate", "synproxy":
        next()
        try expect("state")
        spec.stateGiven = true
        spec.rule.keepState = t.text == "keep" ? .keep : t.text == "modulate" ? .modulate : .synproxy
        if acceptPunct("(") { try stateOptions(&spec.rule.stateOptions) }
      case "no":
        next()
        try expect("state")
        spec.stateGiven = true
        spec.rule.keepState = .none
      case "fragment":
        next()
        spec.rule.fragment = true
      case "allow-opts":
        next()
        spec.rule.allowOpts = true
      case "label":
        next()
        let l = try string()
        guard spec.rule.labels.count < 5 else { throw error("to many labels", at: l.location) }
        guard l.text.utf8.count < 64 else { throw error("rule label too long (max 63 chars)", at: l.location) }
        spec.rule.labels.append(l.text)
      case "ridentifier":
        next()
        let n = try number()
        guard n >= 0, n <= UInt32.max else { throw error("invalid ridentifier", at: t.location) }
        spec.rule.ridentifier = UInt32(n)
      case "queue":
        next()
        if acceptPunct("(") {
          spec.rule.queue = try string().text
          _ = acceptPunct(",")
          if !(lex.peekKind() == .punct(UInt8(ascii: ")"))) { spec.rule.priorityQueue = try string().text }
          try expectPunct(")")
        } else {
          spec.rule.queue = try string().text
        }
      case "tag":
        next()
        spec.rule.tag = try string().text
      case "tagged":
        next()
        spec.rule.tagged = try string().text
      case "probability":
        next()
        spec.rule.probability = try probability()
      case "rtable":
        next()
        let n = try number()
        guard n >= 0, n < 65536 else { throw error("invalid rtable id", at: t.location) }
        spec.rule.rtable = Int(n)
      case "divert-to":
        next()
        if !lex.peekIsWord("port") { _ = try host() }
        try expect("port")
        let p = try portRange()
        spec.rule.divertPort = UInt16(p.a)
      case "divert-reply":
        next()
        spec.rule.divertReply = true
      case "prio":
        next()
        let n = try number()
        guard n >= 0, n <= 7 else { throw error("prio must be 0 - 7", at: t.location) }
        spec.rule.prio = Int(n)
      case "set":
        next()
        if accept("prio") {
          if acceptPunct("(") {
            let a = try number()
            _ = acceptPunct(",")
            let b = (lex.peekKind() == .punct(UInt8(ascii: ")"))) ? a : try number()
            try expectPunct(")")
            guard (0...7).contains(a), (0...7).contains(b) else { throw error("prio must be 0 - 7", at: t.location) }
            spec.rule.setPrio = (Int(a), Int(b))
          } else {
            let a = try number()
            guard (0...7).contains(a) else { throw error("prio must be 0 - 7", at: t.location) }
            spec.rule.setPrio = (Int(a), Int(a))
          }
        } else if accept("tos") {
          spec.rule.setTOS = try tosValue()
        } else {
          throw syntaxError(peek())
        }
      case "max-pkt-rate":
        next()
        let a = try number()
        try expectPunct("/")
        let b = try number()
        guard a >= 0, b >= 0, a <= UInt32.max, b <= UInt32.max else {
          throw error("only positive values permitted", at: t.location)
        }
        spec.rule.maxPktRate = (UInt32(a), UInt32(b))
      case "max-pkt-size":
        next()
        let n = try number()
        guard n > 0, n <= 65535 else { throw error("illegal max-pkt-size value", at: t.location) }
        spec.rule.maxPktSize = UInt32(n)
      case "once":
        next()
        spec.rule.once = true
      case "dnpipe", "dnqueue":
        next()
        spec.rule.dnIsPipe = t.text == "dnpipe"
        if acceptPunct("(") {
          spec.rule.dnpipe = Int(try number())
          try expectPunct(",")
          spec.rule.dnrpipe = Int(try number())
          try expectPunct(")")
        } else {
          spec.rule.dnpipe = Int(try number())
        }
      case "received-on":
        next()
        spec.rule.receivedOn = try string().text
      case "scrub":
        next()
        try expectPunct("(")
        try scrubOptionList(&spec.rule, closing: true)
      case "nat-to", "rdr-to", "binat-to":
        next()
        var p = try poolSpec(at: t.location)
        if t.text == "binat-to" {
          spec.natSpec = p
          p.pool.staticPort = false
          spec.rdrSpec = p
          spec.rule.rdrPool = PFPool()
        } else if t.text == "nat-to" {
          if spec.natSpec != nil { throw error("nat-to can only be specified once", at: t.location) }
          spec.natSpec = p
        } else {
          if spec.rdrSpec != nil { throw error("rdr-to can only be specified once", at: t.location) }
          spec.rdrSpec = p
        }
      case "af-to":
        next()
        if accept("inet") {
          spec.rule.afTo = .inet
        } else if accept("inet6") {
          spec.rule.afTo = .inet6
        } else {
          throw syntaxError(peek())
        }
        try expect("from")
        spec.natSpec = try poolSpec(at: t.location)
        if accept("to") { spec.rdrSpec = try poolSpec(at: t.location) }
      case "route-to", "reply-to", "dup-to":
        if spec.routeGiven { throw error("route-to, reply-to and dup-to can only be specified once", at: t.location) }
        try routeOption(&spec)
      case "state", "source":
        next()
        try expect("limiter")
        let id: Int
        if accept("id") {
          id = Int(try positive())
        } else {
          let name = try string()
          guard let known = limiterIDs["\(t.text) \(name.text)"] else {
            throw error("\(t.text) limiter \(name.text) not defined", at: name.location)
          }
          id = known
        }
        if t.text == "state" { spec.rule.stateLimiter = id } else { spec.rule.sourceLimiter = id }
        if acceptPunct("(") {
          try expect("no-match")
          try expectPunct(")")
          spec.rule.limiterNoMatch = true
        }
      case "os":
        next()
        spec.oses = try osSpec()
      default:
        throw syntaxError(t)
      }
    }
  }

  var limiterIDs: [String: Int] {
    get { config.limiterIDs }
  }

  mutating func poolSpec(at loc: SourceLocation) throws -> PoolSpec {
    var p = PoolSpec(location: loc)
    p.pool.hosts = try ipSpec()
    if accept("port") {
      let r = try portRange(allowStar: true)
      p.portGiven = true
      p.portLow = r.a
      p.portHigh = r.isRange ? r.b : 0
      p.portStar = r.star
    }
    try poolOptions(&p.pool, at: loc)
    return p
  }

  mutating func tcpFlags() throws -> UInt8 {
    let t = try string()
    var f: UInt8 = 0
    for ch in t.text {
      guard let i = "FSRPAUEW".firstIndex(of: ch) else {
        throw error("bad flags \(t.text)", at: t.location)
      }
      f |= 1 << UInt8("FSRPAUEW".distance(from: "FSRPAUEW".startIndex, to: i))
    }
    return f == 0 ? 0xFF : f
  }

  mutating func tosValue() throws -> UInt8 {
    let t = try stringOrNumber()
    if let v = ICMPNames.tos(named: t.text) { return v }
    guard let v = parseCNumber(t.text), v <= 255 else { throw error("illegal tos value \(t.text)", at: t.location) }
    return UInt8(v)
  }

  /// `probability 20%` or a fraction `probability 0.2`, as pfctl reads it.
  mutating func probability() throws -> UInt32 {
    let t = try stringOrNumber()
    var s = Substring(t.text)
    let percent = s.hasSuffix("%")
    if percent { s = s.dropLast() }
    guard var p = Double(s), p.isFinite else { throw error("invalid probability: \(t.text)", at: t.location) }
    if percent { p *= 0.01 }
    guard p >= 0, p <= 1 else { throw error("invalid probability: \(t.text)", at: t.location) }
    return UInt32(p * Double(UInt32.max))
  }

  mutating func idSpec(user: Bool) throws -> [PFRange?] {
    func id(_ p: inout PFParser) throws -> UInt32 {
      let t = try p.stringOrNumber()
      if t.text == "unknown" { return UInt32.max }
      if let n = parseCNumber(t.text) {
        guard n < UInt32.max else { throw p.error("illegal \(user ? "uid" : "gid") value \(n)", at: t.location) }
        return UInt32(n)
      }
      if let known = (user ? ["root": 0, "nobody": 65534] : ["wheel": 0, "nobody": 65534, "nogroup": 65533])[t.text] {
        return UInt32(known)
      }
      throw p.error("unknown \(user ? "user" : "group") \(t.text)", at: t.location)
    }
    func item(_ p: inout PFParser) throws -> PFRange {
      if let op = p.unaryOp() { return PFRange(op, try id(&p)) }
      let a = try id(&p)
      if case .portBinary(let op) = p.peek().kind {
        p.next()
        return PFRange(op, a, try id(&p))
      }
      return PFRange(.equal, a)
    }
    if acceptPunct("{") {
      var out: [PFRange?] = []
      skipNewlines()
      while !acceptPunct("}") {
        out.append(try item(&self))
        _ = acceptPunct(",")
        skipNewlines()
      }
      return out
    }
    return [try item(&self)]
  }

  mutating func icmpSpec(v6: Bool) throws -> [(type: UInt16, code: UInt16, proto: UInt8)] {
    func item(_ p: inout PFParser) throws -> (type: UInt16, code: UInt16, proto: UInt8) {
      let t = try p.stringOrNumber()
      let type: UInt8
      if let n = parseCNumber(t.text) {
        guard n <= 255 else { throw p.error("illegal icmp-type \(n)", at: t.location) }
        type = UInt8(n)
      } else if let n = ICMPNames.type(named: t.text, v6: v6) {
        type = n
      } else {
        throw p.error("unknown icmp\(v6 ? "6" : "")-type \(t.text)", at: t.location)
      }
      var code: UInt16 = 0
      if p.accept("code") {
        let c = try p.stringOrNumber()
        if let n = parseCNumber(c.text) {
          guard n <= 255 else { throw p.error("illegal icmp-code \(n)", at: c.location) }
          code = UInt16(n) + 1
        } else if let n = ICMPNames.code(named: c.text, type: type, v6: v6) {
          code = UInt16(n) + 1
        } else {
          throw p.error("unknown icmp-code \(c.text)", at: c.location)
        }
      }
      return (UInt16(type) + 1, code, v6 ? 58 : 1)
    }
    if acceptPunct("{") {
      var out: [(type: UInt16, code: UInt16, proto: UInt8)] = []
      skipNewlines()
      while !acceptPunct("}") {
        out.append(try item(&self))
        _ = acceptPunct(",")
        skipNewlines()
      }
      return out
    }
    return [try item(&self)]
  }

  mutating func stateOptions(_ o: inout PFStateOptions) throws {
    repeat {
      skipNewlines()
      let t = try stringOrNumber()
      switch t.text {
      case "max":
        o.max = UInt32(try positive())
      case "no-sync": o.noSync = true
      case "source-track":
        if accept("rule") {
          o.sourceTrack = "rule"
        } else if accept("global") {
          o.sourceTrack = "global"
        } else {
          o.sourceTrack = ""
        }
      case "max-src-nodes": o.maxSrcNodes = UInt32(try positive())
      case "max-src-states": o.maxSrcStates = UInt32(try positive())
      case "max-src-conn": o.maxSrcConn = UInt32(try positive())
      case "max-src-conn-rate":
        let a = try positive()
        try expectPunct("/")
        let b = try positive()
        o.maxSrcConnRate = (UInt32(a), UInt32(b))
      case "overload":
        try expectPunct("<")
        o.overload = try string().text
        try expectPunct(">")
        if accept("flush") {
          o.flush = true
          if accept("global") { o.flushGlobal = true }
        }
      case "if-bound": o.ifBound = true
      case "floating": o.floating = true
      case "sloppy": o.sloppy = true
      case "pflow": o.pflow = true
      default:
        guard PFParser.timeoutNames.contains(t.text) else {
          throw error("illegal timeout name \(t.text)", at: t.location)
        }
        o.timeouts.append((t.text, UInt32(try positive())))
      }
      skipNewlines()
      _ = acceptPunct(",")
      skipNewlines()
    } while !(lex.peekKind() == .punct(UInt8(ascii: ")")))
    try expectPunct(")")
    // Per-source limits imply rule source tracking; a bare `source-track` is global otherwise.
    if o.sourceTrack == nil || o.sourceTrack == "" {
      if o.maxSrcNodes != 0 || o.maxSrcStates != 0 || o.maxSrcConn != 0 || o.maxSrcConnRate != nil {
        o.sourceTrack = "rule"
      } else if o.sourceTrack == "" {
        o.sourceTrack = "global"
      }
    }
  }

  mutating func positive() throws -> Int64 {
    let t = peek()
    let n = try number()
    guard n >= 0, n <= UInt32.max else { throw error("only positive values permitted", at: t.location) }
    return n
  }

  // MARK: scrub

  mutating func scrubOptions(_ r: inout PFRule) throws {
    try scrubOptionList(&r, closing: false)
  }

  mutating func scrubOptionList(_ r: inout PFRule, closing: Bool) throws {
    while true {
      let t = peek()
      if closing && acceptPunct(")") { return }
      if !closing && (t.kind == .newline || t.kind == .eof) { return }
      _ = acceptPunct(",")
      guard peek().kind == .word else { throw syntaxError(peek()) }
      let w = next()
      switch w.text {
      case "no-df": r.noDF = true
      case "random-id": r.randomID = true
      case "min-ttl":
        let n = try number()
        guard n >= 0, n <= 255 else { throw error("illegal min-ttl value \(n)", at: w.location) }
        r.minTTL = Int(n)
      case "max-mss":
        let n = try number()
        guard n >= 0, n <= 65535 else { throw error("illegal max-mss value \(n)", at: w.location) }
        r.maxMSS = Int(n)
      case "set-tos":
        r.setTOS = try tosValue()
      case "reassemble":
        try expect("tcp")
        r.reassembleTCP = true
      case "fragment":
        if accept("reassemble") {
          r.fragmentNoReassemble = false
        } else if accept("no") {
          try expect("reassemble")
          r.fragmentNoReassemble = true
        } else if accept("crop") || accept("drop-ovl") {
          r.fragmentNoReassemble = false
        } else {
          throw syntaxError(peek())
        }
      case "label":
        r.labels.append(try string().text)
      default:
        throw syntaxError(w)
      }
    }
  }

  /// Defaults pfctl fills in after a filter rule is read, and the checks it makes on the whole rule.
  mutating func finishFilterRule(_ spec: inout RuleSpec) throws {
    if spec.rule.action == .pass && !spec.stateGiven { spec.rule.keepState = .keep }
    if spec.rule.action == .pass && !spec.flagsGiven && spec.rule.flags == 0 && spec.rule.flagset == 0
      && !spec.rule.fragment && spec.rule.keepState != .none
    {
      spec.rule.flags = 1 << 1
      spec.rule.flagset = 1 << 1 | 1 << 4
    }
    if spec.rule.action == .block, spec.rule.routeKind != nil {
      throw error("route-to, reply-to and dup-to are not supported on block rules")
    }
    if spec.rule.action == .block, spec.stateGiven, spec.rule.keepState != .none {
      throw error("keep state on block rules doesn't make sense")
    }
  }
}
