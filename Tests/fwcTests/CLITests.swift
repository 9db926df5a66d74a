import Foundation
import TestSupport
import XCTest

/// End-to-end tests of the `fwc` binary.
final class CLITests: XCTestCase {
  let root = packageRoot

  func run(_ args: [String], stdin: String? = nil, cwd: URL? = nil) throws -> (code: Int32, out: String, err: String) {
    try runFwc(args, stdin: stdin, cwd: cwd)
  }

  func tempFile(_ text: String, name: String = "rules.conf") throws -> URL {
    try makeTempFile(text, name: name)
  }

  func testPrintsTheBundledExample() throws {
    let r = try run(["print", "--host", "examples/host.json", "examples/pf.conf"], cwd: root)
    XCTAssertEqual(r.code, 0, r.err)
    XCTAssertTrue(r.out.contains("nat on em0 inet from <containers> to any -> (em0) round-robin\n"))
    XCTAssertTrue(
      r.out.contains("pass in on em0 inet6 proto tcp from any to 2001:db8::5 port = https flags S/SA keep state\n"))
    XCTAssertEqual(r.err, "")
  }

  func testCheckExitCodes() throws {
    let good = try tempFile("pass in proto tcp to port 22\n")
    XCTAssertEqual(try run(["check", good.path]).code, 0)
    let bad = try tempFile("pass in\nblock frob\n")
    let r = try run(["check", bad.path])
    XCTAssertEqual(r.code, 1)
    XCTAssertTrue(r.err.hasPrefix("\(bad.path):2:7: error: syntax error"), r.err)
    XCTAssertTrue(r.err.contains("\n  block frob\n        ^\n"), r.err)
    XCTAssertEqual(r.out, "")
  }

  func testCannotRunExitsTwo() throws {
    XCTAssertEqual(try run(["check", "/nonexistent/pf.conf"]).code, 2)
    XCTAssertEqual(try run(["print", "--from", "cobol", "x"]).code, 2)
    XCTAssertEqual(try run(["frobnicate"]).code, 2)
    let bad = try tempFile("{not json", name: "host.json")
    let rules = try tempFile("pass\n")
    XCTAssertEqual(try run(["print", "--host", bad.path, rules.path]).code, 2)
  }

  func testStandardInputAndKindPrefix() throws {
    let r = try run(["print", "pf:-"], stdin: "ports = \"{ 80 443 }\"\npass proto tcp to port $ports\n")
    XCTAssertEqual(r.code, 0, r.err)
    XCTAssertEqual(
      r.out,
      "ports = \"{ 80 443 }\"\npass proto tcp from any to any port = http flags S/SA keep state\npass proto tcp from any to any port = https flags S/SA keep state\n"
    )
    let e = try run(["check", "-"], stdin: "pass on\n")
    XCTAssertEqual(e.code, 1)
    XCTAssertTrue(e.err.hasPrefix("stdin:1:8: error:"), e.err)
  }

  func testHelpIsAvailable() throws {
    let r = try run(["--help"])
    XCTAssertEqual(r.code, 0)
    XCTAssertTrue(r.out.contains("check"))
    XCTAssertTrue(r.out.contains("print"))
    let p = try run(["print", "--help"])
    XCTAssertTrue(p.out.contains("--host"))
  }

  func testPrintWritesNothingOnError() throws {
    let bad = try tempFile("pass\npass from 10.0.0.1 port 9:1\n")
    let r = try run(["print", bad.path])
    XCTAssertEqual(r.code, 1)
    XCTAssertEqual(r.out, "")
    XCTAssertTrue(r.err.contains("invalid port range"))
  }

  func testIPFWScriptPrintsAsIPFWList() throws {
    let r = try run(["print", root.appendingPathComponent("examples/ipfw.sh").path])
    XCTAssertEqual(r.code, 0, r.err)
    XCTAssertTrue(
      r.out.contains("\n00200 skipto 1000 tcp from 192.168.1.0/24 to any out via em0 setup keep-state :default\n"))
    XCTAssertTrue(r.out.hasSuffix("65535 deny ip from any to any\n"))
  }

  func testIPFWControlFlowIsRefusedWithALocatedError() throws {
    let f = try tempFile(
      "#!/bin/sh\nfwcmd=ipfw\n${fwcmd} add 100 allow ip from any to any\ncase $1 in\nesac\n", name: "fw.sh")
    let r = try run(["print", "--from", "ipfw", f.path])
    XCTAssertEqual(r.code, 1)
    XCTAssertEqual(r.out, "")
    XCTAssertTrue(r.err.contains("fw.sh:4:1: error: shell `case` is not supported"), r.err)
    let d = try run(
      ["check", "--from", "ipfw", "--define", "net=10.0.0.0/8", "ipfw:-"],
      stdin: "ipfw add 1 deny ip from $net to any\n")
    XCTAssertEqual(d.code, 0, d.err)
  }
}
