import FirewallIR
import XCTest

@testable import PFSyntax

final class ParserTests: XCTestCase {
  func check(
    _ input: String, _ expected: String, host: HostContext = testHost, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    let r = pf(input, host: host)
    XCTAssertEqual(r.diagnostics.map(\.message), [], file: file, line: line)
    XCTAssertEqual(r.print, expected, file: file, line: line)
  }

  func testDefaultsOfPassAndBlock() {
    check("pass\nblock\nmatch\n", "pass all flags S/SA keep state\nblock drop all\nmatch all\n")
    check("pass proto udp\n", "pass proto udp all keep state\n")
    check("pass proto tcp no state\n", "pass proto tcp all no state\n")
    check("pass flags any\n", "pass all flags any keep state\n")
    check("set block-policy return\nblock in\n", "set block-policy return\nblock return in all\n")
  }

  func testListsExpandInPfctlOrder() {
    check(
      "pass in on { em0 em1 } proto { tcp udp } from { 10.0.0.1 10.0.0.2 } to any port { 22 53 }\n",
      """
      pass in on em0 inet proto tcp from 10.0.0.1 to any port = ssh flags S/SA keep state
      pass in on em0 inet proto tcp from 10.0.0.1 to any port = domain flags S/SA keep state
      pass in on em0 inet proto tcp from 10.0.0.2 to any port = ssh flags S/SA keep state
      pass in on em0 inet proto tcp from 10.0.0.2 to any port = domain flags S/SA keep state
      pass in on em0 inet proto udp from 10.0.0.1 to any port = ssh keep state
      pass in on em0 inet proto udp from 10.0.0.1 to any port = domain keep state
      pass in on em0 inet proto udp from 10.0.0.2 to any port = ssh keep state
      pass in on em0 inet proto udp from 10.0.0.2 to any port = domain keep state
      pass in on em1 inet proto tcp from 10.0.0.1 to any port = ssh flags S/SA keep state
      pass in on em1 inet proto tcp from 10.0.0.1 to any port = domain flags S/SA keep state
      pass in on em1 inet proto tcp from 10.0.0.2 to any port = ssh flags S/SA keep state
      pass in on em1 inet proto tcp from 10.0.0.2 to any port = domain flags S/SA keep state
      pass in on em1 inet proto udp from 10.0.0.1 to any port = ssh keep state
      pass in on em1 inet proto udp from 10.0.0.1 to any port = domain keep state
      pass in on em1 inet proto udp from 10.0.0.2 to any port = ssh keep state
      pass in on em1 inet proto udp from 10.0.0.2 to any port = domain keep state

      """)
  }

  func testMixedFamiliesAreSkipped() {
    check(
      "pass from { 192.0.2.1 2001:db8::1 } to { 198.51.100.1 2001:db8::2 }\n",
      "pass inet from 192.0.2.1 to 198.51.100.1 flags S/SA keep state\npass inet6 from 2001:db8::1 to 2001:db8::2 flags S/SA keep state\n"
    )
    let r = pf("pass inet from 2001:db8::1\n")
    XCTAssertEqual(r.diagnostics.map(\.message), ["rule expands to no valid combination"])
  }

  func testMacrosNestAndEcho() {
    check(
      "a = \"10.0.0.1\"\nb = \"{\" $a \"10.0.0.2 }\"\nblock from $b\n",
      "a = \"10.0.0.1\"\nb = \"{ 10.0.0.1 10.0.0.2 }\"\nblock drop inet from 10.0.0.1 to any\nblock drop inet from 10.0.0.2 to any\n"
    )
  }

  func testPortOperators() {
    check(
      "block proto tcp to port { < 1024, >= 6000, 21 >< 23, 1 <> 10, != 80, 100:200 }\n",
      """
      block drop proto tcp from any to any port < 1024
      block drop proto tcp from any to any port >= 6000
      block drop proto tcp from any to any port 21 >< 23
      block drop proto tcp from any to any port 1 <> 10
      block drop proto tcp from any to any port != http
      block drop proto tcp from any to any port 100:200

      """)
  }

