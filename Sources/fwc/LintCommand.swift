import ArgumentParser
import FirewallIR
import Foundation
import Lint
import PFSyntax

/// `fwc lint`: what is wrong in rule files, with the rules involved and an example packet.
struct LintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint",
    abstract: "Find dead, redundant and conflicting rules, undefined names and risky patterns.",
    discussion: """
      Each pf or ipfw file is linted as one ruleset; ipf.conf, ipnat.conf and ippool.conf files \
      given together form one ipfilter ruleset. Syntax errors are findings too, and the rest \
      of the file is still analysed. Silence a finding with a comment `# fwc:disable=ID` at \
      the end of its line or on the line above; `# fwc:disable-file=ID` for the whole file. \
      `fwc lint --list-rules` prints the catalog.
      Exit 0 when no error is found (and, with --strict, no warning); 1 otherwise; 2 when it \
      cannot run.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif
  }

  @OptionGroup var ruleset: RulesetOptions

  @Option(help: "Output format: text (compiler style), json or sarif (SARIF 2.1.0).")
  var format: Format = .text

  @Option(name: .customLong("disable"), help: "Do not run a lint rule (by ID; repeat or separate with commas).")
  var disabled: [String] = []

  @Option(name: .customLong("enable"), help: "Run a lint rule that is off by default (by ID).")
  var enabled: [String] = []

  @Flag(help: "Fail (exit 1) on warnings too.")
  var strict = false

  @Flag(help: "Print the catalog of lint rules and exit.")
  var listRules = false

  @Argument(help: "Rule files; a `KIND:` prefix (pf:, ipf:, ipnat:, ippool:, ipfw:) forces a file's kind.")
  var files: [String] = []

  func validate() throws {
    if files.isEmpty && !listRules { throw ValidationError("no input files") }
    for id in ids(disabled) + ids(enabled) where Linter.info(id) == nil {
      throw ValidationError("unknown lint rule '\(id)' (see `fwc lint --list-rules`)")
    }
  }

  func ids(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
  }

  func run() throws {
    if listRules {
      print(Self.catalogText(), terminator: "")
      return
    }
    let host = try ruleset.hostContext()
    let linter = Linter(enable: Set(ids(enabled)), disable: Set(ids(disabled)))
    var findings: [LintFinding] = []
    var files: [SourceFile] = []
    for group in try groups() {
      let parsed = try group.map { try parseInput($0, host: host, defines: ruleset.defines) }
      let loaded = try lowerParsed(parsed, name: group.map(\.source.name).joined(separator: "+"))
      var pfConfig: PFConfig? = nil
      for p in parsed { if case .pf(let c) = p.content { pfConfig = c } }
      let subject = LintSubject(
        ruleset: loaded.ruleset, files: loaded.files, host: host, pfConfig: pfConfig)
      findings += linter.run(subject, parseDiagnostics: parsed.flatMap(\.diagnostics))
      files += loaded.files
    }
    switch format {
    case .text:
      var out = TextReport.render(findings, files: files)
      if !findings.isEmpty { out += TextReport.summary(findings) + "\n" }
      FileHandle.standardOutput.write(Data(out.utf8))
    case .json:
      FileHandle.standardOutput.write(Data(JSONReport.render(findings).utf8))
    case .sarif:
      let rules = Linter.catalog.map { $0.info }
      FileHandle.standardOutput.write(Data(SARIFReport.render(findings, rules: rules, version: fwcVersion).utf8))
    }
    let failing = findings.contains { $0.severity == .error || (strict && $0.severity == .warning) }
    if failing { throw ExitCode(1) }
  }

  /// The inputs, grouped into rulesets: ipfilter files together, every other file alone.
  func groups() throws -> [[InputFile]] {
    let inputs = try files.map { try InputLoader.load($0, language: ruleset.language) }
    let ipfilter = inputs.filter { ["ipf", "ipnat", "ippool"].contains($0.kind) }
    var out = inputs.filter { !["ipf", "ipnat", "ippool"].contains($0.kind) }.map { [$0] }
    if !ipfilter.isEmpty { out.append(ipfilter) }
    return out
  }

  static func catalogText() -> String {
    var out = ""
    for r in Linter.catalog.map({ $0.info }) {
      let langs = Language.allCases.filter { r.languages.contains($0) }.map(\.rawValue).joined(separator: ",")
      out += "\(r.id) [\(r.severity.rawValue); \(langs)]\(r.enabledByDefault ? "" : " (off by default)")\n"
      out += "  \(r.summary)\n"
      for line in r.help.split(separator: "\n") { out += "  \(line)\n" }
      out += "\n"
    }
    return out
  }
}
