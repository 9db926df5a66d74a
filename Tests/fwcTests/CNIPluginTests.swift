import Foundation
import TestSupport
import XCTest

/// fwc as a CNI plugin, through the binary, against a recording `pfctl` stand-in that keeps the
/// anchors it is given (one file each) and checks every loaded text with `fwc check`.
final class CNIPluginTests: XCTestCase {
  var work: URL!
  var pfctl: URL { work.appendingPathComponent("pfctl") }
  var anchors: URL { work.appendingPathComponent("anchors") }
  var state: URL { work.appendingPathComponent("state") }

  override func setUpWithError() throws {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-cni-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: anchors, withIntermediateDirectories: true)
    try Self.standIn(fwc: fwcBinary.path, dir: work.path).write(to: pfctl, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pfctl.path)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: work)
  }

  /// A pfctl that understands what fwc asks of it: `-a A [-n] -f -` (checked with fwc, kept
  /// unless -n), `-a A -F all`, `-a A -s Anchors`, `-a A -s nat`, `-a A -s rules` and
  /// `-a A -t T -T add|delete|replace|show`.
  static func standIn(fwc: String, dir: String) -> String {
    """
    #!/bin/sh
    dir='\(dir)'
    echo "pfctl $*" >> "$dir/log"
    anchor=""; mode=""; dry=0; table=""
    while [ $# -gt 0 ]; do
      case "$1" in
        -a) anchor="$2"; shift ;;
        -n) dry=1 ;;
        -f) mode=load; shift ;;
        -F) mode=flush; shift ;;
        -s) mode="show-$2"; shift ;;
        -t) table="$2"; shift ;;
        -T) mode="table-$2"; shift; shift; break ;;
      esac
      shift
    done
    key=$(printf '%s' "$anchor" | tr / %)
    tfile="$dir/tables/$key%$table"
    mkdir -p "$dir/tables"
    case "$mode" in
      table-add) touch "$tfile"; for a in "$@"; do grep -qx "$a" "$tfile" || echo "$a" >> "$tfile"; done ;;
      table-delete) for a in "$@"; do grep -vx "$a" "$tfile" > "$tfile.new" 2>/dev/null; mv "$tfile.new" "$tfile"; done ;;
      table-replace) : > "$tfile"; for a in "$@"; do echo "$a" >> "$tfile"; done ;;
      table-show) sed 's/^/   /' "$tfile" 2>/dev/null ;;
      load)
        tmp="$dir/in.$$"
        cat > "$tmp"
        if ! '\(fwc)' check "pf:$tmp" > "$tmp.out" 2>&1; then
          cat "$tmp.out" >&2; cat "$tmp.out" >> "$dir/rejected"; rm -f "$tmp" "$tmp.out"; exit 1
        fi
        rm -f "$tmp.out"
        if [ $dry = 0 ]; then mv "$tmp" "$dir/anchors/$key"; else rm -f "$tmp"; fi ;;
      flush) rm -f "$dir/anchors/$key" ;;
      show-Anchors) ls "$dir/anchors" | grep "^$key%" | tr % / ;;
      show-nat) grep -E '^(nat|rdr|binat) ' "$dir/anchors/$key" 2>/dev/null ;;
      show-rules) grep -E '^(pass|block) ' "$dir/anchors/$key" 2>/dev/null ;;
    esac
    exit 0
    """
  }

  /// An ipfw that checks each rules file it is given with fwc and keeps the last one loaded
  /// (each load replaces all of fwc's rules).
  static func ipfwStandIn(fwc: String, dir: String) -> String {
    """
    #!/bin/sh
    dir='\(dir)'
    echo "ipfw $*" >> "$dir/log"
    dry=0
    for a in "$@"; do
      case "$a" in
        -n) dry=1 ;;
        /*) file="$a" ;;
      esac
    done
    [ -n "$file" ] || exit 0
    if ! '\(fwc)' check --from ipfw "$file" > "$dir/ipfw.out" 2>&1; then
      cat "$dir/ipfw.out" >&2; cat "$dir/ipfw.out" >> "$dir/rejected"; exit 1
    fi
    [ $dry = 1 ] || cp "$file" "$dir/ipfw.loaded"
    exit 0
    """
  }

  func testIPFWAddAndDelete() throws {
    let ipfw = work.appendingPathComponent("ipfw")
    try Self.ipfwStandIn(fwc: fwcBinary.path, dir: work.path).write(to: ipfw, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ipfw.path)
    let extra = ", \"firewall\": \"ipfw\", \"ipfw\": \"\(ipfw.path)\""
    let loaded = work.appendingPathComponent("ipfw.loaded")
    XCTAssertEqual(try cni("ADD", id: "a", config(extra)).code, 0)
    var rules = try String(contentsOf: loaded, encoding: .utf8)
    XCTAssertTrue(rules.contains("redirect_port tcp 10.88.0.9:80 8080"), rules)
    XCTAssertTrue(rules.contains("redirect_port udp 10.88.0.9:53 192.0.2.10:5353"), rules)
    XCTAssertTrue(rules.contains("table fwcnew_podman add 10.88.0.9\n"), rules)
    XCTAssertTrue(rules.hasSuffix("set swap 20 21\ndelete set 21\n"), rules)
    let other = config(extra, ips: "10.88.0.10/16").replacingOccurrences(of: "8080", with: "8081")
      .replacingOccurrences(of: "5353", with: "5354")
    XCTAssertEqual(try cni("ADD", id: "b", other).code, 0)
    XCTAssertEqual(try cni("CHECK", id: "b", other).code, 0)
    XCTAssertEqual(try cni("DEL", id: "a", config(extra)).code, 0)
    rules = try String(contentsOf: loaded, encoding: .utf8)
    XCTAssertFalse(rules.contains("10.88.0.9"), rules)
    XCTAssertTrue(rules.contains("redirect_port tcp 10.88.0.10:80 8081"), rules)
    // A network added later, though first by name, leaves the others' NAT instances alone.
    XCTAssertTrue(rules.contains("nat 100 config if em0"), rules)
    let early = config(extra, ips: "10.77.0.5/24").replacingOccurrences(of: "\"podman\"", with: "\"aaa\"")
      .replacingOccurrences(of: "8080", with: "8090").replacingOccurrences(of: "5353", with: "5454")
    XCTAssertEqual(try cni("ADD", id: "c", early).code, 0)
    rules = try String(contentsOf: loaded, encoding: .utf8)
    XCTAssertTrue(
      rules.contains("nat 100 config if em0 deny_in port_range 30000-30499 redirect_port tcp 10.88.0.10:80 8081"), rules
    )
    XCTAssertTrue(
      rules.contains("nat 101 config if em0 deny_in port_range 30500-30999 redirect_port tcp 10.77.0.5:80 8090"), rules)
    XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("rejected").path))
  }

  /// research/containers.md §4: podman's request to its portmap plugin, aimed at fwc.
  func config(_ extra: String = "", prevResult: Bool = true, id: String = "", ips: String = "10.88.0.9/16") -> String {
    let prev = """
      ,
        "prevResult": {
          "cniVersion": "0.4.0",
          "interfaces": [
            {"name": "cni-podman0", "mac": "58:9c:fc:00:00:01"},
            {"name": "vnet1a2b3c4d", "mac": "02:00:00:00:00:0a"},
            {"name": "eth0", "mac": "02:00:00:00:00:0b", "sandbox": "jail1"}
          ],
          "ips": [{"version": "4", "address": "\(ips)", "gateway": "10.88.0.1", "interface": 2}],
          "routes": [{"dst": "0.0.0.0/0"}],
          "dns": {}
        }
      """
    return """
      {
        "cniVersion": "0.4.0",
        "name": "podman",
        "type": "fwc",
        "stateDir": "\(state.path)",
        "pfctl": "\(pfctl.path)",
        "egress": "em0"\(extra),
        "runtimeConfig": {
          "portMappings": [
            {"hostPort": 8080, "containerPort": 80, "protocol": "tcp", "hostIP": ""},
            {"hostPort": 5353, "containerPort": 53, "protocol": "udp", "hostIP": "192.0.2.10"}
          ]
        }\(prevResult ? prev : "")
      }
      """
  }

  func cni(_ command: String, id: String = "c1", _ stdin: String, env: [String: String] = [:]) throws -> (
    code: Int32, out: String, json: [String: Any]?
  ) {
    let p = Process()
    p.executableURL = fwcBinary
    p.arguments = []
    var e = [
      "PATH": "/usr/bin:/bin", "CNI_COMMAND": command, "CNI_CONTAINERID": id, "CNI_NETNS": "jail1",
      "CNI_IFNAME": "eth0",
    ]
    for (k, v) in env { e[k] = v }
    p.environment = e
    let input = Pipe()
    let output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = FileHandle.nullDevice
    try p.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let out = String(decoding: data, as: UTF8.self)
    return (p.terminationStatus, out, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any])
  }

  func loadedAnchors() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: anchors.path).map {
      $0.replacingOccurrences(of: "%", with: "/")
    }
    .sorted()
  }

  /// The addresses in a network's table.
  func members(_ network: String = "podman") -> [String] {
    let file = work.appendingPathComponent("tables/fwc%net-\(network)%fwc_\(network)")
    return ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init).sorted()
  }

  func anchorText(_ path: String) -> String {
    (try? String(
      contentsOf: anchors.appendingPathComponent(path.replacingOccurrences(of: "/", with: "%")), encoding: .utf8))
      ?? ""
  }

  func testAddCheckDelete() throws {
    let add = try cni("ADD", config())
    XCTAssertEqual(add.code, 0, add.out)
    // A chained plugin's result is the previous result.
    let result = try XCTUnwrap(add.json, add.out)
    XCTAssertEqual(result["cniVersion"] as? String, "0.4.0")
    XCTAssertEqual((result["ips"] as? [[String: Any]])?.first?["address"] as? String, "10.88.0.9/16")
    XCTAssertEqual((result["interfaces"] as? [[String: Any]])?.count, 3)
    XCTAssertEqual(try loadedAnchors(), ["fwc/ctr-c1.eth0", "fwc/net-podman"])
    let rules = anchorText("fwc/ctr-c1.eth0")
    XCTAssertTrue(rules.contains("rdr inet proto tcp from any to (em0) port 8080 -> 10.88.0.9 port 80"), rules)
    XCTAssertTrue(rules.contains("rdr inet proto udp from any to 192.0.2.10 port 5353 -> 10.88.0.9 port 53"), rules)
    XCTAssertTrue(rules.contains("pass inet proto tcp from any to 10.88.0.9 port 80 keep state"), rules)
    XCTAssertTrue(anchorText("fwc/net-podman").contains("nat on em0 inet from <fwc_podman> to any -> (em0:0)"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("rejected").path))
    XCTAssertEqual(members(), ["10.88.0.9"])

    let check = try cni("CHECK", config())
    XCTAssertEqual(check.code, 0, check.out)
    XCTAssertEqual(check.out, "")
    // Rules lost behind fwc's back (pf flushed) make CHECK fail while the record stands.
    let saved = try Data(contentsOf: anchors.appendingPathComponent("fwc%ctr-c1.eth0"))
    try FileManager.default.removeItem(at: anchors.appendingPathComponent("fwc%ctr-c1.eth0"))
    let lost = try cni("CHECK", config())
    XCTAssertEqual(lost.code, 1, lost.out)
    XCTAssertEqual(lost.json?["code"] as? Int, 100, lost.out)
    try saved.write(to: anchors.appendingPathComponent("fwc%ctr-c1.eth0"))

    let del = try cni("DEL", config())
    XCTAssertEqual(del.code, 0, del.out)
    XCTAssertEqual(del.out, "")
    XCTAssertEqual(try loadedAnchors(), ["fwc/net-podman"])
    XCTAssertEqual(members(), [])
    XCTAssertFalse(FileManager.default.fileExists(atPath: state.appendingPathComponent("containers/c1.eth0.json").path))
    // DEL is best-effort and repeatable, with or without prevResult.
    XCTAssertEqual(try cni("DEL", config()).code, 0)
    XCTAssertEqual(try cni("DEL", config(prevResult: false)).code, 0)
    // CHECK of a deleted container fails with an error object.
    let gone = try cni("CHECK", config())
    XCTAssertEqual(gone.code, 1)
    XCTAssertNotNil(gone.json?["code"] as? Int)
  }

  func testGarbageCollectionKeepsTheValidAttachments() throws {
    XCTAssertEqual(try cni("ADD", id: "keep", config()).code, 0)
    let other = config(ips: "10.88.0.10/16").replacingOccurrences(of: "8080", with: "8081")
      .replacingOccurrences(of: "5353", with: "5354")
    XCTAssertEqual(try cni("ADD", id: "stale", other).code, 0)
    XCTAssertEqual(try loadedAnchors(), ["fwc/ctr-keep.eth0", "fwc/ctr-stale.eth0", "fwc/net-podman"])
    let gc = try cni(
      "GC",
      config(
        ", \"cni.dev/valid-attachments\": [{\"containerID\": \"keep\", \"ifname\": \"eth0\"}]", prevResult: false
      ).replacingOccurrences(of: "\"0.4.0\"", with: "\"1.1.0\""))
    XCTAssertEqual(gc.code, 0, gc.out)
    XCTAssertEqual(try loadedAnchors(), ["fwc/ctr-keep.eth0", "fwc/net-podman"])
    // A GC without the list of valid attachments is refused rather than taken as "none".
    let bare = try cni("GC", config(prevResult: false).replacingOccurrences(of: "\"0.4.0\"", with: "\"1.1.0\""))
    XCTAssertEqual(bare.json?["code"] as? Int, 7, bare.out)
    XCTAssertEqual(try loadedAnchors(), ["fwc/ctr-keep.eth0", "fwc/net-podman"])
  }

  /// A container on two networks is two attachments: removing one leaves the other.
  func testAttachmentsAreKeptApart() throws {
    XCTAssertEqual(try cni("ADD", id: "two", config()).code, 0)
    let second = config(ips: "10.99.0.5/24").replacingOccurrences(of: "\"podman\"", with: "\"other\"")
      .replacingOccurrences(of: "8080", with: "8090").replacingOccurrences(of: "5353", with: "5454")
      .replacingOccurrences(of: "\"eth0\"", with: "\"eth1\"")
    let add = try cni("ADD", id: "two", second, env: ["CNI_IFNAME": "eth1"])
    XCTAssertEqual(add.code, 0, add.out)
    XCTAssertEqual(try loadedAnchors(), ["fwc/ctr-two.eth0", "fwc/ctr-two.eth1", "fwc/net-other", "fwc/net-podman"])
    XCTAssertEqual(try cni("DEL", id: "two", second, env: ["CNI_IFNAME": "eth1"]).code, 0)
    XCTAssertEqual(try loadedAnchors(), ["fwc/ctr-two.eth0", "fwc/net-other", "fwc/net-podman"])
    XCTAssertTrue(anchorText("fwc/ctr-two.eth0").contains("port 8080 -> 10.88.0.9 port 80"))
  }

  func testVersionAndUnknownCommands() throws {
    let v = try cni("VERSION", "{\"cniVersion\": \"1.1.0\"}")
    XCTAssertEqual(v.code, 0)
    XCTAssertEqual(v.json?["cniVersion"] as? String, "1.1.0")
    let versions = v.json?["supportedVersions"] as? [String] ?? []
    XCTAssertTrue(versions.contains("1.0.0") && versions.contains("1.1.0") && versions.contains("0.4.0"), "\(versions)")

    let unknown = try cni("FROB", config())
    XCTAssertEqual(unknown.code, 1)
    XCTAssertEqual(unknown.json?["code"] as? Int, 4, unknown.out)
    XCTAssertNotNil(unknown.json?["msg"] as? String)

    let old = try cni("ADD", config().replacingOccurrences(of: "\"0.4.0\"", with: "\"0.1.0\""))
    XCTAssertEqual(old.json?["code"] as? Int, 1, old.out)
    let broken = try cni("ADD", "{not json")
    XCTAssertEqual(broken.json?["code"] as? Int, 6, broken.out)
    let first = try cni("ADD", config(prevResult: false))
    XCTAssertEqual(first.json?["code"] as? Int, 7, first.out)
  }

  func testConflictingHostPortIsAnError() throws {
    XCTAssertEqual(try cni("ADD", id: "one", config()).code, 0)
    let second = try cni("ADD", id: "two", config(ips: "10.88.0.11/16"))
    XCTAssertEqual(second.code, 1)
    let details = second.json?["details"] as? String ?? ""
    XCTAssertTrue(details.contains("already published by one") && details.contains("two"), second.out)
    XCTAssertEqual(try loadedAnchors(), ["fwc/ctr-one.eth0", "fwc/net-podman"])
  }

  /// Hostile ids, names and fields get a CNI error and never reach pfctl.
  func testHostileInputIsRejected() throws {
    let hostile = [
      "a\"b", "a'b", "a\nb", "a{b}", "a;b", "a#b", "a b", "a/b", "-x", "caf\u{e9}", String(repeating: "a", count: 200),
      "a$(reboot)", "a`id`", "a\\b",
    ]
    for h in hostile {
      let r = try cni("ADD", id: h, config())
      XCTAssertEqual(r.code, 1, h.debugDescription)
      XCTAssertEqual(r.json?["code"] as? Int, 4, "\(h.debugDescription): \(r.out)")
      if !h.contains(";") {
        let named = try cni("ADD", id: "ok", config(), env: ["CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAME=\(h)"])
        XCTAssertEqual(named.code, 1, h.debugDescription)
      }
      let escaped = String(
        decoding: try JSONSerialization.data(withJSONObject: [h], options: .fragmentsAllowed), as: UTF8.self
      )
      .dropFirst().dropLast()
      let network = try cni("ADD", id: "ok", config().replacingOccurrences(of: "\"podman\"", with: String(escaped)))
      XCTAssertEqual(network.code, 1, h.debugDescription)
      let hostIP = try cni("ADD", id: "ok", config().replacingOccurrences(of: "\"192.0.2.10\"", with: String(escaped)))
      XCTAssertEqual(hostIP.code, 1, h.debugDescription)
      let bridge = try cni("ADD", id: "ok", config(", \"bridge\": \(escaped)"))
      XCTAssertEqual(bridge.code, 1, h.debugDescription)
    }
    let log = (try? String(contentsOf: work.appendingPathComponent("log"), encoding: .utf8)) ?? ""
    XCTAssertEqual(log, "", "pfctl was run for a hostile request")
    XCTAssertEqual(try loadedAnchors(), [])
  }

  /// 50 concurrent ADD and DEL processes on one state directory: the state and the loaded
  /// anchors end up exactly those of the containers that remain.
  func testConcurrentAddAndDelete() throws {
    func request(_ i: Int) -> String {
      config(ips: "10.88.1.\(i)/16").replacingOccurrences(of: "8080", with: "\(9000 + i)")
        .replacingOccurrences(of: "5353", with: "\(7000 + i)")
    }
    // All processes are started before any is waited for: they run at once, and the lock in
    // the state directory is what keeps them apart.
    func parallel(_ jobs: [(String, Int)]) throws {
      var running: [(String, Process, Pipe)] = []
      for (command, i) in jobs {
        let p = Process()
        p.executableURL = fwcBinary
        p.environment = [
          "PATH": "/usr/bin:/bin", "CNI_COMMAND": command, "CNI_CONTAINERID": "c\(i)", "CNI_NETNS": "jail1",
          "CNI_IFNAME": "eth0",
        ]
        let input = Pipe()
        let output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(request(i).utf8))
        try input.fileHandleForWriting.close()
        running.append(("\(command) c\(i)", p, output))
      }
      var failures: [String] = []
      for (name, p, output) in running {
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus != 0 { failures.append("\(name): \(String(decoding: out, as: UTF8.self))") }
      }
      XCTAssertEqual(failures, [])
    }
    try parallel((0..<50).map { ("ADD", $0) })
    try parallel((0..<50).map { ($0 % 2 == 0 ? "DEL" : "ADD", $0) })
    let odd = (0..<50).filter { $0 % 2 == 1 }
    XCTAssertEqual(try loadedAnchors(), (odd.map { "fwc/ctr-c\($0).eth0" } + ["fwc/net-podman"]).sorted())
    let records = try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("containers").path)
    XCTAssertEqual(records.sorted(), odd.map { "c\($0).eth0.json" }.sorted())
    for i in odd {
      XCTAssertTrue(anchorText("fwc/ctr-c\(i).eth0").contains("port \(9000 + i) -> 10.88.1.\(i) port 80"), "c\(i)")
    }
    XCTAssertEqual(members(), odd.map { "10.88.1.\($0)" }.sorted())
  }

  /// ADDs killed at random points, then `restore`: exactly the recorded containers' rules.
  func testRestoreAfterKilledAdds() throws {
    var generator = SplitMix(seed: 7)
    for i in 0..<12 {
      let p = Process()
      p.executableURL = fwcBinary
      p.environment = [
        "PATH": "/usr/bin:/bin", "CNI_COMMAND": "ADD", "CNI_CONTAINERID": "k\(i)", "CNI_NETNS": "jail1",
        "CNI_IFNAME": "eth0",
      ]
      let input = Pipe()
      p.standardInput = input
      p.standardOutput = FileHandle.nullDevice
      try p.run()
      input.fileHandleForWriting.write(
        Data(
          config(ips: "10.88.2.\(i)/16").replacingOccurrences(of: "8080", with: "\(9100 + i)")
            .replacingOccurrences(of: "5353", with: "\(7100 + i)").utf8))
      try input.fileHandleForWriting.close()
      usleep(UInt32.random(in: 0...60_000, using: &generator))
      kill(p.processIdentifier, SIGKILL)
      p.waitUntilExit()
    }
    // Anchors left behind by a killed ADD whose record never landed are garbage too.
    try "pass all\n".write(to: anchors.appendingPathComponent("fwc%ctr-orphan"), atomically: true, encoding: .utf8)
    let restore = try runFwc(["container", "restore", "--state-dir", state.path, "--pfctl", pfctl.path])
    XCTAssertEqual(restore.code, 0, restore.err)
    let recorded =
      ((try? FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("containers").path)) ?? [])
      .filter { $0.hasSuffix(".json") }.map { "fwc/ctr-" + $0.dropLast(5) }
    let networks = FileManager.default.fileExists(atPath: state.appendingPathComponent("networks/podman.json").path)
    XCTAssertEqual(try loadedAnchors(), (recorded + (networks ? ["fwc/net-podman"] : [])).sorted())
    // Each loaded anchor holds its own container's redirect.
    for name in recorded {
      guard let i = Int(name.dropFirst("fwc/ctr-k".count).prefix { $0.isNumber }) else { continue }
      XCTAssertTrue(anchorText(name).contains("port \(9100 + i) -> 10.88.2.\(i) port 80"), name)
    }
    let indices = recorded.compactMap { n in Int(n.dropFirst("fwc/ctr-k".count).prefix { $0.isNumber }) }
    XCTAssertEqual(members(), indices.map { "10.88.2.\($0)" }.sorted())
    let list = try runFwc(["container", "list", "--state-dir", state.path, "--format", "json"])
    XCTAssertEqual(list.code, 0, list.err)
    let listed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
    XCTAssertEqual(listed.count, recorded.count)
  }
}
