import FirewallIR
import XCTest

@testable import IPFWSyntax

/// Golden prints: each input rule and the line `ipfw list` shows for it.
final class PrinterTests: XCTestCase {
  let cases: [(String, String)] = [
    ("add 100 accept tcp from any to any dst-port 22", "00100 allow tcp from any to any 22"),
    ("add 100 pass all from any to any", "00100 allow ip from any to any"),
    ("add 100 drop ip from 10.1.2.3/24 to any", "00100 deny ip from 10.1.2.0/24 to any"),
    ("add 100 unreach host ip from any to any", "00100 reject ip from any to any"),
    ("add 100 unreach 3 ip from any to any", "00100 unreach port ip from any to any"),
    ("add 100 unreach6 4 ip6 from any to any", "00100 unreach6 port ip6 from any to any"),
    ("add 100 divert natd ip from any to any via em0", "00100 divert 8668 ip from any to any via em0"),
    (
      "add 100 prob 0.5 deny log logamount 10 ip from any to any",
      "00100 prob 0.500000 deny log logamount 10 ip from any to any"
    ),
    ("add 100 allow tcp from any to any tcpflags syn,!ack", "00100 allow tcp from any to any setup"),
    (
      "add 100 allow tcp from any to any tcpflags ack,syn,!rst", "00100 allow tcp from any to any tcpflags syn,ack,!rst"
    ),
    ("add 100 allow icmp from any to any icmptypes 8,0,3", "00100 allow icmp from any to any icmptypes 0,3,8"),
    ("add 100 allow ip from { 1.2.3.4 or 2.3.4.5 } to any", "00100 allow ip from { 1.2.3.4 or 2.3.4.5 } to any"),
    ("add 100 allow ip from 10.0.0.0/24{1,2,3,7} to any", "00100 allow ip from 10.0.0.0/24{1-3,7} to any"),
    ("add 100 allow ip from 10.0.0.1:255.0.255.0 to any", "00100 allow ip from 10.0.0.0:255.0.255.0 to any"),
    ("add 100 allow ip from 10.0.0.1:255.255.0.0 to any", "00100 allow ip from 10.0.0.0/16 to any"),
    (
      "add 100 allow ip from any to any dst-port 22 dst-port 80",
      "00100 allow ip from any to any dst-port 22 dst-port 80"
    ),
    ("add 100 allow tcp from any 1024-65535 to any http,https", "00100 allow tcp from any 1024-65535 to any 80,443"),
    ("add 100 allow ip from any to any dst-ip 1.2.3.4", "00100 allow ip from any to 1.2.3.4"),
    ("add 100 allow ip from any to any proto udp", "00100 allow udp from any to any"),
    ("add 100 allow tcp from any to any keep-state in", "00100 allow tcp from any to any in keep-state :default"),
    (
      "add 100 allow tcp from any to any limit dst-port src-addr 5 :web",
      "00100 allow tcp from any to any limit src-addr,dst-port 5 :web"
    ),
    ("add 100 check-state", "00100 check-state :default"),
    ("add 100 pass layer2 mac-type arp,rarp", "00100 allow layer2 mac-type 0x0806,0x8035"),
    (
      "add 100 deny ip from any to any { via em0 or via em1 } not established",
      "00100 deny ip from any to any { via em0 or via em1 } not established"
    ),
    ("add 100 allow ip from any to any not in", "00100 allow ip from any to any out"),
    ("add 100 count ip from any to any // web traffic", "00100 count ip from any to any // web traffic"),
    ("add // just a comment", "00100 count // just a comment"),
    ("add 100 skipto 1000 ip from any to any frag", "00100 skipto 1000 ip from any to any frag offset"),
    ("add 100 setdscp 46 ip from any to any", "00100 setdscp ef ip from any to any"),
    ("add 100 allow ip from any to any dscp 0,af11", "00100 allow ip from any to any dscp be,af11"),
    ("add 100 fwd 10.0.0.1,3128 tcp from any to any 80", "00100 fwd 10.0.0.1,3128 tcp from any to any 80"),
    ("add 100 allow tag 5 ip from any to any", "00100 allow tag 5 ip from any to any"),
    ("add 100 allow ip from any to any tagged 5", "00100 allow ip from any to any tagged 5"),
    ("add 100 allow { tcp or udp } from any to any 53", "00100 allow { tcp or udp } from any to any 53"),
    ("add 100 set 3 deny ip from any to any", "00100 set 3 deny ip from any to any"),
    ("add 100 allow ip6 from fe80::1/64 to any", "00100 allow ip6 from fe80::/64 to any"),
    ("add 100 allow ip from 10.0.0.128/25{129,130,131} to any", "00100 allow ip from 10.0.0.128/25{129-131} to any"),
    ("add 100 deny ip from any to any !via em0", "00100 deny ip from any to any not via em0"),
    ("add 0 allow ip from any to any", "00100 allow ip from any to any"),
  ]

