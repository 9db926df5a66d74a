import Foundation
import Yams

/// Reads a container spec from YAML or JSON (YAML's superset).
public enum SpecFile {
  public static func load(path: String) throws -> ContainerSpec {
    let text: String
    if path == "-" {
      text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    } else {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw ContainerError("\(path): cannot read the file")
      }
      text = String(decoding: data, as: UTF8.self)
    }
    return try parse(text, name: path)
  }

  public static func parse(_ text: String, name: String) throws -> ContainerSpec {
    do {
      return try YAMLDecoder().decode(ContainerSpec.self, from: text)
    } catch let e as DecodingError {
      throw ContainerError("\(name): \(describe(e))")
    } catch let e as YamlError {
      throw ContainerError("\(name): \(e)")
    }
  }

  /// A decoding error as a path into the document and what was wrong there.
  static func describe(_ e: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String {
      let p = keys.map { k in k.intValue.map { "[\($0)]" } ?? ".\(k.stringValue)" }.joined()
      return p.isEmpty ? "the document" : String(p.drop { $0 == "." })
    }
    switch e {
    case .keyNotFound(let key, let ctx): return "\(path(ctx.codingPath + [key])) is missing"
    case .typeMismatch(let type, let ctx): return "\(path(ctx.codingPath)) should be \(name(of: type))"
    case .valueNotFound(let type, let ctx): return "\(path(ctx.codingPath)) should be \(name(of: type)), not null"
    case .dataCorrupted(let ctx): return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
    @unknown default: return "\(e)"
    }
  }

  static func name(of type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Int.Type: return "a number"
    case is Bool.Type: return "true or false"
    default: return type is any Collection.Type ? "a list" : "a mapping"
    }
  }
}
