import ArgumentParser
import Containers

/// `fwc container check ID`: whether a container's rules are recorded and loaded.
struct ContainerCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Check that a container is recorded and its rules are loaded (exit 1 if not).")

  @Argument(help: "The container's id.")
  var id: String

  @OptionGroup var options: ContainerOptions

  func run() throws {
    try options.withHost { try $0.check(id) }
  }
}
