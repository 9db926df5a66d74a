import Capture
import FirewallIR
import Foundation
import PacketSets
import Semantics
import XCTest

/// `fwc trace` and `fwc diff` end to end, through the binary.
final class TraceDiffCLITests: XCTestCase {
  let pf = """
    ext = "em0"
    block in on $ext all
    pass in on $ext proto tcp to port 22
    pass out all

    """

  func testTraceTextJSONAndWords() throws {
    let rules = try makeTempFile(pf, name: "pf.conf")
    let ssh = "in on em0 tcp 198.51.100.7:40000 > 203.0.113.5:22 flags S"
    let web = "in on em0 tcp 198.51.100.7:40000 > 203.0.113.5:80 flags S"
    let text = try runFwc(["trace", rules.path, "--packet", ssh, "--packet", web])
    XCTAssertEqual(text.code, 0, text.err)
    let lines = text.out.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.count, 2)
    XCTAssertTrue(lines[0].hasPrefix(ssh + " -> pass (\(rules.path):3)"), lines[0])
    XCTAssertTrue(lines[1].contains("-> block (\(rules.path):2)"), lines[1])

    let json = try runFwc(["trace", rules.path, "--packet", ssh, "--format", "json"])
    let object = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any], json.out)
    XCTAssertEqual(object["verdict"] as? String, "pass")
    let rule = try XCTUnwrap(object["rule"] as? [String: Any])
    XCTAssertEqual(rule["line"] as? Int, 3)
    XCTAssertEqual(rule["file"] as? String, rules.path)
    XCTAssertTrue(object["translation"] is NSNull)

    let words = try runFwc(["trace", rules.path, "--packet", ssh, "--packet", web, "--format", "words"])
    XCTAssertEqual(words.out, "pass\nblock\n")
  }

  func testTraceKeepsState() throws {
    // pf's pass rules keep state: the reply of a passed connection passes although `block in` matches it.
    let rules = try makeTempFile("block all\npass out proto tcp all\n", name: "pf.conf")
    let r = try runFwc([
      "trace", rules.path, "--format", "words", "--packet", "out on em0 tcp 10.0.0.1:40000 > 192.0.2.1:443 flags S",
      "--packet", "in on em0 tcp 192.0.2.1:443 > 10.0.0.1:40000 flags SA",
      "--packet", "in on em0 tcp 192.0.2.1:443 > 10.0.0.1:40001 flags SA",
    ])
    XCTAssertEqual(r.out, "pass\npass\nblock\n", r.err)
    let stateless = try runFwc([
      "trace", rules.path, "--format", "words", "--stateless",
      "--packet", "out on em0 tcp 10.0.0.1:40000 > 192.0.2.1:443 flags S",
      "--packet", "in on em0 tcp 192.0.2.1:443 > 10.0.0.1:40000 flags SA",
    ])
    XCTAssertEqual(stateless.out, "pass\nblock\n")
  }

  func testTraceRejectsABadPacketWithAMarker() throws {
    let rules = try makeTempFile(pf, name: "pf.conf")
    let r = try runFwc(["trace", rules.path, "--packet", "in on em0 tcp 198.51.100.7 > 203.0.113.5:22"])
    XCTAssertEqual(r.code, 2)
    XCTAssertTrue(r.err.contains("needs ports"), r.err)
    XCTAssertTrue(r.err.contains("^"), r.err)
  }

  func testTraceReadsACaptureAndSummarizes() throws {
    let rules = try makeTempFile(pf, name: "pf.conf")
    var capture = PcapWriter(linkType: 1)
    var h = PacketHeader()
    h.proto = 6
    h.source = 0xC633_6407
    h.destination = 0xCB00_7105
    h.sourcePort = 40000
    h.tcpFlags = 0x02
    for port: UInt16 in [22, 80, 22, 443] {
      h.destinationPort = port
      capture.append(PacketEncoder.ethernetFrame(h))
    }
    let file = try makeTempFile("", name: "capture.pcap")
    try Data(capture.bytes).write(to: file)
    let r = try runFwc(["trace", rules.path, "--pcap", file.path, "--in-on", "em0", "--format", "words", "--summary"])
    XCTAssertEqual(r.code, 0, r.err)
    XCTAssertTrue(r.out.hasPrefix("pass\nblock\npass\nblock\n"), r.out)
    XCTAssertTrue(r.out.contains("hits per rule (4 packets)"), r.out)
    XCTAssertTrue(r.out.contains("never reached: \(rules.path):4"), r.out)
    let bad = try runFwc(["trace", rules.path, "--pcap", rules.path])
    XCTAssertEqual(bad.code, 2, bad.err)
  }

  func testTraceReadsIpftestPackets() throws {
    let rules = try makeTempFile("block in all\npass in quick proto tcp from any to any port = 25\n", name: "ipf.conf")
    let packets = try makeTempFile(
      "in tcp 1.1.1.1,1025 2.2.2.2,25 S\nin udp 1.1.1.1,53 2.2.2.2,53\nout 1.1.1.1 2.2.2.2\n")
    let r = try runFwc(["trace", "ipf:" + rules.path, "--packets", packets.path, "--format", "words"])
    XCTAssertEqual(r.out, "pass\nblock\nnomatch\n", r.err)
  }

  func testDiffExitCodesAndExamples() throws {
    let a = try makeTempFile(
      "block in quick proto tcp from 10.0.0.0/8 to any port 22\npass all no state\n", name: "a.conf")
    let same = try makeTempFile(
      "ipfw -q add 100 deny tcp from 10.0.0.0/8 to any 22 in\nipfw -q add 200 allow ip from any to any\n",
      name: "same.sh")
    let other = try makeTempFile(
      "ipfw -q add 100 deny tcp from 10.0.0.0/16 to any 22 in\nipfw -q add 200 allow ip from any to any\n",
      name: "other.sh")
    let eq = try runFwc(["diff", a.path, "ipfw:" + same.path])
    XCTAssertEqual(eq.code, 0, eq.out + eq.err)
    XCTAssertTrue(eq.out.hasPrefix("equivalent"), eq.out)
    let ne = try runFwc(["diff", "--max-examples", "2", a.path, "ipfw:" + other.path])
    XCTAssertEqual(ne.code, 1, ne.err)
    XCTAssertTrue(ne.out.contains("block vs pass"), ne.out)
    XCTAssertTrue(ne.out.contains("\(a.path): block (\(a.path):1)"), ne.out)
    XCTAssertTrue(ne.out.contains("pass (\(other.path):2)"), ne.out)
    XCTAssertEqual(ne.out.components(separatedBy: "\n  in ").count - 1, 2, ne.out)
    let json = try runFwc(["diff", "--format", "json", a.path, "ipfw:" + other.path])
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
    XCTAssertEqual(object["equivalent"] as? Bool, false)
    XCTAssertEqual((object["examples"] as? [Any])?.count, 5)
  }

  func testDiffRefusesWhatPacketSetsDoNotModel() throws {
    let a = try makeTempFile("pass all\n", name: "a.conf")
    let b = try makeTempFile("pass in proto tcp user 1000\npass all\n", name: "b.conf")
    let r = try runFwc(["diff", a.path, b.path])
    XCTAssertEqual(r.code, 2)
    XCTAssertTrue(r.err.contains("b.conf:1: the rule matches on user"), r.err)
  }

  func testDiffJoinsAnIpfilterBundle() throws {
    let pfRules = try makeTempFile(
      "rdr on em0 proto tcp from any to 198.51.100.0/24 port 1234 -> 192.0.2.1 port 4321\n", name: "rdr.conf")
    let ipnat = try makeTempFile(
      "rdr em0 from any to 198.51.100.0/24 port = 1234 -> 192.0.2.1 port 4321 tcp\n", name: "ipnat.conf")
    let ipf = try makeTempFile("pass in all\n", name: "ipf.conf")
    let r = try runFwc(["diff", pfRules.path, "ipf:\(ipf.path)+ipnat:\(ipnat.path)"])
    XCTAssertEqual(r.code, 0, r.out + r.err)
  }
}
