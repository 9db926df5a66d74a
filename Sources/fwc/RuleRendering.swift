import FirewallIR
import IPFWSyntax
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
      lines[f.source.name] = String(decoding: f.source.bytes, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false)
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
      let script = !command.isEmpty
      var out = ""
      for t in tables {
        let name = IPFWEmitter.tableName(t.name)
        out += command + "table \(name) create type addr\n"
        for e in t.entries { out += command + "table \(name) add \(PFEmitter.address(e))\n" }
      }
      let body = IPFWEmitter.rule(rule)
      text = out + head + (script ? IPFWEmitter.shellQuoted(body) : body)
    case .ipf:
      return nil
    }
    guard readsBack(text, kind: kind, as: rule, tables: tables) else { return nil }
    return text
  }

  /// An ipfw line's command (`ipfw -q `, or nothing in a rules file) and everything up to the
  /// rule body (`ipfw -q add 100 `).
  static func ipfwPrefix(_ line: Substring) -> (command: String, head: String)? {
    let words = line.split(separator: " ", omittingEmptySubsequences: true)
    guard let add = words.firstIndex(of: "add") else { return nil }
    var end = add + 1
    if end < words.count, Int(words[end]) != nil { end += 1 }
    if end + 1 < words.count, words[end] == "set", Int(words[end + 1]) != nil { end += 2 }
    let indent = String(line.prefix { $0 == " " || $0 == "\t" })
    let command = words[..<add].joined(separator: " ")
    return (
      indent + (command.isEmpty ? "" : command + " "),
      indent + words[..<end].joined(separator: " ") + " "
    )
  }

  /// Whether `text` reads back as `rule`: the same rules entry by entry (pf writes a list as
  /// one rule per entry) and the same tables.
  func readsBack(_ text: String, kind: String, as rule: Rule, tables: [Table]) -> Bool {
    let file = InputFile(kind: kind, source: SourceFile(name: "(optimized rule)", text: text + "\n"))
    guard let parsed = try? parseInput(file, host: host), !parsed.hasErrors,
      let back = try? lowerParsed([parsed], name: "optimized rule")
    else { return false }
    // ipfw adds its default rule, which no line states.
    guard Self.entries(back.ruleset.rules.filter { !$0.origin.isEmpty }) == Self.entries([rule]) else { return false }
    for t in tables {
      guard let b = back.ruleset.tables[t.name], Set(b.entries) == Set(t.entries), b.excluded.isEmpty else {
        return false
      }
    }
    return true
  }

  /// Rules taken apart into one rule per list entry (addresses, ports, protocols, ICMP types),
  /// without origins and numbers, counted.
  static func entries(_ rules: [Rule]) -> [Rule: Int] {
    var out: [Rule: Int] = [:]
    for var r in rules {
      r.origin = []
      r.number = nil
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
