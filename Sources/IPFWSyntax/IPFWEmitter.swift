import FirewallIR

/// Writes IR rules as an ipfw ruleset: a rules file (`ipfw FILE`), or with `script` a shell
/// script of `ipfw -q` commands. Tables come first, then `check-state` when a rule keeps state,
/// then the rules numbered in steps.
///
/// The rules must already be in ipfw's evaluation order (first match) with no jumps;
/// `gap(in:)` says beforehand what ipfw cannot say.
public enum IPFWEmitter {
  public struct Options: Sendable {
    /// `ipfw -q …` commands in a shell script instead of a rules file.
    public var script = false
    /// The first rule number and the step between rules.
    public var first = 100
    public var step = 100
    /// `// from FILE:LINE` comments on rules.
    public var origins = true
    public var source: Language?
    public init() {}
  }

  /// What ipfw cannot say in a rule, if anything.
  public static func gap(in r: Rule) -> (what: String, reason: String)? {
    let m = r.match
    if r.phase == .translation {
      return (
        "\(r.translationWord) rule",
        "ipfw's in-kernel NAT needs an inbound rule that accepts packets of no session, which changes the filter's verdicts; write the nat instance by hand"
      )
    }
    if let o = m.opaque.first { return (o, "ipfw has no such match") }
    if let c = m.conditions {
      if c.optionMask != 0 || c.securityMask != 0 || c.mask != HeaderConditions.Property.fragmentBody || c.bits == 0 {
        return ("with", "ipfw cannot match these header properties")
      }
    }
    if m.fragment { return ("fragment", "ipfw's `frag` matches only fragments after the first") }
    if m.icmpCode != nil { return ("icmp-code", "ipfw matches ICMP types, not codes") }
    if let ts = m.icmpType, m.family != .inet6, m.protocols != [58], ts.contains(where: { $0 > 31 }) {
      return ("icmp-type \(ts.first { $0 > 31 }!)", "ipfw's icmptypes go from 0 to 31")
    }
    if let u = m.user, u.op != .equal { return ("uid comparison", "ipfw matches one user id") }
    if let g = m.group, g.op != .equal { return ("gid comparison", "ipfw matches one group id") }
    if let f = m.tcpFlags {
      if f.set & ~f.mask != 0 { return ("flags", "flags outside their mask match no packet") }
      if f.mask & 0xC0 != 0 { return ("flags E/W", "ipfw matches only F S R P A U") }
    }
    if let i = m.interface, i.last?.isNumber != true {
      return ("interface group \(i)", "ipfw matches interfaces by name, not by group")
    }
    func addressGap(_ a: AddressMatch) -> (what: String, reason: String)? {
      if a.negated && a.terms.count > 1 && a.terms.contains(where: { !isPlain($0) }) {
        return ("a negated address list with tables", "ipfw negates only plain address lists")
      }
      for t in a.terms {
        switch t {
        case .interface(let name, _, _) where name != "self":
          return ("(\(name))", "ipfw has no address of a named interface; only `me`")
        case .interface(_, let modifier, let prefix) where modifier != nil || prefix != nil:
          return ("self with a modifier", "ipfw's `me` has no modifiers")
        case .noRoute, .urpfFailed:
          return ("no-route/urpf-failed", "not translated")
        case .masked(let a, _) where a.family == .inet6:
          return ("a non-contiguous IPv6 mask", "ipfw masks IPv6 addresses by prefix")
        default: continue
        }
      }
      return nil
    }
    if let g = addressGap(m.source) ?? addressGap(m.destination) { return g }
    func portGap(_ ps: [RangeMatch]?) -> (what: String, reason: String)? {
      guard let ps else { return nil }
      for p in ps {
        let empty: Bool
        switch p.op {
        case .less: empty = p.low == 0
        case .greater: empty = p.low >= 65535
        case .exclusiveRange: empty = p.high <= p.low + 1
        case .inclusiveRange: empty = p.high < p.low
        default: empty = false
        }
        if empty { return ("an empty port comparison", "no port satisfies it; ipfw cannot write it") }
      }
      if ps.count > 1 && ps.contains(where: { $0.op == .notEqual || $0.op == .outsideRange }) {
        return ("a port list with negation", "ipfw negates a whole port list only")
      }
      return nil
    }
    if let g = portGap(m.sourcePort) ?? portGap(m.destinationPort) { return g }
    if r.stateLimits != nil { return ("state limits", "ipfw limits states per flow mask, not per rule") }
    if case .block(.returnAny) = r.action, m.probability != nil {
      return ("block return with probability", "written as two rules, it would draw twice for TCP packets")
    }
    return nil
  }

