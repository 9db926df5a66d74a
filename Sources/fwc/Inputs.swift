import ArgumentParser
import FirewallIR
import Foundation
import PFSyntax

/// Options shared by the commands that read rulesets.
struct InputOptions: ParsableArguments {
  @Option(name: .customLong("from"), help: "The language of the input: pf, ipfw or ipf (default: detected).")
  var language: String?

  @Option(name: .customLong("host"), help: "A JSON file describing the host's interfaces, addresses and groups.")
  var hostFile: String?

  @Argument(
    help:
      "Rule files; `-` reads standard input; a `KIND:` prefix (pf:, ipf:, ipnat:, ippool:, ipfw:) forces a file's kind."
  )
  var files: [String]

  func validate() throws {
    if let l = language, !["pf", "ipfw", "ipf"].contains(l) {
      throw ValidationError("unknown language '\(l)': expected pf, ipfw or ipf")
    }
    if files.isEmpty { throw ValidationError("no input files") }
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

  /// Guesses a file's language from its content; pf unless it clearly looks otherwise.
  static func detect(_ source: SourceFile) -> String {
    "pf"
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

func requirePF(_ input: InputFile) throws {
  guard input.kind == "pf" else {
    throw CommandFailure(
      description: "fwc: \(input.source.name): the \(input.kind) front end is not available in this version")
  }
}
