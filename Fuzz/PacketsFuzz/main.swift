// libFuzzer entry point for the packet readers and the evaluator: each input is read as raw IP
// bytes, as ipftest's text and hex packet formats, and as a command-line packet; every packet
// read is evaluated under pf, ipfw and ipf orders with state. Nothing may crash or hang, a
// packet written back with PacketSpec must read back the same, and an encoded header must
// decode to itself.
import FirewallIR
import PacketSets
import Semantics

/// A few rules of each language, with state, translation, groups and jumps.
let evaluators: [Evaluator] = {
  func rule(_ action: Action, _ configure: (inout Match) -> Void, quick: Bool = false, state: StateMode = .none)
    -> Rule
  {
    var m = Match()
    configure(&m)
    return Rule(phase: .filter, match: m, action: action, quick: quick, state: state, origin: [], number: 100)
  }
  let tcp22 = rule(
    .pass,
    {
      $0.protocols = [6]; $0.destinationPort = [RangeMatch(.equal, 22)]
    }, state: .keep)
  let block = rule(.block(.drop), { $0.direction = .in })
  var nat = Rule(phase: .translation, match: Match(), action: .translate(.nat, negated: false), origin: [])
  nat.match.direction = .out
  nat.translation = [
    Translation(kind: .nat, targets: [.network(IPNetwork(address: IPAddress.parse("192.0.2.1")!, prefix: 32))])
  ]
  var rs: [Ruleset] = []
  rs.append(Ruleset(language: .pf, evaluation: .lastMatchUnlessQuick, rules: [nat, block, tcp22]))
  var skip = rule(.skip(to: 300), { $0.protocols = [17] }, quick: true)
  skip.number = 100
  var last = rule(.block(.drop), { _ in }, quick: true)
  last.number = 65535
  rs.append(Ruleset(language: .ipfw, evaluation: .firstMatch, rules: [skip, tcp22, last]))
  var head = rule(.block(.drop), { $0.direction = .in })
  head.head = "g"
  rs.append(
    Ruleset(language: .ipf, evaluation: .lastMatchUnlessQuick, rules: [head, nat], subrulesets: ["g": [tcp22]]))
  return rs.map { Evaluator(ruleset: $0, environment: AddressEnvironment()) }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  var packets: [Packet] = []
  if let p = PacketDecoder.decode(bytes) {
    packets.append(p)
    if !p.malformed && !p.short && p.quoted == nil && !p.bad && p.ipOptions == 0 {
      let again = PacketDecoder.decode(PacketEncoder.bytes(p.header))
      if again?.header != p.header { fatalError("encode/decode round trip changed \(p.header)") }
    }
  }
  let text = String(decoding: bytes, as: UTF8.self)
  packets += (try? IPFTestFormat.parseText(text)) ?? []
  packets += (try? IPFTestFormat.parseHex(text)) ?? []
  if let p = try? PacketSpec.parse(text) {
    let written = PacketSpec.format(p)
    guard let again = try? PacketSpec.parse(written), again.header == p.header else {
      fatalError("packet spec does not read back: \(text) -> \(written)")
    }
    packets.append(p)
  }
  for p in packets.prefix(64) {
    for e in evaluators { _ = e.evaluate(p) }
  }
  return 0
}
