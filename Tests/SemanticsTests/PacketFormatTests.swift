import FirewallIR
import PacketSets
import XCTest

@testable import Semantics

/// The packet readers: ipftest's text and hex formats and the command-line syntax.
final class PacketFormatTests: XCTestCase {
  func testTextPacketsReadAsIpftestReadsThem() throws {
    let packets = try IPFTestFormat.parseText(
      """
      # comment
      in on nic0 tcp 1.1.1.1,1025 2.2.2.2,telnet S seq=1 ack=0
      out6 udp 2001:db8::1,53 2001:db8::2,5353
      in icmp 1.1.1.1 2.2.2.2 unreach,3
      in 1.1.1.1 2.1.1.1 opt lsrr,sec-class=topsecret

      """)
    XCTAssertEqual(packets.count, 4)
    XCTAssertEqual(packets[0].header.interface, "nic0")
    XCTAssertEqual(packets[0].header.destinationPort, 23)
    XCTAssertEqual(packets[0].header.tcpFlags, TCPFlag.syn)
    XCTAssertEqual(packets[0].length, 40)
    XCTAssertEqual(packets[1].header.family, .inet6)
    XCTAssertEqual(packets[1].header.direction, .out)
    XCTAssertEqual(packets[1].header.interface, "anon0")
    XCTAssertEqual(packets[2].header.icmpType, 3)
    XCTAssertEqual(packets[2].header.icmpCode, 3)
    XCTAssertEqual(packets[3].ipOptions, 0x200 | 0x100)
    XCTAssertEqual(packets[3].securityClass, 0x02)
  }

  func testHexPacketsEndAtAnEmptyLine() throws {
    let packets = try IPFTestFormat.parseHex(
      """
      [out,nic0=192.168.1.188]
      4500 0028 0000 4000 3f06 36cd 0101 0101 0201 0101
      0401 0019 0000 0000 0000 0000 5002 2000 86c5 0000

      4500 0014 0000 0000 3f11 0000 0101 0101 0201 0101
      """)
    // The second packet has no empty line after it: ipftest does not read it either.
    XCTAssertEqual(packets.count, 1)
    XCTAssertEqual(packets[0].header.direction, .out)
    XCTAssertEqual(packets[0].header.interface, "nic0")
    XCTAssertEqual(packets[0].header.destinationPort, 25)
  }

  func testMalformedInputIsAnErrorNotACrash() {
    // Inputs the packet fuzzer found crashing the readers.
    XCTAssertThrowsError(try IPFTestFormat.parseText("out6 on NIC0 255 ,,,, NIC0\n"))
    XCTAssertThrowsError(try IPFTestFormat.parseHex("[==]\u{b7}\n\n"))
    XCTAssertThrowsError(try IPFTestFormat.parseText("in icmp 1.1.1.1 2.2.2.2 ,\n"))
    XCTAssertThrowsError(try IPFTestFormat.parseText("in 1.1.1.1 2.2.2.2 opt =\n"))
  }

  func testCommandLinePacketsReadBackAsWritten() throws {
    for spec in [
      "in on em0 tcp 198.51.100.7:40000 > 203.0.113.5:22 flags S",
      "out on em1 udp [2001:db8::1]:53 > [2001:db8::2]:5353",
      "in on em0 icmp 192.0.2.1 > 203.0.113.5 type echoreq",
      "in icmp6 2001:db8::1 > 2001:db8::2 type echoreq",
    ] {
      let p = try PacketSpec.parse(spec)
      XCTAssertEqual(PacketSpec.format(p), spec)
    }
    XCTAssertEqual(try PacketSpec.parse("in tcp 10.0.0.1:1 > 10.0.0.2:80 flags SA").header.tcpFlags, 0x12)
    XCTAssertEqual(try PacketSpec.parse("in icmp 10.0.0.1 > 10.0.0.2 type echo-request").header.icmpType, 8)
    XCTAssertThrowsError(try PacketSpec.parse("in tcp 10.0.0.1 > 10.0.0.2:80"))
    XCTAssertThrowsError(try PacketSpec.parse("sideways tcp 10.0.0.1:1 > 10.0.0.2:80"))
    XCTAssertThrowsError(try PacketSpec.parse("in udp 10.0.0.1:1 > [2001:db8::1]:2"))
  }
}
