// libFuzzer entry point for the ipfw front end: each input is read as a rules file, shell
// script or `ipfw list` output. Nothing may crash or hang; every diagnostic is located;
// whatever parses must print, lower to the IR, and the print must read back to the same print.
import FirewallIR
import IPFWSyntax

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let file = SourceFile(name: "fuzz.rules", bytes: bytes)
  let r = IPFWParser.parse(file, defines: ["cmd": "ipfw -q add", "fwcmd": "ipfw"])
  for d in r.diagnostics where d.location == nil { fatalError("ipfw diagnostic without a location: \(d.message)") }
  if !r.diagnostics.contains(where: { $0.severity == .error }) {
    let text = IPFWPrinter.print(r.ruleset)
    _ = IPFWLowering.lower(r.ruleset)
    let again = IPFWParser.parse(SourceFile(name: "print", text: text))
    if !again.diagnostics.contains(where: { $0.severity == .error }) {
      let second = IPFWPrinter.print(again.ruleset)
      if second != text { fatalError("print is not stable:\n\(text)---\n\(second)") }
    } else {
      fatalError("print does not read back: \(again.diagnostics.map(\.message))\n\(text)")
    }
  }
  return 0
}
