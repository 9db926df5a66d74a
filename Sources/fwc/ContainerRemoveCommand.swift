import ArgumentParser
import Containers

/// `fwc container remove ID`: drop one container's rules and record.
struct ContainerRemoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove", abstract: "Remove one container's rules (removing an unknown one succeeds).")

  @Argument(help: "The container's id.")
  var id: String

  @OptionGroup var options: ContainerOptions

  func run() throws {
    try options.withHost { try $0.remove(id) }
  }
}