  func testGoldenPrints() {
    for (input, expected) in cases {
      let r = IPFWParser.parse(SourceFile(name: "g.rules", text: input + "\n"))
      XCTAssertEqual(r.diagnostics.map(\.message), [], input)
      guard let rule = r.ruleset.rules.first else { continue }
      XCTAssertEqual(IPFWPrinter.line(rule), expected, input)
      // The print reads back to itself.
      let again = IPFWParser.parse(SourceFile(name: "p.rules", text: expected + "\n"))
      XCTAssertEqual(again.ruleset.rules.first.map { IPFWPrinter.line($0) }, expected, "round trip of \(expected)")
    }
  }

  func testNatConfigPrintsInShowConfigOrder() {
    let r = IPFWParser.parse(
      SourceFile(name: "n", text: "nat 1 config reset same_ports if em0 redirect_port tcp 10.0.0.2:22 2222\n"))
    XCTAssertEqual(
      IPFWPrinter.print(r.ruleset),
      "nat 1 config if em0 same_ports reset redirect_port tcp 10.0.0.2:22 2222\n65535 deny ip from any to any\n")
  }

  func testLoweringKeepsWhatTheIRCanSayAndMarksTheRest() {
    let r = IPFWParser.parse(
      SourceFile(
        name: "l", text: "add 100 allow tcp from 10.0.0.0/8 to me 22,80-90 in via em0 setup keep-state :ssh ipttl 64\n")
    )
    let rule = IPFWLowering.lower(r.ruleset.rules[0])
    XCTAssertEqual(rule.action, .pass)
    XCTAssertEqual(rule.match.protocols, [6])
    XCTAssertEqual(rule.match.destinationPort, [RangeMatch(.equal, 22), RangeMatch(.inclusiveRange, 80, 90)])
    XCTAssertEqual(rule.match.direction, .in)
    XCTAssertEqual(rule.match.interface, "em0")
    XCTAssertEqual(rule.match.tcpFlags, TCPFlagsMatch(set: 0x02, mask: 0x12))
    XCTAssertEqual(rule.state, .keep)
    XCTAssertEqual(rule.stateName, "ssh")
    XCTAssertEqual(rule.match.opaque, ["ipttl 64"])
    XCTAssertEqual(rule.origin.first?.line, 1)
    // `me` is the host's IPv4 and IPv6 addresses; a set's members are last octets.
    let me = IPFWParser.parse(SourceFile(name: "m", text: "add 1 allow ip from me to 10.0.0.128/25{129}\n"))
    let lowered = IPFWLowering.lower(me.ruleset.rules[0])
    XCTAssertNil(lowered.match.family)
    XCTAssertEqual(
      lowered.match.destination.terms, [.network(IPNetwork(address: IPAddress.parseV4("10.0.0.129")!, prefix: 32))])
  }

  func testIPFWRejectsWhatIPFWRejects() {
    for bad in [
      "add 100 allow\n", "add 100 deny log log ip from any to any\n", "add 100 allow tcp from any to any tcpflags ,\n",
      "add 100 allow ip from 10.0.0.128/25{1} to any\n",
    ] {
      XCTAssertFalse(IPFWParser.parse(SourceFile(name: "b", text: bad)).diagnostics.isEmpty, bad)
    }
  }
}
