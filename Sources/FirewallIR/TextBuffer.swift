/// A growing UTF-8 byte buffer for printers: appending is a copy of bytes, with none of
/// `String`'s per-append bookkeeping. Produces a `String` once at the end.
public struct TextBuffer: Sendable {
  public private(set) var bytes: [UInt8] = []

  public init(capacity: Int = 0) {
    bytes.reserveCapacity(capacity)
  }

  @inline(__always)
  public static func += (buffer: inout TextBuffer, text: String) {
    var text = text
    text.withUTF8 { buffer.bytes.append(contentsOf: $0) }
  }

  @inline(__always)
  public mutating func append(byte: UInt8) { bytes.append(byte) }

  /// Appends an unsigned number in decimal.
  public mutating func append(decimal value: UInt64) {
    if value < 10 {
      bytes.append(0x30 + UInt8(value))
      return
    }
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    var v = value
    withUnsafeMutableBytes(of: &digits) { d in
      while v > 0 {
        d[n] = 0x30 + UInt8(v % 10)
        v /= 10
        n += 1
      }
      for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(d[i]) }
    }
  }

  /// Appends an address as inet_ntop prints it.
  public mutating func append(address a: IPAddress) {
    guard a.family == .inet else {
      self += a.description
      return
    }
    let v = UInt32(truncatingIfNeeded: a.value)
    append(decimal: UInt64(v >> 24))
    bytes.append(UInt8(ascii: "."))
    append(decimal: UInt64(v >> 16 & 255))
    bytes.append(UInt8(ascii: "."))
    append(decimal: UInt64(v >> 8 & 255))
    bytes.append(UInt8(ascii: "."))
    append(decimal: UInt64(v & 255))
  }

  public var isEmpty: Bool { bytes.isEmpty }

  /// The text written so far.
  public var string: String { String(decoding: bytes, as: UTF8.self) }
}
