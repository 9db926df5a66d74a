import FirewallIR
import IPFWSyntax
import IPFilterSyntax
import PFSyntax

/// Writes a rule the optimizer made (a merge) as the text of one written line, in the
/// input's own style, and accepts the text only when fwc reads it back as exactly that rule.
struct RuleRenderer {
  var language: Language
  var host: HostContext
  /// The input files' lines, by file name.
  var lines: [String: [Substring]]

  init(language: Language, host: HostContext, files: [InputFile]) {
    self.language = language
    self.host = host
    var lines: [String: [Substring]] = [:]
    for f in files {
      lines[f.source.name] = OptimizedText.lines(of: f).0
    }
    self.lines = lines
  }

  /// The text for `rule` (and the tables it needs) in place of the line `at`; nil when it
  /// would not read back as the same rule.
  func render(_ rule: Rule, tables: [Table], at: SourceLocation) -> String? {
    let text: String
    let kind: String
    switch language {
    case .pf:
      kind = "pf"
      var out = ""
      for t in tables {
        out += "table <\(t.name)> const { " + t.entries.map(PFEmitter.address).joined(separator: ", ") + " }\n"
      }
      text = out + PFEmitter.filterRule(rule)
    case .ipfw:
      kind = "ipfw"
      guard let written = lines[at.file], at.line - 1 < written.count,
        let (command, head) = Self.ipfwPrefix(written[at.line - 1])
      else { return nil }
      let script = command.contains { $0 != " " && $0 != "\t" }
      var out = ""
      for t in tables {
        let name = IPFWEmitter.tableName(t.name)
        // Loading the file again finds the table there: keep it, and refill it.
        out += command + "table \(name) create type addr missing\n"
        out += command + "table \(name) flush\n"
        for e in t.entries { out += command + "table \(name) add \(PFEmitter.address(e))\n" }
      }
      let body = IPFWEmitter.rule(rule)
      text = out + head + (script ? IPFWEmitter.shellQuoted(body) : body)
      // A script's command may be a variable (`${fwcmd} add …`) set elsewhere in the file:
      // the text is read back with `ipfw` in its place.
      if command.contains("$") {
        let plain = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
          line.hasPrefix(command) ? "ipfw " + line.dropFirst(command.count) : line
        }.joined(separator: "\n")
        guard readsBack(plain, kind: kind, as: rule, tables: tables) else { return nil }
        return text
      }
    case .ipf:
      kind = "ipf"
      guard let line = Self.ipfLine(rule, tables: tables) else { return nil }
      text = line
    }
    guard readsBack(text, kind: kind, as: rule, tables: tables) else { return nil }
    return text
  }

  /// An ipf.conf line for a joined rule: its one list as `{ a, b }` (ipf writes a rule per
  /// entry), or its table as an anonymous pool, `pool=( a, b )`, so no ippool.conf is needed.
  static func ipfLine(_ rule: Rule, tables: [Table]) -> String? {
    // The rule written with a stand-in where the list goes, which is then replaced.
    let mark = "\u{1}"
    var probe = rule
    let list: String
    /// The probe's one line with the stand-in pool `mark` replaced by `text`.
    func written(_ probe: Rule, pool: @escaping (String) -> String, with text: String) -> String? {
      let lines = IPFEmitter.filterRules(probe, pool: pool, anonymous: { _ in "" })
      guard lines.count == 1, lines[0].components(separatedBy: "pool/" + mark).count == 2 else { return nil }
      return lines[0].replacingOccurrences(of: "pool/" + mark, with: text)
    }
    if let t = tables.first {
      let entries = t.entries.flatMap(IPFEmitter.cidrs).joined(separator: ", ")
      return written(probe, pool: { $0 == t.name ? mark : $0 }, with: "pool=(\(entries))")
    }
    let standInAddress = AddressMatch([.table(mark)])
    let m = rule.match
    if m.source.terms.count > 1 {
      list = "{ " + m.source.terms.flatMap(IPFEmitter.cidrs).joined(separator: ", ") + " }"
      probe.match.source = standInAddress
    } else if m.destination.terms.count > 1 {
      list = "{ " + m.destination.terms.flatMap(IPFEmitter.cidrs).joined(separator: ", ") + " }"
      probe.match.destination = standInAddress
    } else if let ps = m.destinationPort, ps.count > 1, ps.allSatisfy({ $0.op == .equal }) {
      list = "= { " + ps.map { "\($0.low)" }.joined(separator: ", ") + " }"
      probe.match.destinationPort = [RangeMatch(.equal, 1)]
      return ipfLine(probe, replacing: "to", list: list)
    } else if let ps = m.sourcePort, ps.count > 1, ps.allSatisfy({ $0.op == .equal }) {
      list = "= { " + ps.map { "\($0.low)" }.joined(separator: ", ") + " }"
      probe.match.sourcePort = [RangeMatch(.equal, 1)]
      return ipfLine(probe, replacing: "from", list: list)
    } else {
      return nil
    }
    return written(probe, pool: { $0 }, with: list)
  }

  /// The probe's line with the `port = 1` after `from` or `to` replaced by the port list.
  static func ipfLine(_ probe: Rule, replacing side: String, list: String) -> String? {
    let lines = IPFEmitter.filterRules(probe, pool: { $0 }, anonymous: { _ in "" })
    guard lines.count == 1 else { return nil }
    var words = lines[0].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    guard let at = words.firstIndex(of: side), at + 4 < words.count, words[at + 2] == "port", words[at + 3] == "=",
      words[at + 4] == "1"
    else { return nil }
    words.replaceSubrange((at + 3)...(at + 4), with: [list])
    return words.joined(separator: " ")
  }

  /// An ipfw line's command (`ipfw -q `, or nothing in a rules file) and everything up to the
  /// rule body (`ipfw -q add 100 `).
  static func ipfwPrefix(_ line: Substring) -> (command: String, head: String)? {
    let w = OptimizedText.words(line)
    guard let add = w.firstIndex(where: { line[$0] == "add" }) else { return nil }
    var end = add + 1
    if end < w.count, Int(line[w[end]]) != nil { end += 1 }
    if end + 1 < w.count, line[w[end]] == "set", Int(line[w[end + 1]]) != nil { end += 2 }
    // Everything up to the last word of the head, as written (tabs included).
    let command = String(line[line.startIndex..<w[add].lowerBound])
    return (command, String(line[line.startIndex..<w[end - 1].upperBound]) + " ")
  }

  /// Whether `text` reads back as `rule`: the same rules entry by entry (pf writes a list as
  /// one rule per entry) and the same tables.
  func readsBack(_ text: String, kind: String, as rule: Rule, tables: [Table]) -> Bool {
    let file = InputFile(kind: kind, source: SourceFile(name: "(optimized rule)", text: text + "\n"))
    guard let parsed = try? parseInput(file, host: host), !parsed.hasErrors,
      let back = try? lowerParsed([parsed], name: "optimized rule")
    else { return false }
    // ipfw adds its default rule, which no line states.
    var expected: [String: Table] = [:]
    for t in tables { expected[t.name] = t }
    return Self.entries(back.ruleset.rules.filter { !$0.origin.isEmpty }, tables: back.ruleset.tables)
      == Self.entries([rule], tables: expected)
  }

  /// Rules taken apart into one rule per list entry (addresses, ports, protocols, ICMP types),
  /// without origins and numbers, counted; a table is named by its entries (ipf names the pool
  /// a rule makes after the rule's place).
  static func entries(_ rules: [Rule], tables: [String: Table]) -> [Rule: Int] {
    func canonical(_ a: AddressMatch) -> AddressMatch {
      var a = a
      a.terms = a.terms.map { t in
        guard case .table(let name) = t, let table = tables[name] else { return t }
        let listed = table.entries.map { String(describing: $0) }.sorted() + table.excluded.map { "!\($0)" }.sorted()
        return .table("=" + listed.joined(separator: ","))
      }
      return a
    }
    var out: [Rule: Int] = [:]
    for var r in rules {
      r.origin = []
      r.number = nil
      r.match.source = canonical(r.match.source)
      r.match.destination = canonical(r.match.destination)
      let m = r.match
      for s in m.source.negated ? [m.source] : m.source.terms.map({ AddressMatch([$0]) }) {
        for d in m.destination.negated ? [m.destination] : m.destination.terms.map({ AddressMatch([$0]) }) {
          for sp in m.sourcePort.map({ $0.map { [$0] } }) ?? [nil] {
            for dp in m.destinationPort.map({ $0.map { [$0] } }) ?? [nil] {
              for p in m.protocols.map({ $0.map { [$0] } }) ?? [nil] {
                for t in m.icmpType.map({ $0.map { [$0] } }) ?? [nil] {
                  var x = r
                  x.match.source = s
                  x.match.destination = d
                  x.match.sourcePort = sp
                  x.match.destinationPort = dp
                  x.match.protocols = p
                  x.match.icmpType = t
                  out[x, default: 0] += 1
                }
              }
            }
          }
        }
      }
    }
    return out
  }
}
