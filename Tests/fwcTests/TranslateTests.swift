import Foundation
import TestSupport
import XCTest

/// `fwc translate`: golden files per direction, round trips, the corpus, and the command's
/// contract (losses, -o, exit codes).
final class TranslateTests: XCTestCase {
  static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/translate")

  /// One hand-made case: its language, stem and the arguments naming its files (relative to
  /// its folder, so that `from FILE:LINE` comments are stable).
  struct Case {
    var language: String
    var stem: String
    var files: [String]
    var folder: URL { TranslateTests.fixtures.appendingPathComponent(language) }
  }

  static func cases() -> [Case] {
    var out: [Case] = []
    let fm = FileManager.default
    for (language, ext) in [("pf", ".conf"), ("ipfw", ".rules"), ("ipf", ".conf")] {
      let dir = fixtures.appendingPathComponent(language)
      for name in ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() where name.hasSuffix(ext) {
        let stem = String(name.dropLast(ext.count))
        var files: [String]
        switch language {
        case "pf": files = ["pf:" + name]
        case "ipfw": files = ["ipfw:" + name]
        default:
          files = ["ipf:" + name]
          if fm.fileExists(atPath: dir.appendingPathComponent(stem + ".nat").path) { files.append("ipnat:\(stem).nat") }
          if fm.fileExists(atPath: dir.appendingPathComponent(stem + ".pool").path) {
            files.append("ippool:\(stem).pool")
          }
        }
        out.append(Case(language: language, stem: stem, files: files))
      }
    }
    return out
  }

  /// Addresses for the interfaces the cases name, so that `me`/`self` and `(em0)` compare.
  static let host = fixtures.appendingPathComponent("host.json").path

  static let targets = ["pf": ["ipfw", "ipf"], "ipfw": ["pf", "ipf"], "ipf": ["pf", "ipfw"]]

  /// Each case translated to each other language matches its golden file (the output, then the
  /// losses and the verification on standard error), and verifies. FWC_UPDATE_GOLDEN=1 rewrites
  /// the golden files.
  func testGoldenTranslations() throws {
    let update = ProcessInfo.processInfo.environment["FWC_UPDATE_GOLDEN"] == "1"
    var perDirection: [String: Int] = [:]
    for c in Self.cases() {
      for target in Self.targets[c.language]! {
        let r = try runFwc(["translate", "--to", target, "--verify", "--allow-loss"] + c.files, cwd: c.folder)
        let name = "\(c.language)/\(c.stem) -> \(target)"
        XCTAssertEqual(r.code, 0, "\(name): \(r.err)")
        XCTAssertTrue(r.err.contains("verified:"), "\(name) was not verified: \(r.err)")
        let text = r.out + "# --- standard error ---\n" + r.err
        let golden = c.folder.appendingPathComponent("\(c.stem).to-\(target)")
        if update {
          try text.write(to: golden, atomically: true, encoding: .utf8)
        } else {
          let expected = try String(contentsOf: golden, encoding: .utf8)
          XCTAssertEqual(text, expected, "\(name) differs from \(golden.lastPathComponent)")
        }
        perDirection["\(c.language)->\(target)", default: 0] += 1
      }
    }
    for (direction, n) in perDirection.sorted(by: { $0.key < $1.key }) {
      XCTAssertGreaterThanOrEqual(n, 30, "\(direction): only \(n) golden cases")
    }
    XCTAssertEqual(perDirection.count, 6)
  }

