// libFuzzer entry point for the pf front end: every input must parse or fail with located
// diagnostics, never crash or hang; whatever parses must print, and the print must parse again.
import FirewallIR
import PFSyntax

let host = HostContext(
  interfaces: [
    .init(name: "lo0", addresses: ["::1/128", "fe80::1/64", "127.0.0.1/8"]),
    .init(name: "em0", addresses: ["192.0.2.10/24", "2001:db8::10/64"], groups: ["egress"]),
  ],
  hosts: ["localhost": ["::1", "127.0.0.1"]])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let file = SourceFile(name: "fuzz.conf", bytes: bytes)
  let result = PFParser.parse(file, host: host) { _ in nil }
  for d in result.diagnostics where d.location == nil {
    fatalError("diagnostic without a location: \(d.message)")
  }
  if !result.hasErrors {
    let printed = PFPrinter.print(result.config)
    _ = PFLowering.lower(result.config)
    let again = PFParser.parse(SourceFile(name: "print", text: printed), host: host) { _ in nil }
    _ = again.hasErrors
  }
  return 0
}
