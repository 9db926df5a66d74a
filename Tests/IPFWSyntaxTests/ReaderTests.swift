import FirewallIR
import XCTest

@testable import IPFWSyntax

/// Reads `text` as the file `name` and returns its print, failing on any diagnostic.
func ipfwPrint(_ text: String, name: String = "t.rules", file: StaticString = #filePath, line: UInt = #line) -> String {
  let r = IPFWParser.parse(SourceFile(name: name, text: text))
  XCTAssertEqual(r.diagnostics.map(\.message), [], file: file, line: line)
  return IPFWPrinter.print(r.ruleset)
}

/// The errors of reading `text`, as `line:column: message [id]`.
func ipfwErrors(_ text: String, defines: [String: String] = [:]) -> [String] {
  IPFWParser.parse(SourceFile(name: "t.sh", text: text), defines: defines).diagnostics.map {
    "\($0.location!.line):\($0.location!.column): \($0.message) [\($0.id)]"
  }
}

final class ReaderTests: XCTestCase {
  let handbookScript = """
    #!/bin/sh
    ipfw -q -f flush
    cmd="ipfw -q add"
    pif="em0"   # public interface
    ks="keep-state"
    $cmd 00500 allow tcp from any to me 22 in via $pif setup $ks
    $cmd 00510 allow udp from any to any 53 out via ${pif} $ks
    $cmd deny log all from any to any
    ipfw -q table bad create type addr
    ipfw -q table bad add 10.0.0.1
    ipfw -q add 00050 deny ip from 'table(bad)' to any
    """

  let rulesFile = """
    # the same rules, as a file for `ipfw /etc/ipfw.rules`
    -f flush
    add 00500 allow tcp from any to me 22 in via em0 setup keep-state
    add 00510 allow udp from any to any 53 out via em0 keep-state
    add deny log all from any to any
    table bad create type addr
    table bad add 10.0.0.1
    add 50 deny ip from table(bad) to any
    """

  func testHandbookScriptAndRulesFilePrintIdentically() {
    let script = ipfwPrint(handbookScript, name: "rules.sh")
    XCTAssertEqual(script, ipfwPrint(rulesFile))
    XCTAssertEqual(
      script,
      """
      table bad create type addr
      table bad add 10.0.0.1/32
      00050 deny ip from table(bad) to any
      00500 allow tcp from any to me 22 in via em0 setup keep-state :default
      00510 allow udp from any to any 53 out via em0 keep-state :default
      00610 deny log ip from any to any
      65535 deny ip from any to any

      """)
  }

  func testListOutputWithCountersReadsBack() {
    let show = """
      00100     12     3456 allow tcp from any to any 22 in keep-state :default
      00200      0        0 deny ip from 10.0.0.0/8 to any
      65535   1000   123456 deny ip from any to any
      """
    XCTAssertEqual(
      ipfwPrint(show),
      """
      00100 allow tcp from any to any 22 in keep-state :default
      00200 deny ip from 10.0.0.0/8 to any
      65535 deny ip from any to any

      """)
  }

  func testIfBlockIsRefusedAtItsLine() {
    let script =
      "cmd=\"ipfw -q add\"\n$cmd 100 allow ip from any to any\nif [ -n \"$x\" ]; then\n  $cmd 200 deny ip from any to any\nfi\n"
    XCTAssertEqual(
      ipfwErrors(script),
      [
        "3:1: shell `if` is not supported: fwc reads straight-line ipfw commands, never part of a script; load the rules and read `ipfw list` output instead [ipfw-shell]"
      ])
  }

