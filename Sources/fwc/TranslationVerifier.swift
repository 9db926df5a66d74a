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
    carried: Ruleset, sourceName: String, output: [(name: String, text: String)], target: Language, host: HostContext
  ) throws -> Result {
    let inputs = output.map { f -> InputFile in
      let kind: String
      switch target {
      case .pf: kind = "pf"
      case .ipfw: kind = "ipfw"
      case .ipf: kind = f.name == "ipnat.conf" ? "ipnat" : f.name == "ippool.conf" ? "ippool" : "ipf"
      }
      return InputFile(kind: kind, source: SourceFile(name: "<translated \(f.name)>", text: f.text))
    }
    let back: LoadedRuleset
    do {
      back = try loadRuleset(inputs: inputs, host: host, name: "translation")
    } catch {
      return Result(equivalent: false, report: "fwc: verify: the translation does not read back (errors above)\n")
    }
    let left = ComparisonPreparation.prepared(carried)
    let right = ComparisonPreparation.prepared(back.ruleset)
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
    let diff = RulesetDiff(try sets(left), try sets(right))
    if diff.isEquivalent && diff.stateRegions.isEmpty {
      return Result(
        equivalent: true,
        report: "verified: the translation decides and translates every packet as \(sourceName) does\n")
    }
    var out = OutputBuffer()
    let evaluators = [left, right].map {
      Evaluator(ruleset: $0, environment: AddressEnvironment(tables: $0.tables, host: standIn), stateful: false)
    }
    DiffOutput.text(
      diff, names: (sourceName, "translation"), examples: diff.examples(diff.regions, limit: 5),
      stateExamples: diff.examples(diff.stateRegions, limit: 5), evaluators: evaluators, into: &out)
    return Result(equivalent: false, report: "fwc: verify failed:\n" + out.text)
  }
}

extension OutputBuffer {
  var text: String { String(decoding: bytes, as: UTF8.self) }
}
