import FirewallIR

/// `ipfw add`: number, set, probability, action and its modifiers, then the body.
extension IPFWParser {
  mutating func parseRule(fromList: Bool) throws -> IPFWRule {
    let start = here
    var ruleNumber = 0
    if let t = peekText, t.first?.isNumber == true {
      let w = next()!
      // 0 asks for a number, like none.
      guard let n = Int(w.text), (0...65535).contains(n) else {
        throw error("rule number must be from 1 to 65535, not `\(w.text)`", at: w.location)
      }
      if n == 65535 && !fromList {
        throw error("rule 65535 is the default rule and cannot be added", at: w.location)
      }
      ruleNumber = n
    }
    var rule = IPFWRule(number: ruleNumber, action: IPFWAction("count"), location: start)
    if accept("set") { rule.set = try number("set number", in: 0...31) }
    if accept("prob") {
      let w = try expectWord("probability")
      guard let p = Double(w.text), p > 0, p <= 1 else {
        throw error("probability must be a number above 0 and at most 1, not `\(w.text)`", at: w.location)
      }
      if p < 1 { rule.probability = p }
    }
    rule.action = try parseAction(&rule)
    while let t = peekText {
      if t == "log" {
        if rule.log { throw error("log cannot be specified more than once") }
        pos += 1
        rule.log = true
        if accept("logamount") { rule.logAmount = try number("log amount", in: 0...Int(Int32.max)) }
      } else if t == "altq" {
        pos += 1
        rule.altq = try expectWord("queue name").text
      } else if t == "tag" || t == "untag" {
        pos += 1
        rule.tag = IPFWTag(untag: t == "untag", value: try number("tag", in: 1...65534))
      } else {
        break
      }
    }
    if rule.logAmount == 0 { rule.logAmount = nil }
    if rule.action.keyword == "check-state" {
      // check-state takes nothing but a comment.
      if accept("//") { rule.comment = restAsComment() }
      if let w = next() {
        throw error("check-state takes only `:name` and a comment, not `\(w.text)`", at: w.location)
      }
      return rule
    }
    try parseBody(&rule)
    try canonicalize(&rule)
    return rule
  }

  mutating func restAsComment() -> String {
    let text = words[pos...].map(\.text).joined(separator: " ")
    pos = words.count
    return text
  }

  // MARK: Actions

  static let unreachCodes = [
    "net", "host", "protocol", "port", "needfrag", "srcfail", "net-unknown", "host-unknown", "isolated",
    "net-prohib", "host-prohib", "tosnet", "toshost", "filter-prohib", "host-precedence", "precedence-cutoff",
  ]
  static let unreach6Codes = ["no-route": 0, "admin-prohib": 1, "address": 3, "port": 4]

  /// An action argument: a number from 1 to 65534, or `tablearg`.
  mutating func actionArgument(_ what: String) throws -> String {
    let w = try expectWord(what)
    if w.text == "tablearg" { return "tablearg" }
    guard let n = Int(w.text), (1...65534).contains(n) else {
      throw error("\(what) must be a number from 1 to 65534 or `tablearg`, not `\(w.text)`", at: w.location)
    }
    return String(n)
  }

