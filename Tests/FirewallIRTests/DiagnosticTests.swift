import XCTest

@testable import FirewallIR

final class DiagnosticTests: XCTestCase {
  func testSourcePositions() {
    let f = SourceFile(name: "x.conf", text: "ab\ncd\n\nef")
    XCTAssertEqual(f.position(of: 0).line, 1)
    XCTAssertEqual(f.position(of: 4).line, 2)
    XCTAssertEqual(f.position(of: 4).column, 2)
    XCTAssertEqual(f.lineText(2), "cd")
    XCTAssertEqual(f.lineText(4), "ef")
  }

  func testRendererShowsLineAndMarker() {
    let f = SourceFile(name: "x.conf", text: "pass in\n\tblock bogus\n")
    let d = Diagnostic(.error, "syntax error", at: SourceLocation(file: "x.conf", line: 2, column: 8), id: "pf-syntax")
    let text = DiagnosticRenderer(files: ["x.conf": f]).render(d)
    XCTAssertEqual(text, "x.conf:2:8: error: syntax error [pf-syntax]\n  \tblock bogus\n  \t      ^\n")
  }

  func testHostContextGroups() throws {
    let ctx = HostContext(interfaces: [
      .init(name: "em0", addresses: ["192.0.2.1/24"], groups: ["egress"]),
      .init(name: "em1", addresses: ["198.51.100.1/24"]),
      .init(name: "lo0", addresses: ["127.0.0.1/8"]),
    ])
    XCTAssertEqual(ctx.members(ofGroup: "egress").map(\.name), ["em0"])
    XCTAssertEqual(ctx.members(ofGroup: "em").map(\.name), ["em0", "em1"])
    XCTAssertTrue(ctx.hasInterfaceOrGroup("lo"))
    XCTAssertFalse(ctx.hasInterfaceOrGroup("em2"))
    XCTAssertTrue(ctx.interface(named: "lo0")!.isLoopback)
  }

  func testWellKnownNames() {
    XCTAssertEqual(ServiceNames.name(port: 22, proto: "tcp"), "ssh")
    XCTAssertEqual(ServiceNames.name(port: 53, proto: "udp"), "domain")
    XCTAssertNil(ServiceNames.name(port: 6667, proto: "udp"))
    XCTAssertEqual(ServiceNames.port(named: "www", proto: "tcp"), 80)
    XCTAssertEqual(ProtocolNames.name(number: 58), "ipv6-icmp")
    XCTAssertEqual(ProtocolNames.number(named: "icmp6"), 58)
  }
}
