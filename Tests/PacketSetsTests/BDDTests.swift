import TestSupport
import XCTest

@testable import PacketSets

final class BDDTests: XCTestCase {
  func testConstantsAndCanonicity() {
    let m = BDDManager(variableCount: 4)
    let a = m.variable(0)
    let b = m.variable(1)
    XCTAssertEqual(m.and(a, m.not(a)), .empty)
    XCTAssertEqual(m.or(a, m.not(a)), .all)
    // Equal sets are the same node: De Morgan.
    XCTAssertEqual(m.not(m.and(a, b)), m.or(m.not(a), m.not(b)))
    XCTAssertEqual(m.diff(a, b), m.and(a, m.notVariable(1)))
    XCTAssertEqual(m.count(a), 8)
    XCTAssertEqual(m.count(.all), 16)
    XCTAssertEqual(m.count(.empty), 0)
  }

  /// Random formulas over 8 variables agree with their truth tables, in membership and count.
  func testRandomFormulasAgreeWithTruthTables() {
    var rng = SplitMix(seed: 42)
    let n = 8
    for _ in 0..<200 {
      let m = BDDManager(variableCount: n)
      var sets: [(BDD, [Bool])] = (0..<n).map { v in
        (m.variable(v), (0..<(1 << n)).map { ($0 >> (n - 1 - v)) & 1 == 1 })
      }
      for _ in 0..<12 {
        let i = Int(rng.next() % UInt64(sets.count))
        let j = Int(rng.next() % UInt64(sets.count))
        let (a, ta) = sets[i]
        let (b, tb) = sets[j]
        switch rng.next() % 4 {
        case 0: sets.append((m.and(a, b), zip(ta, tb).map { $0 && $1 }))
        case 1: sets.append((m.or(a, b), zip(ta, tb).map { $0 || $1 }))
        case 2: sets.append((m.diff(a, b), zip(ta, tb).map { $0 && !$1 }))
        default: sets.append((m.not(a), ta.map { !$0 }))
        }
      }
      let (f, table) = sets.last!
      for x in 0..<(1 << n) {
        let bits = (0..<n).map { (x >> (n - 1 - $0)) & 1 == 1 }
        XCTAssertEqual(m.contains(f, bits), table[x])
      }
      XCTAssertEqual(m.count(f), Double(table.filter { $0 }.count))
      if let e = m.example(f) { XCTAssertTrue(m.contains(f, e)) } else { XCTAssertFalse(table.contains(true)) }
    }
  }

  func testFieldRangesAndPrefixes() {
    let m = BDDManager(variableCount: 24)
    let port = BitField(offset: 0, width: 16)
    let tos = BitField(offset: 16, width: 8)
    let r = m.range(port, 1024, 2047)
    XCTAssertEqual(m.count(r), 1024 * 256)
    XCTAssertEqual(m.range(port, 5, 4), .empty)
    XCTAssertEqual(m.range(port, 0, 65535), .all)
    XCTAssertEqual(m.or(m.range(port, 0, 99), m.range(port, 100, 65535)), .all)
    let e = m.example(m.and(m.equals(port, 22), m.equals(tos, 0x10)))!
    XCTAssertEqual(m.value(of: port, in: e), 22)
    XCTAssertEqual(m.value(of: tos, in: e), 0x10)
    // A /4 prefix of the 8-bit field: 16 values.
    XCTAssertEqual(m.count(m.prefix(tos, 0xA0, length: 4)), 16 * 65536)
    XCTAssertTrue(m.isSubset(m.equals(tos, 0xA7), of: m.prefix(tos, 0xA0, length: 4)))
    // Every single-value range is the value itself.
    for v: UInt128 in [0, 1, 80, 443, 65535] { XCTAssertEqual(m.range(port, v, v), m.equals(port, v)) }
  }
}
