import FirewallIR
import TestSupport
import XCTest

@testable import PFSyntax

final class LoweringTests: XCTestCase {
  func lower(_ text: String) -> Ruleset {
    let r = PFParser.parse(SourceFile(name: "l.conf", text: text), host: testHost)
    XCTAssertFalse(r.hasErrors, "\(r.diagnostics.map(\.message))")
    return PFLowering.lower(r.config)
  }

  func testFilterRuleMatchAndAction() {
    let rs = lower(
      "block return in quick on ! em0 inet proto tcp from 10.0.0.0/8 port 1024:2048 to ! <t> port = 22 flags S/SA\n")
    XCTAssertEqual(rs.language, .pf)
    XCTAssertEqual(rs.evaluation, .lastMatchUnlessQuick)
    XCTAssertEqual(rs.rules.count, 1)
    let r = rs.rules[0]
    XCTAssertEqual(r.phase, .filter)
    XCTAssertEqual(r.action, .block(.returnAny))
    XCTAssertTrue(r.quick)
    XCTAssertEqual(r.match.direction, .in)
    XCTAssertEqual(r.match.interface, "em0")
    XCTAssertTrue(r.match.interfaceNegated)
    XCTAssertEqual(r.match.family, .inet)
    XCTAssertEqual(r.match.protocols, [6])
    XCTAssertEqual(r.match.source, AddressMatch([.network(IPNetwork.parse("10.0.0.0/8")!)]))
    XCTAssertEqual(r.match.sourcePort, [RangeMatch(.inclusiveRange, 1024, 2048)])
    XCTAssertEqual(r.match.destination, AddressMatch([.table("t")], negated: true))
    XCTAssertEqual(r.match.destinationPort, [RangeMatch(.equal, 22)])
    XCTAssertEqual(r.match.tcpFlags, TCPFlagsMatch(set: 0x02, mask: 0x12))
    XCTAssertEqual(r.origin, [SourceLocation(file: "l.conf", line: 1, column: 1)])
  }

  func testPassKeepsStateAndTranslationIsItsOwnPhase() {
    let rs = lower(
      "nat on em0 from 10.0.0.0/8 -> (em0)\nrdr on em0 proto tcp to port 80 -> 10.0.0.5 port 8080\npass in proto udp\n")
    XCTAssertEqual(rs.rules.map(\.phase), [.translation, .translation, .filter])
    XCTAssertEqual(rs.rules[0].action, .translate(.nat, negated: false))
    XCTAssertEqual(rs.rules[0].translation.first?.targets, [.interface(name: "em0", modifier: nil, prefix: nil)])
    XCTAssertEqual(rs.rules[0].translation.first?.pool, "round-robin")
    XCTAssertEqual(rs.rules[1].translation.first?.portLow, 8080)
    XCTAssertEqual(rs.rules[2].state, .keep)
    XCTAssertNil(rs.rules[2].match.tcpFlags)
  }

  func testAnchorsBecomeSubrulesets() {
    let rs = lower("anchor \"a\" {\n  pass in proto tcp to port 22\n  anchor \"b\" {\n    block\n  }\n}\n")
    XCTAssertEqual(rs.rules.map(\.action), [.call("a")])
    XCTAssertEqual(rs.subrulesets["a"]?.map(\.action), [.pass, .call("b")])
    XCTAssertEqual(rs.subrulesets["a/b"]?.map(\.action), [.block(.drop)])
  }

  func testTablesAndUnmodelledFeatures() {
    let rs = lower(
      "table <t> { 10.0.0.0/8 !10.1.0.0/16 }\npass out route-to (em1 198.51.100.9) from <t> queue q label \"x\"\n")
    XCTAssertEqual(rs.tables["t"]?.entries, [.network(IPNetwork.parse("10.0.0.0/8")!)])
    XCTAssertEqual(rs.tables["t"]?.excluded, [.network(IPNetwork.parse("10.1.0.0/16")!)])
    XCTAssertEqual(Set(rs.rules[0].features), ["route-to", "queue", "label"])
  }

  /// binat maps outbound packets from its source and inbound packets to its new address back.
  func testBinatLowersToBothDirections() {
    let rs = lower("binat on em0 from 10.0.0.10 to any -> 203.0.113.10\n")
    XCTAssertEqual(rs.rules.count, 2)
    XCTAssertEqual(rs.rules[0].match.direction, .out)
    XCTAssertEqual(rs.rules[0].match.source, AddressMatch([.network(IPNetwork.parse("10.0.0.10/32")!)]))
    XCTAssertEqual(rs.rules[1].match.direction, .in)
    XCTAssertEqual(rs.rules[1].match.destination, AddressMatch([.network(IPNetwork.parse("203.0.113.10/32")!)]))
    XCTAssertEqual(rs.rules[1].translation.first?.targets, [.network(IPNetwork.parse("10.0.0.10/32")!)])
  }

  func testEveryCorpusRuleLowersWithItsOrigin() throws {
    guard let root = corpusRoot else { throw XCTSkip("../shared/corpus is absent: corpus tests skipped") }
    let dir = root.appendingPathComponent("pf/pfctl-tests")
    let host = try HostContext.load(
      path: packageRoot.appendingPathComponent("Tests/Fixtures/pfctl-corpus.host.json").path)
    var lowered = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".in") {
      let r = PFParser.parse(readFile(dir.appendingPathComponent(name))!, host: host) {
        readFile(dir.appendingPathComponent($0))
      }
      guard !r.hasErrors else { continue }
      let rs = PFLowering.lower(r.config)
      let m = r.config.main
      // A binat rule lowers to its outbound rule and its inbound half.
      let inboundHalves = rs.rules.filter { $0.translationKind == .binat && $0.match.direction == .in }.count
      XCTAssertLessThanOrEqual(inboundHalves, m.binat.count)
      XCTAssertEqual(
        rs.rules.count - inboundHalves,
        m.scrub.count + m.nat.count + m.rdr.count + m.binat.count + m.filter.count + m.ether.count, name)
      for rule in rs.rules {
        XCTAssertEqual(rule.origin.count, 1)
        XCTAssertTrue(rule.origin[0].file.hasPrefix("pf"), name)
      }
      lowered += rs.rules.count
    }
    XCTAssertGreaterThan(lowered, 100)
  }
}
