import Foundation
import TestSupport
import XCTest

/// `fwc lint` through the binary: the three output forms, exit codes, suppressions, options,
/// SARIF's required structure, and the corpus.
final class LintCLITests: XCTestCase {
  static let sample = """
    # fwc:disable-file=missing-antispoof
    ext_if = "em0"
    set skip on lo0
    block all
    pass in on $ext_if proto tcp from 10.0.0.0/25 to any port 22
    pass in on $ext_if proto tcp from 10.0.0.128/25 to any port 22
    block in on $ext_if proto tcp from 10.0.0.1/24 to any port 22
    pass out all

    """

  func testTextOutputIsCompilerStyleWithExampleAndFix() throws {
    let f = try makeTempFile(Self.sample, name: "pf.conf")
    let r = try runFwc(["lint", f.path])
    XCTAssertEqual(r.code, 0, r.out + r.err)
    // The two passes are hidden by the later block; the block's address has host bits set.
    XCTAssert(r.out.contains("\(f.path):5:1: warning: rule never decides"), r.out)
    XCTAssert(r.out.contains("[conflicting-rule]"), r.out)
    XCTAssert(r.out.contains("  pass in on $ext_if proto tcp from 10.0.0.0/25 to any port 22\n  ^\n"), r.out)
    XCTAssert(r.out.contains("\(f.path):7:1: note: decides the packets of the conflicting rule"), r.out)
    XCTAssert(r.out.contains("example packet: in on em0 tcp 10.0.0."), r.out)
    XCTAssert(r.out.contains("\(f.path):7:36: warning: 10.0.0.1/24 has host bits set"), r.out)
    XCTAssert(r.out.contains("fix: write the network as 10.0.0.0/24"), r.out)
    // The block is also redundant beside `block all`.
    XCTAssert(r.out.contains("\(f.path):7:1: warning: rule is redundant"), r.out)
    XCTAssert(r.out.hasSuffix("4 findings: 4 warnings\n"), r.out)
    // --strict fails on warnings; --disable drops a rule.
    XCTAssertEqual(try runFwc(["lint", "--strict", f.path]).code, 1)
    let quiet = try runFwc([
      "lint", "--strict", "--disable", "conflicting-rule,host-bits-set", "--disable", "redundant-rule", f.path,
    ])
    XCTAssertEqual(quiet.code, 0, quiet.out)
    XCTAssertEqual(quiet.out, "")
    let unknown = try runFwc(["lint", "--disable", "no-such-rule", f.path])
    XCTAssertEqual(unknown.code, 2)
    XCTAssert(unknown.err.contains("unknown lint rule 'no-such-rule'"), unknown.err)
  }

  func testSyntaxErrorsAreFindingsAndTheRestIsStillLinted() throws {
    let f = try makeTempFile(
      "set skip on lo0\n# fwc:disable-file=missing-antispoof\nblock all\npass in proto tcp to port 22 flags\nblock in proto udp\n",
      name: "pf.conf")
    let r = try runFwc(["lint", f.path])
    XCTAssertEqual(r.code, 1, r.out)
    XCTAssert(r.out.contains("\(f.path):4:35: error: syntax error"), r.out)
    XCTAssert(r.out.contains("\(f.path):5:1: warning: rule is redundant"), r.out)
  }

  func testSuppressionComments() throws {
    let text = """
      set skip on lo0
      # fwc:disable-file=missing-antispoof
      block all
      block in proto udp # fwc:disable=redundant-rule
      # fwc:disable=redundant-rule
      block in proto icmp
      block in proto tcp to port 23
      pass out from 192.0.2.1/24

      """
    let f = try makeTempFile(text, name: "pf.conf")
    let r = try runFwc(["lint", "--format", "json", f.path])
    let ids = try Self.findings(r.out).map { "\($0["id"]!):\(($0["location"] as! [String: Any])["line"]!)" }
    XCTAssertEqual(ids.sorted(), ["host-bits-set:8", "redundant-rule:7"])
    let whole = try makeTempFile("# fwc:disable-file=redundant-rule,host-bits-set\n" + text, name: "pf.conf")
    // (The file-wide comment moves every line down by one.)
    XCTAssertEqual(try Self.findings(try runFwc(["lint", "--format", "json", whole.path]).out).count, 0)
  }

