import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What fwc remembers of one container: its configuration and the firewall its rules are in.
public struct ContainerRecord: Codable, Hashable, Sendable {
  public var container: ContainerConfig
  public var firewall: Firewall
}

/// The firewall a container's rules are written for.
public enum Firewall: String, Codable, Hashable, Sendable, CaseIterable {
  case pf, ipfw
}

/// The state directory: one file per network and per container, written atomically
/// (temporary file, fsync, rename, fsync of the directory), and one claim file per published
/// host port, all changed only under an exclusive lock on `lock`. A record is the commit point
/// of an add: a crash before it leaves nothing that counts (claims whose owner has no record
/// are ignored and replaced), a crash after it leaves a container that `restore` loads.
public final class StateStore {
  public let directory: String
  var lockFD: Int32 = -1

  public init(directory: String) {
    // An absolute path: ipfw reads a rules file only when its name starts with `/`.
    self.directory =
      directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
  }

  deinit { unlock() }

  var networksDir: String { directory + "/networks" }
  var containersDir: String { directory + "/containers" }
  var portsDir: String { directory + "/ports" }
  var anchorsDir: String { directory + "/anchors" }

  /// Creates the directories and takes the lock (blocking until other fwc processes let go).
  public func lock() throws {
    for d in [directory, networksDir, containersDir, portsDir, anchorsDir] {
      if mkdir(d, 0o700) != 0 && errno != EEXIST {
        throw ContainerError("cannot create state directory \(d): \(String(cString: strerror(errno)))", system: true)
      }
    }
    let fd = open(directory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw ContainerError("cannot open \(directory)/lock: \(String(cString: strerror(errno)))", system: true)
    }
    while flock(fd, LOCK_EX) != 0 {
      if errno == EINTR { continue }
      close(fd)
      throw ContainerError("cannot lock \(directory)/lock: \(String(cString: strerror(errno)))", system: true)
    }
    lockFD = fd
  }

  public func unlock() {
    if lockFD >= 0 {
      close(lockFD)
      lockFD = -1
    }
  }

  /// Runs `body` holding the lock.
  public func locked<T>(_ body: () throws -> T) throws -> T {
    try lock()
    defer { unlock() }
    return try body()
  }

  // MARK: Records

  public func networks() throws -> [NetworkConfig] {
    try list(networksDir).compactMap { try read(NetworkConfig.self, networksDir + "/" + $0) }
  }

  public func network(_ name: String) throws -> NetworkConfig? {
    try read(NetworkConfig.self, networksDir + "/\(name).json")
  }

  public func save(_ n: NetworkConfig) throws { try write(n, to: networksDir + "/\(n.name).json") }

  public func removeNetwork(_ name: String) throws { try remove(networksDir + "/\(name).json") }

  public func record(_ id: String) throws -> ContainerRecord? {
    try read(ContainerRecord.self, containersDir + "/\(id).json")
  }

  public func hasRecord(_ id: String) -> Bool { access(containersDir + "/\(id).json", F_OK) == 0 }

  public func records() throws -> [ContainerRecord] {
    try list(containersDir).compactMap { try read(ContainerRecord.self, containersDir + "/" + $0) }
  }

  public func save(_ r: ContainerRecord) throws { try write(r, to: containersDir + "/\(r.container.id).json") }

  public func removeRecord(_ id: String) throws { try remove(containersDir + "/\(id).json") }

  // MARK: Anchor names

  /// The container whose rules a pf anchor name holds, if it still has a record.
  public func anchorOwner(_ name: String) throws -> String? {
    guard let owner = try read(String.self, anchorsDir + "/\(name).json"), hasRecord(owner) else { return nil }
    return owner
  }

  public func setAnchorOwner(_ name: String, _ owner: String?) throws {
    if let owner {
      try write(owner, to: anchorsDir + "/\(name).json")
    } else {
      try remove(anchorsDir + "/\(name).json")
    }
  }

  // MARK: Port claims

  /// One published host port: who holds it, for which family and host address.
  public struct Claim: Codable, Hashable, Sendable {
    public var owner: String
    public var family: Int
    public var hostIP: String?
    public var mapping: String
  }

  func claimPath(_ proto: PortProtocol, _ port: Int) -> String { portsDir + "/\(proto.rawValue).\(port).json" }

  /// The live claims on a port: those whose owner's record still publishes it. Claims a crash
  /// left behind (an owner gone, or a port it no longer publishes) count for nothing.
  public func claims(_ proto: PortProtocol, _ port: Int) throws -> [Claim] {
    try (read([Claim].self, claimPath(proto, port)) ?? []).filter { c in
      guard let r = try record(c.owner) else { return false }
      return r.container.ports.contains { $0.protocol == proto && $0.hostPorts.contains(port) }
    }
  }

  /// Replaces `owner`'s claims on a port with `new` (empty to release them).
  public func setClaims(_ proto: PortProtocol, _ port: Int, owner: String, _ new: [Claim]) throws {
    let kept = try claims(proto, port).filter { $0.owner != owner } + new
    if kept.isEmpty { try remove(claimPath(proto, port)) } else { try write(kept, to: claimPath(proto, port)) }
  }

  // MARK: Files

  func list(_ dir: String) throws -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
    return names.filter { $0.hasSuffix(".json") }.sorted()
  }

  func read<T: Decodable>(_ type: T.Type, _ path: String) throws -> T? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    do {
      return try JSONDecoder().decode(T.self, from: data)
    } catch {
      throw ContainerError("state file \(path) is damaged: \(error)", system: true)
    }
  }

  func write<T: Encodable>(_ value: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try AtomicFile.write(Array(try encoder.encode(value)), to: path)
  }

  func remove(_ path: String) throws {
    if unlink(path) != 0 && errno != ENOENT {
      throw ContainerError("cannot remove \(path): \(String(cString: strerror(errno)))", system: true)
    }
  }
}

/// Writes a file so that readers see the old or the new content, never a part: a temporary
/// file beside it, fsync, rename over, fsync of the directory.
public enum AtomicFile {
  public static func write(_ bytes: [UInt8], to path: String) throws {
    let dir = (path as NSString).deletingLastPathComponent
    let tmp = "\(path).tmp.\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw ContainerError("cannot write \(tmp): \(String(cString: strerror(errno)))", system: true)
    }
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        let e = errno
        close(fd)
        unlink(tmp)
        throw ContainerError("cannot write \(tmp): \(String(cString: strerror(e)))", system: true)
      }
      offset += n
    }
    guard fsync(fd) == 0 else {
      let e = errno
      close(fd)
      unlink(tmp)
      throw ContainerError("cannot sync \(tmp): \(String(cString: strerror(e)))", system: true)
    }
    close(fd)
    guard rename(tmp, path) == 0 else {
      let e = errno
      unlink(tmp)
      throw ContainerError("cannot rename \(tmp) to \(path): \(String(cString: strerror(e)))", system: true)
    }
    let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
    if dfd >= 0 {
      fsync(dfd)
      close(dfd)
    }
  }
}
