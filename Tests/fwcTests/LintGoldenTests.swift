import FirewallIR
import Foundation
import Lint
import PFSyntax
import TestSupport
import XCTest

@testable import fwc

/// Golden cases per lint rule (`Tests/Fixtures/lint/ID.cases`, format in its README): every
/// marker found at its line and column, nothing else reported for the rule; at least three
/// cases that fire and two that must not, for every rule of the catalog.
final class LintGoldenTests: XCTestCase {
  struct Expected: Hashable, CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int
    var description: String { "\(file):\(line):\(column)" }
  }

  struct Case {
    var title: String
    var language: String
    var host: Bool
    /// Files of the case in order: kind, name, text.
    var files: [(kind: String, name: String, text: String)] = []
    var expected: Set<Expected> = []
  }

  static let directory = packageRoot.appendingPathComponent("Tests/Fixtures/lint")

  /// Reads one cases file.
  static func cases(_ id: String, text: String) -> [Case] {
    var out: [Case] = []
    var lines: [String] = []
    var current: Case?
    func closeFile() {
      guard var c = current, let last = c.files.indices.last else { return }
      c.files[last].text = lines.joined(separator: "\n") + "\n"
      current = c
      lines = []
    }
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if raw.hasPrefix("=== ") {
        closeFile()
        if let c = current { out.append(c) }
        let open = raw.lastIndex(of: "(")!
        let options = raw[raw.index(after: open)..<raw.lastIndex(of: ")")!].split(separator: ",").map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        var c = Case(title: String(raw.dropFirst(4)), language: options[0], host: options.contains("host"))
        let kind = options[0]
        c.files = [(kind, "\(id)-\(out.count + 1).\(kind)", "")]
        current = c
        continue
      }
      guard current != nil else { continue }
      if raw.hasPrefix("--- ") {
        closeFile()
        let kind = String(raw.dropFirst(4))
        current!.files.append((kind, "\(id)-\(out.count + 1).\(kind)", ""))
        continue
      }
      if raw.hasPrefix("#"), let caret = raw.firstIndex(of: "^"),
        raw[raw.index(after: caret)...].trimmingCharacters(in: .whitespaces) == id
      {
        let offset = raw.distance(from: raw.startIndex, to: caret)
        let column = offset == 1 ? 1 : offset + 1
        // The marker points at the last line that is not itself a marker.
        var target = lines.count
        while target > 0, lines[target - 1].hasPrefix("#"), lines[target - 1].contains("^ ") { target -= 1 }
        current!.expected.insert(Expected(file: current!.files.last!.name, line: target, column: column))
      }
      lines.append(raw)
    }
    closeFile()
    if let c = current { out.append(c) }
    return out
  }

  /// Lints a case the way `fwc lint` does and returns the findings of rule `id`.
  static func findings(_ c: Case, id: String) throws -> [LintFinding] {
    let host: HostContext =
      c.host
      ? try JSONDecoder().decode(
        HostContext.self, from: Data(contentsOf: directory.appendingPathComponent("host.json")))
      : .empty
    let inputs = c.files.map { InputFile(kind: $0.kind, source: SourceFile(name: $0.name, text: $0.text)) }
    let parsed = try inputs.map { try parseInput($0, host: host) }
    // Only the cases of the rules the parser reports may have errors: a case that does not
    // parse would not test its rule.
    if !["syntax", "undefined-macro", "duplicate-table"].contains(id) {
      let errors = parsed.flatMap(\.diagnostics).filter { $0.severity == .error }
      XCTAssert(errors.isEmpty, "\(id): \(c.title): the case does not parse: \(errors.map(\.message))")
    }
    let loaded = try lowerParsed(parsed, name: c.title)
    var config: PFConfig?
    for p in parsed { if case .pf(let cfg) = p.content { config = cfg } }
    let subject = LintSubject(
      ruleset: loaded.ruleset, files: loaded.files, host: host, pfConfig: config)
    return Linter().run(subject, parseDiagnostics: parsed.flatMap(\.diagnostics)).filter { $0.id == id }
  }

  func testEveryLintRuleMatchesItsGoldenCases() throws {
    var total = 0
    for rule in Linter.catalog {
      let id = rule.info.id
      let url = Self.directory.appendingPathComponent("\(id).cases")
      guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("no golden cases for lint rule \(id) (\(url.lastPathComponent))")
        continue
      }
      let cases = Self.cases(id, text: text)
      XCTAssertGreaterThanOrEqual(cases.filter { !$0.expected.isEmpty }.count, 3, "\(id): cases that fire")
      XCTAssertGreaterThanOrEqual(cases.filter { $0.expected.isEmpty }.count, 2, "\(id): cases that must not fire")
      for c in cases {
        total += 1
        let got = try Self.findings(c, id: id)
        let places = Set(
          got.compactMap { f in f.location.map { Expected(file: $0.file, line: $0.line, column: $0.column) } })
        XCTAssertEqual(
          places, c.expected,
          "\(id): \(c.title): expected \(c.expected.sorted { $0.description < $1.description }), got \(got.map { "\($0.location.map(String.init(describing:)) ?? "-"): \($0.message)" })"
        )
        XCTAssertEqual(got.count, places.count, "\(id): \(c.title): one finding per place")
      }
    }
    XCTAssertGreaterThanOrEqual(total, Linter.catalog.count * 5)
  }
}
