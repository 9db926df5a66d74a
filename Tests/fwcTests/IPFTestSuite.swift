import Foundation
import TestSupport

/// ipfilter's own test suite (corpus/ipfilter/test), replayed through the `fwc` binary as its
/// drivers replay it through ipftest: manifest.tsv says how each test runs, `.dist` templates
/// are expanded as build_test.pl does, and each run's verdict words are compared with the
/// expected file's, packet by packet.
struct IPFTestSuite {
  let dir: URL
  let work: URL

  init(dir: URL) throws {
    self.dir = dir
    work = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-ipftest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
  }

  /// One test of manifest.tsv.
  struct Case {
    var name: String
    var driver: String
    var inputFormat: String
    var outputFormat: String
    var options: String
    var family: String
  }

  /// A known-failures list: `name count reason` lines, `#` comments.
  static func knownMisses(_ fixture: String) throws -> [String: Int] {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/\(fixture)"), encoding: .utf8)
    var out: [String: Int] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: " ", maxSplits: 2)
      if parts.count >= 2, let n = Int(parts[1]) { out[String(parts[0])] = n }
    }
    return out
  }

  /// The words ipftest prints for a verdict.
  static let verdictWords: Set<String> = [
    "pass", "block", "nomatch", "bad-packet", "block return-rst", "block return-icmp", "block return-icmp-as-dest",
  ]

  func cases(families: Set<String>) throws -> [Case] {
    let text = try String(contentsOf: dir.appendingPathComponent("manifest.tsv"), encoding: .utf8)
    var rows = text.split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
    let header = rows.removeFirst()
    func column(_ name: String) -> Int { header.firstIndex(of: name)! }
    return rows.compactMap { r in
      let name = r[column("test")]
      let family = name.hasPrefix("ipv6") ? "ipv6" : String(name.prefix { $0.isLetter })
      guard families.contains(family) else { return nil }
      return Case(
        name: name, driver: r[column("driver")], inputFormat: r[column("input_format")],
        outputFormat: r[column("output_field")], options: r[column("options")], family: family)
    }
  }

  /// build_test.pl's placeholder expansion for user mode.
  static func expand(_ text: String) -> String {
    var t = text
    for (a, b) in [
      ("NIC0HEXADDR6", "c0a8 0100 0000 0000 0000 0000 0000 00bc"), ("NIC1HEXADDR6", ""), ("NIC1HEXADDR", ""),
      ("NIC1ADDR6", ""), ("NIC1ADDR", ""), ("NIC0HEXADDR", "c0a8 01bc"), ("NIC0ADDR6", "c0a8:100::bc"),
      ("NIC0ADDR", "192.168.1.188__"), ("NIC0", "nic0"), ("NIC1", "nic1"), ("NIC2", "nic2"), ("NIC3", "nic3"),
    ] {
      t = t.replacingOccurrences(of: a, with: b)
    }
    return t.replacingOccurrences(of: "_", with: " ")
  }

  /// The file `sub/name`, or its expanded `.dist` template; nil when neither exists.
  func file(_ sub: String, _ name: String) throws -> URL? {
    let plain = dir.appendingPathComponent(sub).appendingPathComponent(name)
    if FileManager.default.fileExists(atPath: plain.path) { return plain }
    let dist = plain.appendingPathExtension("dist")
    guard FileManager.default.fileExists(atPath: dist.path) else { return nil }
    let out = work.appendingPathComponent("\(sub)-\(name)")
    try IPFTestSuite.expand(try String(contentsOf: dist, encoding: .utf8)).write(
      to: out, atomically: true, encoding: .utf8)
    return out
  }

  /// The outcome of one test: the expected and the produced verdict words, in order.
  struct Result {
    var expected: [String]
    var produced: [String]
    var matched: Int { zip(expected, produced).filter { $0 == $1 }.count }
    var misses: Int { expected.count - matched }
  }

  /// Runs one verdict test (drivers f_test, f_m_test, ipv6_test, and p_test without NAT);
  /// nil for tests of another kind.
  func runVerdicts(_ c: Case) throws -> Result? {
    guard let expectedURL = try file("expected", c.name), let input = try file("input", c.name) else { return nil }
    let expectedLines = try String(contentsOf: expectedURL, encoding: .utf8).split(separator: "\n").map(String.init)
    var common = ["--packets", input.path, "--packets-format", c.inputFormat, "--format", "words"]
    if c.options.hasPrefix("state_max=") { common += ["--state-max", String(c.options.dropFirst(10))] }
    func trace(_ rules: [String]) throws -> [String] {
      let r = try runFwc(["trace"] + rules + common)
      return r.out.split(separator: "\n").map(String.init).filter { IPFTestSuite.verdictWords.contains($0) }
    }
    var produced: [String] = []
    switch c.driver {
    case "f_test", "ipv6_test":
      // A fresh process per rule line, as the driver runs ipftest per line.
      guard let rules = try file("regress", c.name) else { return nil }
      for line in try String(contentsOf: rules, encoding: .utf8).split(separator: "\n") {
        guard !line.allSatisfy(\.isWhitespace) else { continue }
        let one = work.appendingPathComponent("rule-\(c.name)")
        try (line + "\n").write(to: one, atomically: true, encoding: .utf8)
        produced += try trace(["ipf:" + one.path]) + ["--------"]
      }
      let expected = expectedLines.filter { IPFTestSuite.verdictWords.contains($0) || $0 == "--------" }
      return Result(expected: expected, produced: produced).aligned
    case "f_m_test":
      guard let rules = try file("regress", c.name) else { return nil }
      produced = try trace(["ipf:" + rules.path])
    case "p_test":
      guard try file("regress", c.name + ".nat") == nil else { return nil }
      var rules: [String] = []
      if let pool = try file("regress", c.name + ".pool") { rules.append("ippool:" + pool.path) }
      guard let ipf = try file("regress", c.name + ".ipf") else { return nil }
      rules.append("ipf:" + ipf.path)
      produced = try trace(rules)
    default:
      return nil
    }
    return Result(expected: expectedLines.filter { IPFTestSuite.verdictWords.contains($0) }, produced: produced)
      .aligned
  }
}

extension IPFTestSuite.Result {
  /// Per-line runs compare section by section: a run that printed too few or too many words
  /// does not shift the sections after it. Separators are dropped after alignment.
  var aligned: IPFTestSuite.Result {
    func sections(_ words: [String]) -> [[String]] {
      var out: [[String]] = [[]]
      for w in words {
        if w == "--------" { out.append([]) } else { out[out.count - 1].append(w) }
      }
      return out
    }
    let e = sections(expected)
    let p = sections(produced)
    var exp: [String] = []
    var prod: [String] = []
    for (i, section) in e.enumerated() {
      let mine = i < p.count ? p[i] : []
      exp += section
      prod += (0..<section.count).map { $0 < mine.count ? mine[$0] : "(missing)" }
    }
    return IPFTestSuite.Result(expected: exp, produced: prod)
  }
}
