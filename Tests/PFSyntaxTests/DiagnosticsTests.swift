import FirewallIR
import XCTest

@testable import PFSyntax

/// Errors are checked against markers written under the offending line:
/// `#      ^ message` (a pf comment) expects `message` at the caret's column.
final class DiagnosticsTests: XCTestCase {
  func assertMarkers(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
    let expected = expectedMarkers(in: text)
    let got = pf(text, host: testHost).diagnostics.filter { $0.severity == .error }
    XCTAssertEqual(got.count, expected.count, "\(got.map { "\($0.location!): \($0.message)" })", file: file, line: line)
    for (e, g) in zip(expected, got) {
      XCTAssertEqual(g.location?.line, e.line, g.message, file: file, line: line)
      XCTAssertEqual(g.location?.column, e.column, g.message, file: file, line: line)
      XCTAssertTrue(
        g.message.hasPrefix(e.message), "\(g.message) does not start with \(e.message)", file: file, line: line)
    }
  }

  func testSyntaxErrorsAreLocated() {
    assertMarkers(
      """
      pass in bogus
      #       ^ syntax error
      block from 10.0.0.1 port 500:100
      #                        ^ invalid port range
      pass in on $nothere
      #          ^ macro 'nothere' not defined
      pass proto frob
      #          ^ unknown protocol frob
      pass to port nosuchservice
      #            ^ unknown port nosuchservice
       block in route-to (em0 192.0.2.1)
      #^ route-to, reply-to and dup-to are not supported on block rules
      """)
  }

  func testTranslationErrors() {
    assertMarkers(
      """
      rdr on em0 proto tcp to 192.0.2.2 -> 192.0.2.3 static-port
      #                                 ^ the 'static-port' option is only valid with nat rules
      nat on em0 from 10.0.0.1 -> <t> bitmask
      #                        ^ tables are not supported by pool type
      nat on em0 from 10.0.0.1 -> 192.0.2.3 port 1000 static-port
      #                        ^ the 'static-port' option can't be used when specifying a port range
      """)
  }

  func testErrorsDoNotStopTheRestOfTheFile() {
    let r = pf("pass in bogus\npass out\nblock frob\n", host: testHost)
    XCTAssertEqual(r.diagnostics.map { $0.location!.line }, [1, 3])
  }

  func testMacroNameMustNotBeQuoted() {
    let r = pf("\"this is\" = \"a variable\"\n")
    XCTAssertEqual(r.diagnostics.first?.message, "macro name cannot contain whitespace")
    XCTAssertEqual(pf("this = \"a variable\"\n").print, "this = \"a variable\"\n")
  }

  func testUnterminatedQuoteAndListAreErrors() {
    XCTAssertFalse(pf("pass on { em0\n").diagnostics.isEmpty)
    XCTAssertFalse(pf("label = \"abc\n").diagnostics.isEmpty)
    XCTAssertFalse(pf("anchor \"a\" {\npass\n").diagnostics.isEmpty)
  }

  func testAnErrorFoundAfterTheLineEndsDoesNotSwallowTheNextLine() {
    let r = PFParser.parse(
      SourceFile(name: "t", text: "pass inet from 2001:db8::1 to any\npass out all\nblock frob\n"), host: .empty)
    XCTAssertEqual(
      r.diagnostics.map { "\($0.location!.line): \($0.message)" },
      ["1: rule expands to no valid combination", "3: syntax error (unexpected 'frob')"])
    XCTAssertEqual(r.config.main.filter.count, 1)
  }

  func testLoneBangIsNotAnOperator() {
    XCTAssertFalse(pf("pass proto tcp to port ! 80\n").diagnostics.isEmpty)
    XCTAssertEqual(
      pf("pass proto tcp to port != 80\n").print, "pass proto tcp from any to any port != http flags S/SA keep state\n")
  }
}
