import ArgumentParser
import FirewallIR
import Foundation
import PacketSets
import Semantics

/// `fwc diff`: whether two rulesets, in any languages, treat every packet alike.
struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Compare two rulesets exactly: the packets they decide or translate differently.",
    discussion: """
      Each side is one ruleset in any language; a `KIND:` prefix forces a file's kind, and `+` \
      joins the files of one ruleset (`ipf:ipf.conf+ipnat:ipnat.conf`). Every first packet (IPv4 \
      and IPv6, every protocol, port, flag, ICMP type and interface the rulesets name) is \
      compared with packet sets. Differences are printed with example packets, each with both \
      verdicts and the deciding rules' file:line. Packets both pass but only one keeps state \
      for are listed separately.

      Exit codes: 0 equivalent, 1 different, 2 the comparison could not run (for example a rule \
      matching on something packet sets do not model, such as a user id).
      """)

  @OptionGroup var options: RulesetOptions

  @Option(help: "The most example packets to print.")
  var maxExamples: Int = 5

  @Option(help: "Output format: text or json.")
  var format: String = "text"

  @Argument(help: "The first ruleset.")
  var left: String

  @Argument(help: "The second ruleset.")
  var right: String

  func validate() throws {
    if maxExamples < 0 { throw ValidationError("--max-examples must not be negative") }
    if !["text", "json"].contains(format) {
      throw ValidationError("unknown format '\(format)': expected text or json")
    }
  }

  func run() throws {
    let host = try options.hostContext()
    func load(_ side: String) throws -> LoadedRuleset {
      try loadRuleset(
        side.split(separator: "+").map(String.init), language: options.language, host: host, defines: options.defines)
    }
    let a = try load(left)
    let b = try load(right)
    let space = PacketSpace(interfaces: PacketSpace.interfaceNames([a.ruleset, b.ruleset], host: host))
    func sets(_ l: LoadedRuleset) throws -> DecisionSets {
      do {
        return try DecisionSets(
          ruleset: l.ruleset, space: space, environment: AddressEnvironment(tables: l.ruleset.tables, host: host))
      } catch {
        throw CommandFailure(description: "fwc: \(error.description): cannot compare \(l.name)")
      }
    }
    let diff = RulesetDiff(try sets(a), try sets(b))
    let evaluators = [a, b].map {
      Evaluator(
        ruleset: $0.ruleset, environment: AddressEnvironment(tables: $0.ruleset.tables, host: host), stateful: false)
    }
    var out = OutputBuffer()
    let examples = diff.examples(diff.regions, limit: maxExamples)
    let stateExamples = diff.examples(diff.stateRegions, limit: maxExamples)
    if format == "json" {
      out.write(DiffOutput.json(diff, examples: examples, stateExamples: stateExamples, evaluators: evaluators) + "\n")
    } else {
      DiffOutput.text(
        diff, names: (a.name, b.name), examples: examples, stateExamples: stateExamples, evaluators: evaluators,
        into: &out)
    }
    out.flush()
    if !diff.isEquivalent { throw ExitCode(1) }
  }
}

/// How `fwc diff` reports.
enum DiffOutput {
  static func side(_ e: Evaluator, _ h: PacketHeader) -> (Decision, String) {
    let d = e.evaluate(Packet(example: h))
    let place = TraceOutput.ruleName(d.rule)
    return (d, place)
  }

  static func text(
    _ diff: RulesetDiff, names: (String, String), examples: [(RulesetDiff.Region, PacketHeader)],
    stateExamples: [(RulesetDiff.Region, PacketHeader)], evaluators: [Evaluator], into out: inout OutputBuffer
  ) {
    if diff.isEquivalent {
      out.write("equivalent: \(names.0) and \(names.1) decide and translate every packet alike\n")
    } else {
      let total = diff.regions.reduce(0) { $0 + $1.count }
      out.write("different: \(names.0) and \(names.1) treat \(count(total)) packet headers differently\n")
      for r in diff.regions {
        out.write("  \(count(r.count)) headers: \(r.left) vs \(r.right)\n")
      }
      if !examples.isEmpty { out.write("examples:\n") }
      write(examples, names: names, evaluators: evaluators, into: &out)
    }
    if !diff.stateRegions.isEmpty {
      let total = diff.stateRegions.reduce(0) { $0 + $1.count }
      out.write("state: \(count(total)) passed packet headers create state in only one of the rulesets\n")
      write(stateExamples, names: names, evaluators: evaluators, into: &out)
    }
  }

  /// Each example packet with what both rulesets do to it, as the evaluator sees it.
  static func write(
    _ examples: [(RulesetDiff.Region, PacketHeader)], names: (String, String), evaluators: [Evaluator],
    into out: inout OutputBuffer
  ) {
    for (_, h) in examples {
      let (da, pa) = side(evaluators[0], h)
      let (db, pb) = side(evaluators[1], h)
      out.write("  \(PacketSpec.format(Packet(example: h)))\n")
      out.write("    \(names.0): \(da.outcome) (\(pa))\n")
      out.write("    \(names.1): \(db.outcome) (\(pb))\n")
    }
  }

  /// A header count in words: exact below a million, else a power of two.
  static func count(_ n: Double) -> String {
    if n < 1_000_000 { return String(Int(n)) }
    return "about 2^" + String(format: "%.1f", log2(n))
  }

  static func json(
    _ diff: RulesetDiff, examples: [(RulesetDiff.Region, PacketHeader)],
    stateExamples: [(RulesetDiff.Region, PacketHeader)], evaluators: [Evaluator]
  ) -> String {
    func example(_ h: PacketHeader) -> String {
      let sides = evaluators.map { e -> String in
        let d = e.evaluate(Packet(example: h))
        let rule = d.rule?.origin.first.map { "{\"file\":\(TraceOutput.quote($0.file)),\"line\":\($0.line)}" } ?? "null"
        return
          "{\"outcome\":\(TraceOutput.quote(d.outcome.description)),\"verdict\":\"\(d.verdict.isPass ? "pass" : "block")\",\"rule\":\(rule)}"
      }
      return
        "{\"packet\":\(TraceOutput.quote(PacketSpec.format(Packet(example: h)))),\"left\":\(sides[0]),\"right\":\(sides[1])}"
    }
    let regions = diff.regions.map {
      "{\"left\":\(TraceOutput.quote($0.left.description)),\"right\":\(TraceOutput.quote($0.right.description)),\"headers\":\($0.count)}"
    }
    return "{\"equivalent\":\(diff.isEquivalent),\"regions\":[" + regions.joined(separator: ",") + "],\"examples\":["
      + examples.map { example($0.1) }.joined(separator: ",") + "],\"state_examples\":["
      + stateExamples.map { example($0.1) }.joined(separator: ",") + "]}"
  }
}
