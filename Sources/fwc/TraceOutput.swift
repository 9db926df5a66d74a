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
    var s = PacketSpec.format(p) + " -> " + d.verdict.description
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

  /// A packet as `ipftest -N` prints it: `> nic0 ip #0 40(20) 6 10.1.1.1,1025 > 10.2.2.2,25`;
  /// IPv6 as `> nic0 ip6/0 20 0 6 10:1:1:0:0:0:0:1,1025 > …` (every group written out).
  static func ipftest(_ p: Packet) -> String {
    let h = p.header
    var s = (h.direction == .out ? ">" : "<") + " " + (h.interface ?? "anon0")
    func address(_ v: UInt128) -> String {
      if h.family == .inet { return "\(IPAddress(family: .inet, value: v))" }
      return (0..<8).map { String(UInt16(truncatingIfNeeded: v >> UInt128(112 - 16 * $0)), radix: 16) }
        .joined(separator: ":")
    }
    if h.family == .inet {
      s += " ip #\(p.identification) \(p.length)(\(p.headerLength)) \(h.proto)"
    } else {
      s += " ip6/0 \(p.length - p.headerLength) 0 \(h.proto)"
    }
    let ported = h.proto == 6 || h.proto == 17
    s += " " + address(h.source) + (ported ? ",\(h.sourcePort)" : "")
    s += " > " + address(h.destination) + (ported ? ",\(h.destinationPort)" : "")
    return s
  }

  /// A packet as `ipftest -N -x` prints it: its bytes with the translated addresses and ports
  /// written in and the IP and transport checksums adjusted for them, as 16-bit hex groups.
  static func ipftestHex(_ p: Packet, original: Packet) -> String {
    var b = original.bytes ?? PacketEncoder.bytes(original.header)
    let o = original.header
    let h = p.header
    let v4 = h.family == .inet
    let addressWidth = v4 ? 4 : 16
    let (srcAt, dstAt) = v4 ? (12, 16) : (8, 24)
    var headerDelta: [(UInt16, UInt16)] = []
    var transportDelta: [(UInt16, UInt16)] = []
    func words(_ v: UInt128) -> [UInt16] {
      (0..<(addressWidth / 2)).map { UInt16(truncatingIfNeeded: v >> UInt128(16 * (addressWidth / 2 - 1 - $0))) }
    }
    func put(_ v: UInt128, at offset: Int, from old: UInt128) {
      guard offset + addressWidth <= b.count else { return }
      for (k, (w, was)) in zip(words(v), words(old)).enumerated() {
        b[offset + 2 * k] = UInt8(w >> 8)
        b[offset + 2 * k + 1] = UInt8(w & 0xFF)
        if v4 { headerDelta.append((was, w)) }
        transportDelta.append((was, w))
      }
    }
    if v4 && p.identification != original.identification && b.count >= 6 {
      b[4] = UInt8(p.identification >> 8)
      b[5] = UInt8(p.identification & 0xFF)
      headerDelta.append((original.identification, p.identification))
    }
    if h.source != o.source { put(h.source, at: srcAt, from: o.source) }
    if h.destination != o.destination { put(h.destination, at: dstAt, from: o.destination) }
    let hl = original.headerLength
    if (h.proto == 6 || h.proto == 17) && !original.isLaterFragment && hl + 8 <= b.count {
      for (at, new, old) in [(hl, h.sourcePort, o.sourcePort), (hl + 2, h.destinationPort, o.destinationPort)]
      where new != old {
        b[at] = UInt8(new >> 8)
        b[at + 1] = UInt8(new & 0xFF)
        transportDelta.append((old, new))
      }
    }
    /// RFC 1624 incremental update of a one's-complement checksum at `at`.
    func adjust(_ at: Int, _ deltas: [(UInt16, UInt16)]) {
      guard at + 1 < b.count, !deltas.isEmpty else { return }
      var sum = UInt32(~(UInt16(b[at]) << 8 | UInt16(b[at + 1])))
      for (old, new) in deltas { sum += UInt32(~old) + UInt32(new) }
      while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
      let c = ~UInt16(sum)
      b[at] = UInt8(c >> 8)
      b[at + 1] = UInt8(c & 0xFF)
    }
    if v4 { adjust(10, headerDelta) }
    if !original.isLaterFragment {
      switch h.proto {
      case 6: adjust(hl + 16, transportDelta)
      case 17 where hl + 7 < b.count && (b[hl + 6] != 0 || b[hl + 7] != 0): adjust(hl + 6, transportDelta)
      case 58: adjust(hl + 2, transportDelta)
      default: break
      }
    }
    var s = ""
    var i = 0
    while i + 1 < b.count {
      s += String(format: "%02x%02x ", b[i], b[i + 1])
      i += 2
    }
    if i < b.count { s += String(format: "%02x ", b[i]) }
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
      if let n = r.number { rule.append("\"number\":\(n)") }
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