  /// X -> Y -> X is equivalent to X by `fwc diff` whenever neither step lost anything.
  func testRoundTripsAreEquivalent() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-roundtrip-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var lossless = 0
    for c in Self.cases() {
      for target in Self.targets[c.language]! {
        let there = dir.appendingPathComponent("\(c.language)-\(c.stem).\(target)")
        let a = try runFwc(["translate", "--to", target, "-o", there.path] + c.files, cwd: c.folder)
        guard a.code == 0 else {
          XCTAssertTrue(a.err.contains("cannot translate"), "\(c.stem): \(a.err)")
          continue
        }
        // ipf output is a folder of up to three files.
        let middle: [String]
        if target == "ipf" {
          middle = ["ipf.conf", "ipnat.conf", "ippool.conf"].compactMap { f in
            let p = there.appendingPathComponent(f).path
            let kind = f == "ipf.conf" ? "ipf" : f == "ipnat.conf" ? "ipnat" : "ippool"
            return FileManager.default.fileExists(atPath: p) ? "\(kind):\(p)" : nil
          }
        } else {
          middle = ["\(target):\(there.path)"]
        }
        let back = dir.appendingPathComponent("\(c.language)-\(c.stem).\(target).back")
        let b = try runFwc(["translate", "--to", c.language, "-o", back.path] + middle)
        guard b.code == 0 else {
          XCTAssertTrue(b.err.contains("cannot translate"), "\(c.stem) back: \(b.err)")
          continue
        }
        let returned: String
        if c.language == "ipf" {
          returned = ["ipf.conf", "ipnat.conf", "ippool.conf"].compactMap { f in
            let p = back.appendingPathComponent(f).path
            let kind = f == "ipf.conf" ? "ipf" : f == "ipnat.conf" ? "ipnat" : "ippool"
            return FileManager.default.fileExists(atPath: p) ? "\(kind):\(p)" : nil
          }.joined(separator: "+")
        } else {
          returned = "\(c.language):\(back.path)"
        }
        let original = c.files.map { f -> String in
          let colon = f.firstIndex(of: ":")!
          return f[..<colon] + ":" + c.folder.appendingPathComponent(String(f[f.index(after: colon)...])).path
        }.joined(separator: "+")
        let d = try runFwc(["diff", "--host", Self.host, "--format", "json", original, returned])
        XCTAssertNotEqual(d.code, 2, "\(c.language)/\(c.stem): \(d.err)")
        // pf keeps one ICMP reply code per family, and a rule for both families loses ipfw's
        // code: such regions (the same words on both sides) are the only difference allowed.
        let json = try JSONSerialization.jsonObject(with: Data(d.out.utf8)) as? [String: Any]
        let regions = (json?["regions"] as? [[String: Any]]) ?? []
        let real = regions.filter { ($0["left"] as? String) != ($0["right"] as? String) }
        XCTAssertEqual(real.count, 0, "\(c.language)/\(c.stem) -> \(target) -> \(c.language): \(d.out)")
        lossless += 1
      }
    }
    print("translate round trips: \(lossless) lossless X -> Y -> X equivalent under fwc diff")
    XCTAssertGreaterThan(lossless, 100, "too few lossless round trips")
  }

  /// Losses stop the command unless --allow-loss: nothing is written and the exit code is 1.
  func testLossesFailWithoutAllowLoss() throws {
    let input = try makeTempFile(
      "pass in on em0 proto tcp to port 22 keep state\npass out quick log all\n", name: "pf.conf")
    let ok = try runFwc(["translate", "--to", "ipfw", input.path])
    XCTAssertEqual(ok.code, 0, ok.err)
    XCTAssertTrue(ok.out.contains("allow tcp from any to any 22 in via em0 setup keep-state"), ok.out)

    let lossy = try makeTempFile("pass in on em0 proto tcp to port 22 synproxy state queue ssh\n", name: "pf.conf")
    let out = lossy.deletingLastPathComponent().appendingPathComponent("out.rules")
    let r = try runFwc(["translate", "--to", "ipfw", "-o", out.path, lossy.path])
    XCTAssertEqual(r.code, 1)
    XCTAssertTrue(r.err.contains("pf.conf:1: cannot translate queue to ipfw"), r.err)
    XCTAssertTrue(r.err.contains("pf.conf:1: cannot translate synproxy state to ipfw"), r.err)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing is written on losses")

    let allowed = try runFwc(["translate", "--to", "ipfw", "--allow-loss", "-o", out.path, lossy.path])
    XCTAssertEqual(allowed.code, 0, allowed.err)
    let written = try String(contentsOf: out, encoding: .utf8)
    XCTAssertTrue(written.contains("keep-state"), written)
    let check = try runFwc(["check", "--from", "ipfw", out.path])
    XCTAssertEqual(check.code, 0, check.err)
  }

  /// The output forms: a pf anchor body, an ipfw script, an ipf folder, stdout sections.
  func testOutputForms() throws {
    let pf = try makeTempFile(
      """
      table <web> { 192.0.2.10, 192.0.2.11 }
      nat on em0 from 10.0.0.0/8 to any -> 203.0.113.5
      rdr on em0 proto tcp from any to 203.0.113.5 port 80 -> 192.0.2.10 port 8080
      block in on em0 all
      pass in on em0 proto tcp from any to <web> port 8080
      """, name: "pf.conf")
    let ipf = try runFwc(["translate", "--to", "ipf", "--verify", pf.path])
    XCTAssertEqual(ipf.code, 0, ipf.err)
    XCTAssertTrue(ipf.out.contains("# --- ipf.conf ---"), ipf.out)
    XCTAssertTrue(ipf.out.contains("# --- ipnat.conf ---"), ipf.out)
    XCTAssertTrue(ipf.out.contains("# --- ippool.conf ---"), ipf.out)
    XCTAssertTrue(
      ipf.out.contains("table role = ipf type = tree name = web { 192.0.2.10/32; 192.0.2.11/32; };"), ipf.out)
    XCTAssertTrue(
      ipf.out.contains("rdr em0 from any to 203.0.113.5/32 port = 80 -> 192.0.2.10/32 port 8080 tcp"), ipf.out)

    let dir = pf.deletingLastPathComponent().appendingPathComponent("ipf-out")
    let written = try runFwc(["translate", "--to", "ipf", "-o", dir.path, pf.path])
    XCTAssertEqual(written.code, 0, written.err)
    for f in ["ipf.conf", "ipnat.conf", "ippool.conf"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), f)
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
    XCTAssertEqual(leftovers, [], "no temporary files are left behind")

    let ipfw = try makeTempFile("100 allow tcp from any to me 22 in via em0 setup keep-state\n", name: "ipfw.rules")
    let anchor = try runFwc(["translate", "--to", "pf", "--anchor", "fwc/ssh", "--from", "ipfw", ipfw.path])
    XCTAssertEqual(anchor.code, 0, anchor.err)
    XCTAssertFalse(anchor.out.contains("set skip"), anchor.out)
    XCTAssertTrue(anchor.out.contains("pass in quick on em0 proto tcp from any to self port 22"), anchor.out)

    let script = try runFwc(["translate", "--to", "ipfw", "--ipfw-script", pf.path])
    XCTAssertEqual(script.code, 1, "nat and rdr to ipfw are losses")
    let scriptAllowed = try runFwc(["translate", "--to", "ipfw", "--ipfw-script", "--allow-loss", pf.path])
    XCTAssertTrue(scriptAllowed.out.hasPrefix("#!/bin/sh\n"), scriptAllowed.out)
    XCTAssertTrue(scriptAllowed.out.contains("ipfw -q table web add 192.0.2.10\n"), scriptAllowed.out)
    XCTAssertTrue(scriptAllowed.out.contains(" 'table(web)' "), scriptAllowed.out)
    XCTAssertTrue(scriptAllowed.out.contains("ipfw -q add "), scriptAllowed.out)

    let bad = try runFwc(["translate", "--to", "nft", pf.path])
    XCTAssertEqual(bad.code, 2)
    XCTAssertTrue(bad.err.contains("unknown target 'nft'"), bad.err)
  }

  /// Every corpus ruleset that parses translates to both other languages with --verify
  /// --allow-loss, its output passes `fwc check`, and every loss names a file and line.
  func testCorpusTranslatesAndVerifies() throws {
    guard let root = sharedCorpus else { throw XCTSkip("../shared/corpus is absent (a fresh clone): skipped") }
    let host = packageRoot.appendingPathComponent("Tests/Fixtures/pfctl-corpus.host.json").path
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-corpus-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var counts: [String: (rulesets: Int, losses: Int)] = [:]
    var n = 0
    for (language, args) in CorpusInputs.list(root, pfHost: host) {
      guard try runFwc(["check"] + args).code == 0 else { continue }
      for target in Self.targets[language]! {
        n += 1
        let out = dir.appendingPathComponent("out\(n)")
        let r = try runFwc(["translate", "--to", target, "--verify", "--allow-loss", "-o", out.path] + args)
        XCTAssertEqual(r.code, 0, "\(args.last!) -> \(target): \(r.err)")
        XCTAssertTrue(r.err.contains("verified:"), "\(args.last!) -> \(target): \(r.err)")
        let losses = r.err.split(separator: "\n").filter { $0.contains("cannot translate") }
        for l in losses { XCTAssertTrue(l.contains(":"), "a loss without a location: \(l)") }
        let parts: [String]
        if target == "ipf" {
          parts = ["ipf.conf": "ipf", "ipnat.conf": "ipnat", "ippool.conf": "ippool"].compactMap { f, kind in
            let p = out.appendingPathComponent(f).path
            return FileManager.default.fileExists(atPath: p) ? "\(kind):\(p)" : nil
          }
        } else {
          parts = ["\(target):\(out.path)"]
        }
        let check = try runFwc(["check"] + parts)
        XCTAssertEqual(check.code, 0, "\(args.last!) -> \(target) does not pass fwc check: \(check.err)")
        let key = "\(language) -> \(target)"
        counts[key, default: (0, 0)].rulesets += 1
        counts[key, default: (0, 0)].losses += losses.count
      }
    }
    for (k, v) in counts.sorted(by: { $0.key < $1.key }) {
      print("translate corpus: \(k): \(v.rulesets) rulesets verified, \(v.losses) losses listed")
    }
    XCTAssertGreaterThan(counts.values.reduce(0) { $0 + $1.rulesets }, 300)
  }
}

