import ArgumentParser
import Capture
import FirewallIR
import Foundation
import Passes
import Semantics
import Translation

/// `fwc optimize`: delete, merge and reorder rules, every step proved.
struct OptimizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optimize",
    abstract: "Remove, merge and reorder rules, proving the result equivalent.",
    discussion: """
      The passes run as a pipeline, each exact under the language's evaluation order:
      - remove-dead deletes the rules no packet is decided by (shadowed rules, duplicates, \
      rules matching nothing).
      - remove-redundant deletes the rules whose packets the rest decide the same way, one \
      line at a time, each judged against the rules still there.
      - merge-lists joins runs of lines that differ in one list (ports, ICMP types, \
      addresses) into one rule, addresses aggregated into CIDR blocks and put in a table \
      (ipf: an anonymous pool) from --table-threshold entries.
      - skip-steps orders runs of pf rules that decide alike so that pf's skip steps jump \
      over more rules.
      - profile-order, with --profile, moves the rules that decide the most packets of the \
      capture to the front where no packet can tell (ipfw, ipf).
      --level basic runs remove-dead only; full (the default) runs them all.

      The output is the input with lines deleted, rewritten or moved, everything else as \
      written; it is read back before it is written. With --verify (always in debug builds) it \
      is also compared with the input over every packet, and nothing is written when they \
      differ. --report lists each change with its line, the rule counts before and after, and \
      with --profile the rules evaluated per packet of the capture before and after (pf with \
      its skip steps). --to writes the optimized ruleset in another language, as `fwc \
      translate` does.

      Exit codes: 0 written, 1 errors in the input, losses in --to, or a result that does not \
      verify, 2 could not run.
      """)

  @OptionGroup var input: InputOptions

  @Option(help: "basic (dead rules) or full (every pass).")
  var level: String = "full"

  @Option(help: "Write the result in this language (pf, ipfw or ipf) instead of the input's.")
  var to: String?

  @Option(help: "Address lists of at least this many entries become tables (pfctl's threshold).")
  var tableThreshold: Int = 6

  @Option(help: ArgumentHelp("A capture whose packets guide the order of rules and measure it.", valueName: "pcap"))
  var profile: String?

  @Option(help: "The interface the capture's packets arrive on.")
  var profileOn: String?

  @Flag(help: "The capture's packets leave the host (outbound) instead of arriving.")
  var profileOut = false

  @Flag(help: "List what each pass changed, with source locations, on standard error.")
  var report = false

  @Flag(help: "With --to: write the output even when parts cannot be translated (they are listed).")
  var allowLoss = false

  @Option(name: .shortAndLong, help: "Write the result to this file instead of standard output.")
  var output: String?

  @Flag(
    help:
      "Also compare the output with the input over every packet before writing (always done in debug builds; slow on large rulesets)."
  )
  var verify = false

  func validate() throws {
    guard Optimizer.Level(rawValue: level) != nil else {
      throw ValidationError("unknown --level '\(level)': expected basic or full")
    }
    if let to, Language(rawValue: to) == nil {
      throw ValidationError("unknown --to '\(to)': expected pf, ipfw or ipf")
    }
    guard tableThreshold >= 2 else { throw ValidationError("--table-threshold must be at least 2") }
  }

  func run() throws {
    let host = try input.hostContext()
    let inputs = try input.files.map { try InputLoader.load($0, language: input.language) }
    let source = try loadRuleset(
      inputs: inputs, host: host, defines: input.defines, name: input.files.joined(separator: "+"))
    let language = source.ruleset.language
    var context = PassContext(host: host)
    context.tableThreshold = tableThreshold
    if let profile { context.packets = try Self.packets(profile, on: profileOn, out: profileOut) }
    let renderer = RuleRenderer(language: language, host: host, files: inputs)
    context.render = { renderer.render($0, tables: $1, at: $2) }
    // Only the files given are written: lines of included files stay as they are.
    let given = Set(inputs.map { FileNames.id(for: $0.source.name) })
    context.editable = { given.contains($0.fileID) }
    var texts: [Int32: [Substring]] = [:]
    for f in inputs { texts[FileNames.id(for: f.source.name)] = OptimizedText.lines(of: f).0 }
    context.adjacentInText = { a, b in
      guard a.fileID == b.fileID, let lines = texts[a.fileID] else { return false }
      return OptimizedText.onlyCommentsBetween(lines, a.line, b.line)
    }
    let passes = Optimizer.pipeline(Optimizer.Level(rawValue: level)!)
    #if DEBUG
      context.selfCheck = { try Self.provedEquivalent($0, $1, host: host) }
    #endif

    var (optimized, changes) = try Self.optimize(source.ruleset, passes: passes, context: context)
    let readBack = { (files: [InputFile]?) in
      files.flatMap {
        try? loadRuleset(inputs: $0, host: host, defines: input.defines, name: "optimized ruleset", quiet: true)
      }
    }
    var edited = Self.edited(inputs, source.ruleset, optimized, changes)
    var back = readBack(edited)
    if back == nil {
      // A moved ipfw rule whose number is not where fwc looks for it: keep the order.
      (optimized, changes) = try Self.optimize(
        source.ruleset, passes: passes.filter { !($0 is ReorderForSkipSteps || $0 is ReorderByProfile) },
        context: context)
      edited = Self.edited(inputs, source.ruleset, optimized, changes)
      back = readBack(edited)
    }
    guard let back, let edited else {
      FileHandle.standardError.write(Data("fwc: the optimized ruleset does not read back; nothing written\n".utf8))
      throw ExitCode(1)
    }
    // The passes are exact by construction (and property-tested); the whole-ruleset proof is
    // the debug builds' self-check, and --verify's.
    var proved = verify
    #if DEBUG
      proved = true
    #endif
    var equivalent = true
    if proved {
      equivalent = try Self.provedEquivalent(source.ruleset, back.ruleset, host: host)
    }
    if report || !equivalent {
      FileHandle.standardError.write(Data(reportText(source, back, changes, context: context).utf8))
    }
    guard equivalent else {
      FileHandle.standardError.write(
        Data(
          "fwc: the optimized ruleset could not be proved equivalent (`fwc diff` shows where); nothing written\n".utf8))
      throw ExitCode(1)
    }
    if report && proved {
      FileHandle.standardError.write(
        Data("verified: the optimized ruleset decides and translates every packet as \(source.name) does\n".utf8))
    }
    if let to, let target = Language(rawValue: to), target != language {
      // The passes' own result, whose rules name the input's lines (what was read back is equal).
      try translate(
        LoadedRuleset(ruleset: optimized, files: source.files, name: source.name), to: target, host: host)
    } else {
      try write(edited)
    }
  }

  /// The pipeline's result; a pass that fails its debug self-check stops the command (exit 1).
  static func optimize(_ ruleset: Ruleset, passes: [any OptimizationPass], context: PassContext) throws -> (
    Ruleset, [PassChange]
  ) {
    do {
      return try Optimizer.run(ruleset, passes: passes, context: context)
    } catch let e as PassCheckFailure {
      FileHandle.standardError.write(Data("fwc: \(e); nothing written\n".utf8))
      throw ExitCode(1)
    }
  }

  /// The input files edited to read as `optimized`.
  static func edited(_ inputs: [InputFile], _ original: Ruleset, _ optimized: Ruleset, _ changes: [PassChange])
    -> [InputFile]?
  {
    var rewrites: [WrittenLine.Key: String] = [:]
    for c in changes { if let t = c.text, let o = c.origin.first { rewrites[WrittenLine.Key(o)] = t } }
    return OptimizedText.edit(inputs, original: original, optimized: optimized, rewrites: rewrites)
  }

  /// Whether packet sets show the two rulesets deciding and translating every packet alike.
  static func provedEquivalent(_ a: Ruleset, _ b: Ruleset, host: HostContext) throws -> Bool {
    let (diff, _, _, _) = try compare(a, b, host: host)
    return diff.isEquivalent && diff.stateRegions.isEmpty
  }

  /// The `--report` text: every change, the rule counts, and the evaluation cost on the profile.
  func reportText(_ source: LoadedRuleset, _ back: LoadedRuleset, _ changes: [PassChange], context: PassContext)
    -> String
  {
    var text = ""
    for c in changes {
      text += "\(c.origin.first.map(\.description) ?? source.name): \(c.pass): \(c.reason)\n"
    }
    let before = source.ruleset.rules.count
    let after = back.ruleset.rules.count
    let lines = { (rs: Ruleset) in Set(rs.rules.compactMap { $0.origin.first.map(WrittenLine.Key.init) }).count }
    text +=
      "\(source.name): \(before) rules on \(lines(source.ruleset)) lines, \(after) rules on \(lines(back.ruleset)) lines after optimizing\n"
    if let packets = context.packets {
      let costBefore = EvaluationCost(
        ruleset: source.ruleset, environment: AddressEnvironment(tables: source.ruleset.tables, host: context.host))
      let costAfter = EvaluationCost(
        ruleset: back.ruleset, environment: AddressEnvironment(tables: back.ruleset.tables, host: context.host))
      if costBefore.supported && costAfter.supported {
        let (a, b) = (costBefore.average(packets), costAfter.average(packets))
        let how = source.ruleset.language == .pf ? " (with skip steps)" : ""
        text += String(
          format:
            "evaluation cost: %.2f rules per packet before, %.2f after%@ over %d packets of the profile (%.2fx)\n",
          a, b, how, packets.count, b > 0 ? a / b : 0)
      } else {
        text += "evaluation cost: not measured (ipfw skipto/call)\n"
      }
    }
    return text
  }

  /// The packets of a capture, as they arrive on (or leave by) an interface.
  static func packets(_ path: String, on interface: String?, out: Bool) throws -> [Packet] {
    var packets: [Packet] = []
    do {
      let reader = try PcapReader(path: path)
      _ = try reader.forEach { ip in
        if let p = PacketDecoder.decode(ip, direction: out ? .out : .in, interface: interface) { packets.append(p) }
      }
    } catch let e as PcapReader.Failure {
      throw CommandFailure(description: "fwc: \(e.description)")
    }
    return packets
  }

  /// Writes the optimized ruleset in another language, as `fwc translate` does.
  func translate(_ optimized: LoadedRuleset, to target: Language, host: HostContext) throws {
    let plan = try TranslateCommand.plan(optimized.ruleset, to: target, host: host, allowLoss: allowLoss)
    let files = TranslateCommand.emit(plan, source: optimized.ruleset.language)
    if verify {
      try TranslateCommand.verify(plan, sourceName: optimized.name, output: files, target: target, host: host)
    }
    try TranslateCommand.write(files, target: target, to: output)
  }

  /// The edited files: one to standard output or `-o FILE`; several (an ipfilter bundle) to
  /// standard output with separators or into the folder `-o DIR`.
  func write(_ files: [InputFile]) throws {
    func text(_ f: InputFile) -> String { String(decoding: f.source.bytes, as: UTF8.self) }
    guard let output else {
      var out = ""
      for (i, f) in files.enumerated() {
        if files.count > 1 { out += (i == 0 ? "" : "\n") + "# --- \(f.source.name) ---\n" }
        out += text(f)
      }
      FileHandle.standardOutput.write(Data(out.utf8))
      return
    }
    if files.count == 1 {
      try AtomicFile.save(text(files[0]), to: output)
      return
    }
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    for f in files {
      try AtomicFile.save(
        text(f), to: (output as NSString).appendingPathComponent((f.source.name as NSString).lastPathComponent))
    }
  }
}
