import ArgumentParser
import Containers
import Foundation

/// `fwc container`: per-container NAT, port forwarding and isolation, as pf anchors or an ipfw
/// rule block.
struct ContainerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "container",
    abstract: "Generate and load per-container NAT, port-forwarding and isolation rules.",
    discussion: """
      fwc keeps to its own part of the firewall: pf anchors under one top anchor (default \
      `fwc`; `fwc container prelude` prints the lines pf.conf needs once), or an ipfw block of \
      rule numbers, one rule set, NAT instances and tables. It remembers each container in a \
      state directory (default /var/db/fwc), so that `restore` loads everything again after \
      `service pf restart` or a boot. Run without arguments and with CNI_COMMAND set, fwc is a \
      CNI plugin (spec 1.0 and 1.1) doing the same for container runtimes.

      Exit codes: 0 done, 1 refused (invalid spec, conflict, the firewall's tool failed), \
      2 the command could not run.
      """,
    subcommands: [
      ContainerApplyCommand.self, ContainerRenderCommand.self, ContainerAddCommand.self, ContainerRemoveCommand.self,
      ContainerCheckCommand.self, ContainerListCommand.self, ContainerRestoreCommand.self, ContainerGCCommand.self,
      ContainerPreludeCommand.self,
    ])
}

/// Where the state and the firewall's tools are, and whether to only print.
struct ContainerOptions: ParsableArguments {
  @Option(help: "The firewall to write rules for: pf or ipfw.")
  var firewall: String = "pf"

  @Option(name: .customLong("state-dir"), help: "fwc's state directory.")
  var stateDir: String = "/var/db/fwc"

  @Option(help: "fwc's top pf anchor.")
  var anchor: String = "fwc"

  @Option(help: "The pfctl to run (default: pfctl on PATH, else /sbin/pfctl).")
  var pfctl: String = "pfctl"

  @Option(help: "The ipfw to run (default: ipfw on PATH, else /sbin/ipfw).")
  var ipfw: String = "ipfw"

  @Flag(name: .customLong("dry-run"), help: "Print the commands and rule text instead of running them; change nothing.")
  var dryRun = false

  func settings() throws -> FirewallSettings {
    var s = FirewallSettings()
    guard let f = Firewall(rawValue: firewall) else {
      throw CommandFailure(description: "--firewall must be pf or ipfw")
    }
    s.firewall = f
    do { try Validation.checkName(anchor, what: "--anchor", limit: 32) } catch let e as ContainerError {
      throw CommandFailure(description: e.message)
    }
    s.anchor = anchor
    s.pfctl = FirewallSettings.locate(pfctl, default: "/sbin/pfctl")
    s.ipfw = FirewallSettings.locate(ipfw, default: "/sbin/ipfw")
    return s
  }

  /// Runs `body` on a host; a dry run works on a scratch copy of the state and prints the
  /// commands instead of running them.
  func withHost(_ body: (ContainerHost) throws -> Void) throws {
    let settings = try settings()
    var directory = stateDir
    var scratch: String?
    let runner: CommandRunner
    let recorder = RecordingRunner()
    if dryRun {
      let tmp = NSTemporaryDirectory() + "fwc-dry-run-\(getpid())"
      try? FileManager.default.removeItem(atPath: tmp)
      if FileManager.default.fileExists(atPath: stateDir) {
        try FileManager.default.copyItem(atPath: stateDir, toPath: tmp)
      }
      scratch = tmp
      directory = tmp
      runner = recorder
    } else {
      runner = ProcessRunner()
    }
    defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
    do {
      try body(ContainerHost(store: StateStore(directory: directory), settings: settings, runner: runner))
    } catch let e as ContainerError {
      printError(e.message)
      throw ExitCode(1)
    }
    if dryRun {
      for c in recorder.commands {
        if let scratch, let file = c.arguments.last, file.hasPrefix(scratch) {
          let content = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
          print("# \(file.dropFirst(scratch.count + 1)), the file ipfw reads:")
          print(content, terminator: "")
          print(ShellCommand(c.arguments.dropLast() + ["FILE"]).shellText)
        } else {
          print(c.shellText)
        }
      }
    }
  }
}

func printError(_ message: String) {
  FileHandle.standardError.write(Data("fwc: error: \(message)\n".utf8))
}

/// Reads a spec file; a bad one is exit 1 with the problem named.
func loadSpec(_ path: String) throws -> ContainerSpec {
  do {
    return try SpecFile.load(path: path)
  } catch let e as ContainerError {
    printError(e.message)
    throw ExitCode(1)
  }
}
