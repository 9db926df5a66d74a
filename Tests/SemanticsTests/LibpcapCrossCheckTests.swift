import Capture
import FirewallIR
import Foundation
import PacketSets
import TestSupport
import XCTest

@testable import Semantics

/// libpcap as a third opinion: for every corpus rule whose match pcap-filter can express,
/// `pcap_compile` + `pcap_offline_filter` select from a generated capture exactly the packets
/// the evaluator's match reading and the packet sets select.
final class LibpcapCrossCheckTests: XCTestCase {
  func testEncodedPacketsDecodeToTheirHeaders() {
    var generator = PacketGenerator(rules: [], tables: [:], interfaces: [], seed: 11)
    for _ in 0..<2000 {
      var h = generator.header()
      h.direction = .in
      h.interface = nil
      let p = PacketDecoder.decode(PacketEncoder.bytes(h, payload: 4))
      XCTAssertEqual(p?.header, h)
    }
  }

  func testLibpcapSelectsWhatFwcSelects() throws {
    guard let root = corpusRoot else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): libpcap cross-check skipped")
    }
    var rules = 0
    var packets = 0
    var seen: Set<String> = []
    for item in corpusRulesets(root) {
      let rs = item.ruleset
      let environment = AddressEnvironment(tables: rs.tables, host: item.host)
      let reader = MatchReader(environment: environment)
      let space = PacketSpace()
      for (index, rule) in (rs.rules + rs.subrulesets.values.flatMap { $0 }).enumerated() {
        guard let expression = PcapExpression.of(rule.match, environment: environment),
          seen.insert(expression).inserted
        else { continue }
        var m = rule.match
        m.direction = nil
        m.interface = nil
        let filter = try PcapFilter(expression: expression)
        let set = space.encode(m, environment: environment)
        rules += 1
        var generator = PacketGenerator(rules: [rule], tables: rs.tables, interfaces: [], seed: UInt64(index + 1))
        var failures = 0
        for _ in 0..<120 {
          var h = generator.header()
          // pcap's IPv6 transport primitives do not look past a fragment header.
          if h.family == .inet6 && h.fragment != .none { continue }
          h.interface = nil
          packets += 1
          let byPcap = filter.accepts(PacketEncoder.ethernetFrame(h, payload: 8))
          let byReader = reader.matches(m, Packet(example: h))
          let bySets = set.map { space.manager.contains($0, space.bits(h)) }
          if byPcap != byReader || (bySets != nil && bySets != byReader) {
            failures += 1
            if failures <= 2 {
              XCTFail(
                "\(item.name): `\(expression)` on \(PacketSpec.format(Packet(example: h))): libpcap \(byPcap), evaluator \(byReader), packet sets \(bySets.map { "\($0)" } ?? "-")"
              )
            }
          }
        }
      }
    }
    print("libpcap cross-check: \(rules) distinct rule matches, \(packets) packets")
    XCTAssertGreaterThan(rules, 200)
  }
}
