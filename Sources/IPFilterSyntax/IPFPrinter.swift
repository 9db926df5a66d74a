import FirewallIR

/// Prints ipf.conf rules as `ipf -Rnv` does (ipfilter's printfr with verbose output and no
/// name resolution): interfaces marked `(!)`, masks as lengths, ports and codes as numbers.
public enum IPFPrinter {
  public static func print(_ items: [IPFOutput]) -> String {
    // Rules print in about 80 bytes each: reserve once rather than grow by doubling.
    var out = TextBuffer(capacity: items.count * 100)
    for item in items {
      switch item {
      case .rule(let r): rule(r, into: &out)
      case .anonymousPool(let kind, let entries):
        out += "table role=ipf type=\(kind == "hash" ? "hash" : "tree") number=\n\t{"
        // ippool prints the entries of an anonymous pool most recent first.
        for e in entries.reversed() {
          out += e.0 ? " ! " : " "
          out += hostMask(e.1, mask: e.2)
          out += ";"
        }
        out += " };\n"
      }
    }
    return out.string
  }

  static func interface(_ name: String) -> String {
    name == "-" || name == "*" ? name : name + "(!)"
  }

  /// An address with its mask: `/len` when the mask is contiguous, dotted otherwise.
  static func hostMask(_ a: IPAddress, mask: IPAddress) -> String {
    a.description + maskText(mask)
  }

  static func maskText(_ mask: IPAddress) -> String {
    let bits = mask.family.bitCount
    let v = mask.value
    var ones = 0
    while ones < bits && (v >> UInt128(bits - 1 - ones)) & 1 == 1 { ones += 1 }
    if IPAddress.mask(family: mask.family, prefix: ones).value == v || mask.family == .inet6 { return "/\(ones)" }
    return "/" + mask.description
  }

  static func address(_ a: IPFAddress, family: AddressFamily?) -> String {
    switch a {
    case .any: return "any"
    case .host(let addr, let mask):
      if family == nil || (addr.value == 0 && mask.value == 0) { return "any" }
      return hostMask(addr, mask: mask)
    case .lookup(let kind, let number, let name):
      return "\(kind)/" + (number.map(String.init) ?? name ?? "?")
    case .dynamic(let ifname, let suffix, let prefix):
      if let s = suffix { return "\(ifname)/\(s)" }
      if let p = prefix { return "\(ifname)/\(p)" }
      return "\(ifname)/32"
    }
  }

  static func port(_ p: IPFPortCompare) -> String {
    switch p.op {
    case "><", "<>": return " port \(p.port) \(p.op) \(p.top)"
    case ":": return " port \(p.port):\(p.top)"
    default: return " port \(p.op) \(p.port)"
    }
  }

  static func flags(_ v: Int) -> String {
    if v & ~0xFF != 0 { return "0x" + String(v, radix: 16) }
    var s = ""
    for (ch, bit) in IPFParser.flagLetters where v & bit != 0 { s.append(ch) }
    return s
  }

  static func logText(_ r: IPFRule) -> String {
    var s = "log"
    if r.logBody { s += " body" }
    if r.logFirst { s += " first" }
    if r.logOrBlock { s += " or-block" }
    if let l = r.logLevel { s += " level \(l.facility).\(l.priority)" }
    return s
  }

  static func destination(_ tag: String, _ d: IPFDestination) -> String {
    if d.dstlist { return "\(tag) dstlist/\(d.ifname) " }
    var s = "\(tag) \(d.ifname)"
    if let a = d.address {
      s += ":" + a.description
    } else if d.ifname != "-" && d.ifname != "*" {
      s += "(!)"
    }
    return s + " "
  }