  func testShellConstructsThatFwcCannotEvaluateAreRefused() {
    XCTAssertEqual(
      ipfwErrors("ipfw add 100 allow ip from $net to any\n").first?.hasPrefix("1:28: shell variable `net` is not set"),
      true)
    XCTAssertEqual(ipfwErrors("ipfw add 100 allow ip from $net to any\n", defines: ["net": "10.0.0.0/8"]), [])
    XCTAssertEqual(ipfwErrors("x=`hostname`\n").first?.hasPrefix("1:3: command substitution is not supported"), true)
    XCTAssertEqual(
      ipfwErrors("#!/bin/sh\nsetup_rules() {\n").first?.hasPrefix("2:1: shell `setup_rules()` is not supported"), true)
    XCTAssertEqual(ipfwErrors("ipfw -q flush\n. /etc/rc.subr\n").first?.hasPrefix("2:1: sourcing another file"), true)
    XCTAssertEqual(ipfwErrors("ipfw -q flush\nrm -rf /tmp/x\n").first?.hasPrefix("2:1: `rm` is neither ipfw"), true)
    // `cmd || true` runs cmd only; redirections are ignored.
    XCTAssertEqual(
      ipfwErrors("ipfw table t destroy 2>/dev/null || true\nipfw -q add 100 deny ip from any to any >/dev/null\n"), [])
  }

  func testTemplatesAreRefused() {
    XCTAssertEqual(
      ipfwErrors("add 100 allow ip from {{ net }} to any\n").first?.hasPrefix("1:23: this is a template"), true)
  }

  func testRuleNumbersAreAssignedAsTheKernelDoes() {
    let text =
      "add allow ip from any to any\nadd 150 allow ip from any to any\nadd allow ip from any to any\nadd 65500 count ip from any to any\nadd count ip from any to any\n"
    let numbers = IPFWParser.parse(SourceFile(name: "n", text: text)).ruleset.rules.map(\.number)
    XCTAssertEqual(numbers, [100, 150, 250, 65500, 65500])
  }

  func testSyntaxErrorsAreLocated() {
    XCTAssertEqual(
      ipfwErrors("ipfw add 100 allow tcp from any to any bogus\n"),
      ["1:40: `bogus` is not an ipfw rule option [ipfw-syntax]"])
    XCTAssertEqual(
      ipfwErrors("ipfw add 100 alow tcp from any to any\n"), ["1:14: `alow` is not an ipfw action [ipfw-syntax]"])
    XCTAssertEqual(
      ipfwErrors("ipfw add 100 allow tcp from 10.0.0.300 to any\n"),
      ["1:29: `10.0.0.300` is not an address (fwc does not resolve host names) [ipfw-syntax]"])
    XCTAssertEqual(ipfwErrors("ipfw add 100 allow tcp any to any\n"), ["1:24: missing `from` [ipfw-syntax]"])
    XCTAssertEqual(
      ipfwErrors("ipfw add 65535 deny ip from any to any\n"),
      ["1:10: rule 65535 is the default rule and cannot be added [ipfw-syntax]"])
  }

  func testRulesFileQuirksOfIPFW() {
    // A leading number before `add`, and a list split after its commas.
    XCTAssertEqual(
      ipfwPrint("100 add allow ip from 10.0.0.1, 10.0.0.2 to any\n"),
      "00100 allow ip from 10.0.0.1,10.0.0.2 to any\n65535 deny ip from any to any\n")
    // `#` ends a line of a rules file; after `//` it belongs to the comment.
    XCTAssertEqual(
      ipfwPrint("add 100 deny ip from any to any # why\nadd 200 count ip from any to any // a#b\n"),
      "00100 deny ip from any to any\n00200 count ip from any to any // a#b\n65535 deny ip from any to any\n")
  }

  func testTableEditsKeepOrderUpdateValuesAndForgetDeletedEntries() {
    let text = """
      table t create type addr
      table t add 10.0.0.1 5
      table t add 10.0.0.2
      table t add 10.0.0.1 7
      table t delete 10.0.0.2
      table t add 10.0.0.3
      table u create type addr
      table u add 10.9.9.9
      table u create type addr or-flush
      table u add 10.8.8.8
      """
    XCTAssertEqual(
      ipfwPrint(text + "\n"),
      """
      table t create type addr
      table t add 10.0.0.1/32 7
      table t add 10.0.0.3/32
      table u create type addr
      table u add 10.8.8.8/32
      65535 deny ip from any to any

      """)
  }
}
