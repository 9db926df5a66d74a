import ArgumentParser
import Containers

/// `fwc container add ID`: add or replace one container on networks fwc knows.
struct ContainerAddCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Add (or replace) one container's rules.",
    discussion: """
      The networks come from the state (an earlier `apply` or CNI call) or from --spec. \
      Example: fwc container add web1 --network web=10.89.1.2,fd00:89:1::2 --publish 8080:80/tcp
      """)

  @Argument(help: "The container's id.")
  var id: String

  @Option(help: "The container's name.")
  var name: String?

  @Option(help: "An attachment: NETWORK=ADDRESS[,ADDRESS] (repeatable).")
  var network: [String] = []

  @Option(help: "A published port: [HOSTIP:]HOSTPORT[-END]:PORT[-END][/tcp|udp|sctp] (repeatable).")
  var publish: [String] = []

  @Option(help: "A spec file whose networks to create or update.")
  var spec: String?

  @OptionGroup var options: ContainerOptions

  func run() throws {
    var attachments: [Attachment] = []
    for a in network {
      let parts = a.split(separator: "=", maxSplits: 1)
      guard parts.count == 2 else { throw CommandFailure(description: "--network must be NETWORK=ADDRESS[,ADDRESS]") }
      attachments.append(
        Attachment(network: String(parts[0]), addresses: parts[1].split(separator: ",").map(String.init)))
    }
    var ports: [PortMapping] = []
    for p in publish {
      switch PortMapping.parse(p) {
      case .success(let m): ports.append(m)
      case .failure(let e): throw CommandFailure(description: e.message)
      }
    }
    // The spec's default egress goes with each of its networks, as `apply` keeps them.
    var networks: [NetworkConfig] = []
    if let spec {
      let s = try loadSpec(spec)
      for var n in s.networks {
        n.egress = n.egress ?? s.egress
        networks.append(n)
      }
    }
    let container = ContainerConfig(id: id, name: name, attachments: attachments, ports: ports)
    try options.withHost { try $0.add(container, networks: networks) }
  }
}
