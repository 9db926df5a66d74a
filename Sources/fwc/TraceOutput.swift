import FirewallIR
import Foundation
import PacketSets
import Semantics

/// How `fwc trace` writes a decision: text, JSON, and the per-rule summary.
enum TraceOutput {
  /// Whether an ipftest packet file is in the hex format (its first packet line is not
  /// `in`/`out`).
  static func looksLikeHex(_ text: String) -> Bool {
    for line in text.split(separator: "\n") {
      let t = line.drop { $0 == " " || $0 == "\t" }
      if t.isEmpty || t.hasPrefix("#") { continue }
      let word = t.prefix { $0 != " " && $0 != "\t" }
      return !["in", "out", "in6", "out6", "nic"].contains(word)
    }
    return false
  }

  static func ruleName(_ r: Rule?) -> String {
    guard let r else { return "no rule matched" }
    if let place = r.place { return place }
    if let n = r.number { return "rule \(n)" }
    return "default rule"
  }

  static func text(_ p: Packet, _ d: Decision) -> String {
    var s = PacketSpec.format(p) + " -> " + d.verdictWords
    if d.malformed {
      s += " (malformed packet)"
    } else if d.byState {
      s += " (state of \(ruleName(d.rule)))"
    } else {
      s += " (\(ruleName(d.rule)))"
    }
    if let t = d.translation { s += ", \(t)" }
    for n in d.notes { s += "; \(n)" }
    return s
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if c.value < 0x20 { out += String(format: "\\u%04x", c.value) } else { out.unicodeScalars.append(c) }
      }
    }
    return out + "\""
  }

  static func json(_ p: Packet, _ d: Decision) -> String {
    var fields: [String] = []
    fields.append("\"packet\":" + quote(PacketSpec.format(p)))
    fields.append("\"verdict\":" + quote(d.verdict.isPass ? "pass" : "block"))
    if case .block(let reply) = d.verdict, reply != .drop { fields.append("\"reply\":" + quote(d.verdict.description)) }
    if let r = d.rule {
      var rule: [String] = []
      if let o = r.origin.first {
        rule.append("\"file\":" + quote(o.file))
        rule.append("\"line\":\(o.line)")
      }
      if let n = r.number, r.origin.isEmpty || !r.origin.isEmpty { rule.append("\"number\":\(n)") }
      fields.append("\"rule\":{" + rule.joined(separator: ",") + "}")
    } else {
      fields.append("\"rule\":null")
    }
    fields.append("\"state\":\(d.byState)")
    fields.append("\"malformed\":\(d.malformed)")
    if let t = d.translation {
      var tr = ["\"kind\":" + quote(t.kind.rawValue)]
      if let a = t.address { tr.append("\"address\":" + quote("\(a)")) }
      if let pool = t.pool { tr.append("\"pool\":" + quote(pool)) }
      if let port = t.port { tr.append("\"port\":\(port)") }
      if let r = d.translationRule?.origin.first {
        tr.append("\"rule\":{\"file\":" + quote(r.file) + ",\"line\":\(r.line)}")
      }
      fields.append("\"translation\":{" + tr.joined(separator: ",") + "}")
    } else {
      fields.append("\"translation\":null")
    }
    if !d.notes.isEmpty { fields.append("\"notes\":[" + d.notes.map(quote).joined(separator: ",") + "]") }
    return "{" + fields.joined(separator: ",") + "}"
  }

  /// Every rule of the ruleset in evaluation order, anchors and groups after their callers.
  static func allRules(_ rs: Ruleset) -> [Rule] {
    var out = rs.rules
    for name in rs.subrulesets.keys.sorted() { out += rs.subrulesets[name] ?? [] }
    return out
  }

  static func summary(
    _ loaded: LoadedRuleset, hits: [SourceLocation: Int], defaultHits: Int, packets: Int, json: Bool,
    into out: inout OutputBuffer
  ) {
    var seen: Set<SourceLocation> = []
    var rows: [(SourceLocation, Int)] = []
    for r in allRules(loaded.ruleset) {
      guard let o = r.origin.first, r.phase == .filter, seen.insert(o).inserted else { continue }
      switch r.action {
      case .pass, .block, .external(_, _, true): rows.append((o, hits[o] ?? 0))
      default: continue
      }
    }
    let never = rows.filter { $0.1 == 0 }
    if json {
      let list = rows.map { "{\"file\":\(quote($0.0.file)),\"line\":\($0.0.line),\"hits\":\($0.1)}" }
      out.write(
        "{\"summary\":{\"packets\":\(packets),\"default\":\(defaultHits),\"rules\":[" + list.joined(separator: ",")
          + "]}}\n")
      return
    }
    out.write("\nhits per rule (\(packets) packets):\n")
    for (o, n) in rows { out.write("  \(String(n).leftPadded(8))  \(o.file):\(o.line)\n") }
    out.write("  \(String(defaultHits).leftPadded(8))  (no rule matched)\n")
    if !never.isEmpty {
      out.write("never reached: " + never.map { "\($0.0.file):\($0.0.line)" }.joined(separator: ", ") + "\n")
    }
  }
}

extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}

extension Decision {
  /// The verdict in words, with the reply of a block.
  var verdictWords: String { verdict.description }
}
