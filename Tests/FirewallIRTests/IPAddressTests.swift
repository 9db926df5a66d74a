import XCTest

@testable import FirewallIR

final class IPAddressTests: XCTestCase {
  func testParsesAndPrintsIPv4() {
    XCTAssertEqual(IPAddress.parseV4("192.0.2.1")?.description, "192.0.2.1")
    XCTAssertNil(IPAddress.parseV4("192.0.2"))
    XCTAssertNil(IPAddress.parseV4("192.0.2.256"))
    XCTAssertNil(IPAddress.parseV4("01.2.3.4"))
    XCTAssertEqual(IPAddress.parseV4Network("10")?.description, "10.0.0.0")
  }

  func testPrintsIPv6AsInetNtop() {
    let cases: [(String, String)] = [
      ("::1", "::1"), ("::", "::"), ("fe80:0:0:0:0:0:0:1", "fe80::1"), ("2001:db8::cb00:7105", "2001:db8::cb00:7105"),
      ("64:ff9b::", "64:ff9b::"), ("::2", "::2"), ("::ffff:1.2.3.4", "::ffff:1.2.3.4"), ("::1.2.3.4", "::1.2.3.4"),
      ("1:0:0:1:0:0:0:1", "1:0:0:1::1"), ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"), ("2002::", "2002::"),
    ]
    for (input, expected) in cases {
      XCTAssertEqual(IPAddress.parseV6(Substring(input))?.description, expected, input)
    }
    XCTAssertNil(IPAddress.parseV6("1::2::3"))
    XCTAssertNil(IPAddress.parseV6("12345::"))
  }

  func testMasksAndNetworks() {
    let a = IPAddress.parseV4("1.2.3.4")!
    XCTAssertEqual(a.masked(25).description, "1.2.3.0")
    XCTAssertEqual(IPAddress.mask(family: .inet, prefix: 24).description, "255.255.255.0")
    XCTAssertEqual(IPNetwork.parse("10.0.0.0/8")?.description, "10.0.0.0/8")
    XCTAssertTrue(IPNetwork.parse("10.0.0.0/8")!.contains(IPAddress.parseV4("10.9.8.7")!))
    XCTAssertTrue(IPAddress.parseV6("fe80::1")!.isLinkLocal)
    XCTAssertFalse(IPAddress.parseV6("2001:db8::1")!.isLinkLocal)
  }
}
