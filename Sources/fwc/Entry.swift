import ArgumentParser
import Containers
import Foundation

/// Runs the command line and maps failures onto fwc's exit codes: 0 clean, 1 findings,
/// 2 when the command itself could not run.
@main
enum Entry {
  static func main() {
    // A runtime runs a CNI plugin with CNI_COMMAND set and no arguments.
    let environment = ProcessInfo.processInfo.environment
    if CommandLine.arguments.count == 1, environment["CNI_COMMAND"] != nil {
      let input =
        environment["CNI_COMMAND"] == "VERSION" && isatty(0) != 0
        ? Data() : FileHandle.standardInput.readDataToEndOfFile()
      let outcome = CNIPlugin(environment: environment, input: input).run()
      FileHandle.standardOutput.write(Data(outcome.output.utf8))
      exit(outcome.status)
    }
    do {
      var command = try Fwc.parseAsRoot()
      try command.run()
    } catch let code as ExitCode {
      exit(code.rawValue)
    } catch {
      if Fwc.exitCode(for: error) == .success { Fwc.exit(withError: error) }
      FileHandle.standardError.write(Data((Fwc.fullMessage(for: error) + "\n").utf8))
      exit(2)
    }
  }
}

/// fwc's version, as reports (SARIF) name it.
let fwcVersion = "0.9.0"

/// The `fwc` command.
struct Fwc: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fwc",
    abstract: "A compiler for BSD firewall rulesets (pf, ipfw, ipfilter).",
    discussion: """
      fwc reads pf.conf, ipf.conf/ipnat.conf/ippool.conf and ipfw rulesets as their own tools \
      do, reporting every error with its file, line and column; prints them as those tools \
      print a loaded ruleset; translates between the three languages, listing what cannot be \
      carried and proving the rest equivalent; compares two rulesets exactly; traces \
      packets through one; and lints rule files for dead, redundant and conflicting rules.

      Exit codes: 0 clean, 1 errors found, 2 the command could not run.
      """,
    subcommands: [
      CheckCommand.self, PrintCommand.self, TranslateCommand.self, DiffCommand.self, TraceCommand.self,
      LintCommand.self, OptimizeCommand.self, ContainerCommand.self,
    ])
}

/// A failure that stops a command before it can look at the rules (exit code 2).
struct CommandFailure: Error, CustomStringConvertible {
  var description: String
}