  static func isPlain(_ t: AddressTerm) -> Bool {
    switch t {
    case .network, .range, .masked: return true
    default: return false
    }
  }

  /// The ipfw text of a translated ruleset.
  public static func emit(_ rs: Ruleset, options: Options = Options()) -> String {
    var out = ""
    out.reserveCapacity(rs.rules.count * 96)
    let prefix = options.script ? "ipfw -q " : ""
    if options.script { out += "#!/bin/sh\n" }
    if let s = options.source { out += "# ipfw ruleset translated by fwc from \(s.rawValue)\n" }
    if options.script {
      out += "# Load with `sh FILE`; flush the old rules first (ipfw -q -f flush) if this replaces them.\n"
    }
    let used = Set(rs.rules.flatMap(tablesUsed))
    for name in rs.tables.keys.sorted() where used.contains(name) {
      guard let t = rs.tables[name] else { continue }
      let n = tableName(name)
      out += prefix + "table \(n) create type addr\n"
      for e in t.entries { for a in cidrs(e) { out += prefix + "table \(n) add \(a)\n" } }
    }
    // Rules are first collected, then numbered: in steps while they fit below 65535, else
    // spread over 1…65534 with shared numbers (ipfw keeps rules of one number in order).
    struct Line {
      var body: String
      var comment: String?
      /// A `skipto` over the next rule: `body` is what follows `skipto N`.
      var skipsNext = false
      /// The number must exceed the previous rule's (the target of a `skipto` before it).
      var afterSkipped = false
    }
    var rules: [Line] = []
    rules.reserveCapacity(rs.rules.count + 1)
    var shortNames: [Int32: String] = [:]
    func comment(_ r: Rule) -> String? {
      if options.origins, let o = r.origin.first {
        return originComment(file: o.fileID, line: o.line, names: &shortNames)
      }
      return r.origin.isEmpty ? r.comment.map { String($0.prefix(80)) } : nil
    }
    if rs.rules.contains(where: { $0.state != .none }) { rules.append(Line(body: "check-state")) }
    func add(_ r: Rule) {
      let m = r.match
      let c = comment(r)
      if m.tcpFlags != nil, m.protocols == nil {
        // Flags constrain TCP packets only: the TCP part with its flags, then the other
        // protocols, which TCP packets that missed the flags skip.
        var tcp = r
        tcp.match.protocols = [6]
        rules.append(Line(body: rule(tcp), comment: c))
        var skip = Match()
        skip.protocols = [6]
        rules.append(Line(body: body(skip, state: nil), skipsNext: true))
        var rest = r
        rest.match.tcpFlags = nil
        rules.append(Line(body: rule(rest), comment: c))
        rules.append(Line(body: "", afterSkipped: true))
      } else if m.tcpFlags != nil, let ps = m.protocols, ps.contains(6), ps.count > 1 {
        var tcp = r
        tcp.match.protocols = [6]
        rules.append(Line(body: rule(tcp), comment: c))
        var rest = r
        rest.match.protocols = ps.filter { $0 != 6 }
        rest.match.tcpFlags = nil
        rules.append(Line(body: rule(rest), comment: c))
      } else {
        rules.append(Line(body: rule(r), comment: c))
      }
    }
    for i in rs.rules.indices where rs.rules[i].phase == .filter {
      if mixesFamilies(rs.rules[i]) {
        for r in splitByFamily(rs.rules[i]) { add(r) }
      } else {
        add(rs.rules[i])
      }
    }
    // Markers (empty bodies) only say that the next rule needs a greater number.
    var numbers: [Int] = []
    var strict = false
    let count = rules.reduce(0) { $0 + ($1.body.isEmpty ? 0 : 1) }
    let fits = options.first + (count - 1) * options.step <= 65534
    var k = 0
    for line in rules {
      if line.body.isEmpty {
        strict = true
        numbers.append(numbers.last ?? 0)
        continue
      }
      var n = fits ? options.first + k * options.step : 1 + k * 65533 / max(count, 1)
      if let last = numbers.last { n = min(65534, max(n, strict ? last + 1 : last)) }
      numbers.append(n)
      strict = false
      k += 1
    }
    for (idx, line) in rules.enumerated() where !line.body.isEmpty {
      var body = line.body
      if line.skipsNext {
        // The target is the number of the rule after the one skipped.
        let next = rules.indices.dropFirst(idx + 2).first { !rules[$0].body.isEmpty }.map { numbers[$0] } ?? 65535
        body = "skipto \(next) " + body
      }
      out += prefix
      out += "add "
      out += String(numbers[idx])
      out += " "
      out += options.script ? shellQuoted(body) : body
      if let c = line.comment {
        out += " // "
        out += options.script ? shellQuoted(c) : c
      }
      out += "\n"
    }
    return out
  }