  static func findings(_ json: String) throws -> [[String: Any]] {
    let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    return doc["findings"] as! [[String: Any]]
  }

  func testJSONCarriesEveryPart() throws {
    let f = try makeTempFile(Self.sample, name: "pf.conf")
    let r = try runFwc(["lint", "--format", "json", f.path])
    XCTAssertEqual(r.code, 0)
    let all = try Self.findings(r.out)
    XCTAssertEqual(all.count, 4)
    let conflict = all.first { $0["id"] as? String == "conflicting-rule" }!
    XCTAssertEqual(conflict["severity"] as? String, "warning")
    let loc = conflict["location"] as! [String: Any]
    XCTAssertEqual(loc["file"] as? String, f.path)
    XCTAssertEqual(loc["line"] as? Int, 5)
    XCTAssertEqual(loc["column"] as? Int, 1)
    let related = conflict["related"] as! [[String: Any]]
    XCTAssertEqual((related.first?["location"] as? [String: Any])?["line"] as? Int, 7)
    XCTAssertNotNil(conflict["example"] as? String)
    let bits = all.first { $0["id"] as? String == "host-bits-set" }!
    let fix = bits["fix"] as! [String: Any]
    XCTAssertEqual(fix["replacement"] as? String, "10.0.0.0/24")
    XCTAssertEqual((fix["start"] as! [String: Any])["column"] as? Int, 36)
    XCTAssertEqual((fix["end"] as! [String: Any])["column"] as? Int, 47)
  }

  /// The SARIF 2.1.0 schema's required properties and types, for the parts fwc writes.
  func validateSARIF(_ doc: [String: Any]) -> [String] {
    var problems: [String] = []
    func require(_ ok: Bool, _ what: String) { if !ok { problems.append(what) } }
    require(doc["version"] as? String == "2.1.0", "version 2.1.0")
    require((doc["$schema"] as? String)?.contains("sarif") == true, "$schema")
    guard let runs = doc["runs"] as? [[String: Any]], !runs.isEmpty else { return problems + ["runs"] }
    for run in runs {
      let driver = (run["tool"] as? [String: Any])?["driver"] as? [String: Any]
      require(driver?["name"] as? String != nil, "tool.driver.name")
      let rules = driver?["rules"] as? [[String: Any]] ?? []
      for r in rules {
        require(r["id"] as? String != nil, "rule id")
        require(((r["shortDescription"] as? [String: Any])?["text"] as? String) != nil, "rule shortDescription.text")
        require(((r["help"] as? [String: Any])?["text"] as? String) != nil, "rule help.text")
        let level = (r["defaultConfiguration"] as? [String: Any])?["level"] as? String
        require(["none", "note", "warning", "error"].contains(level ?? ""), "rule level")
      }
      guard let results = run["results"] as? [[String: Any]] else { return problems + ["results"] }
      for res in results {
        require(((res["message"] as? [String: Any])?["text"] as? String) != nil, "result message.text")
        require(["none", "note", "warning", "error"].contains(res["level"] as? String ?? ""), "result level")
        if let i = res["ruleIndex"] as? Int {
          require(i >= 0 && i < rules.count && rules[i]["id"] as? String == res["ruleId"] as? String, "ruleIndex")
        }
        let locations =
          (res["locations"] as? [[String: Any]] ?? []) + (res["relatedLocations"] as? [[String: Any]] ?? [])
        for l in locations {
          let p = l["physicalLocation"] as? [String: Any]
          require(((p?["artifactLocation"] as? [String: Any])?["uri"] as? String) != nil, "artifactLocation.uri")
          let region = p?["region"] as? [String: Any]
          require((region?["startLine"] as? Int ?? 0) >= 1, "region.startLine")
          require((region?["startColumn"] as? Int ?? 0) >= 1, "region.startColumn")
        }
        for fix in res["fixes"] as? [[String: Any]] ?? [] {
          let changes = fix["artifactChanges"] as? [[String: Any]] ?? []
          require(!changes.isEmpty, "fix artifactChanges")
          for c in changes {
            require(((c["artifactLocation"] as? [String: Any])?["uri"] as? String) != nil, "change artifactLocation")
            let replacements = c["replacements"] as? [[String: Any]] ?? []
            require(!replacements.isEmpty, "replacements")
            for r in replacements {
              require(((r["deletedRegion"] as? [String: Any])?["startLine"] as? Int ?? 0) >= 1, "deletedRegion")
            }
          }
        }
      }
    }
    return problems
  }

