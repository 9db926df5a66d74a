import FirewallIR
import Foundation

/// Findings as JSON for tools: `{"findings":[{"id","severity","message","location":{file,line,column},
/// "related":[…],"example","fix":{…}}]}`.
public enum JSONReport {
  struct Location: Encodable {
    var file: String
    var line: Int
    var column: Int
    init(_ l: SourceLocation) {
      file = l.file
      line = l.line
      column = l.column
    }
  }
  struct Related: Encodable {
    var location: Location
    var message: String
  }
  struct Fix: Encodable {
    var description: String
    var start: Location
    var end: Location
    var replacement: String
  }
  struct Item: Encodable {
    var id: String
    var severity: String
    var message: String
    var location: Location?
    var related: [Related]
    var example: String?
    var fix: Fix?
  }
  struct Document: Encodable {
    var findings: [Item]
    var counts: [String: Int]
  }

  public static func render(_ findings: [LintFinding]) -> String {
    let items = findings.map { f in
      Item(
        id: f.id, severity: f.severity.rawValue, message: f.message, location: f.location.map(Location.init),
        related: f.related.map { Related(location: Location($0.location), message: $0.message) }, example: f.example,
        fix: f.fix.map {
          Fix(
            description: $0.description, start: Location($0.start), end: Location($0.end), replacement: $0.replacement)
        })
    }
    var counts: [String: Int] = [:]
    for f in findings { counts[f.id, default: 0] += 1 }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(Document(findings: items, counts: counts))) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
