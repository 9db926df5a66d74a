import FirewallIR

/// Prints an ipfw configuration: the tables, NAT instances and other instance configurations
/// as the commands that create them, then the rules as `ipfw list` shows them, ending with the
/// default rule.
public enum IPFWPrinter {
  public static func print(_ ruleset: IPFWRuleset) -> String {
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
    var buffer = TextBuffer(capacity: ruleset.rules.count * 96)
    buffer += out
    // Rules outside set 0 print as `ipfw -S list` shows them, every rule with its set.
    let showSets = ruleset.rules.contains { $0.set != 0 }
    for r in ruleset.rules {
      write(r, showSets: showSets, into: &buffer)
      buffer.append(byte: 0x0A)
    }
    buffer += "65535 \(ruleset.defaultAction) ip from any to any\n"
    return buffer.string
  }

  /// One rule as `ipfw list` prints it.
  public static func line(_ r: IPFWRule, showSets: Bool = false) -> String {
    var b = TextBuffer()
    write(r, showSets: showSets || r.set != 0, into: &b)
    return b.string
  }

  static func write(_ r: IPFWRule, showSets: Bool, into s: inout TextBuffer) {
    if r.disabled { s += "# DISABLED " }
    var n = r.number
    var width = 1
    while n >= 10 {
      n /= 10
      width += 1
    }
    for _ in width..<max(width, 5) { s.append(byte: 0x30) }
    s.append(decimal: UInt64(r.number))
    s.append(byte: 0x20)
    if showSets { s += "set \(r.set) " }
    if let p = r.probability { s += "prob \(sixDecimals(p)) " }
    s += r.action.keyword
    for a in r.action.arguments {
      s.append(byte: 0x20)
      s += a
    }
    if r.log {
      s += " log"
      if let n = r.logAmount { s += " logamount \(n)" }
    }
    if let q = r.altq { s += " altq \(q)" }
    if let t = r.tag { s += t.untag ? " untag \(t.value)" : " tag \(t.value)" }
    if r.action.keyword != "check-state" { body(r, into: &s) }
    if let c = r.comment {
      s += " // "
      s += c
    }
  }

  static func body(_ r: IPFWRule, into s: inout TextBuffer) {
    var inlinedSource = -1
    var inlinedDestination = -1
    if !r.justOptions {
      s.append(byte: 0x20)
      s += protocols(r)
      inlinedSource = endpoint(" from ", r.source, r, "src-port", into: &s)
      inlinedDestination = endpoint(" to ", r.destination, r, "dst-port", into: &s)
    }
    for (i, o) in r.options.enumerated() where i != inlinedSource && i != inlinedDestination {
      let opensBlock = o.orNext && (i == 0 || !r.options[i - 1].orNext)
      let closesBlock = !o.orNext && i > 0 && r.options[i - 1].orNext
      if opensBlock { s += " {" }
      s.append(byte: 0x20)
      option(o, into: &s)
      if o.orNext { s += " or" }
      if closesBlock { s += " }" }
    }
  }

  /// Prints ` from ADDR [PORTS]` or ` to ADDR [PORTS]`; returns the index of the port option
  /// printed after the address, or -1.
  static func endpoint(
    _ label: String, _ a: IPFWAddress, _ r: IPFWRule, _ portKeyword: String, into s: inout TextBuffer
  ) -> Int {
    s += label
    address(a, into: &s)
    guard let i = inlinePort(r, portKeyword) else { return -1 }
    s.append(byte: 0x20)
    if r.options[i].negated { s += "not " }
    s += r.options[i].arguments.joined(separator: " ")
    return i
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
    var b = TextBuffer()
    address(a, into: &b)
    return b.string
  }

  static func address(_ a: IPFWAddress, into s: inout TextBuffer) {
    if a.terms.count == 1 {
      if a.terms[0].negated { s += "not " }
      IPFWParser.renderItems(a.terms[0].items, into: &s)
      return
    }
    s += "{ "
    for (k, t) in a.terms.enumerated() {
      if k > 0 { s += " or " }
      if t.negated { s += "not " }
      IPFWParser.renderItems(t.items, into: &s)
    }
    s += " }"
  }

  static func option(_ o: IPFWOption) -> String {
    var b = TextBuffer()
    option(o, into: &b)
    return b.string
  }

  static func option(_ o: IPFWOption, into s: inout TextBuffer) {
    if o.negated { s += "not " }
    if o.keyword == "tcpflags" && o.arguments.count == 1 && o.arguments[0] == "syn,!ack" {
      s += "setup"
      return
    }
    s += o.keyword
    for a in o.arguments {
      s.append(byte: 0x20)
      s += a
    }
  }

  /// `%f`: six decimals.
  static func sixDecimals(_ p: Double) -> String {
    let micro = Int((p * 1_000_000).rounded())
    let whole = micro / 1_000_000
    let frac = String(micro % 1_000_000)
    return "\(whole)." + String(repeating: "0", count: 6 - frac.count) + frac
  }
}
