import FirewallIR

/// The optimizer: its passes as a literal pipeline, each run on the output of the one before.
public enum Optimizer {
  /// How far to go: `basic` deletes what decides nothing; `full` also deletes what the rest
  /// decides the same way, merges rules into lists and tables, and reorders (for pf's skip
  /// steps, or by a capture's hits).
  public enum Level: String, CaseIterable, Sendable {
    case basic, full
  }

  /// The passes of a level, in order.
  public static func pipeline(_ level: Level) -> [any OptimizationPass] {
    switch level {
    case .basic: return [RemoveDeadRules()]
    case .full:
      // Merging again after reordering joins the lines the new order brought together.
      return [
        RemoveDeadRules(), RemoveRedundantRules(), MergeIntoLists(), ReorderForSkipSteps(), ReorderByProfile(),
        MergeIntoLists(),
      ]
    }
  }

  /// Runs the passes; returns the result and every change, in order. Debug builds prove each
  /// pass's result with `context.selfCheck`.
  public static func run(_ ruleset: Ruleset, passes: [any OptimizationPass], context: PassContext) throws -> (
    Ruleset, [PassChange]
  ) {
    var current = ruleset
    var changes: [PassChange] = []
    for pass in passes {
      let (next, made) = try pass.run(current, context: context)
      #if DEBUG
        if !made.isEmpty, let check = context.selfCheck, try !check(current, next) {
          throw PassCheckFailure(pass: type(of: pass).name)
        }
      #endif
      current = next
      changes += made
    }
    return (current, changes)
  }
}
