import FirewallIR
import Foundation
import TestSupport
import XCTest

@testable import IPFWSyntax

let ipfwCorpus: URL? = {
  let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/ipfw")
  return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()

/// FreeBSD's sbin/ipfw/tests/test_add_rule.py lists, for each `ipfw add` command, the kernel
/// opcodes ipfw must emit. This test reads that file (its Python literals), decodes each opcode
/// list into what it means, and checks that fwc's IR for the same command means the same.
final class OpcodeConformanceTests: XCTestCase {
  func testEveryCommandMeansWhatItsOpcodesMean() throws {
    guard let root = ipfwCorpus else {
      throw XCTSkip("../shared/corpus is absent (fresh clone without shared data): ipfw opcode tests skipped")
    }
    let url = root.appendingPathComponent("freebsd-tests/sbin_ipfw_tests_test_add_rule.py.txt")
    let text = try String(contentsOf: url, encoding: .utf8)
    let cases = try OpcodeCases.read(text)
    XCTAssertEqual(cases.count, 46, "test_add_rule.py should hold 46 cases")
    var agree = 0
    for c in cases {
      let expected = try Meaning(opcodes: c.insns, objects: c.objects, ruleNumber: c.ruleNumber)
      let file = SourceFile(name: "case-\(c.id)", text: c.command + "\n")
      let r = IPFWParser.parse(file)
      guard r.diagnostics.isEmpty, r.ruleset.rules.count == 1 else {
        XCTFail("\(c.id): `\(c.command)` was not accepted: \(r.diagnostics.map(\.message))")
        continue
      }
      let got = Meaning(rule: IPFWLowering.lower(r.ruleset.rules[0]), explicitNumber: c.ruleNumber != nil)
      if got == expected {
        agree += 1
      } else {
        XCTFail("\(c.id): `\(c.command)`\n  opcodes mean: \(expected)\n  fwc IR means: \(got)")
      }
    }
    print("ipfw opcode conformance: \(agree) of \(cases.count) commands agree with their kernel opcodes")
    XCTAssertGreaterThanOrEqual(agree, 42)
  }
}

/// What a rule means, in terms both the opcodes and the IR can say.
struct Meaning: Equatable, CustomStringConvertible {
  var number: Int?
  var action = ""
  var protocols: [UInt8] = []
  var source: [String] = []
  var destination: [String] = []
  var sourcePorts: [String] = []
  var destinationPorts: [String] = []
  var state = "none"
  var comment: String?
  var probability: Double?
  var other: [String] = []

  var description: String {
    "#\(number.map(String.init) ?? "-") \(action) proto\(protocols) from\(source) ports\(sourcePorts) to\(destination) ports\(destinationPorts) state=\(state) comment=\(comment ?? "-") prob=\(probability.map { "\($0)" } ?? "-") other\(other)"
  }

  init(rule: Rule, explicitNumber: Bool) {
    number = explicitNumber ? rule.number : nil
    action = Self.describe(rule.action)
    protocols = rule.match.protocols ?? []
    source = rule.match.source.isAny ? [] : rule.match.source.terms.map(Self.describe)
    destination = rule.match.destination.isAny ? [] : rule.match.destination.terms.map(Self.describe)
    sourcePorts = (rule.match.sourcePort ?? []).map(Self.describe)
    destinationPorts = (rule.match.destinationPort ?? []).map(Self.describe)
    switch rule.state {
    case .keep: state = "probe+keep :\(rule.stateName ?? "?")"
    case .record: state = "keep :\(rule.stateName ?? "?")"
    case .none: state = "none"
    default: state = rule.state.rawValue
    }
    comment = rule.comment
    probability = rule.match.probability
    other = rule.match.opaque + rule.features
  }

  static func describe(_ t: AddressTerm) -> String {
    switch t {
    case .network(let n): return "\(n.address)/\(n.prefix)"
    case .table(let name): return "table \(name)"
    default: return "\(t)"
    }
  }

  static func describe(_ r: RangeMatch) -> String {
    r.op == .equal ? "\(r.low)-\(r.low)" : "\(r.low)-\(r.high)"
  }

  static func describe(_ a: Action) -> String {
    switch a {
    case .pass: return "pass"
    case .block(.drop): return "drop"
    case .block(.icmpUnreachable(let code, let mtu)): return "unreach \(code)" + (mtu.map { " mtu \($0)" } ?? "")
    case .block(.icmp6Unreachable(let code)): return "unreach6 \(code)"
    case .block(.returnRST): return "reset"
    case .block(.returnRST6): return "reset6"
    case .block(.sctpAbort(let v6)): return v6 ? "abort6" : "abort"
    case .match: return "count"
    case .skip(let n): return "skipto \(n)"
    case .call(let n): return "call \(n)"
    case .returnFromCall: return "return"
    case .checkState(let name): return "check-state \(name)"
    case .external(let k, let arg, _): return k == "eaction" ? arg : "\(k) \(arg)"
    default: return "\(a)"
    }
  }

  /// Decodes an opcode list (as test_add_rule.py writes it).
  init(opcodes: [PyValue], objects: [Int: String], ruleNumber: Int?) throws {
    number = ruleNumber
    var probe: Int? = nil
    var externalName: String? = nil
    for insn in opcodes {
      guard case .call(let ctor, let args, let kw) = insn else { throw OpcodeCases.Failure("not an insn: \(insn)") }
      let op = args.first?.name.map { String($0.split(separator: ".").last!) } ?? ""
      let arg1 = kw["arg1"]?.int ?? 0
      switch (ctor, op) {
      case ("InsnComment", _): comment = kw["comment"]?.string
      case ("InsnProb", _): probability = kw["prob"]?.double
      case ("InsnProto", _): protocols.append(UInt8(arg1))
      case (_, "O_PROTO"): protocols.append(UInt8(arg1))
      case (_, "O_ACCEPT"): action = "pass"
      case (_, "O_DENY"): action = "drop"
      case (_, "O_COUNT"): action = "count"
      case (_, "O_REJECT"):
        switch arg1 {
        case 0x100: action = "reset"
        case 0x101: action = "abort"
        default: action = "unreach \(arg1)" + (kw["mtu"]?.int.map { " mtu \($0)" } ?? "")
        }
      case (_, "O_UNREACH6"):
        switch arg1 {
        case 0x100: action = "reset6"
        case 0x101: action = "abort6"
        default: action = "unreach6 \(arg1)"
        }
      case (_, "O_SKIPTO"): action = "skipto \(arg1)"
      case (_, "O_CALLRETURN"): action = kw["is_not"]?.bool == true ? "return" : "call \(arg1)"
      case (_, "O_CHECK_STATE"): action = "check-state \(objects[arg1] ?? "?")"
      case (_, "O_QUEUE"), (_, "O_PIPE"), (_, "O_NETGRAPH"), (_, "O_NGTEE"), (_, "O_DIVERT"), (_, "O_TEE"):
        action = "\(op.dropFirst(2).lowercased()) \(arg1)"
      case (_, "O_SETFIB"): action = "setfib \(arg1 & 0x7FFF)"
      case (_, "O_SETDSCP"): action = "setdscp \(arg1 & 0x3F)"
      case (_, "O_REASS"): action = "reass "
      case (_, "O_EXTERNAL_ACTION"): externalName = objects[arg1]
      case (_, "O_EXTERNAL_DATA"): action = "\(externalName ?? "?") \(arg1)"
      case (_, "O_EXTERNAL_INSTANCE"): action = "\(externalName ?? "?") \(objects[arg1] ?? "?")"
      case (_, "O_IP_SRC"), (_, "O_IP_DST"):
        let a = "\(kw["ip"]?.string ?? "?")/32"
        if op == "O_IP_SRC" { source.append(a) } else { destination.append(a) }
      case (_, "O_IP_SRC_LOOKUP"): source.append("table \(objects[arg1] ?? "?")")
      case (_, "O_IP_DST_LOOKUP"): destination.append("table \(objects[arg1] ?? "?")")
      case (_, "O_IP_SRCPORT"), (_, "O_IP_DSTPORT"):
        let ports = try Self.portPairs(kw["port_pairs"])
        if op == "O_IP_SRCPORT" { sourcePorts += ports } else { destinationPorts += ports }
      case (_, "O_PROBE_STATE"): probe = arg1
      case (_, "O_KEEP_STATE"):
        state = (probe == arg1 ? "probe+keep :" : "keep :") + (objects[arg1] ?? "?")
      default:
        throw OpcodeCases.Failure("opcode \(ctor)(\(op)) is not decoded by this test")
      }
    }
  }

  static func portPairs(_ v: PyValue?) throws -> [String] {
    guard case .list(let items)? = v else { throw OpcodeCases.Failure("port_pairs is not a list") }
    if items.allSatisfy({ $0.int != nil }) {
      return stride(from: 0, to: items.count - 1, by: 2).map { "\(items[$0].int!)-\(items[$0 + 1].int!)" }
    }
    return try items.map {
      guard case .tuple(let p) = $0, p.count == 2, let a = p[0].int, let b = p[1].int else {
        throw OpcodeCases.Failure("bad port pair \($0)")
      }
      return "\(a)-\(b)"
    }
  }
}
