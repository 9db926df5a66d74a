import FirewallIR

/// `duplicate-table`: a table defined twice. pf refuses the file (reported by the parser);
/// for ipfw and ippool the second definition is reported here.
struct DuplicateTableRule: LintRule {
  static let info = LintRuleInfo(
    id: "duplicate-table", severity: .error, summary: "A table defined twice.",
    help: """
      pfctl refuses a second `table <name>` line, `ipfw table N create` fails when the table \
      exists, and ippool rejects a pool number defined twice. Merge the two definitions.
      Example (pf): `table <lan> { 10.0.0.0/8 }` and later `table <lan> { 192.168.0.0/16 }`.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    guard subject.language != .pf else { return [] }
    var first: [String: Int] = [:]
    var out: [LintFinding] = []
    for f in subject.files {
      for line in 1...max(1, f.lineStarts.count) {
        guard let name = Self.definedTable(f.lineText(line), language: subject.language) else { continue }
        let loc = SourceLocation(fileID: f.id, line: line, column: 1)
        if let earlier = first[name] {
          out.append(
            finding(
              "table \(name) is defined again (first at \(f.name):\(earlier))", at: loc,
              related: [LintFinding.Related(SourceLocation(fileID: f.id, line: earlier, column: 1), "first definition")]
            ))
        } else {
          first[name] = line
        }
      }
    }
    return out
  }

  /// The table a line defines: ipfw `table N create`, ippool `table role = … type = tree number = N`.
  static func definedTable(_ line: String, language: Language) -> String? {
    let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    var w = words
    if w.first == "ipfw" { w.removeFirst() }
    if w.first == "-q" { w.removeFirst() }
    switch language {
    case .ipfw:
      guard w.count >= 3, w[0] == "table", w[2] == "create" else { return nil }
      return w[1]
    case .ipf:
      guard w.first == "table", let i = w.firstIndex(where: { $0.hasPrefix("number") }) else { return nil }
      let rest = w[i].split(separator: "=").dropFirst().first.map(String.init) ?? (i + 2 < w.count ? w[i + 2] : nil)
      let role = w.first(where: { $0.hasPrefix("role") }).flatMap { _ in w.firstIndex(of: "=").map { w[$0 + 1] } } ?? ""
      return rest.map { "\(role)/\($0)" }
    case .pf:
      return nil
    }
  }
}
