import ArgumentParser
import FirewallIR
import Foundation
import IPFWSyntax
import IPFilterSyntax
import PFSyntax
import Translation

/// `fwc translate`: a ruleset in another language, every loss reported, optionally proven
/// equivalent.
struct TranslateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "translate",
    abstract: "Translate a ruleset between pf, ipfw and ipfilter.",
    discussion: """
      The input's rules are carried into the target's evaluation order: pf and ipfilter decide \
      by the last matching rule unless one is `quick`, ipfw by the first; anchors and groups are \
      written out in place, and each language's default verdict is written as a last rule where \
      the target's differs. Whatever the target cannot say is listed as \
      `file:line: cannot translate X to L: reason`; the command then writes nothing and exits 1 \
      unless --allow-loss is given, in which case the output holds the rest.

      --verify reads the output back with fwc's own parser and proves, with packet sets, that it \
      decides and translates every first packet as the input does (without what was lost). \
      Interfaces the host context does not describe get stand-in addresses for the proof.

      Output goes to standard output, or with -o to a file written atomically; for ipf, -o \
      names a directory that receives ipf.conf, ipnat.conf and ippool.conf as needed.

      Exit codes: 0 translated (and verified), 1 losses without --allow-loss or a failed \
      verification, 2 the command could not run.
      """)

  @OptionGroup var input: InputOptions

  @Option(help: "The target language: pf, ipfw or ipf.")
  var to: String

  @Flag(help: "Prove the output equivalent to the input with packet sets.")
  var verify = false

  @Flag(help: "Write the output even when parts of the input cannot be translated (they are listed).")
  var allowLoss = false

  @Option(help: "pf: write an anchor body for `pfctl -a NAME -f -` (no `set` lines).")
  var anchor: String?

  @Option(help: "pf: translation syntax, freebsd (nat/rdr rules) or openbsd (match … nat-to/rdr-to).")
  var pfSyntax: String = "freebsd"

  @Flag(help: "ipfw: write a shell script of `ipfw -q` commands instead of a rules file.")
  var ipfwScript = false

  @Flag(help: "Leave out the `from FILE:LINE` comments.")
  var noOrigins = false

  @Option(
    name: .short,
    help: ArgumentHelp("Write the output to this file (ipf: this directory), atomically.", valueName: "path"))
  var output: String?

  func validate() throws {
    guard let target = Language(rawValue: to) else {
      throw ValidationError("unknown target '\(to)': expected pf, ipfw or ipf")
    }
    if !["freebsd", "openbsd"].contains(pfSyntax) {
      throw ValidationError("unknown --pf-syntax '\(pfSyntax)': expected freebsd or openbsd")
    }
    if anchor != nil && target != .pf { throw ValidationError("--anchor applies to --to pf") }
    if ipfwScript && target != .ipfw { throw ValidationError("--ipfw-script applies to --to ipfw") }
    if let a = anchor, a.isEmpty || a.contains(where: { $0 == "\"" || $0 == "\n" || $0 == " " }) {
      throw ValidationError("--anchor: invalid anchor name '\(a)'")
    }
  }

  func run() throws {
    let host = try input.hostContext()
    let source = try loadRuleset(input.files, language: input.language, host: host, defines: input.defines)
    let target = Language(rawValue: to)!
    if source.ruleset.language == target {
      throw CommandFailure(description: "fwc: \(source.name) is already \(target.rawValue); use `fwc print`")
    }
    let plan = try Self.plan(source.ruleset, to: target, host: host, allowLoss: allowLoss)
    let files = Self.emit(
      plan, source: source.ruleset.language, pfSyntax: pfSyntax, anchor: anchor, origins: !noOrigins,
      ipfwScript: ipfwScript)
    if verify { try Self.verify(plan, sourceName: source.name, output: files, target: target, host: host) }
    try Self.write(files, target: target, to: output)
  }

  /// The translation of `ruleset`, its losses listed on standard error; with losses and
  /// without `allowLoss`, nothing more is done (exit 1).
  static func plan(_ ruleset: Ruleset, to target: Language, host: HostContext, allowLoss: Bool) throws
    -> TranslationPlan
  {
    let plan = Translator.plan(ruleset, to: TargetCapabilities.of(target), host: host)
    var err = ""
    for loss in plan.losses { err += "\(loss)\n" }
    FileHandle.standardError.write(Data(err.utf8))
    if !plan.losses.isEmpty && !allowLoss {
      FileHandle.standardError.write(
        Data(
          "fwc: \(plan.losses.count) part(s) cannot be translated; nothing written (--allow-loss writes the rest)\n"
            .utf8))
      throw ExitCode(1)
    }
    return plan
  }

  /// Proves the output files equivalent to what the plan carried, reporting on standard error
  /// (exit 1 when they are not).
  static func verify(
    _ plan: TranslationPlan, sourceName: String, output files: [(name: String, text: String)], target: Language,
    host: HostContext
  ) throws {
    let result = try TranslationVerifier.verify(
      carried: plan.carried, sourceName: sourceName, output: files, target: target, host: host)
    FileHandle.standardError.write(Data(result.report.utf8))
    if !result.equivalent { throw ExitCode(1) }
  }

  /// The output files by name (one for pf and ipfw, up to three for ipf).
  static func emit(
    _ plan: TranslationPlan, source: Language, pfSyntax: String = "freebsd", anchor: String? = nil,
    origins: Bool = true, ipfwScript: Bool = false
  ) -> [(name: String, text: String)] {
    let noOrigins = !origins
    switch plan.ruleset.language {
    case .pf:
      var o = PFEmitter.Options()
      o.style = pfSyntax == "openbsd" ? .openbsd : .freebsd
      o.anchor = anchor
      o.origins = !noOrigins
      o.source = source
      return [("pf.conf", PFEmitter.emit(plan.ruleset, options: o))]
    case .ipfw:
      var o = IPFWEmitter.Options()
      o.script = ipfwScript
      o.origins = !noOrigins
      o.source = source
      return [(ipfwScript ? "ipfw.sh" : "ipfw.rules", IPFWEmitter.emit(plan.ruleset, options: o))]
    case .ipf:
      var o = IPFEmitter.Options()
      o.origins = !noOrigins
      o.source = source
      let b = IPFEmitter.emit(plan.ruleset, options: o)
      return [("ipf.conf", b.ipf), ("ipnat.conf", b.ipnat), ("ippool.conf", b.ippool)].filter { !$0.1.isEmpty }
    }
  }

  /// Writes the files to standard output, or atomically to `output` (a directory for ipf).
  static func write(_ files: [(name: String, text: String)], target: Language, to output: String?) throws {
    guard let output else {
      var out = ""
      for (i, f) in files.enumerated() {
        if files.count > 1 || target == .ipf { out += (i == 0 ? "" : "\n") + "# --- \(f.name) ---\n" }
        out += f.text
      }
      FileHandle.standardOutput.write(Data(out.utf8))
      return
    }
    if target == .ipf {
      try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
      for f in files { try AtomicFile.save(f.text, to: (output as NSString).appendingPathComponent(f.name)) }
      // A bundle file this translation does not need must not linger from an earlier one.
      for name in ["ipnat.conf", "ippool.conf"] where !files.contains(where: { $0.name == name }) {
        unlink((output as NSString).appendingPathComponent(name))
      }
    } else {
      try AtomicFile.save(files[0].text, to: output)
    }
  }
}

/// Writes a file through a temporary file in the same directory and a rename, so readers never
/// see half of it.
enum AtomicFile {
  static func save(_ text: String, to path: String) throws {
    let dir = (path as NSString).deletingLastPathComponent
    let tmp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).fwc-\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw CommandFailure(description: "fwc: \(path): cannot write file") }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
      if n <= 0 { break }
      written += n
    }
    // On disk before it takes the name, so that a crash leaves the old file or the new one.
    let synced = fsync(fd) == 0
    close(fd)
    if written < bytes.count || !synced {
      unlink(tmp)
      throw CommandFailure(description: "fwc: \(path): cannot write file")
    }
    if rename(tmp, path) != 0 {
      unlink(tmp)
      throw CommandFailure(description: "fwc: \(path): cannot write file")
    }
  }
}
