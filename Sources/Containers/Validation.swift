import FirewallIR

/// A spec checked and read: every name safe for rule text, every address parsed, every
/// published port unique. Generators work only from this.
public struct ResolvedSpec: Sendable {
  public struct Network: Sendable {
    public var config: NetworkConfig
    public var subnets: [IPNetwork]
    public var egress: String?
    public var egressAddresses: [IPAddress]
    /// The network's position among the networks sorted by name (ipfw numbers derive from it).
    public var slot: Int

    public var name: String { config.name }
    public func subnets(_ family: AddressFamily) -> [IPNetwork] { subnets.filter { $0.family == family } }
  }

  public struct Publish: Sendable, Hashable {
    public var mapping: PortMapping
    public var hostAddress: IPAddress?
    public var family: AddressFamily
    /// The container address the ports lead to, and its network.
    public var target: IPAddress
    public var network: String
  }

  public struct Container: Sendable {
    public var config: ContainerConfig
    /// Addresses per network name.
    public var addresses: [(network: String, address: IPAddress)]
    public var publishes: [Publish]
    public var id: String { config.id }
  }

  public var egress: String?
  public var networks: [Network]
  public var containers: [Container]

  public func network(_ name: String) -> Network? { networks.first { $0.name == name } }
}

/// The rules every name and address from a spec or a runtime must follow before it can reach
/// rule text.
public enum Validation {
  /// Container ids and names, network names: a letter or digit, then letters, digits, `_`, `.`
  /// and `-` (CNI's rule for container ids), at most `limit` characters.
  public static func checkName(_ s: String, what: String, limit: Int = 128) throws {
    guard !s.isEmpty else { throw ContainerError("\(what) is empty") }
    guard s.utf8.count <= limit else { throw ContainerError("\(what) \(Quoted(s)) is longer than \(limit) characters") }
    for (i, b) in s.utf8.enumerated() {
      let alnum = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
      guard alnum || (i > 0 && (b == 0x5F || b == 0x2E || b == 0x2D)) else {
        throw ContainerError(
          "\(what) \(Quoted(s)) may hold only letters, digits, `_`, `.` and `-`, and must start with a letter or digit")
      }
    }
  }

  /// Interface names: a letter, then letters, digits, `_`, `.` and `-`, at most 15 characters
  /// (IFNAMSIZ less the terminator).
  public static func checkInterface(_ s: String, what: String) throws {
    let bytes = Array(s.utf8)
    guard !bytes.isEmpty, bytes.count <= 15,
      (bytes[0] >= 0x41 && bytes[0] <= 0x5A) || (bytes[0] >= 0x61 && bytes[0] <= 0x7A),
      bytes.allSatisfy({
        ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F
          || $0 == 0x2E || $0 == 0x2D
      })
    else {
      throw ContainerError(
        "\(what) \(Quoted(s)) is not an interface name (a letter, then letters, digits, `_`, `.` or `-`, at most 15)")
    }
  }

  static func address(_ s: String, what: String) throws -> IPAddress {
    guard let a = IPAddress.parse(Substring(s)) else {
      throw ContainerError("\(what) \(Quoted(s)) is not an IP address")
    }
    return a
  }

