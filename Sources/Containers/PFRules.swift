import FirewallIR

/// One anchor's rule text under fwc's top anchor.
public struct AnchorText: Sendable, Equatable {
  /// The anchor's path, `fwc/net-web` or `fwc/ctr-1f2e…`.
  public var path: String
  public var text: String
}

/// pf rules for container networks: one anchor per network (outbound NAT, isolation, the
/// network's own traffic) and one per container (its published ports), all under one top
/// anchor that the user hooks into pf.conf once.
///
/// Published ports use plain `rdr` and an explicit `pass` (not `rdr pass`), so the user's own
/// quick rules still apply to them; isolation rules are `quick`, so nothing later undoes them.
public struct PFRules: Sendable {
  public var top: String
  public var spec: ResolvedSpec

  public init(spec: ResolvedSpec, top: String = "fwc") {
    self.spec = spec
    self.top = top
  }

  /// The most ports a published range may hold: each port is one `rdr` rule.
  public static let maxRange = 4096

  /// The lines the user adds to pf.conf once: the translation hooks before their own `nat` and
  /// `rdr` rules, the filter hook after their filter rules.
  public static func prelude(top: String = "fwc") -> String {
    """
    # fwc container rules: add these lines to /etc/pf.conf once.
    # Before your own nat and rdr rules:
    nat-anchor "\(top)/*"
    rdr-anchor "\(top)/*"
    # After your own filter rules (a later rule of yours would override fwc's passes):
    anchor "\(top)/*"
    # Published ports reached from the host itself need `sysctl net.pf.filter_local=1`
    # (FreeBSD 13.3 and later); traffic between containers of one bridge is filtered only
    # with `sysctl net.link.bridge.pfil_member=1`.

    """
  }

  public func networkAnchor(_ n: ResolvedSpec.Network) -> AnchorText {
    AnchorText(path: "\(top)/\(Self.networkAnchorName(n.name))", text: networkRules(n).joined(separator: "\n") + "\n")
  }

  public func containerAnchor(_ c: ResolvedSpec.Container) -> AnchorText {
    AnchorText(path: "\(top)/\(Self.containerAnchorName(c.id))", text: containerRules(c).joined(separator: "\n") + "\n")
  }

  /// Every anchor, in the order pf evaluates `top/*` (by name).
  public func anchors() -> [AnchorText] {
    (spec.networks.map(networkAnchor) + spec.containers.map(containerAnchor)).sorted { $0.path < $1.path }
  }

  public static func networkAnchorName(_ network: String) -> String { "net-\(network)" }

  /// Container anchors are named by the id, or for ids over 40 characters (pf limits an anchor
  /// name component to 64 bytes) by its first 31 and a hash of the whole; two ids that would
  /// share a name are refused when the second is added.
  public static func containerAnchorName(_ id: String) -> String {
    guard id.utf8.count > 40 else { return "ctr-\(id)" }
    var hash: UInt32 = 0x811C_9DC5
    for b in id.utf8 { hash = (hash ^ UInt32(b)) &* 0x0100_0193 }
    let hex = String(hash, radix: 16)
    return "ctr-\(id.prefix(31))-\(String(repeating: "0", count: 8 - hex.count))\(hex)"
  }

  // MARK: Rules

  /// The table of a network's container addresses, in its anchor. It is declared without
  /// addresses (`persist`), so that loading the anchor again keeps what `pfctl -T` put in it.
  public static func membersTable(_ network: String) -> String { "fwc_\(network)" }

  func networkRules(_ n: ResolvedSpec.Network) -> [String] {
    let members = "<\(Self.membersTable(n.name))>"
    var out = ["# network \(n.name) on \(n.config.bridge)", "table \(members) persist"]
    for family in [AddressFamily.inet, .inet6] where !n.subnets(family).isEmpty {
      let af = family.keyword
      if n.config.nat && !n.config.internal, let egress = n.egress {
        let targets = n.egressAddresses.filter { $0.family == family }
        // The egress interface's first address (a bare `(em0)` would rotate over its aliases).
        let to =
          targets.isEmpty ? "(\(egress):0)" : Self.list(targets.map { IPNetwork(address: $0, prefix: family.bitCount) })
        out.append("nat on \(egress) \(af) from \(members) to any -> \(to)")
      }
    }
    for family in [AddressFamily.inet, .inet6] {
      let own = n.subnets(family)
      guard !own.isEmpty else { continue }
      let af = family.keyword
      let ownList = Self.list(own)
      let bridge = n.config.bridge
      let others = spec.networks.filter { $0.name != n.name && ($0.config.isolate || n.config.isolate) }
        .flatMap { $0.subnets(family) }
      if !others.isEmpty {
        out.append("block drop in quick on \(bridge) \(af) from \(members) to \(Self.list(others))")
      }
      if n.config.internal {
        // pf cannot negate a list: several subnets of one family are negated through a table.
        var notOwn = "! \(ownList)"
        if own.count > 1 {
          let table = "fwc\(family == .inet ? 4 : 6)_\(n.name)"
          out.append("table <\(table)> const { \(own.map(\.description).joined(separator: ", ")) }")
          notOwn = "! <\(table)>"
        }
        out.append("block drop in quick on \(bridge) \(af) from \(members) to \(notOwn)")
      }
      if n.config.isolateInside {
        out.append("block drop quick \(af) from \(members) to \(ownList)")
      }
      if !n.config.internal {
        out.append("pass in on \(bridge) \(af) from \(members) to any keep state")
      }
    }
    return out
  }

