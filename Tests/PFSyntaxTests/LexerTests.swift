import FirewallIR
import XCTest

@testable import PFSyntax

final class LexerTests: XCTestCase {
  func tokens(_ text: String, macros: [String: String] = [:]) -> [Token] {
    var lex = Lexer(file: SourceFile(name: "t", text: text))
    lex.macros = macros
    var out: [Token] = []
    while true {
      let t = lex.next()
      if t.kind == .eof { break }
      out.append(t)
    }
    return out
  }

  func testWordsNumbersAndPunctuation() {
    let t = tokens("pass from 10.0.0.0/8 port 1024:2048 -> <tbl> !=\n")
    XCTAssertEqual(
      t.map(\.text), ["pass", "from", "10.0.0.0", "/", "8", "port", "1024:2048", "->", "<", "tbl", ">", "!", "=", "\n"])
    XCTAssertEqual(t[4].kind, .number)
    XCTAssertEqual(t[4].number, 8)
    XCTAssertEqual(t[6].kind, .word)
    XCTAssertEqual(t[7].kind, .arrow)
  }

  func testPortBinaryOperators() {
    let t = tokens("21 >< 2048 1 <> 5")
    XCTAssertEqual(t[1].kind, .portBinary(.exclusiveRange))
    XCTAssertEqual(t[4].kind, .portBinary(.outsideRange))
  }

  func testCommentsContinuationAndQuotes() {
    let t = tokens("a # comment\nb \\\n c \"q \\\" s\" 'x'")
    XCTAssertEqual(t.map(\.text), ["a", "\n", "b", "c", "q \" s", "x"])
    XCTAssertEqual(t[4].kind, .quoted)
    XCTAssertEqual(t[3].location.line, 3)
  }

  func testMacroExpansionKeepsReferenceLocation() {
    let t = tokens("pass on $ifs all", macros: ["ifs": "{ em0 em1 }"])
    XCTAssertEqual(t.map(\.text), ["pass", "on", "{", "em0", "em1", "}", "all"])
    XCTAssertEqual(t[3].location.column, 9)
    XCTAssertEqual(t[6].location.column, 14)
  }

  func testUndefinedMacroIsLocated() {
    var lex = Lexer(file: SourceFile(name: "t", text: "pass on $nope"))
    while lex.next().kind != .eof {}
    XCTAssertEqual(lex.diagnostics.all.first?.message, "macro 'nope' not defined")
    XCTAssertEqual(lex.diagnostics.all.first?.location?.column, 9)
  }

  func testNumberFollowedByWordCharactersIsAWord() {
    let t = tokens("100/10 0x34 6a")
    XCTAssertEqual(t.map(\.kind), [.number, .punct(UInt8(ascii: "/")), .number, .word, .word])
  }
}