  /// Checks and reads a whole spec: names, interfaces, addresses inside their networks,
  /// ports and ranges, families, and host ports published twice.
  public static func resolve(_ spec: ContainerSpec) throws -> ResolvedSpec {
    if let e = spec.egress { try checkInterface(e, what: "egress interface") }
    var networks: [ResolvedSpec.Network] = []
    var seenNetworks: Set<String> = []
    let slots = try assignSlots(spec.networks)
    for n in spec.networks.sorted(by: { $0.name < $1.name }) {
      let slot = slots[n.name]!
      try checkName(n.name, what: "network name", limit: 24)
      guard seenNetworks.insert(n.name).inserted else {
        throw ContainerError("network \(Quoted(n.name)) is defined twice")
      }
      try checkInterface(n.bridge, what: "bridge of network \(n.name)")
      if let e = n.egress { try checkInterface(e, what: "egress interface of network \(n.name)") }
      var subnets: [IPNetwork] = []
      for s in n.subnets {
        guard let net = IPNetwork.parse(Substring(s)) else {
          throw ContainerError("subnet \(Quoted(s)) of network \(n.name) is not an address with a prefix length")
        }
        guard net.address.masked(net.prefix) == net.address else {
          throw ContainerError(
            "subnet \(s) of network \(n.name) has host bits set (the network is \(net.address.masked(net.prefix))/\(net.prefix))"
          )
        }
        subnets.append(net)
      }
      guard !subnets.isEmpty else { throw ContainerError("network \(n.name) has no subnet") }
      let egress = n.egress ?? spec.egress
      if n.nat && !n.internal && egress == nil {
        throw ContainerError(
          "network \(n.name) translates outbound traffic but names no egress interface (set `egress`)")
      }
      let egressAddresses = try n.egressAddresses.map { try address($0, what: "egress address of network \(n.name)") }
      networks.append(
        ResolvedSpec.Network(config: n, subnets: subnets, egress: egress, egressAddresses: egressAddresses, slot: slot))
    }
    for (i, a) in networks.enumerated() {
      for b in networks[(i + 1)...] {
        for x in a.subnets {
          for y in b.subnets where x.family == y.family && (x.contains(y.address) || y.contains(x.address)) {
            throw ContainerError("networks \(a.name) and \(b.name) overlap (\(x) and \(y))")
          }
        }
      }
    }
    var containers: [ResolvedSpec.Container] = []
    var seenIDs: Set<String> = []
    var owners: [IPAddress: String] = [:]
    for c in spec.containers {
      try checkName(c.id, what: "container id")
      if let name = c.name { try checkName(name, what: "name of container \(c.id)") }
      guard seenIDs.insert(c.id).inserted else { throw ContainerError("container \(c.id) is listed twice") }
      guard !c.attachments.isEmpty else { throw ContainerError("container \(c.id) is attached to no network") }
      var addresses: [(network: String, address: IPAddress)] = []
      for att in c.attachments {
        guard let net = networks.first(where: { $0.name == att.network }) else {
          throw ContainerError(
            "container \(c.id) is attached to \(Quoted(att.network)), which is not a network of the spec")
        }
        guard !att.addresses.isEmpty else {
          throw ContainerError("container \(c.id) has no address on network \(net.name)")
        }
        for s in att.addresses {
          // A CNI result gives addresses with their prefix length.
          let text = s.split(separator: "/").first.map(String.init) ?? s
          let a = try address(text, what: "address of container \(c.id)")
          guard net.subnets.contains(where: { $0.contains(a) }) else {
            throw ContainerError("address \(a) of container \(c.id) is outside the subnets of network \(net.name)")
          }
          if let other = owners[a] { throw ContainerError("address \(a) is given to both \(other) and \(c.id)") }
          owners[a] = c.id
          addresses.append((net.name, a))
        }
      }
      var publishes: [ResolvedSpec.Publish] = []
      for m in c.ports {
        publishes += try resolvePublish(m, container: c.id, addresses: addresses, networks: networks)
      }
      containers.append(ResolvedSpec.Container(config: c, addresses: addresses, publishes: publishes))
    }
    try checkConflicts(containers)
    return ResolvedSpec(egress: spec.egress, networks: networks, containers: containers)
  }

  /// Each network's slot: the one it was given, else the lowest free one, in name order.
  public static func assignSlots(_ networks: [NetworkConfig]) throws -> [String: Int] {
    var out: [String: Int] = [:]
    var taken: [Int: String] = [:]
    for n in networks.sorted(by: { $0.name < $1.name }) {
      guard let s = n.slot else { continue }
      guard (0..<maxNetworks).contains(s) else {
        throw ContainerError("network \(n.name): slot \(s) is outside 0-\(maxNetworks - 1)")
      }
      if let other = taken[s] { throw ContainerError("networks \(other) and \(n.name) have the same slot \(s)") }
      taken[s] = n.name
      out[n.name] = s
    }
    var next = 0
    for n in networks.sorted(by: { $0.name < $1.name }) where out[n.name] == nil {
      while taken[next] != nil { next += 1 }
      guard next < maxNetworks else { throw ContainerError("at most \(maxNetworks) networks fit fwc's layout") }
      taken[next] = n.name
      out[n.name] = next
    }
    return out
  }

