import ArgumentParser
import FirewallIR

/// `fwc check`: parse and validate rule files.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Parse and validate rule files.",
    discussion:
      "Prints every error as `file:line:col: error: message [id]` with the source line. Exit 0 when clean, 1 on errors, 2 when it cannot run."
  )

  @OptionGroup var input: InputOptions

  func run() throws {
    let host = try input.hostContext()
    var failed = false
    for arg in input.files {
      let file = try InputLoader.load(arg, language: input.language)
      let result = try parseInput(file, host: host, defines: input.defines)
      report(result.diagnostics, files: result.files)
      if result.hasErrors { failed = true }
    }
    if failed { throw ExitCode(1) }
  }
}
