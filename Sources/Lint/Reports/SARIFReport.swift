import FirewallIR
import Foundation

/// Findings as SARIF 2.1.0, for code-scanning tools: one run, the tool's rules with IDs and
/// help, results with locations, related locations and fixes.
public enum SARIFReport {
  public static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

  public static func render(_ findings: [LintFinding], rules: [LintRuleInfo], version: String) -> String {
    let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
    let driverRules: [[String: Any]] = rules.map { r in
      [
        "id": r.id,
        "name": r.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
        "shortDescription": ["text": r.summary],
        "fullDescription": ["text": r.help],
        "help": ["text": r.help],
        "defaultConfiguration": ["level": level(r.severity)],
      ]
    }
    let results: [[String: Any]] = findings.map { f in
      var result: [String: Any] = [
        "ruleId": f.id,
        "level": level(f.severity),
        "message": ["text": f.message + (f.example.map { " Example packet: \($0)." } ?? "")],
      ]
      if let i = ruleIndex[f.id] { result["ruleIndex"] = i }
      if let l = f.location { result["locations"] = [["physicalLocation": physical(l)]] }
      if !f.related.isEmpty {
        result["relatedLocations"] = f.related.enumerated().map { i, r in
          ["id": i + 1, "physicalLocation": physical(r.location), "message": ["text": r.message]] as [String: Any]
        }
      }
      if let fix = f.fix {
        result["fixes"] = [
          [
            "description": ["text": fix.description],
            "artifactChanges": [
              [
                "artifactLocation": ["uri": uri(fix.start.file)],
                "replacements": [
                  [
                    "deletedRegion": [
                      "startLine": fix.start.line, "startColumn": fix.start.column, "endLine": fix.end.line,
                      "endColumn": fix.end.column,
                    ],
                    "insertedContent": ["text": fix.replacement],
                  ]
                ],
              ]
            ],
          ]
        ]
      }
      return result
    }
    let document: [String: Any] = [
      "$schema": schema,
      "version": "2.1.0",
      "runs": [
        [
          "tool": [
            "driver": [
              "name": "fwc", "informationUri": "https://github.com/fwc/fwc", "version": version, "rules": driverRules,
            ]
          ],
          "results": results,
          "columnKind": "utf16CodeUnits",
        ]
      ],
    ]
    let data =
      (try? JSONSerialization.data(
        withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
      ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  static func level(_ s: Severity) -> String {
    switch s {
    case .error: return "error"
    case .warning: return "warning"
    case .note: return "note"
    }
  }

  static func uri(_ file: String) -> String {
    file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file
  }

  static func physical(_ l: SourceLocation) -> [String: Any] {
    [
      "artifactLocation": ["uri": uri(l.file)],
      "region": ["startLine": l.line, "startColumn": l.column],
    ]
  }
}
