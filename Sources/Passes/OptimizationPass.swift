import FirewallIR
import Semantics

/// A field of a rule, as the optimizer's passes declare what they may do with it.
public enum RuleField: String, CaseIterable, Sendable {
  case phase, action, quick, direction, interface, family, protocols, source, sourcePort, destination
  case destinationPort, tcpFlags, icmpType, icmpCode, tos, state, stateLimits, log, tag, tagged
  case translation, user, group, conditions, fragment, options, number, origin
}

/// What a pass may do with one field of the rules it touches.
public enum FieldUse: String, Sendable {
  /// The pass never changes the field; rules are kept or deleted whole.
  case kept
  /// The pass may join the field's values of several rules into one list or table.
  case merged
  /// The pass may move rules past others that differ in the field.
  case reordered
}

/// One change a pass made, for `fwc optimize --report`: the rule it concerns (by its source
/// lines) and why.
public struct PassChange: Sendable, Equatable {
  public var pass: String
  public var origin: [SourceLocation]
  public var reason: String
  /// The new text of the line at `origin` when the pass rewrote it (a merge).
  public var text: String? = nil

  public init(pass: String, origin: [SourceLocation], reason: String, text: String? = nil) {
    self.pass = pass
    self.origin = origin
    self.reason = reason
    self.text = text
  }
}

/// An optimizer pass: a rewrite of a ruleset that keeps what it does to every packet.
public protocol OptimizationPass {
  /// A stable name (`remove-dead`).
  static var name: String { get }
  /// For every rule field, what the pass may do with it (exhaustive over `RuleField`).
  static var fields: [RuleField: FieldUse] { get }
  /// The rewritten ruleset and what changed.
  func run(_ ruleset: Ruleset, context: PassContext) throws -> (Ruleset, [PassChange])
}

/// What passes share: the host the ruleset runs on, how to write a rule back as text, and
/// the settings of the passes.
public struct PassContext {
  public var host: HostContext
  /// The text of a rule (with the definitions of `tables` before it) in the ruleset's
  /// language, to stand in for the written line `at`; nil when that text would not read back
  /// as exactly this rule. Without it, passes that write new rules only change the IR.
  public var render: ((_ rule: Rule, _ tables: [Table], _ at: SourceLocation) -> String?)?
  /// Address lists of at least this many entries become tables (pfctl's threshold is 6).
  public var tableThreshold = 6
  /// The packets of a capture (`--profile`): rules are ordered by how many of them they decide.
  public var packets: [Packet]?
  /// Whether a written line may be deleted, rewritten or moved: false for lines of files the
  /// output does not hold (a pf `include`). Nil: every line may.
  public var editable: ((SourceLocation) -> Bool)?
  /// Whether only blank and comment lines stand between two written lines in the text, so
  /// that moving one past the other crosses nothing (a macro definition). Nil: always.
  public var adjacentInText: ((WrittenLine.Key, WrittenLine.Key) -> Bool)?
  /// In debug builds, `Optimizer.run` proves each pass's result equivalent to its input with
  /// this (packet sets, as `fwc diff` compares); the command sets it.
  public var selfCheck: ((_ before: Ruleset, _ after: Ruleset) throws -> Bool)?

  public init(host: HostContext) {
    self.host = host
  }
}

extension PassContext {
  /// Whether the line at `location` may be changed.
  func mayEdit(_ location: SourceLocation?) -> Bool {
    guard let location else { return false }
    return editable?(location) ?? true
  }
}

extension OptimizationPass {
  /// Passes that only delete rules keep every field as it is.
  static var deletesWholeRules: [RuleField: FieldUse] {
    Dictionary(uniqueKeysWithValues: RuleField.allCases.map { ($0, .kept) })
  }
}

/// A pass whose result its debug self-check could not prove equivalent to its input.
public struct PassCheckFailure: Error, CustomStringConvertible {
  public var pass: String
  public var description: String { "the \(pass) pass changed what the ruleset does (debug self-check)" }
}
