/// A header field laid out as consecutive BDD variables, most significant bit first.
public struct BitField: Hashable, Sendable {
  /// The variable of the field's most significant bit.
  public let offset: Int
  public let width: Int

  public init(offset: Int, width: Int) {
    precondition(width > 0 && width <= 128)
    self.offset = offset
    self.width = width
  }

  /// The variable holding bit `k` counted from the least significant bit.
  @inlinable func variable(lsb k: Int) -> Int32 { Int32(offset + width - 1 - k) }
}

extension BDDManager {
  /// The vectors whose `field` equals `value`.
  public func equals(_ field: BitField, _ value: UInt128) -> BDD {
    prefix(field, value, length: field.width)
  }

  /// The vectors whose `field` starts with the first `length` bits of `value` (an address prefix).
  public func prefix(_ field: BitField, _ value: UInt128, length: Int) -> BDD {
    precondition(length >= 0 && length <= field.width)
    var r: Int32 = 1
    for k in (field.width - length)..<field.width {
      let bit = (value >> UInt128(k)) & 1 == 1
      r = make(field.variable(lsb: k), low: bit ? 0 : r, high: bit ? r : 0)
    }
    return BDD(r)
  }

  /// The vectors whose `field`, read as an unsigned number, is at most `high`.
  public func atMost(_ field: BitField, _ high: UInt128) -> BDD { bound(field, high, above: false) }

  /// The vectors whose `field`, read as an unsigned number, is at least `low`.
  public func atLeast(_ field: BitField, _ low: UInt128) -> BDD { bound(field, low, above: true) }

  /// Values on one side of `limit` (included), built from the least significant bit up: where
  /// the limit has a 1 (at most) or a 0 (at least), the other choice of that bit decides alone.
  func bound(_ field: BitField, _ limit: UInt128, above: Bool) -> BDD {
    var r: Int32 = 1
    for k in 0..<field.width {
      let bit = (limit >> UInt128(k)) & 1 == 1
      if above {
        r = make(field.variable(lsb: k), low: bit ? 0 : r, high: bit ? r : 1)
      } else {
        r = make(field.variable(lsb: k), low: bit ? 1 : r, high: bit ? r : 0)
      }
    }
    return BDD(r)
  }

  /// The vectors whose `field` lies in `low...high`.
  public func range(_ field: BitField, _ low: UInt128, _ high: UInt128) -> BDD {
    guard low <= high else { return .empty }
    return and(atLeast(field, low), atMost(field, high))
  }

  /// The variable assignment that sets `field` to `value`.
  public func assignment(_ field: BitField, _ value: UInt128) -> [Int32: Bool] {
    var out: [Int32: Bool] = [:]
    for k in 0..<field.width { out[field.variable(lsb: k)] = (value >> UInt128(k)) & 1 == 1 }
    return out
  }

  /// The value of `field` in a vector.
  public func value(of field: BitField, in bits: [Bool]) -> UInt128 {
    var v: UInt128 = 0
    for i in 0..<field.width where bits[field.offset + i] { v |= 1 << UInt128(field.width - 1 - i) }
    return v
  }
}
