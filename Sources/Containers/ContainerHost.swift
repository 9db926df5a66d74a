import FirewallIR
import Foundation
import IPFWSyntax
import PFSyntax

/// Where the firewall's tools are and how fwc's rules are laid out in it.
public struct FirewallSettings: Sendable {
  public var firewall: Firewall = .pf
  /// fwc's top pf anchor.
  public var anchor = "fwc"
  public var pfctl = "/sbin/pfctl"
  public var ipfw = "/sbin/ipfw"
  public var layout = IPFWRules.Layout()
  public init() {}

  /// A program's path: as given when it holds a `/`, else the first match on `PATH`, else
  /// the base system's place.
  public static func locate(_ name: String, default fallback: String) -> String {
    if name.contains("/") { return name }
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
      let path = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return fallback
  }
}

/// The operations on the containers of one host: each reads and changes the state directory
/// under its lock, generates the rules, checks them with fwc's own parser and the firewall's
/// dry run, and loads them, replacing only what fwc owns.
public final class ContainerHost {
  public let store: StateStore
  public var settings: FirewallSettings
  public let runner: CommandRunner

  public init(store: StateStore, settings: FirewallSettings, runner: CommandRunner) {
    self.store = store
    self.settings = settings
    self.runner = runner
  }

  // MARK: Operations

