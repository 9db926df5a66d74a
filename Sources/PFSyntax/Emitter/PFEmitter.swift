import FirewallIR

/// Writes IR rules as pf.conf text (FreeBSD syntax, or OpenBSD's `nat-to`/`rdr-to` style).
///
/// The rules must already be in pf's evaluation order (last match unless `quick`) with no
/// anchors or jumps; `gap(in:)` says beforehand what pf cannot say.
public enum PFEmitter {
  public enum Style: String, Sendable { case freebsd, openbsd }

  public struct Options: Sendable {
    public var style: Style = .freebsd
    /// Write an anchor body (for `pfctl -a NAME -f -`): no `set` lines.
    public var anchor: String?
    /// `# from FILE:LINE` comments above rules.
    public var origins = true
    /// The source language, for the header comment.
    public var source: Language?
    public init() {}
  }

  /// What pf cannot say in a rule, if anything.
  public static func gap(in r: Rule) -> (what: String, reason: String)? {
    let m = r.match
    if let o = m.opaque.first { return (o, "pf has no such match") }
    if let c = m.conditions, c.mask != 0 || c.optionMask != 0 || c.securityMask != 0 {
      let fragmentOnly = c.optionMask == 0 && c.securityMask == 0 && c.mask == HeaderConditions.Property.fragment
      if !fragmentOnly || c.bits == 0 { return ("with", "pf cannot match IP options or these header properties") }
    }
    for a in [m.source, m.destination] {
      if a.negated && a.terms.count > 1 {
        return ("a negated address list", "pf reads `! { a, b }` as each address negated")
      }
      for t in a.terms {
        if case .masked = t { return ("a non-contiguous mask", "pf masks are prefixes") }
      }
    }
    if m.icmpCode != nil && (m.icmpType?.count ?? 0) != 1 {
      return ("icmp-code", "pf matches an ICMP code only with one ICMP type")
    }
    if let u = m.user, !portOperatorOK(u) { return ("uid", "pf cannot compare user ids that way") }
    if let g = m.group, !portOperatorOK(g) { return ("gid", "pf cannot compare group ids that way") }
    for a in [m.source, m.destination] {
      for t in a.terms {
        if case .interface(_, let mod?, _) = t, modifierNames[mod] == nil {
          return ("interface address modifier :\(mod)", "pf has no such modifier")
        }
      }
    }
    if let t = r.translation.first, t.portLow != nil, let ps = m.protocols, !ps.contains(6) && !ps.contains(17) {
      return (
        "a port map for protocol \(ps.map(String.init).joined(separator: ","))", "pf maps ports of TCP and UDP only"
      )
    }
    switch r.action {
    case .block(.sctpAbort): return ("abort", "pf has no SCTP abort reply")
    case .translate(.binat, false):
      guard let t = r.translation.first, t.targets.count == 1 else {
        return ("binat pool", "pf binat maps to one address")
      }
    default: break
    }
    if let p = r.stateLimits?.sourcePrefix, p != 32 && p != 128 {
      return ("max-per-src with a /\(p) mask", "pf counts states per source address")
    }
    if r.state == .record || r.state == .limit, r.stateName != nil {
      return ("named state", "pf has one state table")
    }
    return nil
  }

  static func portOperatorOK(_ r: RangeMatch) -> Bool { true }

  /// Interface address modifiers as pf spells them, by the IR's (and ipfilter's) names.
  static let modifierNames = [
    "network": "network", "net": "network", "broadcast": "broadcast", "bcast": "broadcast", "peer": "peer",
    "0": "0",
  ]

