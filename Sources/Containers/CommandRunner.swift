import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A command fwc runs to change the firewall: the program, its arguments, and its standard
/// input.
public struct ShellCommand: Sendable, Equatable {
  public var arguments: [String]
  public var input: String?

  public init(_ arguments: [String], input: String? = nil) {
    self.arguments = arguments
    self.input = input
  }

  /// The command as a shell line, standard input as a here-document.
  public var shellText: String {
    var s = arguments.map(Self.quote).joined(separator: " ")
    if let input {
      var marker = "FWC_EOF"
      while input.contains(marker) { marker += "_" }
      s += " <<'\(marker)'\n" + input + (input.hasSuffix("\n") ? "" : "\n") + marker
    }
    return s
  }

  static func quote(_ word: String) -> String {
    let safe = word.unicodeScalars.allSatisfy { u in
      CharacterSet.alphanumerics.contains(u) && u.isASCII || "-_./:=,@%+".unicodeScalars.contains(u)
    }
    return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// What a command printed and how it ended.
public struct CommandResult: Sendable {
  public var status: Int32
  public var output: String
  public var errorOutput: String
  public init(status: Int32, output: String = "", errorOutput: String = "") {
    self.status = status
    self.output = output
    self.errorOutput = errorOutput
  }
}

/// Runs the firewall's commands: for real, or (dry run) by writing them down.
public protocol CommandRunner: AnyObject {
  func run(_ command: ShellCommand) throws -> CommandResult
}

/// Runs commands as processes, through posix_spawn: standard input, output and error are
/// unlinked temporary files, so that no pipe can fill up and the call returns as soon as the
/// child exits.
public final class ProcessRunner: CommandRunner {
  public init() {}

  public func run(_ command: ShellCommand) throws -> CommandResult {
    let input = try Self.scratchFile(command.input ?? "")
    defer { close(input) }
    let output = try Self.scratchFile("")
    defer { close(output) }
    let errors = try Self.scratchFile("")
    defer { close(errors) }
    #if os(Linux)
      var actions = posix_spawn_file_actions_t()
    #else
      var actions: posix_spawn_file_actions_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input, 0)
    posix_spawn_file_actions_adddup2(&actions, output, 1)
    posix_spawn_file_actions_adddup2(&actions, errors, 2)
    var argv: [UnsafeMutablePointer<CChar>?] = command.arguments.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, command.arguments[0], &actions, nil, &argv, environ)
    guard spawned == 0 else {
      throw ContainerError("cannot run \(command.arguments[0]): \(String(cString: strerror(spawned)))", system: true)
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { throw ContainerError("cannot wait for \(command.arguments[0])", system: true) }
    }
    // Exited normally: the code in bits 8-15; killed by a signal: 128 plus the signal.
    let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return CommandResult(status: code, output: Self.contents(output), errorOutput: Self.contents(errors))
  }

  /// An open, already unlinked file holding `text`, positioned at its start.
  static func scratchFile(_ text: String) throws -> Int32 {
    var template = Array((NSTemporaryDirectory() + "/fwc.XXXXXX").utf8CString)
    let fd = mkstemp(&template)
    guard fd >= 0 else { throw ContainerError("cannot create a temporary file", system: true) }
    unlink(String(cString: template))
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      guard n > 0 else {
        close(fd)
        throw ContainerError("cannot write a temporary file", system: true)
      }
      offset += n
    }
    lseek(fd, 0, SEEK_SET)
    return fd
  }

  static func contents(_ fd: Int32) -> String {
    lseek(fd, 0, SEEK_SET)
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      data += buffer[0..<n]
    }
    return String(decoding: data, as: UTF8.self)
  }
}

/// Writes commands down instead of running them (`--dry-run`); every command succeeds and
/// prints nothing.
public final class RecordingRunner: CommandRunner {
  public private(set) var commands: [ShellCommand] = []
  public init() {}

  public func run(_ command: ShellCommand) throws -> CommandResult {
    commands.append(command)
    return CommandResult(status: 0)
  }
}
