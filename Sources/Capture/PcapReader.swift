import CPcap
import FirewallIR

/// Reads a capture file through libpcap and hands each packet's IP bytes to a closure.
/// Link types: Ethernet (with 802.1Q tags), BSD loopback/null, and raw IPv4/IPv6.
public final class PcapReader {
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  private let handle: OpaquePointer
  public let linkType: Int32

  public init(path: String) throws(Failure) {
    var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
    guard let h = pcap_open_offline(path, &errbuf) else {
      throw Failure(
        description: "\(path): "
          + String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    handle = h
    linkType = pcap_datalink(h)
    guard Self.ipOffset(linkType, nil) != nil else {
      pcap_close(h)
      throw Failure(description: "\(path): link type \(linkType) is not supported (Ethernet, null/loopback or raw IP)")
    }
  }

  deinit { pcap_close(handle) }

  /// Where the IP header starts in a frame of this link type; nil when the frame carries no IP.
  static func ipOffset(_ linkType: Int32, _ frame: UnsafeRawBufferPointer?) -> Int? {
    switch linkType {
    case 1:  // Ethernet
      guard let f = frame else { return 14 }
      var off = 12
      while off + 2 <= f.count {
        let type = UInt16(f[off]) << 8 | UInt16(f[off + 1])
        if type == 0x8100 || type == 0x88A8 {
          off += 4
          continue
        }
        return type == 0x0800 || type == 0x86DD ? off + 2 : nil
      }
      return nil
    case 0, 108:  // BSD null and OpenBSD loopback: a 4-byte address family
      return 4
    case 12, 14, 101, 228, 229:  // raw IP
      return 0
    default:
      return nil
    }
  }

  /// Calls `body` with each packet's IP bytes (frames without IP are skipped), in file order.
  /// Returns the number of frames read.
  @discardableResult
  public func forEach(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
    var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
    var data: UnsafePointer<UInt8>? = nil
    var frames = 0
    while true {
      let r = pcap_next_ex(handle, &header, &data)
      if r == -2 { break }
      if r == -1 {
        throw Failure(description: String(cString: pcap_geterr(handle)))
      }
      guard r == 1, let header, let data else { continue }
      frames += 1
      let frame = UnsafeRawBufferPointer(start: data, count: Int(header.pointee.caplen))
      guard let off = Self.ipOffset(linkType, frame), off < frame.count else { continue }
      try body(UnsafeRawBufferPointer(rebasing: frame[off...]))
    }
    return frames
  }
}

/// A compiled pcap-filter expression (pcap-filter(7)), applied to frames of one link type.
public final class PcapFilter {
  private var program = bpf_program()
  private let dead: OpaquePointer

  public init(expression: String, linkType: Int32 = 1, snaplen: Int32 = 65535) throws(PcapReader.Failure) {
    guard let d = pcap_open_dead(linkType, snaplen) else {
      throw PcapReader.Failure(description: "pcap_open_dead failed")
    }
    dead = d
    if pcap_compile(d, &program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
      let message = String(cString: pcap_geterr(d))
      pcap_close(d)
      throw PcapReader.Failure(description: "pcap filter `\(expression)`: \(message)")
    }
  }

  deinit {
    pcap_freecode(&program)
    pcap_close(dead)
  }

  /// Whether the filter accepts a frame.
  public func accepts(_ frame: [UInt8]) -> Bool {
    var h = pcap_pkthdr()
    h.caplen = UInt32(frame.count)
    h.len = UInt32(frame.count)
    return frame.withUnsafeBufferPointer { buf in pcap_offline_filter(&program, &h, buf.baseAddress) != 0 }
  }
}

/// Writes capture files in the classic pcap format (no libpcap needed).
public struct PcapWriter {
  public private(set) var bytes: [UInt8] = []

  /// Starts a file of the given link type (1 Ethernet, 101 raw IP).
  public init(linkType: UInt32) {
    put32(0xA1B2_C3D4)
    put16(2)
    put16(4)
    put32(0)
    put32(0)
    put32(65535)
    put32(linkType)
  }

  mutating func put16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
  mutating func put32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }

  public mutating func append(_ frame: [UInt8], seconds: UInt32 = 0, microseconds: UInt32 = 0) {
    put32(seconds)
    put32(microseconds)
    put32(UInt32(frame.count))
    put32(UInt32(frame.count))
    bytes += frame
  }
}
