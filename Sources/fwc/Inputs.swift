import ArgumentParser
import FirewallIR
import Foundation
import IPFWSyntax
import IPFilterSyntax
import PFSyntax

/// How rulesets are read: their language, the host they run on, ipfw script variables.
struct RulesetOptions: ParsableArguments {
  @Option(name: .customLong("from"), help: "The language of the input: pf, ipfw or ipf (default: detected).")
  var language: String?

  @Option(name: .customLong("host"), help: "A JSON file describing the host's interfaces, addresses and groups.")
  var hostFile: String?

  @Option(
    name: .customLong("define"),
    help: ArgumentHelp(
      "Give a shell variable a value when reading an ipfw script (repeatable).", valueName: "NAME=VALUE"))
  var defineArguments: [String] = []

  func validate() throws {
    if let l = language, !["pf", "ipfw", "ipf"].contains(l) {
      throw ValidationError("unknown language '\(l)': expected pf, ipfw or ipf")
    }
    for d in defineArguments where !d.contains("=") || d.hasPrefix("=") {
      throw ValidationError("--define expects NAME=VALUE, not '\(d)'")
    }
  }

  /// The `--define` values by name.
  var defines: [String: String] {
    var out: [String: String] = [:]
    for d in defineArguments {
      guard let eq = d.firstIndex(of: "=") else { continue }
      out[String(d[..<eq])] = String(d[d.index(after: eq)...])
    }
    return out
  }

  func hostContext() throws -> HostContext {
    guard let path = hostFile else { return .empty }
    do {
      return try HostContext.load(path: path)
    } catch {
      throw CommandFailure(description: "\(error)")
    }
  }
}

/// Options shared by the commands that read rule files.
struct InputOptions: ParsableArguments {
  @OptionGroup var ruleset: RulesetOptions

  @Argument(
    help:
      "Rule files; `-` reads standard input; a `KIND:` prefix (pf:, ipf:, ipnat:, ippool:, ipfw:) forces a file's kind."
  )
  var files: [String]

  func validate() throws {
    if files.isEmpty { throw ValidationError("no input files") }
  }

  var language: String? { ruleset.language }
  var defines: [String: String] { ruleset.defines }
  func hostContext() throws -> HostContext { try ruleset.hostContext() }
}

/// One input file with its kind.
struct InputFile {
  var kind: String
  var source: SourceFile
}

enum InputLoader {
  static let kinds: Set<String> = ["pf", "ipf", "ipnat", "ippool", "ipfw"]

  /// Reads a file (or standard input for `-`), splitting off a `KIND:` prefix.
  static func load(_ argument: String, language: String?) throws -> InputFile {
    var path = argument
    var kind = language
    if let colon = argument.firstIndex(of: ":"), kinds.contains(String(argument[..<colon])) {
      kind = String(argument[..<colon])
      path = String(argument[argument.index(after: colon)...])
    }
    guard let source = readSource(path) else {
      throw CommandFailure(description: "fwc: \(path): cannot read file")
    }
    // `--from ipf` names the ipfilter bundle: each file is ipf.conf, ipnat.conf or ippool.conf.
    if kind == "ipf" && language == "ipf" && !argument.hasPrefix("ipf:") {
      let detected = detect(source)
      kind = ["ipnat", "ippool"].contains(detected) ? detected : "ipf"
    }
    return InputFile(kind: kind ?? detect(source), source: source)
  }

  static func readSource(_ path: String) -> SourceFile? {
    if path == "-" {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      return SourceFile(name: "stdin", bytes: Array(data))
    }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
      let data = FileManager.default.contents(atPath: path)
    else { return nil }
    return SourceFile(name: path, bytes: Array(data))
  }

