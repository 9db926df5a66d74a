import ArgumentParser
import Containers

/// `fwc container restore`: load every recorded container's rules again.
struct ContainerRestoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Load the rules of every recorded container again (after `service pf restart` or a boot).")

  @OptionGroup var options: ContainerOptions

  func run() throws {
    try options.withHost { try $0.restore() }
  }
}
