import FirewallIR
import IPFWSyntax
import IPFilterSyntax
import PFSyntax

extension TargetCapabilities {
  /// What a language can say, as its emitter declares it.
  public static func of(_ language: Language) -> TargetCapabilities {
    switch language {
    case .pf: return TargetCapabilities(language: .pf) { r in PFEmitter.gap(in: r).map { Gap($0.what, $0.reason) } }
    case .ipfw:
      // Both pass packets with IP options, which pf's `allow-opts` asks for.
      return TargetCapabilities(language: .ipfw, features: ["allow-opts"]) { r in
        IPFWEmitter.gap(in: r).map { Gap($0.what, $0.reason) }
      }
    case .ipf:
      return TargetCapabilities(language: .ipf, features: ["allow-opts"]) { r in
        IPFEmitter.gap(in: r).map { Gap($0.what, $0.reason) }
      }
    }
  }
}
