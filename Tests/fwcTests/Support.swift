import Foundation
import TestSupport
import XCTest

/// The built `fwc` binary, beside the test bundle.
let fwcBinary: URL = {
  var dir = Bundle(for: CLITests.self).bundleURL
  while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("fwc").path), dir.path != "/" {
    dir.deleteLastPathComponent()
  }
  return dir.appendingPathComponent("fwc")
}()

/// Runs `fwc` with arguments and optional standard input; returns its exit code and output.
func runFwc(_ args: [String], stdin: String? = nil, cwd: URL? = nil) throws -> (code: Int32, out: String, err: String) {
  let p = Process()
  p.executableURL = fwcBinary
  p.arguments = args
  if let cwd { p.currentDirectoryURL = cwd }
  let out = Pipe()
  // Standard error goes to a file, so that a full pipe cannot block the child.
  let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-stderr-\(UUID().uuidString)")
  FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let err = try FileHandle(forWritingTo: errURL)
  defer { try? FileManager.default.removeItem(at: errURL) }
  p.standardOutput = out
  p.standardError = err
  let inPipe = Pipe()
  p.standardInput = inPipe
  try p.run()
  if let s = stdin { inPipe.fileHandleForWriting.write(Data(s.utf8)) }
  try inPipe.fileHandleForWriting.close()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  try err.close()
  let e = FileManager.default.contents(atPath: errURL.path) ?? Data()
  return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Writes text to a new file in a fresh temporary folder.
func makeTempFile(_ text: String, name: String = "rules.conf") throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwc-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let url = dir.appendingPathComponent(name)
  try text.write(to: url, atomically: true, encoding: .utf8)
  return url
}

/// The shared corpus beside the package, or nil in a fresh clone without it.
let sharedCorpus = corpusRoot
