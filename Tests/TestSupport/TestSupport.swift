import FirewallIR
import Foundation

/// What every test target needs: the package's root, the shared corpus beside it, file reading
/// and a seeded random generator for property tests.

/// The package root, found from this file's path.
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// `../shared/corpus` beside the package, or nil in a fresh clone without it.
public let corpusRoot: URL? = {
  let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()

/// A file as fwc reads it, named by its last path component; nil when it cannot be read.
public func readFile(_ url: URL) -> SourceFile? {
  guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
  return SourceFile(name: url.lastPathComponent, bytes: Array(data))
}

/// A small deterministic generator (SplitMix64) for property tests.
public struct SplitMix: RandomNumberGenerator {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