  public static func rule(_ r: IPFRule, into s: inout TextBuffer) {
    if let c = r.collection, c != 0 { s += "\(c) " }
    switch r.action {
    case .call(let f, let arg, let now): s += "call" + (now ? " now" : "") + " \(f)/\(arg)"
    case .pass: s += "pass"
    case .block: s += "block"
    case .log: s += logText(r)
    case .count: s += "count"
    case .auth: s += "auth"
    case .preauth: s += "preauth"
    case .nomatch: s += "nomatch"
    case .decapsulate: s += "decapsulate"
    case .skip(let n): s += "skip \(n)"
    }
    switch r.returnKind {
    case .none: break
    case .rst: s += " return-rst"
    case .icmp(let code), .icmpAsDest(let code):
      if case .icmpAsDest = r.returnKind { s += " return-icmp-as-dest" } else { s += " return-icmp" }
      if let c = code, c != 0 {
        s += c < IPFICMP.codes.count ? "(\(IPFICMP.codes[c]))" : "(\(c))"
      }
    }
    s += r.out ? " out " : " in "
    if r.log && r.action != .log {
      s += logText(r)
      s += " "
    }
    if r.quick { s += "quick " }
    if let first = r.interfaces.first {
      s += "on " + interface(first)
      if r.interfaces.count > 1, r.interfaces[1] != "*" { s += "," + interface(r.interfaces[1]) }
      s += " "
    }
    if let d = r.toDest { s += destination("to", d) }
    if let d = r.dupTo { s += destination("dup-to", d) }
    if let d = r.replyTo { s += destination("reply-to", d) }
    if r.fastroute { s += "fastroute " }
    if let v = r.via.first, v != "*" {
      s += r.out ? "in-via " : "out-via "
      s += interface(v)
      if r.via.count > 1 { s += "," + interface(r.via[1]) }
      s += " "
    }
    if r.family == .inet { s += "inet " } else if r.family == .inet6 { s += "inet6 " }
    var proto: Int = -2
    if r.isIPF {
      if let t = r.tos { s += "tos 0x" + String(t, radix: 16) + " " }
      if let t = r.ttl { s += "ttl \(t) " }
      if r.tcpudp {
        s += "proto tcp/udp "
        proto = -1
      } else if let p = r.proto {
        proto = p
        s += "proto " + (UInt8(exactly: p).flatMap { ProtocolNames.name(number: $0) } ?? "\(p)") + " "
      }
    }
    if let terms = r.expression {
      s += "exp { \""
      s += terms.map { "\($0.field) \($0.op) \($0.values.joined(separator: ","));" }.joined(separator: " ")
      s += "\" } "
    } else if !r.isIPF {
      s += "all"
    } else {
      s += "from " + (r.notSource ? "!" : "") + address(r.source, family: r.family)
      if let p = r.sourcePort { s += port(p) }
      s += " to " + (r.notDestination ? "!" : "") + address(r.destination, family: r.family)
      if let p = r.destinationPort { s += port(p) }
      if (proto == 1 || proto == 58), let t = r.icmpType {
        let name = IPFICMP.typeName(t, v6: r.family == .inet6)
        s += " icmp-type " + (name ?? "\(t)")
        if let c = r.icmpCode { s += " code \(c)" }
      }
      if proto == 6 && (r.tcpFlags != 0 || r.tcpFlagMask != 0) {
        s += " flags " + flags(r.tcpFlags)
        if r.tcpFlagMask != 0 { s += "/" + flags(r.tcpFlagMask) }
      }
    }
    withOptions(r, into: &s)
    if r.keepState {
      s += " keep state"
      if r.stateStrict || r.stateNewISN || r.stateNoICMPErr || r.stateSync || r.stateLimit != 0 || r.age.0 != 0
        || r.maxNodes != 0 || r.stateLoose
      {
        var parts: [String] = []
        if r.stateLimit != 0 { parts.append("limit \(r.stateLimit)") }
        if r.maxNodes != 0 {
          var x = "max-nodes \(r.maxNodes)"
          if r.maxPerSource != 0 { x += ", max-per-src \(r.maxPerSource)/\(r.perSourceMask)" }
          parts.append(x)
        }
        if r.stateStrict { parts.append("strict") }
        if r.stateLoose { parts.append("loose") }
        if r.stateNewISN { parts.append("newisn") }
        if r.stateNoICMPErr { parts.append("no-icmp-err") }
        if r.stateSync { parts.append("sync") }
        if r.age.0 != 0 || r.age.1 != 0 { parts.append("age \(r.age.0)/\(r.age.1)") }
        s += " (" + parts.joined(separator: ",") + ")"
      }
    }
    if r.keepFrags {
      s += " keep frags"
      if r.fragStrict { s += " (strict)" }
    }
    if let h = r.head { s += " head \(h)" }
    if let g = r.group { s += " group \(g)" }
    if r.logTag != nil || r.natTag != nil {
      var parts: [String] = []
      if let l = r.logTag { parts.append("log=\(l)") }
      if let n = r.natTag { parts.append("nat=\(n)") }
      s += " set-tag(" + parts.joined(separator: ", ") + ")"
    }
    if r.pps != 0 { s += " pps \(r.pps)" }
    if let c = r.comment { s += " comment \"\(c)\"" }
    if r.keepState {
      s += " # count 0"
      if r.ruleTTL != 0 { s += " rule-ttl \(r.ruleTTL)" }
    } else if r.ruleTTL != 0 {
      s += " # rule-ttl \(r.ruleTTL)"
    }
    s += "\n"
  }

