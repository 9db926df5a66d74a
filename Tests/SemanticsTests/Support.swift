import FirewallIR
import Foundation
import IPFWSyntax
import IPFilterSyntax
import PFSyntax
import PacketSets
import Semantics
import TestSupport

/// A named ruleset of the corpus.
struct CorpusRuleset {
  var name: String
  var ruleset: Ruleset
  var host: HostContext
}

/// Every ruleset of the corpus that parses: pfctl's tests and examples, ipfilter's suite and
/// real-world files, the ipfw real-world scripts.
func corpusRulesets(_ root: URL) -> [CorpusRuleset] {
  var out: [CorpusRuleset] = []
  let fm = FileManager.default
  let pfHost = try! HostContext.load(
    path: packageRoot.appendingPathComponent("Tests/Fixtures/pfctl-corpus.host.json").path)
  for sub in ["pf/pfctl-tests", "pf/openbsd-regress", "pf/examples"] {
    let dir = root.appendingPathComponent(sub)
    for name in ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    where !name.hasSuffix(".ok") && !name.hasSuffix(".fail") && !name.hasSuffix(".tsv") && name != "Makefile" {
      let url = dir.appendingPathComponent(name)
      guard let file = readFile(url) else { continue }
      let r = PFParser.parse(file, host: pfHost) { path in
        readFile(path.hasPrefix("/") ? URL(fileURLWithPath: path) : dir.appendingPathComponent(path))
      }
      if !r.hasErrors {
        out.append(CorpusRuleset(name: "\(sub)/\(name)", ruleset: PFLowering.lower(r.config), host: pfHost))
      }
    }
  }
  let regress = root.appendingPathComponent("ipfilter/test/regress")
  for name in ((try? fm.contentsOfDirectory(atPath: regress.path)) ?? []).sorted()
  where name.hasPrefix("i") && !name.hasPrefix("ip") && !name.hasSuffix(".dist") {
    guard let file = readFile(regress.appendingPathComponent(name)) else { continue }
    if name.hasPrefix("in") {
      let r = IPNatParser.parse(file)
      if !r.hasErrors {
        out.append(
          CorpusRuleset(name: "ipfilter/\(name)", ruleset: IPFLowering.lower(ipf: [], nat: r.rules), host: .empty))
      }
    } else {
      let r = IPFParser.parse(file)
      if !r.hasErrors {
        out.append(CorpusRuleset(name: "ipfilter/\(name)", ruleset: IPFLowering.lower(ipf: r.rules), host: .empty))
      }
    }
  }
  let ipfReal = root.appendingPathComponent("ipfilter/realworld")
  for name in ((try? fm.contentsOfDirectory(atPath: ipfReal.path)) ?? []).sorted() {
    guard let file = readFile(ipfReal.appendingPathComponent(name)) else { continue }
    if name.contains("ipnat") {
      let r = IPNatParser.parse(file)
      if !r.hasErrors {
        out.append(
          CorpusRuleset(
            name: "ipfilter/realworld/\(name)", ruleset: IPFLowering.lower(ipf: [], nat: r.rules), host: .empty))
      }
    } else {
      let r = IPFParser.parse(file)
      if !r.hasErrors {
        out.append(
          CorpusRuleset(name: "ipfilter/realworld/\(name)", ruleset: IPFLowering.lower(ipf: r.rules), host: .empty))
      }
    }
  }
  for sub in ["ipfw/realworld", "ipfw/examples"] {
    let dir = root.appendingPathComponent(sub)
    for name in ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
      guard let file = readFile(dir.appendingPathComponent(name)) else { continue }
      let r = IPFWParser.parse(file)
      if !r.diagnostics.contains(where: { $0.severity == .error }) {
        out.append(CorpusRuleset(name: "\(sub)/\(name)", ruleset: IPFWLowering.lower(r.ruleset), host: .empty))
      }
    }
  }
  return out
}

