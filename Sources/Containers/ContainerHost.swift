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
  public func apply(_ spec: ContainerSpec) throws {
    let resolved = try Validation.resolve(spec)
    try store.locked {
      let keep = Set(spec.containers.map(\.id))
      for r in try store.records() where !keep.contains(r.container.id) { try store.removeRecord(r.container.id) }
      let keepNetworks = Set(spec.networks.map(\.name))
      for n in try store.networks() where !keepNetworks.contains(n.name) { try store.removeNetwork(n.name) }
      for var n in spec.networks {
        // The spec's default egress is kept with each network, as the records stand alone.
        n.egress = n.egress ?? spec.egress
        try store.save(n)
      }
      try store.clearClaims()
      for c in resolved.containers {
        try store.save(ContainerRecord(container: c.config, firewall: settings.firewall))
        try claim(c)
      }
      try loadEverything()
    }
  }

  /// Adds (or replaces) one container, with the networks it is attached to (created or
  /// updated when given).
  public func add(_ container: ContainerConfig, networks: [NetworkConfig] = []) throws {
    try store.locked {
      var known = try store.networks()
      var changed = false
      for n in networks {
        if let i = known.firstIndex(where: { $0.name == n.name }) {
          if known[i] != n {
            known[i] = n
            changed = true
          }
        } else {
          known.append(n)
          changed = true
        }
      }
      let resolved = try Validation.resolve(ContainerSpec(egress: nil, networks: known, containers: [container]))
      let c = resolved.containers[0]
      let anchorName = PFRules.containerAnchorName(container.id)
      if let other = try store.anchorOwner(anchorName), other != container.id {
        throw ContainerError("containers \(other) and \(container.id) share the first 40 characters of their ids")
      }
      try checkClaims(c)
      if changed { for n in networks { try store.save(n) } }
      try releaseClaims(container.id)
      try claim(c)
      try store.setAnchorOwner(anchorName, container.id)
      // The commit point: from here on the container exists, and `restore` would load it.
      try store.save(ContainerRecord(container: container, firewall: settings.firewall))
      switch settings.firewall {
      case .pf:
        let rules = PFRules(spec: resolved, top: settings.anchor)
        if changed { for n in resolved.networks { try load(rules.networkAnchor(n)) } }
        try load(rules.containerAnchor(c))
      case .ipfw:
        try loadEverything()
      }
    }
  }

  /// Removes one container's rules and record; removing one that is not there succeeds.
  public func remove(_ id: String) throws {
    try Validation.checkName(id, what: "container id")
    try store.locked {
      let record = try store.record(id)
      try releaseClaims(id)
      try store.removeRecord(id)
      if try store.anchorOwner(PFRules.containerAnchorName(id)) == nil {
        try store.setAnchorOwner(PFRules.containerAnchorName(id), nil)
      }
      switch record?.firewall ?? settings.firewall {
      case .pf: try flush("\(settings.anchor)/\(PFRules.containerAnchorName(id))")
      case .ipfw: if record != nil { try loadEverything() }
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
        let wantsRules = expected.text.split(separator: "\n").contains { !$0.hasPrefix("#") }
        let loaded = try runner.run(ShellCommand([settings.pfctl, "-a", path, "-s", "all"]))
        guard loaded.status == 0 else {
          throw ContainerError("anchor \(path) cannot be read: \(loaded.errorOutput.trimmed)", system: true)
        }
        if wantsRules && loaded.output.trimmed.isEmpty {
          throw ContainerError("anchor \(path) holds no rules", system: true)
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
      try store.clearClaims()
      let resolved = try currentSpec()
      for c in resolved.containers { try claim(c) }
      try loadEverything()
    }
  }

  /// Removes what no recorded container owns. With `valid` (CNI GC), the containers of
  /// `network` that are not in it are removed first.
  public func gc(valid: Set<String>? = nil, network: String? = nil) throws {
    try store.locked {
      if let valid {
        for r in try store.records()
        where !valid.contains(r.container.id)
          && (network == nil || r.container.attachments.contains { $0.network == network })
        {
          try releaseClaims(r.container.id)
          try store.removeRecord(r.container.id)
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

  /// Every recorded network and container, resolved.
  public func currentSpec() throws -> ResolvedSpec {
    let records = try store.records().filter { $0.firewall == settings.firewall }
    return try Validation.resolve(
      ContainerSpec(egress: nil, networks: try store.networks(), containers: records.map(\.container)))
  }

  // MARK: Loading

  func loadEverything() throws {
    let spec = try currentSpec()
    switch settings.firewall {
    case .pf:
      for a in PFRules(spec: spec, top: settings.anchor).anchors() { try load(a) }
      try dropUnownedAnchors()
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

  func flush(_ path: String) throws {
    let r = try runner.run(ShellCommand([settings.pfctl, "-a", path, "-F", "all"]))
    guard r.status == 0 else {
      throw ContainerError("pfctl cannot flush \(path): \(r.errorOutput.trimmed)", system: true)
    }
  }

  /// Flushes the anchors under fwc's top anchor that no network or container owns.
  func dropUnownedAnchors() throws {
    let spec = try currentSpec()
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
        let name = line.split(separator: " ")[1]
        script += ["table \(name) create type addr missing", "table \(name).new create type addr or-flush"]
      } else if line.hasPrefix("table ") {
        let words = line.split(separator: " ")
        script.append("table \(words[1]).new " + words[2...].joined(separator: " "))
      } else if line.hasPrefix("add ") {
        script.append(line.replacingOccurrences(of: " set \(set) ", with: " set \(staging) "))
      } else {
        script.append(line)
      }
    }
    for line in lines where line.hasPrefix("table ") && line.hasSuffix(" create type addr") {
      let name = line.split(separator: " ")[1]
      script += ["table \(name) swap \(name).new", "table \(name).new destroy"]
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

  func releaseClaims(_ id: String) throws {
    guard let record = try store.record(id) else { return }
    for m in record.container.ports {
      for port in m.hostPorts { try store.setClaims(m.protocol, port, owner: id, []) }
    }
  }

}

extension StringProtocol {
  var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
