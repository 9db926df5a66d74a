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

  /// Where fwc's rules live: rule numbers from `base` (isolation first, then every NAT rule,
  /// then the passes, 1000 numbers each, 10 per network), the set they are loaded into
  /// (`set + 1` is the staging set swapped in atomically), NAT instances from `natBase`, and
  /// alias ports from `aliasBase` (500 per network).
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
  public static let maxNetworks = Validation.maxNetworks
  /// The most ports or ranges one ipfw rule may list (ipfw(8)).
  static let maxListed = 30

  public static func tableName(_ network: String) -> String { "fwc_\(network)" }
  /// The table a refill is staged in: a name no network's table can take.
  public static func stagingTableName(_ table: String) -> String { "fwcnew" + table.dropFirst(3) }

  /// The user's side: ipfw has no hooks, so this says what fwc owns and what it needs.
  public static func prelude(layout: Layout = Layout()) -> String {
    """
    # fwc container rules for ipfw. fwc owns, and changes only:
    #   rule numbers \(layout.base)-\(layout.base + 2999), in set \(layout.set) (set \(layout.set + 1) while loading),
    #   NAT instances \(layout.natBase)-\(layout.natBase + maxNetworks - 1), tables fwc_NETWORK.
    # Keep your own rules outside that range: rules before it see container traffic first
    # (your policy applies), rules after it see what fwc's rules do not decide. A check-state
    # or keep-state rule of yours before the range would pass translated flows untranslated.
    # NAT needs the kernel module and ipfw's default of one pass through the rules:
    #   kldload ipfw_nat; sysctl net.inet.ip.fw.one_pass=1
    # Containers reach the outside only if the host forwards: sysctl net.inet.ip.forwarding=1

    """
  }

  /// Every line, as a rules file: tables and their contents, NAT configurations, rules.
  /// Every `nat` rule comes before the first `keep-state` rule, whose implicit check-state
  /// would otherwise pass later packets of a flow before their network's `nat` rule.
  public func lines() throws -> [String] {
    var tables: [String] = []
    var nats: [String] = []
    var isolation: [String] = []
    var translation: [String] = []
    var passes: [String] = []
    guard spec.networks.count <= Self.maxNetworks else {
      throw ContainerError("ipfw: at most \(Self.maxNetworks) networks fit fwc's rule-number layout")
    }
    for n in spec.networks {
      let members = spec.containers.flatMap { c in c.addresses.filter { $0.network == n.name }.map(\.address) }
      let table = Self.tableName(n.name)
      tables.append("table \(table) create type addr")
      tables += members.map { "table \(table) add \($0)" }
      let instance = layout.natBase + n.slot
      let publishes = spec.containers.flatMap { c in c.publishes.filter { $0.network == n.name } }
      for p in publishes {
        if p.family == .inet6, let h = p.hostAddress, h != p.target {
          throw ContainerError(
            "ipfw cannot publish \(p.mapping.shortForm) on IPv6 host address \(h): libalias translates IPv4 only (use pf, or publish without a host address)"
          )
        }
        if let h = p.hostAddress, h.isLoopback {
          throw ContainerError(
            "ipfw cannot publish \(p.mapping.shortForm) on the loopback address: its NAT sees only the egress interface (use pf, or publish without a host address)"
          )
        }
      }
      func rule(_ phase: Int, _ offset: Int, _ body: String) -> String {
        "add \(layout.base + 1000 * phase + 10 * n.slot + offset) set \(layout.set) \(body)"
      }
      let bridge = n.config.bridge
      for (k, family) in [AddressFamily.inet, .inet6].enumerated() {
        let own = n.subnets(family)
        guard !own.isEmpty else { continue }
        let ip = family == .inet ? "ip4" : "ip6"
        let others = spec.networks.filter { $0.name != n.name && ($0.config.isolate || n.config.isolate) }
          .flatMap { $0.subnets(family) }
        if !others.isEmpty {
          isolation.append(rule(0, k, "deny \(ip) from table(\(table)) to \(Self.list(others)) in recv \(bridge)"))
        }
        if n.config.internal {
          isolation.append(rule(0, 2 + k, "deny \(ip) from table(\(table)) to not \(Self.list(own)) in recv \(bridge)"))
        }
        if n.config.isolateInside {
          isolation.append(rule(0, 4 + k, "deny \(ip) from table(\(table)) to table(\(table))"))
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
          // deny_in: inbound packets of no session and no redirect are dropped, not accepted.
          config.append("deny_in port_range \(aliasLow)-\(aliasLow + 499)")
          for p in v4 {
            let local = "\(p.target):\(Self.range(p.mapping.containerPorts))"
            let alias = (p.hostAddress.map { "\($0):" } ?? "") + Self.range(p.mapping.hostPorts)
            config.append("redirect_port \(p.mapping.protocol.rawValue) \(local) \(alias)")
          }
          nats.append(config.joined(separator: " "))
          if translate {
            translation.append(rule(1, 0, "nat \(instance) ip4 from table(\(table)) to any out xmit \(egress)"))
            translation.append(
              rule(1, 1, "nat \(instance) ip4 from any to me dst-port \(aliasLow)-\(aliasLow + 499) in recv \(egress)"))
          }
          for proto in PortProtocol.allCases {
            let mine = v4.filter { $0.mapping.protocol == proto }
            for chunk in Self.chunks(mine.map { Self.range($0.mapping.hostPorts) }) {
              translation.append(
                rule(1, 2, "nat \(instance) \(proto.rawValue) from any to me dst-port \(chunk) in recv \(egress)"))
            }
            // Without outbound NAT, the replies of published ports still go back through it.
            if !translate {
              for chunk in Self.chunks(mine.map { Self.range($0.mapping.containerPorts) }) {
                translation.append(
                  rule(
                    1, 3,
                    "nat \(instance) \(proto.rawValue) from table(\(table)) src-port \(chunk) to any out xmit \(egress)"
                  ))
              }
            }
          }
        }
      }
      if !n.config.internal {
        passes.append(rule(2, 0, "allow ip from table(\(table)) to any in recv \(bridge) keep-state"))
      }
      for p in publishes {
        let proto = p.mapping.protocol.rawValue
        let ports = Self.range(p.mapping.containerPorts)
        let out = p.family == .inet ? " out xmit \(bridge)" : ""
        passes.append(rule(2, 1, "allow \(proto) from any to \(p.target) dst-port \(ports)\(out) keep-state"))
      }
    }
    // Two ports published to one container port share their pass rule.
    var seen: Set<String> = []
    return tables + nats + (isolation + translation + passes).filter { seen.insert($0).inserted }
  }

  /// A port list in pieces ipfw accepts.
  static func chunks(_ items: [String]) -> [String] {
    var unique: [String] = []
    for i in items where !unique.contains(i) { unique.append(i) }
    return stride(from: 0, to: unique.count, by: maxListed).map {
      unique[$0..<min($0 + maxListed, unique.count)].joined(separator: ",")
    }
  }

  static func range(_ r: ClosedRange<Int>) -> String {
    r.count == 1 ? "\(r.lowerBound)" : "\(r.lowerBound)-\(r.upperBound)"
  }

  static func list(_ nets: [IPNetwork]) -> String { nets.map(\.description).joined(separator: ",") }
}
