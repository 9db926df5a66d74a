import FirewallIR
import XCTest

@testable import IPFWSyntax

final class ReaderTests: XCTestCase {
  func testHandbookScriptExpandsVariables() {
    let f = SourceFile(
      name: "s.sh",
      text: "cmd=\"ipfw -q add\"\npif=\"em0\"\n$cmd 00500 allow tcp from any to me 22 in via $pif setup keep-state\n")
    let r = IPFWParser.parse(f)
    XCTAssertEqual(r.diagnostics.count, 0)
    XCTAssertEqual(
      IPFWPrinter.line(r.ruleset.rules[0]), "00500 allow tcp from any to me 22 in via em0 setup keep-state :default")
  }
}
