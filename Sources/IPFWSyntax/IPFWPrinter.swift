import FirewallIR

/// Prints an ipfw configuration: the tables, NAT instances and other instance configurations
/// as the commands that create them, then the rules as `ipfw list` shows them, ending with the
/// default rule.
public enum IPFWPrinter {
  public static func print(_ ruleset: IPFWRuleset, defaultRule: String = "deny") -> String {
    var out = ""
    for name in ruleset.tableOrder {
      guard let t = ruleset.tables[name] else { continue }
      out += "table \(name) create type \(t.type)"
      for o in t.options { out += " " + o }
      out += "\n"
      for e in t.entries {
        out += "table \(name) add \(e.key)"
        if let v = e.value { out += " " + v }
        out += "\n"
      }
    }
    for id in ruleset.nats.keys.sorted() { out += ruleset.nats[id]!.words.joined(separator: " ") + "\n" }
    for c in ruleset.configs { out += c.words.joined(separator: " ") + "\n" }
    for s in ruleset.disabledSets.sorted() { out += "set disable \(s)\n" }
    for r in ruleset.rules { out += line(r) + "\n" }
    out += "65535 \(defaultRule) ip from any to any\n"
    return out
  }

  /// One rule as `ipfw list` prints it.
  public static func line(_ r: IPFWRule) -> String {
    var s = r.disabled ? "# DISABLED " : ""
    s += pad5(r.number) + " "
    if r.set != 0 { s += "set \(r.set) " }
    if let p = r.probability { s += "prob \(sixDecimals(p)) " }
    s += r.action.keyword
    for a in r.action.arguments { s += " " + a }
    if r.log {
      s += " log"
      if let n = r.logAmount { s += " logamount \(n)" }
    }
    if let q = r.altq { s += " altq \(q)" }
    if let t = r.tag { s += t.untag ? " untag \(t.value)" : " tag \(t.value)" }
    if r.action.keyword != "check-state" { s += body(r) }
    if let c = r.comment { s += " // " + c }
    return s
  }

  static func body(_ r: IPFWRule) -> String {
    var s = ""
    var inlined: Set<Int> = []
    if !r.justOptions {
      s += " " + protocols(r)
      s += " from " + address(r.source)
      if let i = inlinePort(r, "src-port") {
        s += " " + optionArguments(r.options[i], negatedPrefix: true)
        inlined.insert(i)
      }
      s += " to " + address(r.destination)
      if let i = inlinePort(r, "dst-port") {
        s += " " + optionArguments(r.options[i], negatedPrefix: true)
        inlined.insert(i)
      }
    }
    for (i, o) in r.options.enumerated() where !inlined.contains(i) {
      let opensBlock = o.orNext && (i == 0 || !r.options[i - 1].orNext)
      let closesBlock = !o.orNext && i > 0 && r.options[i - 1].orNext
      if opensBlock { s += " {" }
      s += " " + option(o)
      if o.orNext { s += " or" }
      if closesBlock { s += " }" }
    }
    return s
  }

  /// The index of a port option that prints after its address: the only one of its kind,
  /// outside any `{ or }` block.
  static func inlinePort(_ r: IPFWRule, _ keyword: String) -> Int? {
    let all = r.options.indices.filter { r.options[$0].keyword == keyword }
    guard all.count == 1, let i = all.first else { return nil }
    if r.options[i].orNext || (i > 0 && r.options[i - 1].orNext) { return nil }
    return i
  }

  static func protocols(_ r: IPFWRule) -> String {
    let names = r.protocols.map(IPFWParser.protocolName)
    var s = r.protocolNegated ? "not " : ""
    switch names.count {
    case 0: s += "ip"
    case 1: s += names[0]
    default: s += "{ " + names.joined(separator: " or ") + " }"
    }
    return s
  }

  static func address(_ a: IPFWAddress) -> String {
    let terms = a.terms.map { ($0.negated ? "not " : "") + IPFWParser.renderItems($0.items) }
    return terms.count == 1 ? terms[0] : "{ " + terms.joined(separator: " or ") + " }"
  }

  static func option(_ o: IPFWOption) -> String {
    if o.keyword == "tcpflags" && o.arguments == ["syn,!ack"] { return (o.negated ? "not " : "") + "setup" }
    var s = o.negated ? "not " : ""
    s += o.keyword
    for a in o.arguments { s += " " + a }
    return s
  }

  static func optionArguments(_ o: IPFWOption, negatedPrefix: Bool) -> String {
    (o.negated ? "not " : "") + o.arguments.joined(separator: " ")
  }

  static func pad5(_ n: Int) -> String {
    let d = String(n)
    return String(repeating: "0", count: max(0, 5 - d.count)) + d
  }

  /// `%f`: six decimals.
  static func sixDecimals(_ p: Double) -> String {
    let micro = Int((p * 1_000_000).rounded())
    let whole = micro / 1_000_000
    let frac = String(micro % 1_000_000)
    return "\(whole)." + String(repeating: "0", count: 6 - frac.count) + frac
  }
}
