import FirewallIR

/// A container network: a bridge, its subnets, and how it reaches the outside and the other
/// networks.
public struct NetworkConfig: Codable, Hashable, Sendable {
  /// The network's name, as the runtime calls it (`podman`, `web` …).
  public var name: String
  /// The host interface the containers are attached to (`bridge0`, `cni-podman0` …).
  public var bridge: String
  /// The network's IPv4 and IPv6 subnets, `10.89.0.0/24` or `fd00:89::/64`.
  public var subnets: [String]
  /// Whether outbound traffic is translated to the egress address (default on).
  public var nat: Bool
  /// The egress interface of this network (default: the spec's `egress`).
  public var egress: String?
  /// Fixed egress addresses to translate to (default: the egress interface's addresses, followed).
  public var egressAddresses: [String]
  /// Whether traffic to and from other networks is blocked (default on).
  public var isolate: Bool
  /// Whether containers of this network are kept from each other (default off; needs
  /// `net.link.bridge.pfil_member=1`).
  public var isolateInside: Bool
  /// Whether the network has no outbound traffic at all (default off).
  public var `internal`: Bool
  /// The network's place in fwc's ipfw layout (its NAT instance, alias ports and rule
  /// numbers): given once (by fwc when not in the spec) and kept, so that adding a network
  /// renumbers no other.
  public var slot: Int?

  public init(
    name: String, bridge: String, subnets: [String], nat: Bool = true, egress: String? = nil,
    egressAddresses: [String] = [], isolate: Bool = true, isolateInside: Bool = false, internal: Bool = false,
    slot: Int? = nil
  ) {
    self.name = name
    self.bridge = bridge
    self.subnets = subnets
    self.nat = nat
    self.egress = egress
    self.egressAddresses = egressAddresses
    self.isolate = isolate
    self.isolateInside = isolateInside
    self.internal = `internal`
    self.slot = slot
  }

  enum CodingKeys: String, CodingKey {
    case name, bridge, subnets, nat, egress, egressAddresses, isolate, isolateInside, `internal`, slot
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    bridge = try c.decode(String.self, forKey: .bridge)
    subnets = try c.decodeIfPresent([String].self, forKey: .subnets) ?? []
    nat = try c.decodeIfPresent(Bool.self, forKey: .nat) ?? true
    egress = try c.decodeIfPresent(String.self, forKey: .egress)
    egressAddresses = try c.decodeIfPresent([String].self, forKey: .egressAddresses) ?? []
    isolate = try c.decodeIfPresent(Bool.self, forKey: .isolate) ?? true
    isolateInside = try c.decodeIfPresent(Bool.self, forKey: .isolateInside) ?? false
    `internal` = try c.decodeIfPresent(Bool.self, forKey: .internal) ?? false
    slot = try c.decodeIfPresent(Int.self, forKey: .slot)
  }
}

/// A transport protocol a port can be published for.
public enum PortProtocol: String, Codable, Hashable, Sendable, CaseIterable {
  case tcp, udp, sctp
}

/// A published port or port range: host address (optional), host ports, container ports.
public struct PortMapping: Codable, Hashable, Sendable {
  /// The host address the port is published on; nil (or empty) for every host address.
  public var hostIP: String?
  public var hostPort: Int
  /// The last host port of a range (nil for one port).
  public var hostPortEnd: Int?
  public var containerPort: Int
  /// The last container port of a range (nil for one port).
  public var containerPortEnd: Int?
  public var `protocol`: PortProtocol

  public init(
    hostIP: String? = nil, hostPort: Int, hostPortEnd: Int? = nil, containerPort: Int, containerPortEnd: Int? = nil,
    protocol: PortProtocol = .tcp
  ) {
    self.hostIP = hostIP
    self.hostPort = hostPort
    self.hostPortEnd = hostPortEnd
    self.containerPort = containerPort
    self.containerPortEnd = containerPortEnd
    self.protocol = `protocol`
  }

  enum CodingKeys: String, CodingKey {
    case hostIP, hostPort, hostPortEnd, containerPort, containerPortEnd, `protocol`
  }