/// The corpus rulesets the acceptance names: pfctl's tests and examples, OpenBSD's regress
/// files, the ipfilter suite's i and in families, ipfilter's examples and real-world files, and
/// the ipfw real-world files, examples and rc.firewall.
enum CorpusInputs {
  static func list(_ root: URL, pfHost: String) -> [(String, [String])] {
    var out: [(String, [String])] = []
    let fm = FileManager.default
    func files(_ sub: String) -> [URL] {
      let dir = root.appendingPathComponent(sub)
      return ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted().map { dir.appendingPathComponent($0) }
    }
    for sub in ["pf/pfctl-tests", "pf/openbsd-regress", "pf/examples"] {
      for f in files(sub)
      where ![".ok", ".fail", ".tsv", ".txt", "Makefile"].contains(where: f.lastPathComponent.hasSuffix) {
        out.append(("pf", ["--host", pfHost, "--from", "pf", f.path]))
      }
    }
    for f in files("ipfilter/test/regress") {
      let n = f.lastPathComponent
      guard n.hasPrefix("i"), !n.hasPrefix("ip"), !n.hasSuffix(".dist") else { continue }
      out.append(("ipf", [(n.hasPrefix("in") ? "ipnat:" : "ipf:") + f.path]))
    }
    for f in files("ipfilter/realworld") + files("ipfilter/examples") {
      out.append(("ipf", [(f.lastPathComponent.contains("ipnat") ? "ipnat:" : "ipf:") + f.path]))
    }
    for f in files("ipfw/realworld") + files("ipfw/examples") + [root.appendingPathComponent("ipfw/rc.firewall")] {
      out.append(("ipfw", ["--from", "ipfw", f.path]))
    }
    return out
  }
}
