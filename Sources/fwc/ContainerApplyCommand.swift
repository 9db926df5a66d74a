import ArgumentParser
import Containers

/// `fwc container apply SPEC`: make the host hold exactly a spec's networks and containers.
struct ContainerApplyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Load the rules of a spec file's networks and containers, replacing fwc's previous ones.",
    discussion: """
      The spec (YAML or JSON) lists `networks` (name, bridge, subnets, nat, egress, \
      egressAddresses, isolate, isolateInside, internal) and `containers` (id, name, \
      attachments with addresses, ports as `[HOSTIP:]HOSTPORT[-END]:PORT[-END][/tcp|udp|sctp]` \
      or CNI's portMappings objects), and the default `egress` interface. See \
      examples/containers.yaml.
      """)

  @Argument(help: "The spec file (YAML or JSON); `-` reads standard input.")
  var spec: String

  @OptionGroup var options: ContainerOptions

  func run() throws {
    let spec = try loadSpec(spec)
    try options.withHost { try $0.apply(spec) }
  }
}
