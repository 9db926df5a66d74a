import Foundation
import TestSupport
import XCTest

/// `fwc container` through the binary: the sample spec's rules, traced; the ipfw block read
/// back.
final class ContainerCLITests: XCTestCase {
  let spec = packageRoot.appendingPathComponent("examples/containers.yaml").path
  let prelude = packageRoot.appendingPathComponent("examples/containers-pf.conf").path
  let host = packageRoot.appendingPathComponent("examples/containers-host.json").path

  /// The sample's pf.conf with the anchors' rules in place of its hooks.
  func mergedPF() throws -> URL {
    let r = try runFwc(["container", "render", spec, "--merge", prelude])
    XCTAssertEqual(r.code, 0, r.err)
    return try makeTempFile(r.out, name: "pf.conf")
  }

  /// Traces one packet (without state from earlier packets); returns verdict and translation.
  func trace(_ rules: URL, _ packet: String, from: String = "pf") throws -> (verdict: String, translation: String?) {
    let r = try runFwc([
      "trace", "--from", from, "--host", host, "--stateless", "--format", "json", "--packet", packet, rules.path,
    ])
    XCTAssertEqual(r.code, 0, r.err)
    let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], r.out)
    var translation: String?
    if let t = o["translation"] as? [String: Any] {
      translation = "\(t["kind"] ?? "?") \(t["address"] ?? "?")" + ((t["port"] as? Int).map { " port \($0)" } ?? "")
    }
    return (o["verdict"] as? String ?? "?", translation)
  }

  func testSampleSpecRulesPassCheck() throws {
    let merged = try mergedPF()
    let check = try runFwc(["check", "--host", host, merged.path])
    XCTAssertEqual(check.code, 0, check.out + check.err)
    let ipfw = try runFwc(["container", "render", "--firewall", "ipfw", spec])
    XCTAssertEqual(ipfw.code, 0, ipfw.err)
    let file = try makeTempFile(ipfw.out, name: "fwc.rules")
    let checkIPFW = try runFwc(["check", "--from", "ipfw", file.path])
    XCTAssertEqual(checkIPFW.code, 0, checkIPFW.out + checkIPFW.err)
    // One NAT instance per network that reaches outside, with the published IPv4 ports.
    XCTAssertTrue(ipfw.out.contains("nat 102 config if em0 deny_in port_range 31000-31499"), ipfw.out)
    XCTAssertTrue(ipfw.out.contains("redirect_port udp 10.89.1.3:40000-40009 40000-40009"), ipfw.out)
    XCTAssertTrue(ipfw.out.contains("redirect_port tcp 10.89.2.2:80 203.0.113.5:8080"), ipfw.out)
    XCTAssertFalse(ipfw.out.contains("nat 101 config"), "the internal network has no NAT:\n" + ipfw.out)
  }

  /// The acceptance walk: each published host port leads to its container and port and
  /// passes; unpublished ports do not; isolated networks do not reach each other; outbound
  /// traffic leaves translated to the egress address; the internal network stays inside.
  func testSampleSpecDoesWhatItSays() throws {
    let rules = try mergedPF()
    let outside = "198.51.100.7:40000"
    let published: [(String, String)] = [
      ("tcp \(outside) > 203.0.113.5:80 flags S", "rdr 10.89.1.2 port 8080"),
      ("tcp \(outside) > 203.0.113.5:443 flags S", "rdr 10.89.1.2 port 8443"),
      ("tcp \(outside) > 203.0.113.5:8443 flags S", "rdr 10.89.1.2 port 8443"),
      ("tcp [2001:db8::7]:40000 > [2001:db8::5]:80 flags S", "rdr fd00:89:1::2 port 8080"),
      ("tcp [2001:db8::7]:40000 > [2001:db8::5]:8443 flags S", "rdr fd00:89:1::2 port 8443"),
      ("udp \(outside) > 203.0.113.5:40000", "rdr 10.89.1.3 port 40000"),
      ("udp \(outside) > 203.0.113.5:40007", "rdr 10.89.1.3 port 40007"),
      ("udp \(outside) > 203.0.113.5:40009", "rdr 10.89.1.3 port 40009"),
      ("tcp \(outside) > 203.0.113.5:8080 flags S", "rdr 10.89.2.2 port 80"),
      ("udp \(outside) > 203.0.113.5:5353", "rdr 10.89.2.3 port 53"),
      ("tcp \(outside) > 203.0.113.5:5353 flags S", "rdr 10.89.2.3 port 53"),
    ]
    for (packet, redirect) in published {
      let t = try trace(rules, "in on em0 " + packet)
      XCTAssertEqual(t.verdict, "pass", packet)
      XCTAssertEqual(t.translation, redirect, packet)
    }
    for packet in [
      "tcp \(outside) > 203.0.113.5:8081 flags S", "udp \(outside) > 203.0.113.5:40010",
      "tcp \(outside) > 203.0.113.5:5432 flags S", "udp \(outside) > 203.0.113.5:80",
      "tcp [2001:db8::7]:40000 > [2001:db8::5]:8081 flags S", "tcp \(outside) > 10.89.3.2:5432 flags S",
    ] {
      let t = try trace(rules, "in on em0 " + packet)
      XCTAssertEqual(t.verdict, "block", packet)
    }
    // Isolation between networks, both ways, and from the internal network.
    for packet in [
      "in on bridge1 tcp 10.89.1.2:40000 > 10.89.2.2:80 flags S",
      "in on bridge2 tcp 10.89.2.2:40000 > 10.89.1.2:8080 flags S",
      "in on bridge3 tcp 10.89.3.2:40000 > 10.89.1.2:8080 flags S", "in on bridge1 udp 10.89.1.3:5000 > 10.89.3.3:6379",
    ] {
      XCTAssertEqual(try trace(rules, packet).verdict, "block", packet)
    }
    // Outbound: in on the bridge passes, out on em0 is translated to the egress address.
    for (bridge, source, egress) in [
      ("bridge1", "10.89.1.2", "203.0.113.5"), ("bridge1", "10.89.1.3", "203.0.113.5"),
      ("bridge2", "10.89.2.2", "203.0.113.5"), ("bridge1", "[fd00:89:1::2]", "2001:db8::5"),
    ] {
      let destination = source.hasPrefix("[") ? "[2001:db8:ffff::1]:443" : "192.0.2.1:443"
      XCTAssertEqual(try trace(rules, "in on \(bridge) tcp \(source):40000 > \(destination) flags S").verdict, "pass")
      let out = try trace(rules, "out on em0 tcp \(source):40000 > \(destination) flags S")
      XCTAssertEqual(out.verdict, "pass", source)
      // pf picks the source port from its proxy range, as the kernel does.
      XCTAssertTrue(
        out.translation?.hasPrefix("nat \(egress) port ") == true, "\(source): \(out.translation ?? "none")")
    }
    // The internal network reaches nothing outside, and is never translated.
    for source in ["10.89.3.2", "10.89.3.3"] {
      XCTAssertEqual(try trace(rules, "in on bridge3 tcp \(source):40000 > 192.0.2.1:443 flags S").verdict, "block")
      XCTAssertEqual(try trace(rules, "in on bridge3 udp \(source):40000 > 192.0.2.53:53").verdict, "block")
      XCTAssertNil(try trace(rules, "out on em0 tcp \(source):40000 > 192.0.2.1:443 flags S").translation)
    }
  }

  /// The same walk through the ipfw block: redirects by the NAT instances' `redirect_port`,
  /// outbound aliasing, isolation and the internal network. The host's own rules are only the
  /// default deny.
  func testSampleSpecDoesWhatItSaysInIPFW() throws {
    let r = try runFwc(["container", "render", "--firewall", "ipfw", spec])
    XCTAssertEqual(r.code, 0, r.err)
    let rules = try makeTempFile(r.out, name: "fwc.rules")
    let outside = "198.51.100.7:40000"
    for (packet, redirect) in [
      ("tcp \(outside) > 203.0.113.5:80 flags S", "rdr 10.89.1.2 port 8080"),
      ("tcp \(outside) > 203.0.113.5:443 flags S", "rdr 10.89.1.2 port 8443"),
      ("udp \(outside) > 203.0.113.5:40007", "rdr 10.89.1.3 port 40007"),
      ("tcp \(outside) > 203.0.113.5:8080 flags S", "rdr 10.89.2.2 port 80"),
      ("udp \(outside) > 203.0.113.5:5353", "rdr 10.89.2.3 port 53"),
      ("tcp \(outside) > 203.0.113.5:5353 flags S", "rdr 10.89.2.3 port 53"),
    ] {
      let t = try trace(rules, "in on em0 " + packet, from: "ipfw")
      XCTAssertEqual(t.verdict, "pass", packet)
      XCTAssertEqual(t.translation, redirect, packet)
    }
    // Unpublished ports, also those in a NAT instance's alias range (no session: deny_in).
    for packet in [
      "tcp \(outside) > 203.0.113.5:8081 flags S", "udp \(outside) > 203.0.113.5:40010",
      "tcp \(outside) > 203.0.113.5:31005 flags S", "udp \(outside) > 203.0.113.5:30007",
    ] {
      let t = try trace(rules, "in on em0 " + packet, from: "ipfw")
      XCTAssertEqual(t.verdict, "block", packet)
      XCTAssertNil(t.translation, packet)
    }
    for packet in [
      "in on bridge1 tcp 10.89.1.2:40000 > 10.89.2.2:80 flags S",
      "in on bridge2 tcp 10.89.2.2:40000 > 10.89.1.2:8080 flags S",
      "in on bridge3 tcp 10.89.3.2:40000 > 10.89.1.2:8080 flags S",
      "in on bridge3 tcp 10.89.3.2:40000 > 192.0.2.1:443 flags S",
    ] {
      XCTAssertEqual(try trace(rules, packet, from: "ipfw").verdict, "block", packet)
    }
    for (source, range) in [("10.89.1.2", "31000"), ("10.89.2.2", "30000")] {
      let bridge = source.hasPrefix("10.89.1") ? "bridge1" : "bridge2"
      XCTAssertEqual(
        try trace(rules, "in on \(bridge) tcp \(source):40000 > 192.0.2.1:443 flags S", from: "ipfw").verdict, "pass")
      let out = try trace(rules, "out on em0 tcp \(source):40000 > 192.0.2.1:443 flags S", from: "ipfw")
      XCTAssertEqual(out.verdict, "pass", source)
      XCTAssertEqual(out.translation, "nat 203.0.113.5 port \(range)", source)
    }
    XCTAssertNil(try trace(rules, "out on em0 tcp 10.89.3.2:40000 > 192.0.2.1:443 flags S", from: "ipfw").translation)
  }

  func testPreludeAndDryRun() throws {
    let pf = try runFwc(["container", "prelude"])
    XCTAssertEqual(pf.code, 0)
    for hook in ["nat-anchor \"fwc/*\"", "rdr-anchor \"fwc/*\"", "anchor \"fwc/*\""] {
      XCTAssertTrue(pf.out.contains("\n\(hook)\n"), pf.out)
    }
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-dry-\(UUID().uuidString)").path
    let dry = try runFwc(["container", "apply", "--dry-run", "--state-dir", state, "--pfctl", "/sbin/pfctl", spec])
    XCTAssertEqual(dry.code, 0, dry.err)
    XCTAssertTrue(
      dry.out.contains("/sbin/pfctl -n -a fwc/net-web -f - <<'FWC_EOF'\n# network web on bridge1\n"), dry.out)
    XCTAssertTrue(dry.out.contains("/sbin/pfctl -a fwc/ctr-api1 -f - <<'FWC_EOF'"), dry.out)
    XCTAssertFalse(FileManager.default.fileExists(atPath: state), "a dry run changes no state")
    let ipfw = try runFwc([
      "container", "apply", "--dry-run", "--firewall", "ipfw", "--state-dir", state, "--ipfw", "/sbin/ipfw", spec,
    ])
    XCTAssertEqual(ipfw.code, 0, ipfw.err)
    XCTAssertTrue(ipfw.out.contains("set swap 20 21\n"), ipfw.out)
    XCTAssertTrue(ipfw.out.contains("/sbin/ipfw -q FILE"), ipfw.out)
  }

  func testBadSpecsAreRefusedWithTheReason() throws {
    let bad = try makeTempFile(
      """
      egress: em0
      networks:
        - {name: a, bridge: bridge1, subnets: [10.1.0.0/24]}
      containers:
        - {id: x, attachments: [{network: a, addresses: [10.1.0.2]}], ports: ["8080:80"]}
        - {id: y, attachments: [{network: a, addresses: [10.1.0.3]}], ports: ["8080:81"]}
      """, name: "spec.yaml")
    let r = try runFwc(["container", "render", bad.path])
    XCTAssertEqual(r.code, 1)
    XCTAssertTrue(r.err.contains("published by both x (8080:80/tcp) and y (8080:81/tcp)"), r.err)
    let typo = try makeTempFile("networks:\n  - {name: a, subnets: [10.1.0.0/24]}\n", name: "spec.yaml")
    let t = try runFwc(["container", "render", typo.path])
    XCTAssertEqual(t.code, 1)
    XCTAssertTrue(t.err.contains("networks[0].bridge is missing"), t.err)
  }
}