  /// The most networks fwc's layout holds (ipfw NAT instances, alias port ranges, rule numbers).
  public static let maxNetworks = 60

  /// One mapping's publishes: one per family the container has an address in (and the host
  /// address allows), to the container's first address of that family on a network that is
  /// not internal.
  static func resolvePublish(
    _ m: PortMapping, container id: String, addresses: [(network: String, address: IPAddress)],
    networks: [ResolvedSpec.Network]
  ) throws -> [ResolvedSpec.Publish] {
    let what = "published port \(m.shortForm) of container \(id)"
    for p in [m.hostPort, m.containerPort] + [m.hostPortEnd, m.containerPortEnd].compactMap({ $0 }) {
      guard (1...65535).contains(p) else { throw ContainerError("\(what): port \(p) is outside 1-65535") }
    }
    if let e = m.hostPortEnd, e < m.hostPort { throw ContainerError("\(what): the host range is reversed") }
    if let e = m.containerPortEnd, e < m.containerPort {
      throw ContainerError("\(what): the container range is reversed")
    }
    if m.count > PFRules.maxRange {
      throw ContainerError("\(what): a range may hold at most \(PFRules.maxRange) ports")
    }
    if m.containerPortEnd != nil && m.containerPorts.count != m.hostPorts.count {
      throw ContainerError("\(what): the host and container ranges differ in length")
    }
    var mapping = m
    if m.hostPortEnd != nil && m.containerPortEnd == nil {
      mapping.containerPortEnd = m.containerPort + m.count - 1
      guard mapping.containerPortEnd! <= 65535 else {
        throw ContainerError("\(what): the container range passes 65535")
      }
    }
    // 0.0.0.0 and :: mean every address of the family, as runtimes write them.
    var host = try m.hostIP.map { try address($0, what: "host address of \(what)") }
    var families: [AddressFamily] = [.inet, .inet6]
    if let h = host, h.value == 0 {
      families = [h.family]
      host = nil
    }
    let reachable = addresses.filter { a in networks.first { $0.name == a.network }.map { !$0.config.internal } ?? false
    }
    guard !reachable.isEmpty else {
      throw ContainerError("\(what): the container is attached only to internal networks, which publish nothing")
    }
    var out: [ResolvedSpec.Publish] = []
    for family in families where host == nil || host!.family == family {
      guard let target = reachable.first(where: { $0.address.family == family }) else { continue }
      out.append(
        ResolvedSpec.Publish(
          mapping: mapping, hostAddress: host, family: family, target: target.address, network: target.network))
    }
    guard !out.isEmpty else {
      let fam = (host?.family ?? families[0]) == .inet6 ? "IPv6" : "IPv4"
      throw ContainerError("\(what): the host address is \(fam), but the container has no \(fam) address")
    }
    return out
  }

  /// Two publishes of the same protocol, family and overlapping host ports on the same host
  /// address (or on every address) are an error naming both containers.
  public static func checkConflicts(_ containers: [ResolvedSpec.Container]) throws {
    var taken: [(container: String, publish: ResolvedSpec.Publish)] = []
    for c in containers {
      for p in c.publishes {
        for (other, q) in taken
        where q.mapping.protocol == p.mapping.protocol && q.family == p.family
          && q.mapping.hostPorts.overlaps(p.mapping.hostPorts)
          && (q.hostAddress == nil || p.hostAddress == nil || q.hostAddress == p.hostAddress)
        {
          guard other != c.id || q.mapping != p.mapping else { continue }
          throw ContainerError(
            "host port \(p.mapping.protocol.rawValue) \(p.mapping.hostPorts.lowerBound)"
              + (p.mapping.count > 1 ? "-\(p.mapping.hostPorts.upperBound)" : "")
              + " on \(p.hostAddress.map { "\($0)" } ?? "every \(p.family == .inet ? "IPv4" : "IPv6") address")"
              + " is published by both \(other) (\(q.mapping.shortForm)) and \(c.id) (\(p.mapping.shortForm))")
        }
        taken.append((c.id, p))
      }
    }
  }
}