/// Random well-formed packet headers, biased towards the values a ruleset names (addresses in
/// and just outside its networks, its ports and their neighbours, its protocols and ICMP types),
/// so that random packets reach its rules.
struct PacketGenerator {
  var rng: SplitMix
  var addresses: [AddressFamily: [UInt128]] = [.inet: [], .inet6: []]
  var ports: [UInt16] = [0, 1, 22, 53, 80, 443, 1024, 65535]
  var protocols: [UInt8] = [6, 17, 1, 58, 132, 47]
  var icmpTypes: [UInt8] = [0, 3, 8, 11, 128, 129, 135]
  var tos: [UInt8] = [0, 0x10, 0x24]
  let interfaces: [String]

  init(rules: [Rule], tables: [String: Table], interfaces: [String], seed: UInt64) {
    rng = SplitMix(seed: seed)
    self.interfaces = interfaces
    func add(_ term: AddressTerm) {
      switch term {
      case .network(let n):
        let base = n.address.masked(n.prefix).value
        let size: UInt128 = n.prefix >= n.family.bitCount ? 1 : UInt128(1) << UInt128(n.family.bitCount - n.prefix)
        let top: UInt128 = n.family == .inet ? 0xFFFF_FFFF : .max
        addresses[n.family, default: []] += [base, base &+ size / 2, base &+ size &- 1]
        if base > 0 { addresses[n.family, default: []].append(base - 1) }
        if base &+ size <= top && base &+ size > base { addresses[n.family, default: []].append(base + size) }
      case .range(let a, let b):
        addresses[a.family, default: []] += [a.value, b.value, a.value &- 1, b.value &+ 1]
      case .masked(let a, _):
        addresses[a.family, default: []].append(a.value)
      default:
        break
      }
    }
    for r in rules {
      for t in r.match.source.terms + r.match.destination.terms { add(t) }
      for t in r.translation.flatMap(\.targets) { add(t) }
      for m in (r.match.sourcePort ?? []) + (r.match.destinationPort ?? []) {
        for v in [m.low, m.high] where v <= 65535 {
          ports += [UInt16(v), UInt16(v == 0 ? 0 : v - 1), UInt16(min(65535, v + 1))]
        }
      }
      protocols += r.match.protocols ?? []
      icmpTypes += r.match.icmpType ?? []
      if let t = r.match.tos { tos.append(t) }
    }
    for t in tables.values { for e in t.entries + t.excluded { add(e) } }
  }

  mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

  mutating func header() -> PacketHeader {
    var h = PacketHeader()
    h.family = rng.next() % 4 == 0 ? .inet6 : .inet
    h.direction = rng.next() % 2 == 0 ? .in : .out
    h.interface = interfaces.isEmpty || rng.next() % 5 == 0 ? nil : pick(interfaces)
    h.proto = pick(protocols)
    func address() -> UInt128 {
      let known = addresses[h.family] ?? []
      if !known.isEmpty && rng.next() % 4 != 0 { return pick(known) }
      let raw = UInt128(rng.next()) << 64 | UInt128(rng.next())
      return h.family == .inet ? raw & 0xFFFF_FFFF : raw
    }
    h.source = address()
    h.destination = address()
    if h.family == .inet6 && h.proto == 1 { h.proto = 58 }
    if h.family == .inet && h.proto == 58 { h.proto = 1 }
    if [6, 17, 132].contains(h.proto) {
      h.sourcePort = rng.next() % 3 == 0 ? UInt16(truncatingIfNeeded: rng.next()) : pick(ports)
      h.destinationPort = rng.next() % 3 == 0 ? UInt16(truncatingIfNeeded: rng.next()) : pick(ports)
    }
    if h.proto == 6 { h.tcpFlags = pick([0x02, 0x12, 0x10, 0x04, 0x01, 0x11, UInt8(truncatingIfNeeded: rng.next())]) }
    if h.proto == (h.family == .inet ? 1 : 58) {
      h.icmpType = pick(icmpTypes)
      h.icmpCode = rng.next() % 4 == 0 ? UInt8(rng.next() % 16) : 0
    }
    h.tos = pick(tos)
    switch rng.next() % 10 {
    case 0: h.fragment = .first
    case 1:
      h.fragment = .later
      h.sourcePort = 0
      h.destinationPort = 0
      h.tcpFlags = 0
      h.icmpType = 0
      h.icmpCode = 0
    default: break
    }
    return h
  }
}
