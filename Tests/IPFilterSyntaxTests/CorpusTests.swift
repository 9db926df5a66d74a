import FirewallIR
import Foundation
import TestSupport
import XCTest

@testable import IPFilterSyntax

let ipfilterCorpus: URL? = {
  let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/ipfilter")
  return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()

/// Prints a file with the front end of `kind`, as `fwc print kind:FILE` does (stdout only);
/// nil when it does not parse.
func printed(_ kind: String, _ file: SourceFile, base: URL) -> String? {
  switch kind {
  case "ipf":
    let r = IPFParser.parse(file)
    return r.hasErrors ? nil : IPFPrinter.print(r.items)
  case "ipnat":
    let r = IPNatParser.parse(file)
    return r.hasErrors ? nil : IPNatPrinter.print(r.rules)
  default:
    let r = IPPoolParser.parse(file) { readFile(base.appendingPathComponent($0)) }
    return r.hasErrors ? nil : IPPoolPrinter.print(r.definitions)
  }
}

/// ipfilter's own test suite (corpus/ipfilter/test), families i, in and ip.
final class IPFilterCorpusTests: XCTestCase {
  let knownFailures: [String: String] = {
    let text =
      (try? String(
        contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/ipfilter-known-failures.txt"), encoding: .utf8))
      ?? ""
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: " ", maxSplits: 1)
      if let name = parts.first { out[String(name)] = parts.count > 1 ? String(parts[1]) : "" }
    }
    return out
  }()

  func testDir() throws -> URL {
    guard let root = ipfilterCorpus else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): ipfilter corpus tests skipped")
    }
    return root.appendingPathComponent("test")
  }

  /// The i, in and ip cases of manifest.tsv, without i17 (an ipftest dump).
  func cases() throws -> [(name: String, kind: String)] {
    let dir = try testDir()
    let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.tsv"), encoding: .utf8)
    var out: [(String, String)] = []
    for line in manifest.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count > 2 else { continue }
      let name = String(fields[0])
      switch fields[2] {
      case "i_test" where name != "i17": out.append((name, "ipf"))
      case "in_test": out.append((name, "ipnat"))
      case "ip_test": out.append((name, "ippool"))
      default: break
      }
    }
    return out
  }

  func testPrintsMatchIpfIpnatIppool() throws {
    let dir = try testDir()
    let all = try cases()
    XCTAssertEqual(all.count, 46)
    var passed = 0
    var unexpected: [String] = []
    var nowPassing: [String] = []
    for (name, kind) in all {
      var expectedURL = dir.appendingPathComponent("expected/\(name)")
      if !FileManager.default.fileExists(atPath: expectedURL.path) {
        expectedURL = dir.appendingPathComponent("expected/\(name).dist")
      }
      let expected = try String(contentsOf: expectedURL, encoding: .utf8)
      let input = readFile(dir.appendingPathComponent("regress/\(name)"))!
      let got = printed(kind, input, base: dir) ?? ""
      if got == expected {
        passed += 1
        if knownFailures[name] != nil { nowPassing.append(name) }
      } else if knownFailures[name] == nil {
        unexpected.append("\(name):\n--- expected\n\(expected)--- got\n\(got)")
      }
    }
    print("ipfilter corpus: \(passed) of \(all.count) i/in/ip cases print byte for byte")
    XCTAssertEqual(unexpected, [])
    XCTAssertEqual(nowPassing, [], "these now pass: remove them from Tests/Fixtures/ipfilter-known-failures.txt")
    XCTAssertGreaterThanOrEqual(passed, 44)
  }

  func testPrintIsAFixedPoint() throws {
    let dir = try testDir()
    var checked = 0
    for (name, kind) in try cases() {
      guard let once = printed(kind, readFile(dir.appendingPathComponent("regress/\(name)"))!, base: dir) else {
        continue
      }
      if knownFailures["roundtrip:" + name] != nil { continue }
      let again = printed(kind, SourceFile(name: name, text: once), base: dir)
      XCTAssertEqual(again, once, "\(name): the print does not read back to itself")
      checked += 1
    }
    XCTAssertGreaterThan(checked, 40)
  }

  /// Every example and real-world file parses, except where ipf, ipnat or ippool fail too.
  func testExamplesAndRealWorldFilesParse() throws {
    guard let root = ipfilterCorpus else { throw XCTSkip("../shared/corpus is absent: ipfilter corpus tests skipped") }
    var count = 0
    for sub in ["examples", "realworld"] {
      let dir = root.appendingPathComponent(sub)
      for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
        let lower = name.lowercased()
        let kind = lower.contains("nat") ? "ipnat" : lower.contains("pool") ? "ippool" : "ipf"
        let out = printed(kind, readFile(dir.appendingPathComponent(name))!, base: dir)
        if let reason = knownFailures["parse:" + name] {
          XCTAssertNil(out, "\(name) now parses: remove it from the known-failures list (\(reason))")
        } else {
          XCTAssertNotNil(out, "\(sub)/\(name) does not parse")
          if let once = out {
            XCTAssertEqual(printed(kind, SourceFile(name: name, text: once), base: dir), once, "\(name) round trip")
          }
        }
        count += 1
      }
    }
    XCTAssertEqual(count, 38)
  }
}