  /// Words with characters the shell would read (`table(x)`, `'s`) in single quotes.
  public static func shellQuoted(_ text: String) -> String {
    text.split(separator: " ", omittingEmptySubsequences: false).map { w -> String in
      let special = w.contains { "()<>;&|$`\\\"'*?[]#~!{}\n\r\t".contains($0) }
      guard special, w != "{", w != "}", w != "!" else { return String(w) }
      return "'" + w.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }.joined(separator: " ")
  }

  /// `from FILE:LINE` within ipfw's 80 characters of comment: the file's last path component,
  /// shortened from the left when long.
  static func originComment(file id: Int32, line: Int, names: inout [Int32: String]) -> String {
    let name: String
    if let n = names[id] {
      name = n
    } else {
      let file = FileNames.printable(id)
      name = file.split(separator: "/").last.map(String.init) ?? file
      names[id] = name
    }
    let room = 80 - "from :\(line)".utf8.count
    let shown = name.utf8.count <= room ? name : "..." + String(name.suffix(room - 3))
    return "from \(shown):\(line)"
  }

  /// A rule whose address lists hold IPv4 and IPv6 networks as one rule per family (ipfw reads
  /// one address list as one family); the rules are adjacent and decide alike.
  static func splitByFamily(_ r: Rule) -> [Rule] {
    guard mixesFamilies(r) else { return [r] }
    var out: [Rule] = []
    for f in [AddressFamily.inet, .inet6] where r.match.family == nil || r.match.family == f {
      func keep(_ t: AddressTerm) -> Bool { if case .network(let n) = t { return n.family == f } else { return true } }
      var x = r
      x.match.family = f
      x.match.source.terms = r.match.source.terms.filter(keep)
      x.match.destination.terms = r.match.destination.terms.filter(keep)
      // A side left with no address matches nothing (or, negated, everything of the family).
      if x.match.source.terms.isEmpty {
        if !x.match.source.negated { continue }
        x.match.source = .any
      }
      if x.match.destination.terms.isEmpty {
        if !x.match.destination.negated { continue }
        x.match.destination = .any
      }
      out.append(x)
    }
    return out
  }

  /// Whether an address list of the rule holds IPv4 and IPv6 networks.
  static func mixesFamilies(_ r: Rule) -> Bool {
    func mixed(_ a: AddressMatch) -> Bool {
      guard a.terms.count > 1 else { return false }
      var seen: AddressFamily? = nil
      for case .network(let n) in a.terms {
        if let f = seen, f != n.family { return true }
        seen = n.family
      }
      return false
    }
    return mixed(r.match.source) || mixed(r.match.destination)
  }

  static func tablesUsed(_ r: Rule) -> [String] {
    (r.match.source.terms + r.match.destination.terms).compactMap {
      if case .table(let n) = $0 { return n } else { return nil }
    }
  }

  /// A table name ipfw accepts: letters, digits, `_`, `-` and `.`; others become `_`.
  public static func tableName(_ name: String) -> String {
    String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." ? $0 : "_" }.prefix(63))
  }

  /// One rule as ipfw writes it after `add NUMBER`.
  public static func rule(_ r: Rule) -> String {
    var s = ""
    if let p = r.match.probability { s += "prob \(p) " }
    s += action(r)
    if r.log { s += " log" }
    let state: String?
    switch r.state {
    case .none: state = nil
    case .record: state = "record-state" + (r.stateName.map { " :\($0)" } ?? "")
    default: state = "keep-state" + (r.stateName.map { " :\($0)" } ?? "")
    }
    return s + " " + body(r.match, state: state)
  }

  static func action(_ r: Rule) -> String {
    switch r.action {
    case .pass: return "allow"
    case .block(let how):
      switch how {
      case .drop: return "deny"
      case .returnRST: return "reset"
      case .returnRST6: return "reset6"
      case .returnICMP: return r.match.family == .inet6 ? "unreach6 port" : "unreach port"
      case .returnAny:
        if r.match.protocols == [6] { return "reset" }
        return r.match.family == .inet6 ? "unreach6 port" : "unreach port"
      case .icmpUnreachable(let code, _): return "unreach \(code)"
      case .icmp6Unreachable(let code): return "unreach6 \(code)"
      case .sctpAbort(let v6): return v6 ? "abort6" : "abort"
      }
    default: return "count"
    }
  }

