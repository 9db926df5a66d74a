import ArgumentParser
import Containers
import Foundation

/// `fwc container render SPEC`: print the rules a spec generates, without state or tools.
struct ContainerRenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Print the rules a spec file generates.",
    discussion: """
      pf: each anchor's rules under a `# anchor PATH` line. With --merge PF.CONF, the pf.conf \
      with fwc's hook lines replaced by the anchors' rules in the order pf evaluates them: one \
      file that `fwc trace`, `fwc lint` and `fwc diff` read as pf will run it. ipfw: the rules \
      file (tables, NAT configurations, rules).
      """)

  @Argument(help: "The spec file (YAML or JSON); `-` reads standard input.")
  var spec: String

  @Option(help: "The firewall to write rules for: pf or ipfw.")
  var firewall: String = "pf"

  @Option(help: "fwc's top pf anchor.")
  var anchor: String = "fwc"

  @Option(help: "A pf.conf holding fwc's hook lines, to print with the anchors' rules in their place.")
  var merge: String?

  func run() throws {
    let spec = try loadSpec(spec)
    let resolved: ResolvedSpec
    do {
      resolved = try Validation.resolve(spec)
    } catch let e as ContainerError {
      printError(e.message)
      throw ExitCode(1)
    }
    switch firewall {
    case "pf":
      let rules = PFRules(spec: resolved, top: anchor)
      if let merge {
        guard let data = FileManager.default.contents(atPath: merge) else {
          throw CommandFailure(description: "\(merge): cannot read the file")
        }
        print(rules.merged(into: String(decoding: data, as: UTF8.self)), terminator: "")
      } else {
        for a in rules.anchors() { print("# anchor \(a.path)\n\(a.text)") }
      }
    case "ipfw":
      guard merge == nil else { throw CommandFailure(description: "--merge is for pf") }
      do {
        for line in try IPFWRules(spec: resolved).lines() { print(line) }
      } catch let e as ContainerError {
        printError(e.message)
        throw ExitCode(1)
      }
    default:
      throw CommandFailure(description: "--firewall must be pf or ipfw")
    }
  }
}
