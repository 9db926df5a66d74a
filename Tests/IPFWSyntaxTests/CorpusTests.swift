import FirewallIR
import Foundation
import TestSupport
import XCTest

@testable import IPFWSyntax

func readSource(_ url: URL) -> SourceFile? {
  guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
  return SourceFile(name: url.lastPathComponent, bytes: Array(data))
}

/// Prints what `fwc print --from ipfw` prints, or the errors.
func printIPFW(_ file: SourceFile, defines: [String: String] = [:]) -> (String?, [Diagnostic]) {
  let r = IPFWParser.parse(file, defines: defines)
  return (r.diagnostics.contains { $0.severity == .error } ? nil : IPFWPrinter.print(r.ruleset), r.diagnostics)
}

/// Real-world ipfw rulesets, FreeBSD's netpfil test scripts and rc.firewall.
final class IPFWCorpusTests: XCTestCase {
  func corpus() throws -> URL {
    guard let root = ipfwCorpus else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): ipfw corpus tests skipped")
    }
    return root
  }

  /// Files fwc refuses, with the line and diagnostic id of the refusal (templates and shell
  /// control flow: never read in part).
  let expectedRefusals: [String: (line: Int, id: String)] = {
    let text =
      (try? String(
        contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/ipfw-expected-refusals.txt"), encoding: .utf8))
      ?? ""
    var out: [String: (Int, String)] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let f = line.split(separator: " ")
      if f.count >= 3, let n = Int(f[1]) { out[String(f[0])] = (n, String(f[2])) }
    }
    return out
  }()

  func testRealWorldFilesParseOrAreRefusedWhereTheyStop() throws {
    let dir = try corpus().appendingPathComponent("realworld")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    XCTAssertGreaterThanOrEqual(names.count, 13)
    var parsed = 0
    for name in names {
      let file = try XCTUnwrap(readSource(dir.appendingPathComponent(name)))
      let (out, diags) = printIPFW(file)
      if let refusal = expectedRefusals[name] {
        XCTAssertNil(out, "\(name) should be refused")
        let first = diags.first { $0.severity == .error }
        XCTAssertEqual(first?.location?.line, refusal.line, name)
        XCTAssertEqual(first?.id, refusal.id, name)
        continue
      }
      guard let text = out else {
        XCTFail("\(name): \(diags.map { "\($0.location.map(String.init(describing:)) ?? ""): \($0.message)" })")
        continue
      }
      parsed += 1
      XCTAssertTrue(text.hasSuffix("65535 deny ip from any to any\n"), name)
      try assertRoundTrip(text, name)
    }
    print("ipfw real-world corpus: \(parsed) files parse, \(expectedRefusals.count) refused with located errors")
  }

  /// Printing, reading the print back and printing again gives the same text.
  func assertRoundTrip(_ text: String, _ name: String) throws {
    let again = SourceFile(name: name + ".printed", text: text)
    let (second, diags) = printIPFW(again)
    XCTAssertEqual(second, text, "\(name): round trip differs \(diags.map(\.message))")
  }

  /// Every `ipfw …` command line in FreeBSD's netpfil test scripts, read in the groups the
  /// tests load together (their shell variables given a value). Lines inside shell functions
  /// that compute their arguments (`$((…))`) are refused with a located error instead; ipfw
  /// itself rejects `port 82` (no such option), and so does fwc.
  func testNetpfilTestScriptRuleLinesParse() throws {
    let dir = try corpus().appendingPathComponent("freebsd-tests")
    var accepted = 0
    var refused = 0
    let commands = ["add", "table", "nat", "-q", "-f", "flush", "set", "delete", "pipe", "queue"]
    let rejectedByIPFW = ["tests_sys_netpfil_ipfw_lookup.sh.txt:382"]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    where name.hasPrefix("tests_sys_netpfil") {
      let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
      var group: [(Int, String)] = []
      func flush() {
        defer { group = [] }
        guard !group.isEmpty else { return }
        let where_ = "\(name):\(group[0].0)"
        let script = group.map(\.1).joined(separator: "\n") + "\n"
        var defines: [String: String] = [:]
        for v in ["epair", "epair_host_nat", "r", "jname", "epair_send", "epair_recv"] { defines[v] = "1" }
        let (out, diags) = printIPFW(SourceFile(name: where_, text: script), defines: defines)
        let firstError = diags.first { $0.severity == .error }
        if script.contains("$(") {
          XCTAssertEqual(firstError?.id, "ipfw-shell", "\(where_): computed arguments should be refused")
          refused += group.count
        } else if let bad = group.first(where: { rejectedByIPFW.contains("\(name):\($0.0)") }) {
          XCTAssertEqual(firstError?.location?.line, group.firstIndex { $0.0 == bad.0 }! + 1, where_)
          refused += 1
          accepted += group.count - 1
        } else {
          XCTAssertNotNil(out, "\(where_): `\(script)`: \(diags.map(\.message))")
          if out != nil { accepted += group.count }
        }
      }
      for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = raw.trimmingCharacters(in: .whitespaces)
        guard !line.hasPrefix("#"), let r = line.range(of: "ipfw "),
          let sub = line[r.lowerBound...].split(separator: " ").dropFirst().first, commands.contains(String(sub))
        else {
          flush()
          continue
        }
        var command = String(line[r.lowerBound...])
        while let last = command.last, last == "\\" || last == "\"" || last == " " || last == ";" {
          command.removeLast()
        }
        if let last = group.last, last.0 != n { flush() }
        group.append((n + 1, command))
      }
      flush()
    }
    print("ipfw netpfil test scripts: \(accepted) ipfw command lines read, \(refused) refused as expected")
    XCTAssertGreaterThanOrEqual(accepted, 150)
  }

  /// rc.firewall chooses its rules with `case ${firewall_type}`: fwc refuses it at its first
  /// control-flow line and says to read `ipfw list` output instead.
  func testRCFirewallIsRefusedAtItsFirstControlFlow() throws {
    let root = try corpus()
    let file = try XCTUnwrap(readSource(root.appendingPathComponent("rc.firewall")))
    let (out, diags) = printIPFW(file)
    XCTAssertNil(out)
    let first = try XCTUnwrap(diags.first)
    XCTAssertEqual(first.id, "ipfw-shell")
    XCTAssertEqual(file.lineText(first.location!.line).trimmingCharacters(in: .whitespaces).prefix(3), "if ")
    XCTAssertTrue(first.message.contains("ipfw list"))
  }
}
