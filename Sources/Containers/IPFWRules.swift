import FirewallIR

/// ipfw rules for container networks, in a reserved block of rule numbers and one rule set:
/// per network a table of its containers' addresses, a NAT instance (outbound aliasing and
/// `redirect_port` for published ports, with its own alias port range so that several
/// instances share one egress address), isolation and the passes for published ports.
///
/// libalias translates IPv4 only: IPv6 ports are published by letting traffic reach the
/// container's own address (no translation), and an IPv6 host address cannot be honoured.
public struct IPFWRules: Sendable {
  public var spec: ResolvedSpec
  public var layout: Layout

  /// Where fwc's rules live: rule numbers from `base` (100 per network), the set they are
  /// loaded into (`set + 1` is the staging set swapped in atomically), NAT instances from
  /// `natBase`, and alias ports from `aliasBase` (500 per network).
  public struct Layout: Sendable, Equatable {
    public var base = 10000
    public var set = 20
    public var natBase = 100
    public var aliasBase = 30000
    public init() {}
  }

  public init(spec: ResolvedSpec, layout: Layout = Layout()) {
    self.spec = spec
    self.layout = layout
  }

  /// The most networks the layout holds.
  public static let maxNetworks = 60

  public static func tableName(_ network: String) -> String { "fwc_\(network)" }

  /// The user's side: ipfw has no hooks, so this says what fwc owns and what it needs.
  public static func prelude(layout: Layout = Layout()) -> String {
    """
    # fwc container rules for ipfw. fwc owns, and changes only:
    #   rule numbers \(layout.base)-\(layout.base + 100 * maxNetworks - 1), in set \(layout.set) (set \(layout.set + 1) while loading),
    #   NAT instances \(layout.natBase)-\(layout.natBase + maxNetworks - 1), tables fwc_NETWORK.
    # Keep your own rules outside that range: rules before it see container traffic first
    # (your policy applies), rules after it see what fwc's rules do not decide.
    # NAT needs the kernel modules and, as ipfw's default, one pass through the rules:
    #   kldload ipfw_nat; sysctl net.inet.ip.fw.one_pass=1
    # Containers reach the outside only if the host forwards: sysctl net.inet.ip.forwarding=1

    """
  }

  /// Every line, as a rules file: tables and their contents, NAT configurations, rules.
  public func lines() throws -> [String] {
    var tables: [String] = []
    var nats: [String] = []
    var rules: [String] = []
    guard spec.networks.count <= Self.maxNetworks else {
      throw ContainerError("ipfw: at most \(Self.maxNetworks) networks fit fwc's rule-number layout")
    }
    for n in spec.networks {
      let members = spec.containers.flatMap { c in c.addresses.filter { $0.network == n.name }.map(\.address) }
      let table = Self.tableName(n.name)
      tables.append("table \(table) create type addr")
      tables += members.map { "table \(table) add \($0)" }
      let number = layout.base + 100 * n.slot
      let instance = layout.natBase + n.slot
      let publishes = spec.containers.flatMap { c in c.publishes.filter { $0.network == n.name } }
      for p in publishes where p.family == .inet6 {
        if let h = p.hostAddress, h != p.target {
          throw ContainerError(
            "ipfw cannot publish \(p.mapping.shortForm) on IPv6 host address \(h): libalias translates IPv4 only (use pf, or publish the container's own address \(p.target))"
          )
        }
      }
      func add(_ offset: Int, _ body: String) { rules.append("add \(number + offset) set \(layout.set) \(body)") }
      let bridge = n.config.bridge
      for (k, family) in [AddressFamily.inet, .inet6].enumerated() {
        let own = n.subnets(family)
        guard !own.isEmpty else { continue }
        let ip = family == .inet ? "ip4" : "ip6"
        let others = spec.networks.filter { $0.name != n.name && ($0.config.isolate || n.config.isolate) }
          .flatMap { $0.subnets(family) }
        if !others.isEmpty {
          add(k, "deny \(ip) from table(\(table)) to \(Self.list(others)) in recv \(bridge)")
        }
        if n.config.internal {
          add(2 + k, "deny \(ip) from table(\(table)) to not \(Self.list(own)) in recv \(bridge)")
        }
        if n.config.isolateInside {
          add(4 + k, "deny \(ip) from table(\(table)) to table(\(table))")
        }
      }
      if let egress = n.egress, !n.config.internal {
        let v4 = publishes.filter { $0.family == .inet }
        let translate = n.config.nat && !n.subnets(.inet).isEmpty
        if translate || !v4.isEmpty {
          let aliasLow = layout.aliasBase + 500 * n.slot
          var config = ["nat \(instance) config"]
          if let a = n.egressAddresses.first(where: { $0.family == .inet }) {
            config.append("ip \(a)")
          } else {
            config.append("if \(egress)")
          }
          config.append("unreg_only port_range \(aliasLow)-\(aliasLow + 499)")
          for p in v4 {
            let local = "\(p.target):\(Self.range(p.mapping.containerPorts))"
            var r = "redirect_port \(p.mapping.protocol.rawValue) \(local) \(Self.range(p.mapping.hostPorts))"
            if let h = p.hostAddress, !h.isLoopback {
              // A chosen host address: only packets to it are redirected.
              r = "redirect_port \(p.mapping.protocol.rawValue) \(local) \(h):\(Self.range(p.mapping.hostPorts))"
            }
            config.append(r)
          }
          nats.append(config.joined(separator: " "))
          if translate {
            add(10, "nat \(instance) ip4 from table(\(table)) to not \(Self.list(n.subnets(.inet))) out xmit \(egress)")
            add(11, "nat \(instance) ip4 from any to me dst-port \(aliasLow)-\(aliasLow + 499) in recv \(egress)")
          }
          for proto in PortProtocol.allCases {
            let ports = v4.filter { $0.mapping.protocol == proto }.map { Self.range($0.mapping.hostPorts) }
            guard !ports.isEmpty else { continue }
            add(
              12,
              "nat \(instance) \(proto.rawValue) from any to me dst-port \(ports.joined(separator: ",")) in recv \(egress)"
            )
          }
        }
      }
      if !n.config.internal {
        add(20, "allow ip from table(\(table)) to any in recv \(bridge) keep-state")
      }
      for p in publishes {
        let proto = p.mapping.protocol.rawValue
        let ports = Self.range(p.mapping.containerPorts)
        if p.family == .inet {
          add(30, "allow \(proto) from any to \(p.target) dst-port \(ports) out xmit \(bridge) keep-state")
        } else {
          add(30, "allow \(proto) from any to \(p.target) dst-port \(ports) keep-state")
        }
      }
    }
    // Two ports published to one container port share their pass rule.
    var seen: Set<String> = []
    return tables + nats + rules.filter { seen.insert($0).inserted }
  }

  static func range(_ r: ClosedRange<Int>) -> String {
    r.count == 1 ? "\(r.lowerBound)" : "\(r.lowerBound)-\(r.upperBound)"
  }

  static func list(_ nets: [IPNetwork]) -> String { nets.map(\.description).joined(separator: ",") }
}
