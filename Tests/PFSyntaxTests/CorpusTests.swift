import FirewallIR
import Foundation
import TestSupport
import XCTest

@testable import PFSyntax

/// pfctl's own regression data, read from ../shared/corpus/pf (never copied into the repo).
final class CorpusTests: XCTestCase {
  var pfctlDir: URL {
    get throws {
      guard let root = corpusRoot else {
        throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): corpus tests skipped")
      }
      return root.appendingPathComponent("pf/pfctl-tests")
    }
  }

  let host: HostContext = {
    try! HostContext.load(path: packageRoot.appendingPathComponent("Tests/Fixtures/pfctl-corpus.host.json").path)
  }()

  /// Cases that do not pass yet, with the reason: `pfNNNN  reason`.
  let knownFailures: [String: String] = {
    let text =
      (try? String(
        contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/pf-known-failures.txt"), encoding: .utf8)) ?? ""
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: " ", maxSplits: 1)
      if let name = parts.first { out[String(name)] = parts.count > 1 ? String(parts[1]) : "" }
    }
    return out
  }()

  /// Parses a file the way `fwc` does from inside its folder (includes relative to it).
  func parse(_ url: URL) -> PFParser.Result {
    let dir = url.deletingLastPathComponent()
    return PFParser.parse(readFile(url)!, host: host) { path in
      readFile(path.hasPrefix("/") ? URL(fileURLWithPath: path) : dir.appendingPathComponent(path))
    }
  }

  /// What `fwc print` writes (stdout and stderr together) for a file.
  func printed(_ url: URL) -> String {
    let r = parse(url)
    var byName: [String: SourceFile] = [:]
    for f in r.files { byName[f.name] = f }
    let renderer = DiagnosticRenderer(files: byName)
    return r.diagnostics.map(renderer.render).joined() + (r.hasErrors ? "" : PFPrinter.print(r.config))
  }

  func testPrintMatchesPfctl() throws {
    let dir = try pfctlDir
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".ok") }.sorted()
    var passed = 0
    var total = 0
    var unexpected: [String] = []
    var nowPassing: [String] = []
    for ok in names {
      let base = String(ok.dropLast(3))
      let input = dir.appendingPathComponent(base + ".in")
      guard FileManager.default.fileExists(atPath: input.path) else { continue }
      total += 1
      let expected = try String(contentsOf: dir.appendingPathComponent(ok), encoding: .utf8)
      let got = printed(input)
      if got == expected {
        passed += 1
        if knownFailures[base] != nil { nowPassing.append(base) }
      } else if knownFailures[base] == nil {
        unexpected.append("\(base):\n--- expected\n\(expected)--- got\n\(got)")
      }
    }
    print("pfctl corpus: \(passed) of \(total) .in/.ok pairs print byte for byte")
    XCTAssertEqual(unexpected, [], "cases not on the known-failures list regressed")
    XCTAssertEqual(nowPassing, [], "these now pass: remove them from Tests/Fixtures/pf-known-failures.txt")
    XCTAssertGreaterThanOrEqual(passed, 62)
  }

  func testFailCasesAreRejectedAtTheRightLine() throws {
    let dir = try pfctlDir
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".fail") }.sorted()
    XCTAssertEqual(names.count, 11)
    for fail in names {
      let base = String(fail.dropLast(5))
      var pattern = try String(contentsOf: dir.appendingPathComponent(fail), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
      let r = parse(dir.appendingPathComponent(base + ".in"))
      XCTAssertTrue(r.hasErrors, base)
      // pfctl prefixes some messages with `file:line: `; fwc's diagnostics carry that location.
      var file = base + ".in"
      var line: Int? = nil
      if let m = pattern.firstMatch(of: /^([^:\s]+):(\d+): (.*)$/) {
        file = String(m.1)
        line = Int(m.2)
        pattern = String(m.3)
      }
      let regex = try Regex(pattern)
      let hits = r.diagnostics.filter { d in
        d.message.contains(regex) && d.location?.file == file && (line == nil || d.location?.line == line)
      }
      XCTAssertFalse(
        hits.isEmpty,
        "\(base): no diagnostic matching /\(pattern)/ at \(file):\(line.map(String.init) ?? "?"); got \(r.diagnostics.map { "\($0.location!): \($0.message)" })"
      )
    }
  }

  /// Printing fwc's own print gives the same text, for every corpus file that parses.
  func testPrintIsAFixedPoint() throws {
    guard let root = corpusRoot else { throw XCTSkip("../shared/corpus is absent: corpus tests skipped") }
    var checked = 0
    for sub in ["pf/pfctl-tests", "pf/examples", "pf/openbsd-regress"] {
      let dir = root.appendingPathComponent(sub)
      for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
      where !name.hasSuffix(".tsv") && !name.hasSuffix(".txt") && !name.hasSuffix(".fail")
        && !name.hasSuffix(".include")
      {
        let url = dir.appendingPathComponent(name)
        let r = parse(url)
        guard !r.hasErrors else { continue }
        let once = PFPrinter.print(r.config)
        let again = PFParser.parse(SourceFile(name: name, text: once), host: host)
        if knownFailures["roundtrip:" + name] != nil { continue }
        XCTAssertFalse(
          again.hasErrors, "\(sub)/\(name): fwc cannot read its own print: \(again.diagnostics.map(\.message))")
        XCTAssertEqual(PFPrinter.print(again.config), once, "\(sub)/\(name)")
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 60)
  }

  /// Every example and OpenBSD regress input parses, except where FreeBSD's pfctl rejects it too.
  func testExamplesAndRegressInputsParse() throws {
    guard let root = corpusRoot else { throw XCTSkip("../shared/corpus is absent: corpus tests skipped") }
    var files: [URL] = []
    let ex = root.appendingPathComponent("pf/examples")
    for n in try FileManager.default.contentsOfDirectory(atPath: ex.path) where !n.hasSuffix(".tsv") {
      files.append(ex.appendingPathComponent(n))
    }
    let reg = root.appendingPathComponent("pf/openbsd-regress")
    for n in try FileManager.default.contentsOfDirectory(atPath: reg.path) where n.hasSuffix(".in") {
      files.append(reg.appendingPathComponent(n))
    }
    XCTAssertEqual(files.count, 17)
    for url in files.sorted(by: { $0.path < $1.path }) {
      let dir = url.deletingLastPathComponent()
      let r = PFParser.parse(readFile(url)!, host: .empty) { readFile(dir.appendingPathComponent($0)) }
      let key = "parse:" + url.lastPathComponent
      if let reason = knownFailures[key] {
        XCTAssertTrue(r.hasErrors, "\(key) now parses: remove it from the known-failures list (\(reason))")
      } else {
        XCTAssertFalse(
          r.hasErrors, "\(url.lastPathComponent): \(r.diagnostics.map { "\($0.location!): \($0.message)" })")
      }
    }
  }
}