  func testSARIFHasTheRequiredStructureAndNamesFileLineRuleAndHelp() throws {
    let f = try makeTempFile(Self.sample, name: "pf.conf")
    let r = try runFwc(["lint", "--format", "sarif", f.path])
    XCTAssertEqual(r.code, 0, r.err)
    let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
    XCTAssertEqual(validateSARIF(doc), [])
    let run = (doc["runs"] as! [[String: Any]])[0]
    let rules = ((run["tool"] as! [String: Any])["driver"] as! [String: Any])["rules"] as! [[String: Any]]
    let results = run["results"] as! [[String: Any]]
    XCTAssertEqual(results.count, 4)
    for res in results {
      let id = res["ruleId"] as! String
      let rule = rules[res["ruleIndex"] as! Int]
      XCTAssertEqual(rule["id"] as? String, id)
      XCTAssertFalse(((rule["help"] as! [String: Any])["text"] as! String).isEmpty)
      let loc = ((res["locations"] as! [[String: Any]])[0]["physicalLocation"] as! [String: Any])
      XCTAssert(((loc["artifactLocation"] as! [String: Any])["uri"] as! String).hasSuffix("pf.conf"))
      XCTAssertNotNil((loc["region"] as! [String: Any])["startLine"] as? Int)
    }
    let conflict = results.first { $0["ruleId"] as? String == "conflicting-rule" }!
    XCTAssertEqual((conflict["relatedLocations"] as! [[String: Any]]).count, 1)
    // The validator itself rejects what the schema requires.
    XCTAssertFalse(validateSARIF(["version": "2.0.0", "runs": [[String: Any]]()]).isEmpty)
    var broken = doc
    var brokenRun = run
    brokenRun["results"] = [["ruleId": "x", "level": "warning"]]
    broken["runs"] = [brokenRun]
    XCTAssertEqual(validateSARIF(broken), ["result message.text"])
  }

  func testListRulesNamesTheWholeCatalog() throws {
    let r = try runFwc(["lint", "--list-rules"])
    XCTAssertEqual(r.code, 0)
    for id in ["syntax", "shadowed-rule", "conflicting-rule", "redundant-rule", "nat-without-pass", "host-bits-set"] {
      XCTAssert(r.out.contains("\n\(id) [") || r.out.hasPrefix("\(id) ["), id)
    }
    XCTAssertGreaterThanOrEqual(r.out.components(separatedBy: "\n\n").count, 30)
  }

  /// Lint runs on every corpus ruleset (pfctl's tests, OpenBSD regress, ipfilter's suite,
  /// examples and real-world files, ipfw's) without crashing; counts per ID are printed.
  func testCorpusLintsWithoutCrashing() throws {
    guard let root = sharedCorpus else { throw XCTSkip("../shared/corpus is absent (a fresh clone): skipped") }
    let host = packageRoot.appendingPathComponent("Tests/Fixtures/pfctl-corpus.host.json").path
    var counts: [String: Int] = [:]
    var files: [String: Int] = [:]
    for (language, args) in CorpusInputs.list(root, pfHost: host) {
      let r = try runFwc(["lint", "--format", "json"] + args)
      XCTAssert(r.code == 0 || r.code == 1, "\(args.last!): exit \(r.code): \(r.err)")
      guard r.code != 2 else { continue }
      files[language, default: 0] += 1
      for f in try Self.findings(r.out) { counts[f["id"] as! String, default: 0] += 1 }
    }
    for (k, v) in files.sorted(by: { $0.key < $1.key }) { print("lint corpus: \(k): \(v) rulesets") }
    for (k, v) in counts.sorted(by: { $0.key < $1.key }) { print("lint corpus: \(k): \(v) findings") }
    XCTAssertGreaterThan(files.values.reduce(0, +), 180)
  }
}