  /// The pf.conf text of a translated ruleset.
  public static func emit(_ rs: Ruleset, options: Options = Options()) -> String {
    var out = ""
    if let s = options.source {
      out += "# pf.conf translated by fwc from \(s.rawValue)\n"
    }
    let tables = rs.tables.keys.sorted()
    let usedTables = Set(rs.rules.flatMap(tablesUsed))
    for name in tables where usedTables.contains(name) {
      guard let t = rs.tables[name] else { continue }
      out += "table <\(tableName(name))>"
      let entries = t.entries.map { address($0) } + t.excluded.map { "!" + address($0) }
      if !t.files.isEmpty { out += " persist" + t.files.map { " file \(quote($0))" }.joined() }
      out += entries.isEmpty ? "\n" : " { " + entries.joined(separator: ", ") + " }\n"
    }
    if !tables.isEmpty { out += "\n" }
    if options.anchor == nil && !rs.skippedInterfaces.isEmpty {
      out += rs.skippedInterfaces.map { "set skip on \($0)\n" }.joined()
    }
    let translations = rs.rules.filter { $0.phase == .translation }
    let filter = rs.rules.filter { $0.phase == .filter }
    if options.style == .freebsd {
      for kind in [TranslationKind.nat, .rdr, .binat] {
        for r in translations where r.translationKind == kind && !(kind == .binat && r.match.direction == .in) {
          out += comment(r, options) + translationRule(r) + "\n"
        }
      }
    } else {
      // `match` rules are last-match: in reverse, the first translation rule still wins.
      for r in translations.reversed() where !(r.translationKind == .binat && r.match.direction == .in) {
        out += comment(r, options) + openBSDTranslation(r) + "\n"
      }
    }
    if !translations.isEmpty && !filter.isEmpty { out += "\n" }
    let allowOptions = options.source != nil && options.source != .pf
    for r in filter { out += comment(r, options) + filterRule(r, allowOptions: allowOptions) + "\n" }
    return out
  }

  static func comment(_ r: Rule, _ options: Options) -> String {
    var s = ""
    if let c = r.comment, r.origin.isEmpty { s += "# \(c)\n" }
    if options.origins, let o = r.origin.first { s += "# from \(o.commentText)\n" }
    return s
  }

  static func tablesUsed(_ r: Rule) -> [String] {
    var out: [String] = []
    for t in r.match.source.terms + r.match.destination.terms + r.translation.flatMap(\.targets) {
      if case .table(let n) = t { out.append(n) }
    }
    return out
  }

  /// A table name pf accepts: letters, digits, `_` and `-`; other characters become `_`.
  public static func tableName(_ name: String) -> String {
    String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
  }