  func containerRules(_ c: ResolvedSpec.Container) -> [String] {
    var header = "# container \(c.id)"
    if let name = c.config.name { header += " (\(name))" }
    var nat: [String] = []
    var rdr: [String] = []
    var pass: [String] = []
    for p in c.publishes {
      guard let network = spec.network(p.network) else { continue }
      let af = p.family.keyword
      let proto = p.mapping.protocol.rawValue
      let loopback = p.family == .inet ? "127.0.0.1" : "::1"
      let target = p.family == .inet ? "\(p.target)" : "\(p.target)"
      let destinations: [String]
      if let h = p.hostAddress {
        destinations = ["\(h)"]
      } else if let egress = network.egress {
        destinations = ["(\(egress))", loopback]
      } else {
        destinations = ["self"]
      }
      for (h, cport) in zip(p.mapping.hostPorts, p.mapping.containerPorts) {
        for d in destinations {
          let on = d == loopback ? "on lo0 " : ""
          rdr.append("rdr \(on)\(af) proto \(proto) from any to \(d) port \(h) -> \(target) port \(cport)")
        }
      }
      let ports = Self.portText(p.mapping.containerPorts)
      if p.hostAddress == nil || p.hostAddress!.isLoopback {
        // Connections from the host itself come from the loopback address, which the container
        // cannot answer: they leave on the bridge from the bridge's own address.
        nat.append(
          "nat on \(network.config.bridge) \(af) proto \(proto) from \(loopback) to \(target) port \(ports) -> (\(network.config.bridge))"
        )
      }
      pass.append("pass \(af) proto \(proto) from any to \(target) port \(ports) keep state")
    }
    // Two ports published to one container port share their nat and pass rules.
    var seen: Set<String> = []
    return [header] + (nat + rdr + pass).filter { seen.insert($0).inserted }
  }

  static func portText(_ r: ClosedRange<Int>) -> String {
    r.count == 1 ? "\(r.lowerBound)" : "\(r.lowerBound):\(r.upperBound)"
  }

  static func list(_ nets: [IPNetwork]) -> String {
    nets.count == 1 ? "\(nets[0])" : "{ " + nets.map(\.description).joined(separator: ", ") + " }"
  }

  /// A pf.conf with fwc's hook lines replaced by the rules of the anchors they evaluate, in
  /// evaluation order: what pf does once the anchors are loaded, for `fwc trace`, `lint` and
  /// `diff`. Lines that are not hooks are kept as they are.
  public func merged(into pfConf: String) -> String {
    let anchors = anchors()
    var out: [String] = []
    var tablesWritten = false
    for line in pfConf.split(separator: "\n", omittingEmptySubsequences: false) {
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      let hook = "\"\(top)/*\""
      guard words.count == 2, words[1] == hook, ["nat-anchor", "rdr-anchor", "anchor"].contains(words[0]) else {
        out.append(String(line))
        continue
      }
      if !tablesWritten {
        // The anchors' tables, with the addresses `pfctl -T` keeps in them, before any rule.
        tablesWritten = true
        out.append("# fwc's tables")
        for n in spec.networks {
          let members = spec.containers.flatMap { c in c.addresses.filter { $0.network == n.name }.map(\.address) }
          let list = members.isEmpty ? "" : " { " + members.map(\.description).joined(separator: ", ") + " }"
          out.append("table <\(Self.membersTable(n.name))> persist\(list)")
        }
        for a in anchors {
          out += a.text.split(separator: "\n").filter { $0.hasPrefix("table ") && !$0.hasSuffix(" persist") }.map(
            String.init)
        }
      }
      let kind = words[0]
      out.append("# \(words.joined(separator: " ")): fwc's anchors in evaluation order")
      for a in anchors {
        let rules = a.text.split(separator: "\n").filter { rule in
          if rule.hasPrefix("#") || rule.hasPrefix("table ") { return false }
          switch kind {
          case "nat-anchor": return rule.hasPrefix("nat ")
          case "rdr-anchor": return rule.hasPrefix("rdr ")
          default: return !rule.hasPrefix("nat ") && !rule.hasPrefix("rdr ")
          }
        }
        guard !rules.isEmpty else { continue }
        out.append("# anchor \(a.path)")
        out += rules.map(String.init)
      }
    }
    return out.joined(separator: "\n")
  }
}

extension IPAddress {
  /// 127.0.0.0/8 or ::1.
  public var isLoopback: Bool { family == .inet ? value >> 24 == 127 : value == 1 }
}