  mutating func parseAction(_ rule: inout IPFWRule) throws -> IPFWAction {
    let w = try expectWord("action")
    switch w.text {
    case "allow", "accept", "pass", "permit": return IPFWAction("allow")
    case "deny", "drop": return IPFWAction("deny")
    case "reject": return IPFWAction("reject")
    case "reset", "reset6", "abort", "abort6", "count", "reass", "return":
      return IPFWAction(w.text)
    case "//":
      rule.comment = restAsComment()
      return IPFWAction("count")
    case "check-state":
      var name = "default"
      if let t = peekText, t.hasPrefix(":") {
        name = try stateName(next()!)
      }
      return IPFWAction("check-state", [":" + name])
    case "unreach":
      let c = try expectWord("unreach code")
      let code: Int
      if let i = Self.unreachCodes.firstIndex(of: c.text) {
        code = i
      } else if let n = Int(c.text), (0...255).contains(n) {
        code = n
      } else {
        throw error("unknown unreach code `\(c.text)`", at: c.location)
      }
      if code == 1 { return IPFWAction("reject") }
      let name = code < Self.unreachCodes.count ? Self.unreachCodes[code] : String(code)
      if code == 4, let t = peekText, let mtu = Int(t) {
        guard (68...65534).contains(mtu) else { throw error("needfrag MTU must be from 68 to 65534", at: here) }
        pos += 1
        return IPFWAction("unreach", [name, String(mtu)])
      }
      return IPFWAction("unreach", [name])
    case "unreach6":
      let c = try expectWord("unreach6 code")
      if Self.unreach6Codes[c.text] != nil { return IPFWAction("unreach6", [c.text]) }
      guard let n = Int(c.text), (0...255).contains(n) else {
        throw error("unknown unreach6 code `\(c.text)`", at: c.location)
      }
      if let name = Self.unreach6Codes.first(where: { $0.value == n })?.key { return IPFWAction("unreach6", [name]) }
      return IPFWAction("unreach6", [String(n)])
    case "skipto", "call", "pipe", "queue", "netgraph", "ngtee", "setfib":
      return IPFWAction(w.text, [try actionArgument("\(w.text) number")])
    case "divert", "tee":
      let a = try expectWord("divert port")
      if a.text == "tablearg" { return IPFWAction(w.text, ["tablearg"]) }
      if let n = Int(a.text), (1...65534).contains(n) { return IPFWAction(w.text, [String(n)]) }
      if let p = ServiceNames.port(named: a.text, proto: "divert") { return IPFWAction(w.text, [String(p)]) }
      throw error("`\(a.text)` is not a divert port number or name", at: a.location)
    case "fwd", "forward":
      let a = try expectWord("forward address")
      if a.text == "tablearg" { return IPFWAction("fwd", ["tablearg"]) }
      var addrText = Substring(a.text)
      var port: Int? = nil
      if let comma = addrText.lastIndex(of: ",") {
        guard let p = Int(addrText[addrText.index(after: comma)...]), (0...65535).contains(p) else {
          throw error("bad port in `\(a.text)`", at: a.location)
        }
        port = p
        addrText = addrText[..<comma]
      }
      guard let addr = IPAddress.parse(addrText) else {
        throw error("`\(addrText)` is not an address (fwd needs a numeric address)", at: a.location)
      }
      return IPFWAction("fwd", [port.map { "\(addr),\($0)" } ?? "\(addr)"])
    case "nat":
      let a = try expectWord("nat instance")
      if a.text == "global" || a.text == "tablearg" { return IPFWAction("nat", [a.text]) }
      guard let n = Int(a.text), (1...65534).contains(n) else {
        throw error("nat instance must be a number, `global` or `tablearg`, not `\(a.text)`", at: a.location)
      }
      return IPFWAction("nat", [String(n)])
    case "setdscp":
      let a = try expectWord("DSCP value")
      if a.text == "tablearg" { return IPFWAction("setdscp", ["tablearg"]) }
      guard let v = Self.dscpValue(a.text) else { throw error("`\(a.text)` is not a DSCP value", at: a.location) }
      return IPFWAction("setdscp", [Self.dscpName(v)])
    case "tcp-setmss":
      let n = try number("MSS", in: 1...65535)
      return IPFWAction("tcp-setmss", [String(n)])
    case "nat64lsn", "nat64stl", "nat64clat", "nptv6":
      return IPFWAction(w.text, [try expectWord("\(w.text) instance name").text])
    case "eaction":
      let name = try expectWord("external action name").text
      let instance = try expectWord("external action instance").text
      if ["nat64lsn", "nat64stl", "nat64clat", "nptv6", "tcp-setmss"].contains(name) {
        return IPFWAction(name, [instance])
      }
      return IPFWAction("eaction", [name, instance])
    case "setmark":
      return IPFWAction("setmark", [try expectWord("mark").text])
    default:
      throw error("`\(w.text)` is not an ipfw action", at: w.location)
    }
  }

  /// `:name` of a state; `:default` when absent.
  mutating func stateName(_ w: IPFWWord) throws -> String {
    let name = w.text.dropFirst()
    guard !name.isEmpty, name.count <= 63, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
      throw error("`\(w.text)` is not a state name", at: w.location)
    }
    return String(name)
  }

  // MARK: DSCP names

  static let dscpNames: [(String, Int)] = [
    ("af11", 10), ("af12", 12), ("af13", 14), ("af21", 18), ("af22", 20), ("af23", 22), ("af31", 26),
    ("af32", 28), ("af33", 30), ("af41", 34), ("af42", 36), ("af43", 38), ("be", 0), ("ef", 46), ("cs0", 0),
    ("cs1", 8), ("cs2", 16), ("cs3", 24), ("cs4", 32), ("cs5", 40), ("cs6", 48), ("cs7", 56),
  ]

  static func dscpValue(_ s: String) -> Int? {
    if let v = dscpNames.first(where: { $0.0 == s })?.1 { return v }
    if let n = Int(s), (0...63).contains(n) { return n }
    return nil
  }

  static func dscpName(_ v: Int) -> String {
    dscpNames.first(where: { $0.1 == v })?.0 ?? String(v)
  }
}