  static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "") + "\"" }

  public static func address(_ t: AddressTerm) -> String {
    switch t {
    case .any: return "any"
    case .network(let n): return n.description
    case .range(let a, let b): return "\(a) - \(b)"
    case .masked(let a, let m): return "\(a)/\(m)"
    case .table(let n): return "<\(tableName(n))>"
    case .interface(let name, let modifier, let prefix):
      if name == "self" { return "self" }
      let mod = modifier.map { ":" + (modifierNames[$0] ?? $0) } ?? ""
      return "(\(name)\(mod))" + (prefix.map { "/\($0)" } ?? "")
    case .noRoute: return "no-route"
    case .urpfFailed: return "urpf-failed"
    }
  }

  static func addresses(_ a: AddressMatch) -> String {
    let body = a.terms.count == 1 ? address(a.terms[0]) : "{ " + a.terms.map(address).joined(separator: ", ") + " }"
    return (a.negated ? "! " : "") + body
  }

  static func port(_ r: RangeMatch) -> String {
    switch r.op {
    case .equal: return "\(r.low)"
    case .inclusiveRange: return "\(r.low):\(r.high)"
    case .exclusiveRange: return "\(r.low) >< \(r.high)"
    case .outsideRange: return "\(r.low) <> \(r.high)"
    default: return "\(r.op.rawValue) \(r.low)"
    }
  }

  static func ports(_ rs: [RangeMatch]?) -> String {
    guard let rs else { return "" }
    return rs.count == 1 ? " port " + port(rs[0]) : " port { " + rs.map(port).joined(separator: ", ") + " }"
  }

  /// `on IF`, family, protocol, `from … to …`: the part every rule kind shares.
  static func header(_ m: Match, interface: Bool = true) -> String {
    var s = ""
    if interface, let i = m.interface { s += " on " + (m.interfaceNegated ? "! " : "") + i }
    if let f = m.family {
      s += " " + f.keyword
    } else if m.icmpType != nil, let ps = m.protocols, ps.count == 1 {
      // pf wants the family stated with icmp-type.
      s += ps[0] == 58 ? " inet6" : " inet"
    }
    if let ps = m.protocols {
      s +=
        ps.count == 1
        ? " proto " + ProtocolNames.ruleWord(ps[0])
        : " proto { " + ps.map(ProtocolNames.ruleWord).joined(separator: ", ") + " }"
    }
    if m.source.isAny && m.destination.isAny && m.sourcePort == nil && m.destinationPort == nil {
      return s + " all"
    }
    s += " from " + addresses(m.source) + ports(m.sourcePort)
    s += " to " + addresses(m.destination) + ports(m.destinationPort)
    return s
  }

  static func flags(_ f: TCPFlagsMatch) -> String { PFPrinter.flags(f.set) + "/" + PFPrinter.flags(f.mask) }

  /// One filter rule as a pf.conf line.
  public static func filterRule(_ r: Rule, allowOptions: Bool = false) -> String {
    let m = r.match
    var s: String
    switch r.action {
    case .pass: s = "pass"
    case .block(let how):
      switch how {
      case .drop: s = "block drop"
      case .returnRST, .returnRST6: s = "block return-rst"
      case .returnICMP: s = "block return-icmp"
      case .returnAny: s = "block return"
      case .icmpUnreachable(let code, _): s = "block return-icmp(\(code))"
      case .icmp6Unreachable(let code): s = "block return-icmp6(\(code))"
      case .sctpAbort: s = "block drop"
      }
    default: s = "match"
    }
    if let d = m.direction { s += " " + d.rawValue }
    if r.log { s += " log" }
    if r.quick { s += " quick" }
    s += header(m)
    if let u = m.user { s += " user " + port(u) }
    if let g = m.group { s += " group " + port(g) }
    if let f = m.tcpFlags {
      s += " flags " + flags(f)
    } else if case .pass = r.action, r.state != .none {
      s += " flags any"
    }
    if let ts = m.icmpType {
      let keyword = m.family == .inet6 || m.protocols == [58] ? "icmp6-type" : "icmp-type"
      let code = m.icmpCode.map { " code \($0)" } ?? ""
      s +=
        ts.count == 1
        ? " \(keyword) \(ts[0])\(code)" : " \(keyword) { " + ts.map(String.init).joined(separator: ", ") + " }"
    }
    if let t = m.tos { s += " tos \(t)" }
    if m.fragment || (m.conditions.map { $0.mask == HeaderConditions.Property.fragment } ?? false) { s += " fragment" }
    if let p = m.probability { s += " probability \(formatPercent(p))%" }
    if case .pass = r.action {
      switch r.state {
      case .none: s += " no state"
      default:
        s += " keep state"
        if let l = r.stateLimits {
          var opts: [String] = []
          if let n = l.states { opts.append("max \(n)") }
          if let n = l.sources { opts.append("max-src-nodes \(n)") }
          if let n = l.statesPerSource { opts.append("max-src-states \(n)") }
          if !opts.isEmpty { s += " (" + opts.joined(separator: ", ") + ")" }
        }
      }
    }
    // pf refuses packets with IP options (IPv6 routing headers) unless the pass rule allows
    // them; ipfw and ipfilter pass them.
    if case .pass = r.action, allowOptions { s += " allow-opts" }
    if let t = r.tag { s += " tag " + quote(t) }
    if let t = m.tagged { s += (m.taggedNegated ? " !" : " ") + "tagged " + quote(t) }
    return s
  }

  static func formatPercent(_ p: Double) -> String {
    let v = p * 100
    return v == v.rounded() ? String(Int(v)) : String(v)
  }

  static func targets(_ t: Translation) -> String {
    var s = t.targets.count == 1 ? address(t.targets[0]) : "{ " + t.targets.map(address).joined(separator: ", ") + " }"
    if let low = t.portLow, !(t.kind == .nat && low == 50001 && t.portHigh == 65535) {
      s += " port \(low)" + (t.portHigh.map { ":\($0)" } ?? "")
    }
    if let p = t.pool { s += " " + p }
    if t.options.contains("sticky-address") || t.options.contains("sticky") { s += " sticky-address" }
    // A nat without a port range keeps source ports: pf's `static-port`.
    if t.options.contains("static-port") || (t.kind == .nat && t.portLow == nil) { s += " static-port" }
    return s
  }

  static func translationRule(_ r: Rule) -> String {
    guard case .translate(let kind, let negated) = r.action else { return "# ?" }
    var s = (negated ? "no " : "") + kind.rawValue
    if r.log { s += " log" }
    s += header(r.match)
    if !negated, let t = r.translation.first { s += " -> " + targets(t) }
    return s
  }

  static func openBSDTranslation(_ r: Rule) -> String {
    guard case .translate(let kind, let negated) = r.action, !negated, let t = r.translation.first else {
      return translationRule(r)
    }
    // binat-to works both ways and takes no direction.
    var s = kind == .rdr ? "match in" : kind == .nat ? "match out" : "match"
    if r.log { s += " log" }
    s += header(r.match)
    s += kind == .rdr ? " rdr-to " : kind == .nat ? " nat-to " : " binat-to "
    return s + targets(t)
  }
}
