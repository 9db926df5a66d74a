import ArgumentParser
import FirewallIR
import Foundation
import PFSyntax

/// `fwc print`: the canonical print of a ruleset, as the native tool prints it once loaded.
struct PrintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "print",
    abstract: "Print a ruleset as the native tool prints it once loaded (pfctl -nv).",
    discussion: "Macros are echoed, lists expanded one rule per line and defaults written out, exactly as `pfctl -o none -nvf FILE` prints them. Interface addresses come from --host.")

  @OptionGroup var input: InputOptions

  func run() throws {
    let host = try input.hostContext()
    var output = ""
    var failed = false
    for arg in input.files {
      let file = try InputLoader.load(arg, language: input.language)
      try requirePF(file)
      let result = parsePF(file, host: host)
      report(result.diagnostics, files: result.files)
      if result.hasErrors {
        failed = true
      } else {
        output += PFPrinter.print(result.config)
      }
    }
    if failed { throw ExitCode(1) }
    FileHandle.standardOutput.write(Data(output.utf8))
  }
}
