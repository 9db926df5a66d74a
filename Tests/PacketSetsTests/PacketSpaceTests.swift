import FirewallIR
import TestSupport
import XCTest

@testable import PacketSets

/// The encoding of IR matches agrees, packet by packet, with a direct reading of the match.
final class PacketSpaceTests: XCTestCase {
  /// What a match means for one header, written independently of the BDD encoding.
  func reference(_ m: Match, _ h: PacketHeader, interfaces: [String]) -> Bool {
    if let f = m.family, f != h.family { return false }
    if let d = m.direction, d != h.direction { return false }
    if let i = m.interface, (h.interface == i) == m.interfaceNegated { return false }
    if let ps = m.protocols, !ps.contains(h.proto) { return false }
    func address(_ a: AddressMatch, _ v: UInt128) -> Bool {
      let hit = a.terms.contains { t in
        switch t {
        case .any: return true
        case .network(let n):
          return n.family == h.family && n.contains(IPAddress(family: h.family, value: v))
        case .range(let lo, let hi): return lo.family == h.family && lo.value <= v && v <= hi.value
        case .masked(let a, let mask): return a.family == h.family && v & mask.value == a.value & mask.value
        default: return false
        }
      }
      return hit != a.negated
    }
    if !address(m.source, h.source) || !address(m.destination, h.destination) { return false }
    let ported = [6, 17, 132].contains(h.proto)
    if let rs = m.sourcePort, !ported || !rs.contains(where: { $0.matches(UInt32(h.sourcePort)) }) { return false }
    if let rs = m.destinationPort, !ported || !rs.contains(where: { $0.matches(UInt32(h.destinationPort)) }) {
      return false
    }
    if let f = m.tcpFlags, h.proto == 6, h.tcpFlags & f.mask != f.set { return false }
    let icmp = h.proto == (h.family == .inet ? 1 : 58)
    if let ts = m.icmpType, !icmp || !ts.contains(h.icmpType) { return false }
    if let c = m.icmpCode, !icmp || c != h.icmpCode { return false }
    return true
  }

  func testEncodedMatchesAgreeWithDirectReadingOnRandomPackets() {
    let interfaces = ["em0", "em1", "lo0"]
    let space = PacketSpace(interfaces: interfaces)
    var rng = SplitMix(seed: 7)
    func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    let v4Nets = ["10.0.0.0/8", "192.168.1.0/24", "203.0.113.5/32", "0.0.0.0/0"].map { IPNetwork.parse($0)! }
    let v6Nets = ["2001:db8::/32", "fe80::/10"].map { IPNetwork.parse($0)! }
    let ops: [RangeOperator] = [
      .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .inclusiveRange,
      .exclusiveRange, .outsideRange,
    ]
    var checked = 0
    for _ in 0..<60 {
      var m = Match()
      if rng.next() % 2 == 0 { m.family = pick([.inet, .inet6]) }
      if rng.next() % 2 == 0 { m.direction = pick([.in, .out]) }
      if rng.next() % 3 == 0 {
        m.interface = pick(interfaces + ["tun0"])
        m.interfaceNegated = rng.next() % 2 == 0
      }
      if rng.next() % 2 == 0 { m.protocols = [pick([6, 17, 1, 58])] }
      if rng.next() % 2 == 0 {
        m.source = AddressMatch([.network(pick(v4Nets + v6Nets))], negated: rng.next() % 4 == 0)
      }
      if rng.next() % 3 == 0 {
        m.destination = AddressMatch([
          .range(IPAddress.parseV4("10.0.0.5")!, IPAddress.parseV4("10.0.1.7")!),
          .masked(IPAddress.parseV4("10.0.0.1")!, mask: IPAddress.parseV4("255.0.255.0")!),
        ])
      }
      if rng.next() % 2 == 0 {
        let a = UInt32(rng.next() % 2000)
        m.destinationPort = [RangeMatch(pick(ops), a, a + UInt32(rng.next() % 500))]
      }
      if rng.next() % 3 == 0 { m.tcpFlags = TCPFlagsMatch(set: 0x02, mask: 0x12) }
      if rng.next() % 4 == 0 { m.icmpType = [8, 0] }
      guard let set = space.encode(m) else {
        XCTFail("\(m) should be encodable")
        continue
      }
      for _ in 0..<300 {
        var h = PacketHeader()
        h.family = pick([.inet, .inet6])
        h.direction = pick([.in, .out])
        h.interface = pick([nil, "em0", "em1", "lo0"])
        h.proto = pick([6, 17, 1, 58, 47])
        let v4Hosts = ["10.0.0.9", "10.0.1.1", "192.168.1.77", "203.0.113.5", "8.8.8.8", "10.5.0.1"]
        let v6Hosts = ["2001:db8::1", "fe80::1", "2001:db9::1"]
        func host() -> UInt128 {
          h.family == .inet
            ? IPAddress.parseV4(Substring(pick(v4Hosts)))!.value : IPAddress.parseV6(Substring(pick(v6Hosts)))!.value
        }
        h.source = host()
        h.destination = host()
        if [6, 17].contains(h.proto) {
          h.sourcePort = UInt16(rng.next() % 3000)
          h.destinationPort = UInt16(rng.next() % 3000)
        }
        if h.proto == 6 { h.tcpFlags = pick([0x02, 0x12, 0x10, 0x11]) }
        if (h.proto == 1 && h.family == .inet) || (h.proto == 58 && h.family == .inet6) {
          h.icmpType = pick([0, 8, 3])
        }
        let bits = space.bits(h)
        XCTAssertTrue(space.manager.contains(space.wellFormed, bits), "\(h) is well formed")
        XCTAssertEqual(space.manager.contains(set, bits), reference(m, h, interfaces: interfaces), "\(m)\n\(h)")
        XCTAssertEqual(space.header(bits), h)
        checked += 1
      }
      // An example drawn from the set is a packet the match selects.
      if let e = space.manager.example(set) {
        XCTAssertTrue(reference(m, space.header(e), interfaces: interfaces), "\(m)")
      }
    }
    XCTAssertEqual(checked, 18000)
  }

  func testWhatPacketSetsCannotSayIsNotEncoded() {
    let space = PacketSpace()
    var m = Match()
    m.source = AddressMatch([.table("bad")])
    XCTAssertNil(space.encode(m))
    m = Match()
    m.opaque = ["ipttl 64"]
    XCTAssertNil(space.encode(m))
  }
}