  /// Guesses a file's language from its content: the first statement's keyword tells ipnat
  /// (`map`, `rdr`, `bimap` … with `->` and no pf `on`-less form), ippool (`table role=`,
  /// `pool ipf/`), ipfw (`add`, `ipfw`) and ipf (`pass in`/`block out` … with `all`-style
  /// direction words); pf otherwise.
  static func detect(_ source: SourceFile) -> String {
    let text = String(decoding: source.bytes.prefix(65536), as: UTF8.self)
    // An ipfw script runs `ipfw` directly or through a variable (`$cmd 100 allow …`).
    for raw in text.split(separator: "\n") {
      let line = raw.drop(while: { $0 == " " || $0 == "\t" })
      let first = line.prefix(while: { $0 != " " && $0 != "\t" })
      if first == "ipfw" || first.hasSuffix("/ipfw") || first.hasPrefix("$") && line.contains(" add ")
        || first.hasPrefix("$") && first.count > 1 && !line.contains("=")
      {
        return "ipfw"
      }
    }
    for raw in String(decoding: source.bytes.prefix(65536), as: UTF8.self).split(separator: "\n") {
      let line = raw.drop(while: { $0 == " " || $0 == "\t" })
      if line.isEmpty || line.hasPrefix("#") { continue }
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      guard let first = words.first else { continue }
      if first.hasPrefix("table") && line.contains("role")
        || first == "pool" && words.dropFirst().first?.hasPrefix("ipf") == true
      {
        return "ippool"
      }
      if ["map", "map-block", "bimap", "rewrite", "divert", "encap"].contains(first) { return "ipnat" }
      if first == "rdr" && !line.contains(" on ") { return "ipnat" }
      // pf never begins a statement with a number, `table NAME` without `<`, or `nat N config`.
      if first == "add" || first == "ipfw" || first.allSatisfy(\.isNumber) && words.count > 1
        || first == "table" && words.count > 2 && !words[1].hasPrefix("<")
          && ["add", "create", "delete", "flush", "destroy"].contains(words[2])
        || first == "nat" && words.count > 2 && words[1].allSatisfy(\.isNumber) && words[2] == "config"
      {
        return "ipfw"
      }
      if ["pass", "block", "log", "count", "auth", "preauth", "call", "skip"].contains(first), words.count > 1,
        words[1] == "in" || words[1] == "out", line.contains(" all") || line.contains(" from ") || words.count == 2
      {
        // pf also writes `pass in …`; ipf marks are `(!)`-free names with `head`/`group`/`keep frags`
        // or `with`: prefer pf unless an ipf-only word appears.
        let ipfOnly = [
          "head", "group", "keep frags", "with", "return-icmp-as-dest", "or-block", "first", "body", "count",
        ]
        if ipfOnly.contains(where: { line.contains(" \($0)") }) { return "ipf" }
      }
      return "pf"
    }
    return "pf"
  }
}

/// Writes diagnostics to standard error in compiler style.
func report(_ diagnostics: [Diagnostic], files: [SourceFile]) {
  guard !diagnostics.isEmpty else { return }
  var byName: [String: SourceFile] = [:]
  for f in files { byName[f.name] = f }
  let renderer = DiagnosticRenderer(files: byName)
  var text = ""
  for d in diagnostics { text += renderer.render(d) }
  FileHandle.standardError.write(Data(text.utf8))
}

/// Parses the given inputs as one pf ruleset per file.
func parsePF(_ input: InputFile, host: HostContext) -> PFParser.Result {
  PFParser.parse(input.source, host: host) { path in InputLoader.readSource(path) }
}

/// A file read with its language's front end: its canonical print and its diagnostics.
struct ParsedInput {
  var diagnostics: [Diagnostic]
  var files: [SourceFile]
  var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
  /// The native tool's print of the file (meaningful only without errors).
  var render: () -> [UInt8]
  /// What the front end read, for lowering into the IR.
  var content: Content

  enum Content {
    case pf(PFConfig)
    case ipf([IPFRule])
    case ipnat([IPNatRule])
    case ippool([IPPoolDefinition])
    case ipfw(IPFWRuleset)
  }
}

/// Reads one input with the front end of its kind.
func parseInput(_ input: InputFile, host: HostContext, defines: [String: String] = [:]) throws -> ParsedInput {
  switch input.kind {
  case "pf":
    let r = parsePF(input, host: host)
    return ParsedInput(
      diagnostics: r.diagnostics, files: r.files, render: { PFPrinter.render(r.config).bytes }, content: .pf(r.config))
  case "ipf":
    let r = IPFParser.parse(input.source)
    return ParsedInput(
      diagnostics: r.diagnostics, files: [r.file], render: { Array(IPFPrinter.print(r.items).utf8) },
      content: .ipf(r.rules))
  case "ipnat":
    let r = IPNatParser.parse(input.source)
    return ParsedInput(
      diagnostics: r.diagnostics, files: [r.file], render: { Array(IPNatPrinter.print(r.rules).utf8) },
      content: .ipnat(r.rules))
  case "ippool":
    let r = IPPoolParser.parse(input.source) { InputLoader.readSource($0) }
    return ParsedInput(
      diagnostics: r.diagnostics, files: [r.file], render: { Array(IPPoolPrinter.print(r.definitions).utf8) },
      content: .ippool(r.definitions))
  case "ipfw":
    let r = IPFWParser.parse(input.source, defines: defines)
    return ParsedInput(
      diagnostics: r.diagnostics, files: [r.file], render: { Array(IPFWPrinter.print(r.ruleset).utf8) },
      content: .ipfw(r.ruleset))
  default:
    throw CommandFailure(
      description: "fwc: \(input.source.name): the \(input.kind) front end is not available in this version")
  }
}
