import FirewallIR
import XCTest

@testable import IPFilterSyntax

final class IPFParserTests: XCTestCase {
  func ipf(_ text: String) -> (String, [String]) {
    let r = IPFParser.parse(SourceFile(name: "t.ipf", text: text))
    return (
      r.hasErrors ? "" : IPFPrinter.print(r.items),
      r.diagnostics.map { "\($0.location!.line):\($0.location!.column): \($0.message)" }
    )
  }

  func testVariablesExpandRecursively() {
    XCTAssertEqual(
      ipf("a=any;\nb=\"from $a\";\nc='to $a';\n$d in $b $c\n".replacingOccurrences(of: "$d", with: "block")).0,
      "block in from any to any\n")
  }

  func testListsExpandLaterListsOutermost() {
    XCTAssertEqual(
      ipf("pass in from {1.1.1.1,2.2.2.2} to {3.3.3.3,4.4.4.4}\n").0,
      """
      pass in inet from 1.1.1.1/32 to 3.3.3.3/32
      pass in inet from 2.2.2.2/32 to 3.3.3.3/32
      pass in inet from 1.1.1.1/32 to 4.4.4.4/32
      pass in inet from 2.2.2.2/32 to 4.4.4.4/32

      """)
  }

  func testDefaultsAndNormalisation() {
    XCTAssertEqual(
      ipf("pass in proto tcp all flags S keep state\n").0,
      "pass in proto tcp from any to any flags S/FSRPAU keep state # count 0\n")
    XCTAssertEqual(
      ipf("block in on em0 from 10.1.2.3/255.255.0.0 to any port = ssh\n").0,
      "block in on em0(!) inet from 10.1.0.0/16 to any port = 22\n")
    XCTAssertEqual(ipf("pass in quick all with not short\n").0, "pass in quick from any to any with not short\n")
  }

  func testGroupRulesTakeTheHeadsProtocol() {
    XCTAssertEqual(
      ipf("block in proto udp all head 10\npass in from 1.1.1.1 to any port = 53 group 10\n").0,
      "block in proto udp from any to any head 10\npass in inet proto udp from 1.1.1.1/32 to any port = 53 group 10\n")
  }

  func testErrorsAreLocated() {
    let (_, d) = ipf("pass in\nblock frob in all\npass in from nosuchhost to any\npass in proto tcp all flags Z\n")
    XCTAssertEqual(
      d,
      ["2:7: syntax error (unexpected 'frob')", "3:14: cannot resolve host 'nosuchhost'", "4:29: unknown TCP flag 'Z'"])
  }

  func testFlagsNeedTCP() {
    XCTAssertEqual(ipf("pass in proto udp all flags S\n").1, ["1:23: flags with non-TCP rule"])
  }
}

final class IPNatParserTests: XCTestCase {
  func nat(_ text: String) -> (String, [String]) {
    let r = IPNatParser.parse(SourceFile(name: "t.nat", text: text))
    return (r.hasErrors ? "" : IPNatPrinter.print(r.rules), r.diagnostics.map { "\($0.location!.line): \($0.message)" })
  }

  func testMapAndRdrNormalise() {
    XCTAssertEqual(
      nat("map em0 10.0.0.0/8 -> 0/32 portmap tcp/udp auto\n").0, "map em0 10.0.0.0/8 -> 0/32 portmap tcp/udp auto\n")
    XCTAssertEqual(
      nat("rdr em0 0/0 port 80 -> 10.0.0.5 port 8080 tcp\n").0, "rdr em0 0/0 port 80 -> 10.0.0.5/32 port 8080 tcp\n")
    XCTAssertEqual(nat("map em0 10.0.0.0/8 -> 1.2.3.4/32 age 10\n").0, "map em0 10.0.0.0/8 -> 1.2.3.4/32 age 10/10\n")
    XCTAssertEqual(nat("rdr em0 1.2.3.4/32 -> 10.0.0.0/24 ip\n").1, ["1: dest ip bitmask not /32"])
  }

  func testRewrite() {
    XCTAssertEqual(
      nat("rewrite in on em0 proto tcp from any to 1.2.3.4 -> src 0/0 dst 10.0.0.1,8080;\n").0,
      "rewrite in on em0 proto tcp from 0/0 to 1.2.3.4/32 -> src 0/0 dst 10.0.0.1/32,8080;\n")
  }
}

final class IPPoolParserTests: XCTestCase {
  func testTablesAndGroupMaps() {
    let r = IPPoolParser.parse(
      SourceFile(
        name: "p",
        text:
          "table role = ipf type = hash number = 7 { 1.2.3.4; 10.0.0.0/8; };\ngroup-map in role = ipf number = 1 group = 2 { 10.0.0.0/8; 1.1.1.1/32, group = 1; };\n"
      ))
    XCTAssertFalse(r.hasErrors)
    XCTAssertEqual(
      IPPoolPrinter.print(r.definitions),
      "table role=ipf type=hash number=7 size=3\n\t{ 1.2.3.4/32; 10.0.0.0/8; };\ngroup-map in role=ipf number=1 size=3\n\t{ 10.0.0.0/8, group=2; 1.1.1.1/32; };\n"
    )
  }

  func testUnknownRoleIsAnError() {
    let r = IPPoolParser.parse(SourceFile(name: "p", text: "table role = frob type = tree number = 1 { ; };\n"))
    XCTAssertEqual(r.diagnostics.map(\.message), ["unknown role 'frob'"])
  }
}