  /// Reads the object form (CNI's `portMappings` keys) or the short form
  /// `[HOSTIP:]HOSTPORT[-END]:CONTAINERPORT[-END][/PROTO]` (IPv6 host addresses in brackets).
  public init(from decoder: Decoder) throws {
    if let text = try? decoder.singleValueContainer().decode(String.self) {
      switch PortMapping.parse(text) {
      case .success(let m): self = m
      case .failure(let e):
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: e.message))
      }
      return
    }
    let c = try decoder.container(keyedBy: CodingKeys.self)
    hostIP = try c.decodeIfPresent(String.self, forKey: .hostIP)
    if hostIP?.isEmpty == true { hostIP = nil }
    hostPort = try c.decode(Int.self, forKey: .hostPort)
    hostPortEnd = try c.decodeIfPresent(Int.self, forKey: .hostPortEnd)
    containerPort = try c.decode(Int.self, forKey: .containerPort)
    containerPortEnd = try c.decodeIfPresent(Int.self, forKey: .containerPortEnd)
    let p = try c.decodeIfPresent(String.self, forKey: .protocol) ?? "tcp"
    guard let proto = PortProtocol(rawValue: p.lowercased()) else {
      throw DecodingError.dataCorruptedError(
        forKey: .protocol, in: c, debugDescription: "protocol must be tcp, udp or sctp, not \(Quoted(p))")
    }
    self.protocol = proto
  }

  /// The number of ports the mapping publishes.
  public var count: Int { (hostPortEnd ?? hostPort) - hostPort + 1 }
  public var hostPorts: ClosedRange<Int> { hostPort...(hostPortEnd ?? hostPort) }
  public var containerPorts: ClosedRange<Int> { containerPort...(containerPortEnd ?? containerPort) }

  /// The short form, as `parse` reads it.
  public var shortForm: String {
    var s = ""
    if let ip = hostIP { s += ip.contains(":") ? "[\(ip)]:" : "\(ip):" }
    s += hostPortEnd.map { "\(hostPort)-\($0)" } ?? "\(hostPort)"
    s += ":" + (containerPortEnd.map { "\(containerPort)-\($0)" } ?? "\(containerPort)")
    return s + "/\(self.protocol.rawValue)"
  }

  /// Reads `[HOSTIP:]HOSTPORT[-END]:CONTAINERPORT[-END][/PROTO]`.
  public static func parse(_ text: String) -> Result<PortMapping, ContainerError> {
    let bad = ContainerError(
      "bad port mapping \(Quoted(text)): expected [HOSTIP:]HOSTPORT[-END]:PORT[-END][/tcp|udp|sctp]")
    var rest = Substring(text)
    var proto = PortProtocol.tcp
    if let slash = rest.lastIndex(of: "/") {
      guard let p = PortProtocol(rawValue: rest[rest.index(after: slash)...].lowercased()) else { return .failure(bad) }
      proto = p
      rest = rest[..<slash]
    }
    var host: String?
    if rest.hasPrefix("[") {
      guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
        return .failure(bad)
      }
      host = String(rest[rest.index(after: rest.startIndex)..<close])
      rest = rest[rest.index(close, offsetBy: 2)...]
    }
    var parts = rest.split(separator: ":", omittingEmptySubsequences: false)
    if host == nil && parts.count == 3 {
      host = String(parts[0])
      parts.removeFirst()
    }
    guard parts.count == 2 else { return .failure(bad) }
    func range(_ s: Substring) -> (Int, Int?)? {
      let ends = s.split(separator: "-", omittingEmptySubsequences: false)
      guard ends.count <= 2, let a = Int(ends[0]) else { return nil }
      if ends.count == 2 {
        guard let b = Int(ends[1]) else { return nil }
        return (a, b)
      }
      return (a, nil)
    }
    guard let h = range(parts[0]), let c = range(parts[1]) else { return .failure(bad) }
    return .success(
      PortMapping(
        hostIP: host?.isEmpty == true ? nil : host, hostPort: h.0, hostPortEnd: h.1, containerPort: c.0,
        containerPortEnd: c.1, protocol: proto))
  }
}

/// A container's place on one network: its addresses there.
public struct Attachment: Codable, Hashable, Sendable {
  public var network: String
  public var addresses: [String]

  public init(network: String, addresses: [String]) {
    self.network = network
    self.addresses = addresses
  }
}

/// A container: its id (the runtime's), an optional name, its attachments and published ports.
public struct ContainerConfig: Codable, Hashable, Sendable {
  public var id: String
  public var name: String?
  public var attachments: [Attachment]
  public var ports: [PortMapping]

  public init(id: String, name: String? = nil, attachments: [Attachment], ports: [PortMapping] = []) {
    self.id = id
    self.name = name
    self.attachments = attachments
    self.ports = ports
  }

  enum CodingKeys: String, CodingKey { case id, name, attachments, ports }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(String.self, forKey: .id)
    name = try c.decodeIfPresent(String.self, forKey: .name)
    attachments = try c.decodeIfPresent([Attachment].self, forKey: .attachments) ?? []
    ports = try c.decodeIfPresent([PortMapping].self, forKey: .ports) ?? []
  }
}

/// Everything fwc generates rules from: the host's egress interface, networks and containers.
public struct ContainerSpec: Codable, Hashable, Sendable {
  /// The default egress interface (`em0`, `vtnet0` …).
  public var egress: String?
  public var networks: [NetworkConfig]
  public var containers: [ContainerConfig]

  public init(egress: String? = nil, networks: [NetworkConfig] = [], containers: [ContainerConfig] = []) {
    self.egress = egress
    self.networks = networks
    self.containers = containers
  }

  enum CodingKeys: String, CodingKey { case egress, networks, containers }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    egress = try c.decodeIfPresent(String.self, forKey: .egress)
    networks = try c.decodeIfPresent([NetworkConfig].self, forKey: .networks) ?? []
    containers = try c.decodeIfPresent([ContainerConfig].self, forKey: .containers) ?? []
  }

  public func network(named name: String) -> NetworkConfig? { networks.first { $0.name == name } }
}

/// A failure in a container spec, a runtime's request or the state: a message for people.
public struct ContainerError: Error, CustomStringConvertible, Sendable, Equatable {
  public var message: String
  /// The failure is the host's (state directory, firewall tool), not the request's.
  public var isSystem: Bool
  public init(_ message: String, system: Bool = false) {
    self.message = message
    self.isSystem = system
  }
  public var description: String { message }
}

/// A string from outside quoted for a message: printable ASCII kept, everything else escaped,
/// long strings cut, so that no runtime-supplied text can forge output lines.
public struct Quoted: CustomStringConvertible, Sendable {
  public var text: String
  public init(_ text: String) { self.text = text }
  public var description: String {
    var out = "`"
    for (i, u) in text.unicodeScalars.enumerated() {
      if i == 64 {
        out += "…"
        break
      }
      switch u {
      case "\\": out += "\\\\"
      case "`": out += "\\`"
      case " "..."~": out.unicodeScalars.append(u)
      default: out += "\\u{\(String(u.value, radix: 16))}"
      }
    }
    return out + "`"
  }
}
