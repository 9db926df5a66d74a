import FirewallIR

/// `host-bits-set`: a network written with bits set beyond its prefix (`10.0.0.1/24`).
/// Read from the source text: the parsers mask the address as the firewalls do.
struct HostBitsSetRule: LintRule {
  static let info = LintRuleInfo(
    id: "host-bits-set", severity: .warning, summary: "A network with host bits set (10.0.0.1/24).",
    help: """
      The firewall masks the address, so `10.0.0.1/24` means `10.0.0.0/24`: either the prefix \
      length or the address is a typo (a host was meant, or another network). The fix writes \
      the network the firewall uses; check that it is the one meant.
      Example (pf): `pass in from 192.168.1.10/24`.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    var out: [LintFinding] = []
    for f in subject.files {
      for line in 1...max(1, f.lineStarts.count) {
        for (column, text) in Self.networks(in: f.lineText(line)) {
          guard let n = IPNetwork.parse(Substring(text)), n.address != n.address.masked(n.prefix) else { continue }
          let masked = "\(n.address.masked(n.prefix))/\(n.prefix)"
          let at = SourceLocation(fileID: f.id, line: line, column: column)
          let end = SourceLocation(fileID: f.id, line: line, column: column + text.utf8.count)
          out.append(
            finding(
              "\(text) has host bits set; the firewall uses \(masked)", at: at,
              fix: LintFinding.Fix("write the network as \(masked)", start: at, end: end, replacement: masked)))
        }
      }
    }
    return out
  }

  /// The `address/length` words of a line before any comment, with their columns.
  static func networks(in line: String) -> [(Int, String)] {
    let bytes = Array(line.utf8)
    var out: [(Int, String)] = []
    var i = 0
    func isAddressByte(_ c: UInt8) -> Bool {
      (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c == 58 || c == 46
    }
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "#") { break }
      guard isAddressByte(bytes[i]), i == 0 || !(isAddressByte(bytes[i - 1]) || Self.isWordByte(bytes[i - 1])) else {
        i += 1
        continue
      }
      var j = i
      while j < bytes.count, isAddressByte(bytes[j]) { j += 1 }
      if j < bytes.count, bytes[j] == UInt8(ascii: "/") {
        var k = j + 1
        while k < bytes.count, bytes[k] >= 48 && bytes[k] <= 57 { k += 1 }
        if k > j + 1, k == bytes.count || !Self.isWordByte(bytes[k]) {
          out.append((i + 1, String(decoding: bytes[i..<k], as: UTF8.self)))
        }
        i = k
      } else {
        i = j
      }
    }
    return out
  }

  static func isWordByte(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || c == 45
  }
}
