import ArgumentParser
import Containers
import Foundation

/// `fwc container list`: the recorded containers.
struct ContainerListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the containers fwc holds rules for.")

  @Option(help: "Output format: text or json.")
  var format: String = "text"

  @OptionGroup var options: ContainerOptions

  func run() throws {
    try options.withHost { host in
      let records = try host.list()
      if format == "json" {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(records), as: UTF8.self))
        return
      }
      for r in records {
        let c = r.container
        let where_ = c.attachments.map { "\($0.network)=\($0.addresses.joined(separator: ","))" }.joined(separator: " ")
        let ports = c.ports.map(\.shortForm).joined(separator: " ")
        print([c.id, c.name ?? "-", r.firewall.rawValue, where_, ports].filter { !$0.isEmpty }.joined(separator: "  "))
      }
    }
  }
}
