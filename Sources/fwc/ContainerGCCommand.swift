import ArgumentParser
import Containers

/// `fwc container gc`: drop fwc rules no recorded container owns.
struct ContainerGCCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gc", abstract: "Remove fwc's rules that no recorded container or network owns.")

  @OptionGroup var options: ContainerOptions

  func run() throws {
    try options.withHost { try $0.gc() }
  }
}
