import Synchronization

/// A file of rules held as UTF-8 bytes, with the offsets of its line starts.
public final class SourceFile: Sendable {
  /// The name used in diagnostics (the path as the user gave it, or `stdin`).
  public let name: String
  /// The name's number in `FileNames`, which `SourceLocation` stores.
  public let id: Int32
  /// The file's bytes.
  public let bytes: [UInt8]
  /// Byte offsets at which each line starts (line 1 starts at 0).
  public let lineStarts: [Int]

  public init(name: String, bytes: [UInt8]) {
    self.name = name
    self.id = FileNames.id(for: name)
    self.bytes = bytes
    var starts = [0]
    starts.reserveCapacity(bytes.count / 32 + 1)
    for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
    self.lineStarts = starts
  }

  public convenience init(name: String, text: String) {
    self.init(name: name, bytes: Array(text.utf8))
  }

  /// The text of a 1-based line, without its newline.
  public func lineText(_ line: Int) -> String {
    guard line >= 1, line <= lineStarts.count else { return "" }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] : bytes.count
    while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// The 1-based line and column of a byte offset.
  public func position(of offset: Int) -> (line: Int, column: Int) {
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    return (lo + 1, offset - lineStarts[lo] + 1)
  }
}

/// Numbers for file names, so that a location is a few integers, cheap to copy.
public enum FileNames {
  private struct Table {
    var names: [String] = []
    var ids: [String: Int32] = [:]
    var printable: [Int32: String] = [:]
  }
  private static let table = Mutex(Table())

  /// The number of a file name, assigned on first use.
  public static func id(for name: String) -> Int32 {
    table.withLock { t in
      if let id = t.ids[name] { return id }
      let id = Int32(t.names.count)
      t.names.append(name)
      t.ids[name] = id
      return id
    }
  }

  /// The file's name with control characters as `?`, for comments in generated text.
  public static func printable(_ id: Int32) -> String {
    table.withLock { t in
      if let p = t.printable[id] { return p }
      let name = id >= 0 && Int(id) < t.names.count ? t.names[Int(id)] : "?"
      let p = String(name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
      t.printable[id] = p
      return p
    }
  }

  public static func name(_ id: Int32) -> String {
    table.withLock { t in id >= 0 && Int(id) < t.names.count ? t.names[Int(id)] : "?" }
  }
}

/// A position in a source file: where a rule, token or finding comes from.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  public var fileID: Int32
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.fileID = FileNames.id(for: file)
    self.line = line
    self.column = column
  }

  public init(fileID: Int32, line: Int, column: Int) {
    self.fileID = fileID
    self.line = line
    self.column = column
  }

  /// The file's name as the user gave it.
  public var file: String {
    get { FileNames.name(fileID) }
    set { fileID = FileNames.id(for: newValue) }
  }

  public var description: String { "\(file):\(line):\(column)" }
}

extension SourceLocation {
  /// `FILE:LINE` for a comment in generated rule text: control characters in the file name
  /// (a newline would end the comment and start a rule) become `?`.
  public var commentText: String { FileNames.printable(fileID) + ":\(line)" }
}
