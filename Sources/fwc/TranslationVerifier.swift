import FirewallIR
import Foundation
import PacketSets
import Semantics
import Translation

/// `fwc translate --verify`: the output, read back with fwc's own parser, against the input
/// without what was lost.
enum TranslationVerifier {
  struct Result {
    var equivalent: Bool
    var report: String
  }

  static func verify(
    carried: Ruleset, sourceName: String, output: [(name: String, text: String)], target: Language, host: HostContext,
    what: String = "translation"
  ) throws -> Result {
    let inputs = output.map { f -> InputFile in
      let kind: String
      switch target {
      case .pf: kind = "pf"
      case .ipfw: kind = "ipfw"
      case .ipf: kind = f.name == "ipnat.conf" ? "ipnat" : f.name == "ippool.conf" ? "ippool" : "ipf"
      }
      return InputFile(kind: kind, source: SourceFile(name: "<\(what) \(f.name)>", text: f.text))
    }
    let back: LoadedRuleset
    do {
      back = try loadRuleset(inputs: inputs, host: host, name: what)
    } catch {
      return Result(equivalent: false, report: "fwc: verify: the \(what) does not read back (errors above)\n")
    }
    let (diff, left, right, standIn) = try compare(carried, back.ruleset, host: host)
    if diff.isEquivalent && diff.stateRegions.isEmpty {
      return Result(
        equivalent: true,
        report: "verified: the \(what) decides and translates every packet as \(sourceName) does\n")
    }
    var out = OutputBuffer()
    let evaluators = [left, right].map {
      Evaluator(ruleset: $0, environment: AddressEnvironment(tables: $0.tables, host: standIn), stateful: false)
    }
    DiffOutput.text(
      diff, names: (sourceName, what), examples: diff.examples(diff.regions, limit: 5),
      stateExamples: diff.examples(diff.stateRegions, limit: 5), evaluators: evaluators, into: &out)
    return Result(equivalent: false, report: "fwc: verify failed:\n" + out.text)
  }
}

/// Two rulesets compared with packet sets, after the preparation `diff` gives them (stand-in
/// addresses for interfaces and run-time tables); also the rulesets as compared and the host.
func compare(_ a: Ruleset, _ b: Ruleset, host: HostContext) throws -> (RulesetDiff, Ruleset, Ruleset, HostContext) {
  let left = ComparisonPreparation.prepared(a)
  let right = ComparisonPreparation.prepared(b)
  let standIn = ComparisonPreparation.standInHost(host, rulesets: [left, right])
  let space = PacketSpace(interfaces: PacketSpace.interfaceNames([left, right], host: standIn))
  func sets(_ rs: Ruleset) throws -> DecisionSets {
    do {
      let sets = try DecisionSets(
        ruleset: rs, space: space, environment: AddressEnvironment(tables: rs.tables, host: standIn))
      sets.forgetEffectsOfBlocked()
      return sets
    } catch {
      throw CommandFailure(description: "fwc: verify: \(error.description): cannot compare")
    }
  }
  return (RulesetDiff(try sets(left), try sets(right)), left, right, standIn)
}

extension OutputBuffer {
  var text: String { String(decoding: bytes, as: UTF8.self) }
}
