import ArgumentParser
import Containers

/// `fwc container prelude`: what the user adds to their firewall configuration once.
struct ContainerPreludeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "prelude",
    abstract: "Print the lines your firewall configuration needs once for fwc's container rules.")

  @Option(help: "The firewall: pf or ipfw.")
  var firewall: String = "pf"

  @Option(help: "fwc's top pf anchor.")
  var anchor: String = "fwc"

  func run() throws {
    switch firewall {
    case "pf": print(PFRules.prelude(top: anchor), terminator: "")
    case "ipfw": print(IPFWRules.prelude(), terminator: "")
    default: throw CommandFailure(description: "--firewall must be pf or ipfw")
    }
  }
}
