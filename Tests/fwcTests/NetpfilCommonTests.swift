import Foundation
import TestSupport
import XCTest

/// The cross-language policies of FreeBSD's tests/sys/netpfil/common, compared with `fwc diff`
/// pair by pair; Tests/Fixtures/netpfil-common-expectations.txt says what each comparison finds.
final class NetpfilCommonTests: XCTestCase {
  /// One `firewall_config` call: the rule lines per language (pf, ipfw, ipf, ipfnat).
  struct Policy {
    var name: String
    var rules: [String: [String]]
  }

  /// Reads every `firewall_config` call of a test script; `${epair…}b` becomes `epair0b`.
  static func policies(in text: String, file: String) -> [Policy] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var out: [Policy] = []
    var i = 0
    while i < lines.count {
      guard lines[i].contains("firewall_config "), lines[i].hasSuffix("\\") else {
        i += 1
        continue
      }
      var strings: [String] = []
      i += 1
      while i < lines.count {
        let line = lines[i]
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "\"") {
          let after = rest[rest.index(after: open)...]
          guard let close = after.firstIndex(of: "\"") else { break }
          strings.append(String(after[..<close]))
          rest = after[after.index(after: close)...]
        }
        i += 1
        if !line.hasSuffix("\\") { break }
      }
      var rules: [String: [String]] = [:]
      var current: String? = nil
      for s in strings {
        if ["pf", "ipfw", "ipf", "ipfnat"].contains(s) {
          current = s
          rules[s] = []
        } else if let c = current {
          rules[c]?.append(s.replacingOccurrences(of: #"\$\{[a-z_]+\}b"#, with: "epair0b", options: .regularExpression))
        }
      }
      out.append(Policy(name: "\(file)#\(out.count + 1)", rules: rules))
    }
    return out
  }

  /// The fwc arguments of each language's ruleset, written to files in `dir`.
  static func sides(_ p: Policy, dir: URL, allowAll: Bool = false) throws -> [String: String] {
    var out: [String: String] = [:]
    func write(_ lines: [String], _ ext: String) throws -> String {
      let url = dir.appendingPathComponent("\(p.name.replacingOccurrences(of: "#", with: "-")).\(ext)")
      try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
      return url.path
    }
    if let pf = p.rules["pf"] { out["pf"] = "pf:" + (try write(pf, "pf")) }
    if let ipfw = p.rules["ipfw"], ipfw.allSatisfy({ $0.hasPrefix("ipfw ") }) {
      out["ipfw"] =
        "ipfw:" + (try write(ipfw + (allowAll ? ["ipfw -q add 65534 allow ip from any to any"] : []), "ipfw"))
    }
    var ipf: [String] = []
    if let r = p.rules["ipf"] { ipf.append("ipf:" + (try write(r, "ipf"))) }
    if let r = p.rules["ipfnat"] { ipf.append("ipnat:" + (try write(r, "ipnat"))) }
    if !ipf.isEmpty { out["ipf"] = ipf.joined(separator: "+") }
    return out
  }

  func testPoliciesCompareAsDocumented() throws {
    guard let corpus = sharedCorpus else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): netpfil common policies skipped")
    }
    let testsDir = corpus.appendingPathComponent("ipfw/freebsd-tests")
    let expectations = try String(
      contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/netpfil-common-expectations.txt"), encoding: .utf8
    ).split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
      $0.split(separator: " ", maxSplits: 4).map(String.init)
    }
    var expected: [String: String] = [:]
    for e in expectations where e.count >= 4 { expected["\(e[0]) \(e[1]) \(e[2])"] = e[3] }
    let host = packageRoot.appendingPathComponent("Tests/Fixtures/netpfil-common.host.json").path
    let dir = try makeTempFile("").deletingLastPathComponent()
    let allowedDir = try makeTempFile("").deletingLastPathComponent()
    var compared = 0
    let files = try FileManager.default.contentsOfDirectory(atPath: testsDir.path).sorted().filter {
      $0.hasPrefix("tests_sys_netpfil_common_") && $0.hasSuffix(".sh.txt")
    }
    for file in files {
      let short = String(file.dropFirst("tests_sys_netpfil_common_".count).dropLast(".sh.txt".count))
      let text = try String(contentsOf: testsDir.appendingPathComponent(file), encoding: .utf8)
      for policy in Self.policies(in: text, file: short) {
        let sides = try Self.sides(policy, dir: dir)
        let langs = ["pf", "ipfw", "ipf"].filter { sides[$0] != nil }
        for (i, a) in langs.enumerated() {
          for b in langs[(i + 1)...] {
            let key = "\(policy.name) \(a) \(b)"
            let want = try XCTUnwrap(expected[key], "no expectation for \(key)")
            let r = try runFwc(["diff", "--host", host, sides[a]!, sides[b]!])
            compared += 1
            XCTAssertEqual(r.code, want == "equivalent" ? 0 : 1, "\(key): \(r.out)\(r.err)")
            if want == "default-deny" {
              let allowed = try Self.sides(policy, dir: allowedDir, allowAll: true)
              let again = try runFwc(["diff", "--host", host, allowed[a]!, allowed[b]!])
              XCTAssertEqual(again.code, 0, "\(key) with the ipfw default allowed: \(again.out)\(again.err)")
            }
          }
        }
      }
    }
    XCTAssertEqual(compared, expected.count, "every documented comparison ran")
  }
}
