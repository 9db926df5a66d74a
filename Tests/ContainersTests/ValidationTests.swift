import Containers
import FirewallIR
import PFSyntax
import XCTest

final class ValidationTests: XCTestCase {
  let web = NetworkConfig(name: "web", bridge: "bridge1", subnets: ["10.89.1.0/24", "fd00:89:1::/64"], egress: "em0")
  let backend = NetworkConfig(name: "backend", bridge: "bridge2", subnets: ["10.89.2.0/24"], egress: "em0")

  func container(_ id: String, _ address: String = "10.89.1.2", network: String = "web", ports: [String] = [])
    -> ContainerConfig
  {
    ContainerConfig(
      id: id, attachments: [Attachment(network: network, addresses: [address])],
      ports: ports.map { try! PortMapping.parse($0).get() })
  }

  func resolve(_ containers: [ContainerConfig]) throws -> ResolvedSpec {
    try Validation.resolve(ContainerSpec(networks: [web, backend], containers: containers))
  }

  func assertRefused(
    _ containers: [ContainerConfig], _ fragment: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try resolve(containers), file: file, line: line) { e in
      let message = (e as? ContainerError)?.message ?? "\(e)"
      XCTAssertTrue(message.contains(fragment), "\(message) does not say \(fragment)", file: file, line: line)
    }
  }

  func testPortMappingShortForms() throws {
    let m = try PortMapping.parse("8080:80").get()
    XCTAssertEqual(m, PortMapping(hostPort: 8080, containerPort: 80, protocol: .tcp))
    XCTAssertEqual(try PortMapping.parse("127.0.0.1:53:5353/udp").get().hostIP, "127.0.0.1")
    let v6 = try PortMapping.parse("[2001:db8::5]:8443:443/sctp").get()
    XCTAssertEqual(v6.hostIP, "2001:db8::5")
    XCTAssertEqual(v6.protocol, .sctp)
    let range = try PortMapping.parse("40000-40009:50000-50009/udp").get()
    XCTAssertEqual(range.hostPorts, 40000...40009)
    XCTAssertEqual(range.containerPorts, 50000...50009)
    XCTAssertEqual(range.shortForm, "40000-40009:50000-50009/udp")
    for bad in ["80", "a:b", "80:80/icmp", "1:2:3:4", "[::1:80:80", "80-:80"] {
      XCTAssertThrowsError(try PortMapping.parse(bad).get(), bad)
    }
  }

  func testPublishesResolvePerFamily() throws {
    let spec = try resolve([
      ContainerConfig(
        id: "a", attachments: [Attachment(network: "web", addresses: ["10.89.1.2", "fd00:89:1::2"])],
        ports: [try PortMapping.parse("8080:80").get(), try PortMapping.parse("[2001:db8::5]:443:443").get()])
    ])
    let publishes = spec.containers[0].publishes
    XCTAssertEqual(publishes.map(\.family), [.inet, .inet6, .inet6])
    XCTAssertEqual(publishes.map { "\($0.target)" }, ["10.89.1.2", "fd00:89:1::2", "fd00:89:1::2"])
    // A range given on the host side only keeps its length on the container side.
    let r = try resolve([container("b", ports: ["9000-9004:7000"])]).containers[0].publishes[0].mapping
    XCTAssertEqual(r.containerPorts, 7000...7004)
  }

  func testRefusesBadRequests() {
    assertRefused([container("a", "10.89.2.9")], "outside the subnets of network web")
    assertRefused([container("a", "10.89.1.300")], "is not an IP address")
    assertRefused([container("a", network: "nope")], "not a network of the spec")
    assertRefused(
      [container("a", ports: ["[2001:db8::5]:80:80"])], "host address is IPv6, but the container has no IPv6")
    assertRefused([container("a", ports: ["8000-8009:80-81"])], "ranges differ in length")
    assertRefused([container("a", ports: ["0:80"])], "outside 1-65535")
    assertRefused([container("a", ports: ["9000-8000:80"])], "reversed")
    assertRefused([container("a"), container("a", "10.89.1.3")], "listed twice")
    assertRefused([container("a"), container("b")], "given to both a and b")
  }

  func testHostPortConflictsNameBothContainers() {
    assertRefused(
      [container("a", ports: ["8080:80"]), container("b", "10.89.1.3", ports: ["8080:81"])],
      "published by both a (8080:80/tcp) and b (8080:81/tcp)")
    // A wildcard publish takes the port on every address of its family, ranges overlap.
    assertRefused(
      [container("a", ports: ["8000-8010:8000-8010"]), container("b", "10.89.1.3", ports: ["203.0.113.5:8005:80"])],
      "published by both a")
    // Other protocol, other address, other family: no conflict.
    XCTAssertNoThrow(
      try resolve([
        container("a", ports: ["8080:80/tcp", "192.0.2.1:9090:90"]),
        container("b", "10.89.1.3", ports: ["8080:80/udp", "192.0.2.2:9090:90"]),
      ]))
  }

  func testOverlappingNetworksAndMissingEgressAreRefused() {
    let other = NetworkConfig(name: "other", bridge: "bridge9", subnets: ["10.89.0.0/16"], egress: "em0")
    XCTAssertThrowsError(try Validation.resolve(ContainerSpec(networks: [web, other])))
    let noEgress = NetworkConfig(name: "x", bridge: "bridge9", subnets: ["10.90.0.0/24"])
    XCTAssertThrowsError(try Validation.resolve(ContainerSpec(networks: [noEgress])))
    let hostBits = NetworkConfig(name: "x", bridge: "bridge9", subnets: ["10.90.0.1/24"], egress: "em0")
    XCTAssertThrowsError(try Validation.resolve(ContainerSpec(networks: [hostBits])))
  }

  /// Names from a runtime never reach rule text: every hostile id, name, network or interface
  /// is refused before anything is generated.
  func testHostileNamesAreRefused() {
    let hostile = [
      "", "a\"b", "a'b", "a\nb", "a\rb", "a{b}", "a;b", "a#b", "a b", "a/b", "a\\b", "a$b", "a`b", "-a", ".a", "a:b",
      "a\u{0}b", "caf\u{e9}", "\u{202e}abc", String(repeating: "a", count: 300), "a)b", "a|b", "a<b>", "a*", "a,b",
    ]
    for h in hostile {
      XCTAssertThrowsError(try resolve([container(h)]), "id \(h.debugDescription)")
      var named = container("ok")
      named.name = h
      XCTAssertThrowsError(try resolve([named]), "name \(h.debugDescription)")
      let n = NetworkConfig(name: h, bridge: "bridge5", subnets: ["10.99.0.0/24"], egress: "em0")
      XCTAssertThrowsError(try Validation.resolve(ContainerSpec(networks: [n])), "network \(h.debugDescription)")
      let b = NetworkConfig(name: "n", bridge: h, subnets: ["10.99.0.0/24"], egress: "em0")
      XCTAssertThrowsError(try Validation.resolve(ContainerSpec(networks: [b])), "bridge \(h.debugDescription)")
    }
  }

  /// Every generated anchor is read back by fwc's pf parser without errors.
  func testGeneratedAnchorsParse() throws {
    var internalNet = backend
    internalNet.internal = true
    // Two subnets of one family: pf cannot negate a list, the rules go through a table.
    internalNet.subnets = ["10.89.2.0/24", "10.89.20.0/24"]
    let spec = try Validation.resolve(
      ContainerSpec(
        networks: [web, internalNet],
        containers: [
          ContainerConfig(
            id: "a", name: "proxy",
            attachments: [Attachment(network: "web", addresses: ["10.89.1.2", "fd00:89:1::2"])],
            ports: ["80:8080", "127.0.0.1:9000-9002:9000-9002/udp", "[::1]:22:22/sctp"].map {
              try! PortMapping.parse($0).get()
            }),
          container("b", "10.89.2.2", network: "backend"),
        ]))
    let anchors = PFRules(spec: spec).anchors()
    for a in anchors {
      let parsed = PFParser.parse(SourceFile(name: a.path, bytes: Array(a.text.utf8)))
      XCTAssertEqual(parsed.diagnostics.filter { $0.severity == .error }.map(\.message), [], a.text)
    }
    let internalRules = try XCTUnwrap(anchors.first { $0.path == "fwc/net-backend" }).text
    XCTAssertTrue(internalRules.contains("table <fwc4_backend> const { 10.89.2.0/24, 10.89.20.0/24 }"), internalRules)
    XCTAssertTrue(internalRules.contains("to ! <fwc4_backend>"), internalRules)
    // ipfw: loopback host addresses and IPv6 host addresses cannot be published.
    XCTAssertThrowsError(try IPFWRules(spec: spec).lines())
    // Long ids get distinct anchor names within pf's limit.
    let a = PFRules.containerAnchorName(String(repeating: "a", count: 64))
    let b = PFRules.containerAnchorName(String(repeating: "a", count: 63) + "b")
    XCTAssertNotEqual(a, b)
    XCTAssertLessThanOrEqual(a.utf8.count, 64)
    XCTAssertEqual(PFRules.containerAnchorName("api1"), "ctr-api1")
  }
}