  func testInterfaceAddresses() {
    // Like pfctl's ifa_lookup, each address of em0 contributes its network, duplicates included.
    check(
      "pass in from em0 to em0:network\n",
      """
      pass in inet from 192.0.2.10 to 192.0.2.0/24 flags S/SA keep state
      pass in inet from 192.0.2.10 to 192.0.2.0/24 flags S/SA keep state
      pass in inet6 from 2001:db8::10 to 2001:db8::/64 flags S/SA keep state
      pass in inet from 192.0.2.11 to 192.0.2.0/24 flags S/SA keep state
      pass in inet from 192.0.2.11 to 192.0.2.0/24 flags S/SA keep state

      """)
    check(
      "pass from em0:0\n",
      "pass inet from 192.0.2.10 to any flags S/SA keep state\npass inet6 from 2001:db8::10 to any flags S/SA keep state\n"
    )
    check("pass from (em0) to (egress:network)/24\n", "pass from (em0) to (egress:network)/24 flags S/SA keep state\n")
    check(
      "pass from lo0\n",
      "pass inet6 from ::1 to any flags S/SA keep state\npass on lo0 inet6 from fe80::1 to any flags S/SA keep state\npass inet from 127.0.0.1 to any flags S/SA keep state\n"
    )
    check(
      "pass to www.example.org\n",
      "pass inet from any to 203.0.113.80 flags S/SA keep state\npass inet6 from any to 2001:db8::80 flags S/SA keep state\n"
    )
  }

  func testTablesPrintAsPfctl() {
    check(
      "table <a> const persist counters { 10.0.0.0/8 !10.1.0.0/16 } file \"/etc/x\" { 192.0.2.1 }\ntable <b> persist\ntable <c> {}\n",
      "table <a> const persist counters { 10.0.0.0/8 !10.1.0.0/16 } file \"/etc/x\" { 192.0.2.1 }\ntable <b> persist\ntable <c> { }\n"
    )
  }

  func testTranslationPools() {
    check(
      "nat on em0 from 10.0.0.0/8 -> { 192.0.2.1 192.0.2.2 } sticky-address\n",
      "nat on em0 inet from 10.0.0.0/8 to any -> { 192.0.2.1, 192.0.2.2 } round-robin sticky-address\n")
    check(
      "nat on em0 from 10.0.0.0/8 -> (em0) static-port\n",
      "nat on em0 inet from 10.0.0.0/8 to any -> (em0) round-robin static-port\n")
    check(
      "nat on em0 from 10.0.0.0/8 -> em0:0 port 1024:2048\n",
      "nat on em0 inet from 10.0.0.0/8 to any -> 192.0.2.10 port 1024:2048\n")
    check(
      "rdr pass on em0 proto tcp to port 80 -> 10.0.0.5 port 8080\n",
      "rdr pass on em0 inet proto tcp from any to any port = http -> 10.0.0.5 port 8080\n")
    check("binat on em0 from 10.0.0.5 -> 192.0.2.5\n", "binat on em0 inet from 10.0.0.5 to any -> 192.0.2.5\n")
    check(
      "pass out on em0 from 10.0.0.0/8 nat-to 192.0.2.1\n",
      "pass out on em0 inet from 10.0.0.0/8 to any flags S/SA keep state nat-to 192.0.2.1\n")
  }

  func testStateOptionsAndMisc() {
    check(
      "pass in proto tcp to port 22 keep state (max 100, source-track rule, max-src-nodes 10, tcp.established 60, if-bound)\n",
      "pass in proto tcp from any to any port = ssh flags S/SA keep state (max 100, source-track rule, max-src-nodes 10, if-bound, tcp.established 60)\n"
    )
    check(
      "pass in inet proto icmp icmp-type unreach code port-unr label \"x\" tag T queue (a, b) probability 50% rtable 1\n",
      "pass in inet proto icmp all icmp-type unreach code port-unr keep state probability 50% label \"x\" queue(a, b) tag T rtable 1\n"
    )
    check("block return-icmp(host-unr) in inet\n", "block return-icmp(host-unr) in inet all\n")
    check("block return-rst in proto tcp\n", "block return-rst in proto tcp all\n")
    check(
      "pass user { root, > 1000 }\n",
      "pass all user = 0 flags S/SA keep state\npass all user > 1000 flags S/SA keep state\n")
  }

