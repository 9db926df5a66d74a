/// MD5 (RFC 1321), used only to turn a `source-hash` key string into 128 bits as pfctl does.
func md5Hex(_ text: String) -> String {
  var message = Array(text.utf8)
  let bitLength = UInt64(message.count) * 8
  message.append(0x80)
  while message.count % 64 != 56 { message.append(0) }
  for i in 0..<8 { message.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
  let s: [UInt32] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
    21,
  ]
  var k = [UInt32](repeating: 0, count: 64)
  for i in 0..<64 { k[i] = UInt32(truncatingIfNeeded: Int64(abs(sin(Double(i + 1))) * 4294967296.0)) }
  var a0: UInt32 = 0x67452301
  var b0: UInt32 = 0xefcdab89
  var c0: UInt32 = 0x98badcfe
  var d0: UInt32 = 0x10325476
  for chunk in stride(from: 0, to: message.count, by: 64) {
    var m = [UInt32](repeating: 0, count: 16)
    for i in 0..<16 {
      let b = chunk + i * 4
      m[i] =
        UInt32(message[b]) | UInt32(message[b + 1]) << 8 | UInt32(message[b + 2]) << 16 | UInt32(message[b + 3]) << 24
    }
    var a = a0, b = b0, c = c0, d = d0
    for i in 0..<64 {
      var f: UInt32
      var g: Int
      switch i {
      case 0..<16: f = (b & c) | (~b & d); g = i
      case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
      case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
      default: f = c ^ (b | ~d); g = (7 * i) % 16
      }
      f = f &+ a &+ k[i] &+ m[g]
      a = d
      d = c
      c = b
      b = b &+ (f << s[i] | f >> (32 - s[i]))
    }
    a0 = a0 &+ a
    b0 = b0 &+ b
    c0 = c0 &+ c
    d0 = d0 &+ d
  }
  // pfctl prints the key as four host-order (little-endian) 32-bit words.
  return [a0, b0, c0, d0].map { String(format8: $0) }.joined()
}

private func sin(_ x: Double) -> Double {
  // Taylor series with range reduction; precise enough for the MD5 constant table.
  var v = x.truncatingRemainder(dividingBy: 2 * Double.pi)
  if v > Double.pi { v -= 2 * Double.pi }
  var term = v
  var sum = v
  var n = 1.0
  for _ in 0..<30 {
    term *= -v * v / ((n + 1) * (n + 2))
    sum += term
    n += 2
  }
  return sum
}
