import Foundation

/// A Python literal or call expression, as test_add_rule.py writes its cases.
indirect enum PyValue: CustomStringConvertible {
  case string(String)
  case number(Double, isInteger: Bool)
  case name(String)
  case call(String, [PyValue], [String: PyValue])
  case list([PyValue])
  case tuple([PyValue])
  case dict([(PyValue, PyValue)])

  /// Constants of the ipfw test library (values from netinet/ip_icmp.h, icmp6.h and ip_fw.h).
  static let constants: [String: Int] = [
    "IcmpRejectCode.ICMP_UNREACH_HOST": 1, "IcmpRejectCode.ICMP_UNREACH_PORT": 3,
    "IcmpRejectCode.ICMP_UNREACH_NEEDFRAG": 4, "IcmpRejectCode.ICMP_REJECT_RST": 0x100,
    "IcmpRejectCode.ICMP_REJECT_ABORT": 0x101, "Icmp6RejectCode.ICMP6_DST_UNREACH_NOPORT": 4,
    "Icmp6RejectCode.ICMP6_UNREACH_RST": 0x100, "Icmp6RejectCode.ICMP6_UNREACH_ABORT": 0x101,
  ]

  var int: Int? {
    switch self {
    case .number(let d, true): return Int(d)
    case .name(let n): return Self.constants[n]
    default: return nil
    }
  }
  var double: Double? { if case .number(let d, _) = self { return d } else { return nil } }
  var string: String? { if case .string(let s) = self { return s } else { return nil } }
  var name: String? { if case .name(let n) = self { return n } else { return nil } }
  var bool: Bool? {
    if case .name(let n) = self { return n == "True" ? true : n == "False" ? false : nil } else { return nil }
  }

  subscript(key: String) -> PyValue? {
    guard case .dict(let pairs) = self else { return nil }
    return pairs.first { $0.0.string == key }?.1
  }

  var description: String {
    switch self {
    case .string(let s): return "\"\(s)\""
    case .number(let d, let i): return i ? String(Int(d)) : String(d)
    case .name(let n): return n
    case .call(let n, let a, let k):
      return "\(n)("
        + (a.map(\.description) + k.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        .joined(separator: ", ") + ")"
    case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
    case .tuple(let l): return "(" + l.map(\.description).joined(separator: ", ") + ")"
    case .dict(let p): return "{" + p.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }
  }
}

/// A reader for the Python expression subset: literals, names, calls, lists, tuples, dicts,
/// and `a | b` on integers.
struct PyReader {
  let b: [UInt8]
  var i: Int

  init(_ text: Substring) {
    b = Array(text.utf8)
    i = 0
  }

  mutating func skip() {
    while i < b.count {
      if b[i] == UInt8(ascii: "#") {
        while i < b.count && b[i] != 0x0A { i += 1 }
      } else if b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x09 || b[i] == 0x0D {
        i += 1
      } else {
        break
      }
    }
  }

  mutating func eat(_ c: Character) -> Bool {
    skip()
    if i < b.count && b[i] == c.asciiValue! {
      i += 1
      return true
    }
    return false
  }

  mutating func expression() throws -> PyValue {
    var v = try term()
    while eat("|") {
      let r = try term()
      guard let a = v.int, let c = r.int else { throw OpcodeCases.Failure("`|` on non-integers") }
      v = .number(Double(a | c), isInteger: true)
    }
    return v
  }

  mutating func sequence(until close: Character) throws -> [PyValue] {
    var items: [PyValue] = []
    while !eat(close) {
      items.append(try expression())
      _ = eat(",")
    }
    return items
  }

  mutating func term() throws -> PyValue {
    skip()
    guard i < b.count else { throw OpcodeCases.Failure("unexpected end") }
    let c = b[i]
    if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
      let start = i + 1
      i += 1
      while i < b.count && b[i] != c { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
      let s = String(decoding: b[start..<i], as: UTF8.self)
      i += 1
      return .string(s)
    }
    if c == UInt8(ascii: "[") {
      i += 1
      return .list(try sequence(until: "]"))
    }
    if c == UInt8(ascii: "(") {
      i += 1
      return .tuple(try sequence(until: ")"))
    }
    if c == UInt8(ascii: "{") {
      i += 1
      var pairs: [(PyValue, PyValue)] = []
      while !eat("}") {
        let k = try expression()
        guard eat(":") else { throw OpcodeCases.Failure("expected `:` in a dict") }
        pairs.append((k, try expression()))
        _ = eat(",")
      }
      return .dict(pairs)
    }
    let start = i
    while i < b.count,
      b[i] == UInt8(ascii: "_") || b[i] == UInt8(ascii: ".") || (b[i] | 0x20 >= 97 && b[i] | 0x20 <= 122)
        || (b[i] >= 48 && b[i] <= 57)
    {
      i += 1
    }
    guard i > start else { throw OpcodeCases.Failure("unexpected `\(Character(UnicodeScalar(c)))`") }
    let word = String(decoding: b[start..<i], as: UTF8.self)
    if let first = word.first, first.isNumber {
      if word.hasPrefix("0x"), let n = Int(word.dropFirst(2), radix: 16) { return .number(Double(n), isInteger: true) }
      if let n = Int(word) { return .number(Double(n), isInteger: true) }
      if let d = Double(word) { return .number(d, isInteger: false) }
      throw OpcodeCases.Failure("bad number \(word)")
    }
    if eat("(") {
      var args: [PyValue] = []
      var kw: [String: PyValue] = [:]
      while !eat(")") {
        skip()
        let save = i
        if case .name(let n) = try term(), eat("=") {
          kw[n] = try expression()
        } else {
          i = save
          args.append(try expression())
        }
        _ = eat(",")
      }
      return .call(word, args, kw)
    }
    return .name(word)
  }
}

/// The cases of test_add_rule.py: the `ipfw` command and the opcodes it must compile to.
enum OpcodeCases {
  struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
  }

  struct Case {
    var id: String
    var command: String
    var insns: [PyValue]
    var objects: [Int: String]
    var ruleNumber: Int?
  }

  /// Reads every `@pytest.mark.parametrize(...)` and the test function it decorates.
  static func read(_ text: String) throws -> [Case] {
    var cases: [Case] = []
    var pending: [String: [PyValue]] = [:]
    var rest = text[...]
    while let deco = rest.range(of: "@pytest.mark.parametrize") {
      let defRange = rest.range(of: "\n    def ", range: deco.upperBound..<rest.endIndex)
      var r = PyReader(rest[deco.upperBound...])
      guard case .tuple(let args) = try r.term(), args.count == 2, let key = args[0].string,
        case .list(let params) = args[1]
      else { throw Failure("unreadable parametrize") }
      pending[key] = params
      let after = rest.index(deco.upperBound, offsetBy: r.i)
      rest = rest[after...]
      // When the next thing is the test function, the parameters collected so far are its own.
      guard let d = defRange, rest.range(of: "@pytest.mark.parametrize")?.lowerBound ?? rest.endIndex > d.lowerBound
      else { continue }
      let name = String(rest[d.upperBound...].prefix(while: { $0 != "(" }))
      cases += try expand(name, pending)
      pending = [:]
    }
    return cases
  }

  static func data(_ p: PyValue) -> (PyValue, String)? {
    guard case .call("pytest.param", let args, let kw) = p, let first = args.first else { return nil }
    if args.count == 1 { return (first, kw["id"]?.string ?? "?") }
    return (.tuple(args), kw["id"]?.string ?? "?")
  }

  static func expand(_ test: String, _ params: [String: [PyValue]]) throws -> [Case] {
    let accept = PyValue.call("InsnEmpty", [.name("IpFwOpcode.O_ACCEPT")], [:])
    var out: [Case] = []
    switch test {
    case "test_add_rule":
      for p in params["rule"] ?? [] {
        guard let (d, id) = data(p), let command = d["in"]?.string, let o = d["out"],
          case .list(let insns)? = o["insns"]
        else { throw Failure("bad test_add_rule case \(p)") }
        var objects: [Int: String] = [:]
        if case .list(let objs)? = o["objs"] {
          for obj in objs {
            if case .call(_, _, let kw) = obj, let idx = kw["idx"]?.int, let n = kw["name"]?.string { objects[idx] = n }
          }
        }
        out.append(Case(id: id, command: command, insns: insns, objects: objects, ruleNumber: o["rulenum"]?.int))
      }
    case "test_add_action":
      for p in params["action"] ?? [] {
        guard let (d, id) = data(p), case .tuple(let t) = d, t.count == 2, let a = t[0].string else {
          throw Failure("bad test_add_action case \(p)")
        }
        out.append(Case(id: id, command: "add \(a) ip from any to any", insns: [t[1]], objects: [:]))
      }
    case "test_add_single_instruction":
      for p in params["insn"] ?? [] {
        guard let (d, id) = data(p), let command = d["in"]?.string, let insn = d["out"] else {
          throw Failure("bad test_add_single_instruction case \(p)")
        }
        out.append(Case(id: id, command: command, insns: [insn, accept], objects: [:]))
      }
    case "test_add_ports":
      for o in params["opcode"] ?? [] {
        guard let (op, oid) = data(o) else { throw Failure("bad opcode param") }
        for p in params["params"] ?? [] {
          guard let (d, id) = data(p), let ports = d["in"]?.string, let pairs = d["out"] else {
            throw Failure("bad test_add_ports case \(p)")
          }
          let dst = op.name?.hasSuffix("DSTPORT") == true
          let command = dst ? "add allow ip from any to any \(ports)" : "add allow ip from any \(ports) to any"
          let insn = PyValue.call("InsnPorts", [op], ["port_pairs": pairs])
          out.append(Case(id: "\(id)-\(oid)", command: command, insns: [insn, accept], objects: [:]))
        }
      }
    default:
      break
    }
    return out
  }
}
