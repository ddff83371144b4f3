import Testing

@testable import GaaraServer

/// Logs shown in the dashboard: escaped, coloured, folded.
struct DashboardHTMLTests {
    @Test func ansiColoursBecomeSpansAndTextIsEscaped() {
        #expect(DashboardHTML.ansi("\u{1B}[32mok\u{1B}[0m <b>") == "<span class=\"f32\">ok</span> &lt;b&gt;")
        #expect(DashboardHTML.ansi("\u{1B}[1;31mbad\u{1B}[39m!") == "<span class=\"b f31\">bad</span><span class=\"b\">!</span>")
        // Cursor movements and other escapes are dropped, not shown.
        #expect(DashboardHTML.ansi("a\u{1B}[2Kb\u{1B}[1Ac") == "abc")
        #expect(DashboardHTML.ansi("\u{1B}[") == "")
        // Escaping works on bytes: characters beyond ASCII go through untouched.
        #expect(DashboardHTML.escape("a&b<c>\"d'e ünï ✓ 𝄞") == "a&amp;b&lt;c&gt;&quot;d&#39;e ünï ✓ 𝄞")
        #expect(DashboardHTML.ansi("é\u{1B}[33m✓<\u{1B}x") == "é<span class=\"f33\">✓&lt;x</span>")
    }

    @Test func groupsFoldAndRunnerNotesAreMarked() {
        let html = DashboardHTML.log("##[group]Install\ninside\n##[endgroup]\n##[gaara]Run x\nplain\n##[group]never closed\n")
        #expect(html.contains("<details class=\"group\"><summary>Install</summary><div class=\"line\">inside</div></details>"))
        #expect(html.contains("<div class=\"line note\">Run x</div>"))
        #expect(html.hasSuffix("</details>"))
        #expect(html.components(separatedBy: "<details").count == html.components(separatedBy: "</details>").count)
    }

    @Test func durationsReadNaturally() {
        #expect(DashboardHTML.duration(3.21) == "3.2s")
        #expect(DashboardHTML.duration(65) == "1m 05s")
        #expect(DashboardHTML.duration(7260) == "2h 1m")
        #expect(DashboardHTML.duration(nil) == "")
    }
}