  static func withOptions(_ r: IPFRule, into s: inout TextBuffer) {
    guard
      r.isIPF,
      r.withMask != 0 || r.withBits != 0 || r.optMask != 0 || r.optBits != 0 || r.secMask != 0 || r.v6HeaderMask != 0
    else {
      return
    }
    s += " with"
    var comma = " "
    for (wanted, prefix) in [(true, ""), (false, "not ")] {
      let names = IPFOptions.v6Headers.filter {
        r.v6HeaderMask & $0.bit != 0 && (r.v6HeaderBits & $0.bit != 0) == wanted
      }.map(\.name)
      if !names.isEmpty {
        s += comma + prefix + "v6hdr " + names.joined(separator: ",")
        comma = ","
      }
    }
    if r.optMask != 0 || r.optBits != 0 || r.secMask != 0 || r.secBits != 0 {
      optionText(r, into: &s)
    } else if r.withMask & 0x1 != 0 {
      s += comma + (r.withBits & 0x1 == 0 ? "not " : "") + "ipopts"
      comma = ","
    }
    for (name, bit) in IPFWith.names where bit != 0x1 && r.withMask & bit != 0 {
      s += comma + (r.withBits & bit == 0 ? "not " : "") + name
      comma = ","
    }
  }

  /// ipfilter's optprint: options that must be present, then `not opt` those that must not.
  static func optionText(_ r: IPFRule, into s: inout TextBuffer) {
    var sep = " opt "
    var skipSecClass = false
    for (name, bit) in IPFOptions.options {
      if name == "sec-class" {
        skipSecClass = false
        continue
      }
      _ = skipSecClass
      if r.optMask & bit != 0 && (r.optMask & bit) == (r.optBits & bit) {
        if bit != 0x100 || (r.secMask == 0 && r.secBits == 0) {
          s += sep + name
          sep = ","
        }
      }
    }
    if r.secMask & r.secBits != 0 {
      s += sep + "sec-class"
      sep = " "
      for (name, bit) in IPFOptions.securityClasses where r.secMask & bit != 0 && (r.secMask & bit) == (r.secBits & bit)
      {
        s += sep + name
        sep = ","
      }
    }
    if (r.optMask != 0 && r.optMask != r.optBits) || (r.secMask != 0 && r.secMask != r.secBits) {
      sep = " "
      s += " not opt"
      if r.optMask != r.optBits {
        for (name, bit) in IPFOptions.options where name != "sec-class" {
          if r.optMask & bit != 0 && (r.optMask & bit) != (r.optBits & bit) {
            if bit != 0x100 || (r.secMask == 0 && r.secBits == 0) {
              s += sep + name
              sep = ","
            }
          }
        }
      }
      if r.secMask != r.secBits {
        s += sep + "sec-class"
        sep = " "
        for (name, bit) in IPFOptions.securityClasses
        where r.secMask & bit != 0 && (r.secMask & bit) != (r.secBits & bit) {
          s += sep + name
          sep = ","
        }
      }
    }
  }
}