  /// Makes the host hold exactly the spec's networks and containers (`fwc container apply`).
  /// Networks the host already has keep their slots (ipfw numbers); new ones take free ones.
  public func apply(_ spec: ContainerSpec) throws {
    _ = try Validation.resolve(spec)
    try store.locked {
      var spec = spec
      let stored = Dictionary(try store.networks().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
      let explicit = Set(spec.networks.compactMap(\.slot))
      for i in spec.networks.indices where spec.networks[i].slot == nil {
        if let old = stored[spec.networks[i].name]?.slot, !explicit.contains(old) { spec.networks[i].slot = old }
      }
      let resolved = try Validation.resolve(spec)
      let keep = Set(spec.containers.map(\.id))
      for r in try store.records() where !keep.contains(r.container.id) { try store.removeRecord(r.container.id) }
      let keepNetworks = Set(spec.networks.map(\.name))
      for n in stored.values where !keepNetworks.contains(n.name) { try store.removeNetwork(n.name) }
      for var n in spec.networks {
        // The spec's default egress is kept with each network, as the records stand alone.
        n.egress = n.egress ?? spec.egress
        n.slot = resolved.network(n.name)?.slot
        try store.save(n)
      }
      for c in resolved.containers {
        try store.save(ContainerRecord(container: c.config, firewall: settings.firewall))
        try claim(c)
      }
      try loadEverything()
    }
  }

  /// Adds (or replaces) one container, with the networks it is attached to (created or
  /// updated when given; with `mergeSubnets`, a known network keeps its other subnets, as
  /// attachments bring them one by one).
  public func add(_ container: ContainerConfig, networks: [NetworkConfig] = [], mergeSubnets: Bool = false) throws {
    try store.locked {
      var known = try store.networks()
      var changed: [NetworkConfig] = []
      for var n in networks {
        if let i = known.firstIndex(where: { $0.name == n.name }) {
          if mergeSubnets { n.subnets = Array(Set(known[i].subnets + n.subnets)).sorted() }
          n.slot = n.slot ?? known[i].slot
          if known[i] != n {
            known[i] = n
            changed.append(n)
          }
        } else {
          known.append(n)
          changed.append(n)
        }
      }
      // A new network takes the lowest free slot, kept from then on.
      let slots = try Validation.assignSlots(known)
      for i in known.indices where known[i].slot == nil {
        known[i].slot = slots[known[i].name]
        if let k = changed.firstIndex(where: { $0.name == known[i].name }) { changed[k].slot = known[i].slot }
      }
      let resolved = try Validation.resolve(ContainerSpec(egress: nil, networks: known, containers: [container]))
      let c = resolved.containers[0]
      let anchorName = PFRules.containerAnchorName(container.id)
      if let other = try store.anchorOwner(anchorName), other != container.id {
        throw ContainerError("containers \(other) and \(container.id) would share the pf anchor \(anchorName)")
      }
      try checkClaims(c)
      for n in changed { try store.save(n) }
      // New claims first, old ones released only after the commit: a crash in between leaves
      // a port claimed twice by the same container, never a loaded port unclaimed.
      let old = try store.record(container.id)
      try claim(c)
      try store.setAnchorOwner(anchorName, container.id)
      // The commit point: from here on the container exists, and `restore` would load it.
      try store.save(ContainerRecord(container: container, firewall: settings.firewall))
      if let old { try releaseClaims(old.container, keeping: c) }
      switch settings.firewall {
      case .pf:
        let rules = PFRules(spec: resolved, top: settings.anchor)
        if !changed.isEmpty { for n in resolved.networks { try load(rules.networkAnchor(n)) } }
        try load(rules.containerAnchor(c))
        if let old { try tableMembers("delete", old.container, except: container) }
        try tableMembers("add", container)
      case .ipfw:
        try loadEverything()
      }
    }
  }

  /// Removes one container's rules and record; removing one that is not there succeeds, and
  /// never touches an anchor another container holds.
  public func remove(_ id: String) throws {
    try Validation.checkName(id, what: "container id")
    try store.locked {
      let record = try store.record(id)
      let anchorName = PFRules.containerAnchorName(id)
      let owner = try store.anchorOwner(anchorName)
      // The record goes first: claims left by a crash after it belong to no record and count
      // for nothing.
      try store.removeRecord(id)
      if let record { try releaseClaims(record.container, keeping: nil) }
      if owner == id { try store.setAnchorOwner(anchorName, nil) }
      switch record?.firewall ?? settings.firewall {
      case .pf:
        if let record { try? tableMembers("delete", record.container) }
        guard owner == nil || owner == id else { return }
        do {
          try flush("\(settings.anchor)/\(anchorName)")
        } catch  where record == nil {
          // Nothing was recorded: there is nothing of this container to remove.
        }
      case .ipfw:
        if record != nil { try loadEverything() }
      }
    }
  }

  /// Whether a container is recorded and its rules are loaded; throws saying what is wrong.
  public func check(_ id: String) throws {
    try Validation.checkName(id, what: "container id")
    try store.locked {
      guard let record = try store.record(id) else { throw ContainerError("container \(id) is not known to fwc") }
      let resolved = try Validation.resolve(
        ContainerSpec(egress: nil, networks: try store.networks(), containers: [record.container]))
      switch record.firewall {
      case .pf:
        let path = "\(settings.anchor)/\(PFRules.containerAnchorName(id))"
        let expected = PFRules(spec: resolved, top: settings.anchor).containerAnchor(resolved.containers[0])
        let rules = expected.text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        // pfctl lists an anchor's translation rules with -s nat and its filter rules with -s rules.
        for (what, wanted) in [
          ("nat", rules.filter { $0.hasPrefix("nat ") || $0.hasPrefix("rdr ") }.count),
          ("rules", rules.filter { $0.hasPrefix("pass ") || $0.hasPrefix("block ") }.count),
        ] where wanted > 0 {
          let loaded = try runner.run(ShellCommand([settings.pfctl, "-a", path, "-s", what]))
          guard loaded.status == 0 else {
            throw ContainerError("anchor \(path) cannot be read: \(loaded.errorOutput.trimmed)", system: true)
          }
          let count = loaded.output.split(separator: "\n").filter { !$0.trimmed.isEmpty }.count
          if count < wanted {
            throw ContainerError(
              "anchor \(path) holds \(count) of its \(wanted) \(what == "nat" ? "translation" : "filter") rules")
          }
        }
        for (network, address) in resolved.containers[0].addresses {
          let tablePath = "\(settings.anchor)/\(PFRules.networkAnchorName(network))"
          let shown = try runner.run(
            ShellCommand([settings.pfctl, "-a", tablePath, "-t", PFRules.membersTable(network), "-T", "show"]))
          let listed = Set(shown.output.split(separator: "\n").map(\.trimmed))
          guard shown.status == 0, listed.contains("\(address)") else {
            throw ContainerError("table \(PFRules.membersTable(network)) in \(tablePath) does not hold \(address)")
          }
        }
      case .ipfw:
        let loaded = try runner.run(ShellCommand([settings.ipfw, "-q", "set", "show"]))
        guard loaded.status == 0 else {
          throw ContainerError("ipfw cannot list its sets: \(loaded.errorOutput.trimmed)", system: true)
        }
      }
    }
  }

  /// Loads the rules of every recorded container again (after `service pf restart` or a
  /// boot), and drops fwc anchors that no container owns.
  public func restore() throws {
    try store.locked {
      let resolved = try currentSpec()
      for c in resolved.containers { try claim(c) }
      try loadEverything(resolved)
    }
  }

  /// Removes what no recorded container owns. With `keep` (CNI GC), the containers of
  /// `network` it does not keep are removed first.
  public func gc(keep: ((String) -> Bool)? = nil, network: String? = nil) throws {
    try store.locked {
      if let keep {
        for r in try store.records()
        where !keep(r.container.id) && (network == nil || r.container.attachments.contains { $0.network == network }) {
          try store.removeRecord(r.container.id)
          try releaseClaims(r.container, keeping: nil)
          try store.setAnchorOwner(PFRules.containerAnchorName(r.container.id), nil)
        }
      }
      switch settings.firewall {
      case .pf: try dropUnownedAnchors()
      case .ipfw: try loadEverything()
      }
    }
  }

  /// The recorded containers, sorted by id.
  public func list() throws -> [ContainerRecord] {
    try store.records().sorted { $0.container.id < $1.container.id }
  }

  /// What `currentSpec` left out: records that no longer resolve (a network gone, an
  /// address or port another container took after a missed removal), one line each.
  public private(set) var warnings: [String] = []

  /// Every recorded network and container, resolved; a record that does not resolve with the
  /// ones before it is left out (and named in `warnings`) rather than failing the rest.
  public func currentSpec() throws -> ResolvedSpec {
    let networks = try store.networks()
    var spec = try Validation.resolve(ContainerSpec(egress: nil, networks: networks))
    var kept: [ContainerConfig] = []
    warnings = []
    for r in try store.records() where r.firewall == settings.firewall {
      do {
        let one = try Validation.resolve(
          ContainerSpec(egress: nil, networks: networks, containers: kept + [r.container]))
        kept.append(r.container)
        spec = one
      } catch let e as ContainerError {
        warnings.append("container \(r.container.id) is left out: \(e.message)")
      }
    }
    return spec
  }

  // MARK: Loading

  func loadEverything(_ current: ResolvedSpec? = nil) throws {
    let spec = try current ?? currentSpec()
    switch settings.firewall {
    case .pf:
      for a in PFRules(spec: spec, top: settings.anchor).anchors() { try load(a) }
      for n in spec.networks {
        let members = spec.containers.flatMap { c in c.addresses.filter { $0.network == n.name }.map(\.address) }
        try table(n.name, "replace", members)
      }
      try dropUnownedAnchors(spec)
    case .ipfw:
      try loadIPFW(IPFWRules(spec: spec, layout: settings.layout).lines())
    }
  }

  /// Checks an anchor's text with fwc's parser and `pfctl -n`, then loads it (pfctl replaces
  /// the anchor's rules at once).
  func load(_ anchor: AnchorText) throws {
    let parsed = PFParser.parse(SourceFile(name: anchor.path, bytes: Array(anchor.text.utf8)))
    if let e = parsed.diagnostics.first(where: { $0.severity == .error }) {
      throw ContainerError(
        "internal error: generated rules for \(anchor.path) do not parse: \(e.message)", system: true)
    }
    for args in [["-n", "-a", anchor.path, "-f", "-"], ["-a", anchor.path, "-f", "-"]] {
      let r = try runner.run(ShellCommand([settings.pfctl] + args, input: anchor.text))
      guard r.status == 0 else {
        throw ContainerError("pfctl refused the rules of \(anchor.path): \(r.errorOutput.trimmed)", system: true)
      }
    }
  }

  /// Changes a network's table of container addresses (`add`, `delete` or `replace`).
  func table(_ network: String, _ verb: String, _ addresses: [IPAddress]) throws {
    guard verb == "replace" || !addresses.isEmpty else { return }
    let path = "\(settings.anchor)/\(PFRules.networkAnchorName(network))"
    let table = PFRules.membersTable(network)
    let r = try runner.run(
      ShellCommand([settings.pfctl, "-a", path, "-t", table, "-T", verb] + addresses.map(\.description)))
    guard r.status == 0 else {
      throw ContainerError(
        "pfctl cannot \(verb) addresses of table \(table) in \(path): \(r.errorOutput.trimmed)", system: true)
    }
  }

  /// Adds or deletes a container's addresses in its networks' tables (leaving out those that
  /// `except`, the container's next record, keeps).
  func tableMembers(_ verb: String, _ c: ContainerConfig, except: ContainerConfig? = nil) throws {
    for a in c.attachments {
      let kept = Set(except?.attachments.filter { $0.network == a.network }.flatMap(\.addresses) ?? [])
      let addresses = a.addresses.filter { !kept.contains($0) }.compactMap { text in
        IPAddress.parse(text.split(separator: "/").first ?? Substring(text))
      }
      try table(a.network, verb, addresses)
    }
  }

  func flush(_ path: String) throws {
    let r = try runner.run(ShellCommand([settings.pfctl, "-a", path, "-F", "all"]))
    guard r.status == 0 else {
      throw ContainerError("pfctl cannot flush \(path): \(r.errorOutput.trimmed)", system: true)
    }
  }

  /// Flushes the anchors under fwc's top anchor that no network or container owns.
  func dropUnownedAnchors(_ current: ResolvedSpec? = nil) throws {
    let spec = try current ?? currentSpec()
    let owned = Set(PFRules(spec: spec, top: settings.anchor).anchors().map(\.path))
    let r = try runner.run(ShellCommand([settings.pfctl, "-a", settings.anchor, "-s", "Anchors"]))
    guard r.status == 0 else { return }
    for line in r.output.split(separator: "\n") {
      let path = line.trimmed
      guard path.hasPrefix(settings.anchor + "/"), !owned.contains(path) else { continue }
      try flush(path)
    }
  }

  /// Loads ipfw's rules in one pass of `ipfw FILE`: the new rules go into the staging set,
  /// which is swapped with fwc's set at once; tables are refilled through a swap too.
  func loadIPFW(_ lines: [String]) throws {
    let parsed = IPFWParser.parse(
      SourceFile(name: "fwc-ipfw", bytes: Array((lines.joined(separator: "\n") + "\n").utf8)))
    if let e = parsed.diagnostics.first(where: { $0.severity == .error }) {
      throw ContainerError("internal error: generated ipfw rules do not parse: \(e.message)", system: true)
    }
    let set = settings.layout.set
    let staging = set + 1
    var script = ["set disable \(staging)", "delete set \(staging)"]
    for line in lines {
      if line.hasPrefix("table "), line.hasSuffix(" create type addr") {
        let name = String(line.split(separator: " ")[1])
        let staging = IPFWRules.stagingTableName(name)
        script += ["table \(name) create type addr missing", "table \(staging) create type addr or-flush"]
      } else if line.hasPrefix("table ") {
        let words = line.split(separator: " ")
        script.append("table \(IPFWRules.stagingTableName(String(words[1]))) " + words[2...].joined(separator: " "))
      } else if line.hasPrefix("add ") {
        script.append(line.replacingOccurrences(of: " set \(set) ", with: " set \(staging) "))
      } else {
        script.append(line)
      }
    }
    for line in lines where line.hasPrefix("table ") && line.hasSuffix(" create type addr") {
      let name = String(line.split(separator: " ")[1])
      let staging = IPFWRules.stagingTableName(name)
      script += ["table \(name) swap \(staging)", "table \(staging) destroy"]
    }
    script += ["set swap \(set) \(staging)", "delete set \(staging)"]
    let text = script.joined(separator: "\n") + "\n"
    let path = store.directory + "/ipfw.rules"
    try AtomicFile.write(Array(text.utf8), to: path)
    for args in [["-n", "-q", path], ["-q", path]] {
      let r = try runner.run(ShellCommand([settings.ipfw] + args, input: nil))
      guard r.status == 0 else {
        throw ContainerError("ipfw refused fwc's rules: \(r.errorOutput.trimmed)", system: true)
      }
    }
  }

  // MARK: Port claims

  func claims(of c: ResolvedSpec.Container) -> [(PortProtocol, Int, StateStore.Claim)] {
    c.publishes.flatMap { p in
      p.mapping.hostPorts.map { port in
        (
          p.mapping.protocol, port,
          StateStore.Claim(
            owner: c.id, family: Int(p.family.rawValue), hostIP: p.hostAddress.map { "\($0)" },
            mapping: p.mapping.shortForm)
        )
      }
    }
  }

  func checkClaims(_ c: ResolvedSpec.Container) throws {
    for (proto, port, mine) in claims(of: c) {
      for other in try store.claims(proto, port)
      where other.owner != c.id && other.family == mine.family
        && (other.hostIP == nil || mine.hostIP == nil || other.hostIP == mine.hostIP)
      {
        throw ContainerError(
          "host port \(proto.rawValue) \(port) on \(mine.hostIP ?? "every address") is already published by \(other.owner) (\(other.mapping)); \(c.id) asks for it with \(mine.mapping)"
        )
      }
    }
  }

  func claim(_ c: ResolvedSpec.Container) throws {
    var byPort: [String: (PortProtocol, Int, [StateStore.Claim])] = [:]
    for (proto, port, claim) in claims(of: c) {
      byPort["\(proto).\(port)", default: (proto, port, [])].2.append(claim)
    }
    for (_, (proto, port, list)) in byPort { try store.setClaims(proto, port, owner: c.id, list) }
  }

  /// Releases the ports of `old` that `new` (the same container's next record) does not keep.
  func releaseClaims(_ old: ContainerConfig, keeping new: ResolvedSpec.Container?) throws {
    let kept = Set((new.map { claims(of: $0) } ?? []).map { "\($0.0).\($0.1)" })
    for m in old.ports {
      for port in m.hostPorts where !kept.contains("\(m.protocol).\(port)") {
        try store.setClaims(m.protocol, port, owner: old.id, [])
      }
    }
  }
}

extension StringProtocol {
  var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