  func testAnchorsNest() {
    check(
      "anchor \"ext\" on em0 {\n  pass in proto tcp to port 22\n  anchor {\n    block\n  }\n}\nanchor \"ftp-proxy/*\"\n",
      """
      anchor "ext" on em0 all {
        pass in proto tcp from any to any port = ssh flags S/SA keep state
        anchor all {
          block drop all
        }
      }
      anchor "ftp-proxy/*" all

      """)
  }

  func testAntispoof() {
    check(
      "antispoof for em1\n",
      "block drop in on ! em1 inet from 198.51.100.0/24 to any\nblock drop in inet from 198.51.100.1 to any\n")
  }

  func testEtherRules() {
    check(
      "ether pass in on em0 from 00:11:22:33:44:55 l3 from 10.0.0.1 tag x\n",
      "ether pass in on em0 proto 0x0800 from 00:11:22:33:44:55 l3 from 10.0.0.1 to any tag x\n")
  }

  func testSymbolicInterfacesWithoutHostContext() {
    check("pass from em0:network to self\n", "pass from em0:network to self flags S/SA keep state\n", host: .empty)
  }

  func testIncludeIsSpliced() {
    let main = SourceFile(name: "main.conf", text: "pass in\ninclude \"inc.conf\"\npass out\n")
    let inc = SourceFile(name: "inc.conf", text: "block\n")
    let r = PFParser.parse(main, host: .empty) { $0 == "inc.conf" ? inc : nil }
    XCTAssertFalse(r.hasErrors)
    XCTAssertEqual(
      PFPrinter.print(r.config),
      "pass in all flags S/SA keep state\nblock drop all\npass out all flags S/SA keep state\n")
    XCTAssertEqual(r.config.main.filter.map(\.origin.file), ["main.conf", "inc.conf", "main.conf"])
    XCTAssertEqual(r.config.main.filter.map(\.origin.line), [1, 1, 3])
  }

  func testOriginsFollowMacroAndListExpansion() {
    let r = PFParser.parse(
      SourceFile(name: "o.conf", text: "hosts = \"{ 10.0.0.1 10.0.0.2 }\"\n\npass from $hosts\n"), host: .empty)
    XCTAssertEqual(r.config.main.filter.map { "\($0.origin)" }, ["o.conf:3:1", "o.conf:3:1"])
  }

  func testIncludeOnTheLastLineWithoutNewline() {
    let main = SourceFile(name: "main.conf", text: "pass in\ninclude \"inc.conf\"")
    let inc = SourceFile(name: "inc.conf", text: "block\n")
    let r = PFParser.parse(main, host: .empty) { $0 == "inc.conf" ? inc : nil }
    XCTAssertEqual(PFPrinter.print(r.config), "pass in all flags S/SA keep state\nblock drop all\n")
  }

  func testProbabilityAsPercentOrFraction() {
    check(
      "pass probability 0.25\npass probability 12.5%\n",
      "pass all flags S/SA keep state probability 25%\npass all flags S/SA keep state probability 12.5%\n")
    XCTAssertFalse(pf("pass probability 20\n").diagnostics.isEmpty)
  }

  func testOptionalCommasAsPfctl() {
    check(
      "pass proto tcp keep state (max 10 no-sync) queue (a b)\n",
      "pass proto tcp all flags S/SA keep state (max 10, no-sync) queue(a, b)\n")
  }

  func testSourceHashDoesNotSwallowKeywords() {
    check(
      "pass in route-to (em1 198.51.100.9) source-hash inet proto tcp\n",
      "pass in route-to (em1 198.51.100.9) source-hash 0x00000000000000000000000000000000 inet proto tcp all flags S/SA keep state\n"
    )
  }
}
