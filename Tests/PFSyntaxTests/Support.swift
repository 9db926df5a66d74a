import FirewallIR
import Foundation
import TestSupport
import XCTest

@testable import PFSyntax

/// Parses pf.conf text and returns the print and the diagnostics.
func pf(_ text: String, host: HostContext = .empty, name: String = "test.conf") -> (
  print: String, diagnostics: [Diagnostic]
) {
  let r = PFParser.parse(SourceFile(name: name, text: text), host: host)
  return (r.hasErrors ? "" : PFPrinter.print(r.config), r.diagnostics)
}

/// Expected diagnostics written inline as comment lines under the offending line:
/// `#    ^ message` puts the expected column under the caret.
func expectedMarkers(in text: String) -> [(line: Int, column: Int, message: String)] {
  var out: [(Int, Int, String)] = []
  for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
    guard line.hasPrefix("#"), let caret = line.firstIndex(of: "^"),
      line[line.index(after: line.startIndex)..<caret].allSatisfy({ $0 == " " })
    else { continue }
    let column = line.distance(from: line.startIndex, to: caret) + 1
    let message = line[line.index(after: caret)...].trimmingCharacters(in: .whitespaces)
    out.append((i, column, message))  // i is the 0-based index of the marker = 1-based previous line
  }
  return out
}

let testHost = HostContext(
  interfaces: [
    .init(name: "lo0", addresses: ["::1/128", "fe80::1/64", "127.0.0.1/8"]),
    .init(name: "em0", addresses: ["192.0.2.10/24", "2001:db8::10/64", "192.0.2.11/24"], groups: ["egress"]),
    .init(name: "em1", addresses: ["198.51.100.1/24"]),
  ],
  hosts: ["www.example.org": ["203.0.113.80", "2001:db8::80"]])
