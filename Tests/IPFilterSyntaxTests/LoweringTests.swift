import FirewallIR
import XCTest

@testable import IPFilterSyntax

final class IPFLoweringTests: XCTestCase {
  func testGroupsBecomeSubrulesetsAndNatIsTranslation() {
    let ipf = IPFParser.parse(
      SourceFile(
        name: "r",
        text:
          "block in on em0 all head 10\npass in quick proto tcp from any to any port = 22 group 10\nblock return-rst in proto tcp all\n"
      ))
    let nat = IPNatParser.parse(
      SourceFile(name: "n", text: "rdr em0 0/0 port 80 -> 10.0.0.5 port 8080 tcp\nmap em0 10.0.0.0/8 -> 0/32\n"))
    XCTAssertFalse(ipf.hasErrors)
    XCTAssertFalse(nat.hasErrors)
    let rs = IPFLowering.lower(ipf: ipf.rules, nat: nat.rules)
    XCTAssertEqual(rs.language, .ipf)
    XCTAssertEqual(rs.evaluation, .lastMatchUnlessQuick)
    XCTAssertEqual(rs.rules.map(\.phase), [.translation, .translation, .filter, .filter])
    XCTAssertEqual(rs.rules[0].action, .translate(.rdr, negated: false))
    XCTAssertEqual(rs.rules[0].match.destinationPort, [RangeMatch(.equal, 80)])
    XCTAssertEqual(rs.rules[0].translation.first?.portLow, 8080)
    XCTAssertEqual(rs.rules[1].action, .translate(.nat, negated: false))
    XCTAssertEqual(rs.rules[2].head, "10")
    XCTAssertEqual(rs.rules[3].action, .block(.returnRST))
    XCTAssertEqual(rs.subrulesets["10"]?.count, 1)
    XCTAssertEqual(rs.subrulesets["10"]?.first?.quick, true)
    XCTAssertEqual(rs.subrulesets["10"]?.first?.origin.first?.line, 2)
  }
}
