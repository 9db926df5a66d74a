import ArgumentParser
import FirewallIR
import Foundation
import Passes

/// `fwc optimize`: delete what a ruleset does not need, every step proved.
struct OptimizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optimize",
    abstract: "Remove dead and redundant rules, proving the result equivalent.",
    discussion: """
      The passes run as a pipeline: remove-dead deletes the rules no packet is decided by \
      (shadowed rules, duplicates, rules matching nothing); with --level full (the default), \
      remove-redundant deletes the rules whose packets the following rules decide the same \
      way, one line at a time, each judged against the rules still there. Both are exact \
      under the language's evaluation order. A written line goes whole or stays: the output \
      is the input with those lines taken out, everything else as written, and it is read \
      back before it is written. With --verify (always in debug builds) it is also compared \
      with the input over every packet, and nothing is written when they differ. --report \
      lists each deleted line with the reason. Merging into lists and tables, CIDR aggregation and \
      reordering are not done yet.

      Exit codes: 0 written, 1 errors in the input or a result that does not verify, 2 could not run.
      """)

  @OptionGroup var input: InputOptions

  @Option(help: "basic (dead rules) or full (also redundant rules).")
  var level: String = "full"

  @Option(help: "The output language; only the input's own is supported yet.")
  var to: String?

  @Flag(help: "List what each pass changed, with source locations, on standard error.")
  var report = false

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
  }

  func run() throws {
    let host = try input.hostContext()
    let inputs = try input.files.map { try InputLoader.load($0, language: input.language) }
    let source = try loadRuleset(
      inputs: inputs, host: host, defines: input.defines, name: input.files.joined(separator: "+"))
    let language = source.ruleset.language
    if let to, to != language.rawValue {
      throw CommandFailure(
        description:
          "fwc: optimize writes \(language.rawValue) for this input; use `fwc translate --to \(to)` on its output")
    }
    let context = PassContext(host: host)
    let (_, changes) = try Optimizer.run(
      source.ruleset, passes: Optimizer.pipeline(Optimizer.Level(rawValue: level)!), context: context)
    // The passes delete whole written lines: the output is the input with those lines taken
    // out, everything else (macros, comments, options) as it was written.
    let edited = inputs.map { Self.deleting(changes, from: $0) }
    let back: LoadedRuleset
    do {
      back = try loadRuleset(inputs: edited, host: host, defines: input.defines, name: "optimized ruleset")
    } catch {
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
      let (diff, _, _, _) = try compare(source.ruleset, back.ruleset, host: host)
      equivalent = diff.isEquivalent && diff.stateRegions.isEmpty
    }
    let before = source.ruleset.rules.count
    let after = back.ruleset.rules.count
    if report || !equivalent {
      var text = ""
      for c in changes {
        text += "\(c.origin.first.map(\.description) ?? source.name): \(c.pass): \(c.reason)\n"
      }
      text += "\(source.name): \(before) rules, \(after) after optimizing (\(before - after) removed)\n"
      FileHandle.standardError.write(Data(text.utf8))
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
    try write(edited)
  }

  /// An input with the lines of deleted rules (and their continuation lines) taken out.
  static func deleting(_ changes: [PassChange], from file: InputFile) -> InputFile {
    let doomed = Set(changes.compactMap { $0.origin.first }.filter { $0.file == file.source.name }.map(\.line))
    guard !doomed.isEmpty else { return file }
    let text = String(decoding: file.source.bytes, as: UTF8.self)
    var out: [Substring] = []
    var continuing = false
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let deleting = continuing || doomed.contains(i + 1)
      continuing = deleting && line.hasSuffix("\\")
      if !deleting { out.append(line) }
    }
    return InputFile(kind: file.kind, source: SourceFile(name: file.source.name, text: out.joined(separator: "\n")))
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
