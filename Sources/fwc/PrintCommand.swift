import ArgumentParser
import FirewallIR
import Foundation
import PFSyntax

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `fwc print`: the canonical print of a ruleset, as the native tool prints it once loaded.
struct PrintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "print",
    abstract: "Print a ruleset as the native tool prints it once loaded (pfctl -nv, ipf -nv, ipfw list).",
    discussion: """
      pf: macros are echoed, lists expanded one rule per line and defaults written out, exactly as \
      `pfctl -o none -nvf FILE` prints them; interface addresses come from --host.
      ipfilter: ipf.conf, ipnat.conf and ippool.conf print as `ipf -nv`, `ipnat -nv` and `ippool -nv` do.
      ipfw: rules files, `ipfw` shell scripts and `ipfw list` output print as `ipfw list` shows the \
      loaded rules (numbers assigned, canonical keywords), after the tables and NAT instances.
      """
  )

  @OptionGroup var input: InputOptions

  func run() throws {
    let host = try input.hostContext()
    var parsed: [ParsedInput] = []
    var failed = false
    for arg in input.files {
      let file = try InputLoader.load(arg, language: input.language)
      let result = try parseInput(file, host: host, defines: input.defines)
      report(result.diagnostics, files: result.files)
      if result.hasErrors { failed = true } else { parsed.append(result) }
    }
    // Nothing is written unless every file is clean.
    if failed { throw ExitCode(1) }
    for p in parsed { writeStandardOutput(p.render()) }
  }
}

/// Writes bytes to standard output.
func writeStandardOutput(_ bytes: [UInt8]) {
  bytes.withUnsafeBufferPointer { buffer in
    guard let base = buffer.baseAddress else { return }
    var offset = 0
    while offset < buffer.count {
      let n = write(1, base + offset, buffer.count - offset)
      if n <= 0 { break }
      offset += n
    }
  }
}