  static func body(_ m: Match, state: String?) -> String {
    var s: String
    if let ps = m.protocols {
      s =
        ps.count == 1
        ? ProtocolNames.ruleWord(ps[0]) : "{ " + ps.map(ProtocolNames.ruleWord).joined(separator: " or ") + " }"
    } else {
      s = m.family == .inet ? "ip4" : m.family == .inet6 ? "ip6" : "ip"
    }
    s += " from " + addresses(m.source) + ports(m.sourcePort)
    s += " to " + addresses(m.destination) + ports(m.destinationPort)
    if m.protocols != nil, let f = m.family { s += f == .inet ? " ip4" : " ip6" }
    if let d = m.direction { s += " " + d.rawValue }
    // `via` is the receiving interface of inbound packets and the sending one of outbound.
    if let i = m.interface { s += (m.interfaceNegated ? " not" : "") + " via " + i }
    if let f = m.tcpFlags { s += " " + flags(f) }
    if let ts = m.icmpType {
      let word = m.family == .inet6 || m.protocols == [58] ? "icmp6types" : "icmptypes"
      s += " \(word) " + ts.map(String.init).joined(separator: ",")
    }
    if let t = m.tos { s += " dscp \(t >> 2)" }
    if let u = m.user { s += " uid \(u.low)" }
    if let g = m.group { s += " gid \(g.low)" }
    if m.conditions != nil { s += " frag offset" }
    if let state { s += " " + state }
    return s
  }

  static func flags(_ f: TCPFlagsMatch) -> String {
    if f.mask == 0x12 && f.set == 0x02 { return "setup" }
    let names = ["fin", "syn", "rst", "psh", "ack", "urg"]
    var parts: [String] = []
    for bit in 0..<6 where f.mask & (1 << bit) != 0 {
      parts.append((f.set & (1 << bit) != 0 ? "" : "!") + names[bit])
    }
    return "tcpflags " + parts.joined(separator: ",")
  }

  static func addresses(_ a: AddressMatch) -> String {
    if a.isAny { return "any" }
    if a.terms.count == 1, case .network(let n) = a.terms[0] { return (a.negated ? "not " : "") + n.description }
    let plain = a.terms.allSatisfy(isPlain)
    let items = a.terms.flatMap(term)
    let body: String
    if plain || items.count == 1 {
      body = items.joined(separator: ",")
    } else {
      body = "{ " + items.joined(separator: " or ") + " }"
    }
    return (a.negated ? "not " : "") + body
  }

  static func term(_ t: AddressTerm) -> [String] {
    switch t {
    case .any: return ["any"]
    case .table(let n): return ["table(\(tableName(n)))"]
    case .interface: return ["me"]
    case .masked(let a, let m): return ["\(a):\(m)"]
    default: return cidrs(t)
    }
  }

  /// An address term as CIDR blocks (a range becomes the blocks that cover it exactly).
  static func cidrs(_ t: AddressTerm) -> [String] {
    switch t {
    case .network(let n): return [n.description]
    case .range(let a, let b): return IPNetwork.covering(from: a, to: b).map(\.description)
    case .masked(let a, let m): return ["\(a):\(m)"]
    default: return []
    }
  }

  static func port(_ r: RangeMatch) -> String {
    switch r.op {
    case .equal, .notEqual: return "\(r.low)"
    case .inclusiveRange, .outsideRange: return "\(r.low)-\(r.high)"
    case .exclusiveRange: return "\(r.low + 1)-\(r.high - 1)"
    case .less: return "0-\(r.low - 1)"
    case .lessOrEqual: return "0-\(r.low)"
    case .greater: return "\(r.low + 1)-65535"
    case .greaterOrEqual: return "\(r.low)-65535"
    }
  }

  static func ports(_ rs: [RangeMatch]?) -> String {
    guard let rs else { return "" }
    let negated = rs.count == 1 && [.notEqual, .outsideRange].contains(rs[0].op)
    return (negated ? " not " : " ") + rs.map(port).joined(separator: ",")
  }
}

extension Rule {
  var translationWord: String {
    if case .translate(let k, let negated) = action { return (negated ? "no " : "") + k.rawValue }
    return "translation"
  }
}
