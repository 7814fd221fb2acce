package dev.qabridge.core;

import dev.qabridge.core.Verdict.Kind;
import dev.qabridge.core.Verdict.Parsed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictTest {

    private static final String REPORT = """
            I opened the preview and tested the cart.

            ## What I checked
            1. Adding an item updates the badge.
            2. Removing an item should update the total, but the total stays at **$42.00**.

            The console shows:

            ```
            TypeError: Cannot read properties of undefined (reading 'price')
            ```
            """;

    @Test
    void requestAsksForOneFinalLineWithPassOrFail() {
        assertThat(Verdict.REQUEST).contains("`Verdict: PASS`", "`Verdict: FAIL`", "everything", "does not work",
                "nothing after");
    }

    @Test
    void anAnswerThatEchoesTheRequestHasNoVerdict() {
        String echoed = "You asked me to check the cart. " + Verdict.REQUEST + "\n\n> " + Verdict.REQUEST;

        assertThat(Verdict.parse(echoed).kind()).isEqualTo(Kind.NONE);
        assertThat(Verdict.parse(REPORT + "\n" + Verdict.REQUEST).kind()).isEqualTo(Kind.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Verdict: PASS", "verdict: pass", "VERDICT: PASS", "Verdict:PASS", "Verdict : PASS",
            "  Verdict: PASS  ", "**Verdict:** PASS", "**Verdict: PASS**", "_Verdict_: pass", "Verdict: **PASS**",
            "*Verdict: Pass*", "`Verdict: PASS`", "Verdict: `PASS`", "### Verdict: PASS", "# **Verdict: PASS**",
            "- Verdict: PASS", "* Verdict: PASS", "1. Verdict: PASS", "> Verdict: PASS", "> **Verdict:** PASS",
            "Verdict: PASS ✅", "Verdict: PASS.", "Verdict: PASS!", "✅ Verdict: PASS", "Verdict: ✅ PASS",
            "Verdict: PASS :white_check_mark:", "**Verdict**: `PASS` ✔️", "\"Verdict: PASS\"", "“Verdict: PASS”",
            "Verdict: PASS 👍🏽", "Verdict:\tPASS\r"})
    void readsPassInManyForms(String line) {
        Parsed parsed = Verdict.parse(REPORT + "\n" + line);

        assertThat(parsed.kind()).isEqualTo(Kind.PASS);
        assertThat(parsed.text()).isEqualTo(REPORT.stripTrailing());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Verdict: FAIL", "verdict: fail", "**Verdict:** FAIL", "**Verdict: FAIL**", "_Verdict_: fail",
            "Verdict: **FAIL**", "`Verdict: FAIL`", "### Verdict: FAIL", "- Verdict: FAIL", "> Verdict: FAIL",
            "Verdict: FAIL ❌", "Verdict: FAIL.", "❌ **Verdict: FAIL** ❌", "Verdict: FAIL :x:", "Verdict: FAIL ⚠️"})
    void readsFailInManyForms(String line) {
        Parsed parsed = Verdict.parse(REPORT + "\n" + line + "\n\n");

        assertThat(parsed.kind()).isEqualTo(Kind.FAIL);
        assertThat(parsed.text()).isEqualTo(REPORT.stripTrailing());
    }

    @ParameterizedTest
    @ValueSource(strings = {"The verdict: PASS was not reached because the cart broke.", "I cannot give Verdict: PASS here.",
            "Verdict: UNCLEAR", "Verdict: PASS/FAIL", "Verdict: PASSED", "Verdict: FAILED", "Verdict: PASS with caveats",
            "Verdict: PASS (mostly)", "Verdict: PASS or FAIL", "Final verdict: PASS", "~~Verdict: PASS~~", "Verdict:",
            "Verdict: ", "Verdict", "<!-- Verdict: PASS -->", "Verdict — PASS", "Verdict PASS", "Verdict: N/A",
            "Verdict: PASS - the cart works", "- [x] Verdict: PASS", "Verdict: PASS2", "Verdict::pass:"})
    void readsNoVerdictFromLinesThatAreNotOnlyAVerdict(String line) {
        String answer = REPORT + "\n" + line + "\n";
        Parsed parsed = Verdict.parse(answer);

        assertThat(parsed.kind()).isEqualTo(Kind.NONE);
        assertThat(parsed.text()).isEqualTo(answer);
    }

    @Test
    void theLastVerdictLineWinsAndOnlyItIsRemoved() {
        String answer = "First look:\n\nVerdict: PASS\n\nThen removing an item failed.\n\n**Verdict: FAIL**\n";
        Parsed parsed = Verdict.parse(answer);

        assertThat(parsed.kind()).isEqualTo(Kind.FAIL);
        assertThat(parsed.text()).isEqualTo("First look:\n\nVerdict: PASS\n\nThen removing an item failed.");
    }

    @Test
    void aCorrectionToPassWinsToo() {
        assertThat(Verdict.parse("Verdict: FAIL\n\nSorry, I misread the total; it is right.\n\nVerdict: PASS").kind())
                .isEqualTo(Kind.PASS);
    }

    @Test
    void ignoresVerdictLinesInsideFencedCode() {
        String answer = "The page prints this:\n\n```text\nVerdict: PASS\n```\n\n~~~\nVerdict: PASS\n~~~\n\nVerdict: FAIL";

        Parsed parsed = Verdict.parse(answer);
        assertThat(parsed.kind()).isEqualTo(Kind.FAIL);
        assertThat(parsed.text()).isEqualTo("The page prints this:\n\n```text\nVerdict: PASS\n```\n\n~~~\nVerdict: PASS\n~~~");
    }

    @ParameterizedTest
    @ValueSource(strings = {"```\nVerdict: PASS\n```", "  ```\n  Verdict: FAIL\n  ```", "> ```\n> Verdict: PASS\n> ```",
            "````\n```\nVerdict: PASS\n````", "Output:\n```\nunterminated\nVerdict: PASS"})
    void aVerdictOnlyInsideCodeIsNone(String answer) {
        Parsed parsed = Verdict.parse(answer);

        assertThat(parsed.kind()).isEqualTo(Kind.NONE);
        assertThat(parsed.text()).isEqualTo(answer);
    }

    @Test
    void readsWindowsLineEndings() {
        String answer = "Checked the cart.\r\n\r\n- total updates\r\n\r\n**Verdict: PASS**\r\n\r\n";
        Parsed parsed = Verdict.parse(answer);

        assertThat(parsed.kind()).isEqualTo(Kind.PASS);
        assertThat(parsed.text()).isEqualTo("Checked the cart.\r\n\r\n- total updates");
    }

    @Test
    void keepsWhatTheAgentWroteAfterTheVerdict() {
        Parsed parsed = Verdict.parse("All good.\n\nVerdict: PASS\n\nLet me know if you need more tests.\n\n");

        assertThat(parsed.kind()).isEqualTo(Kind.PASS);
        assertThat(parsed.text()).isEqualTo("All good.\n\n\nLet me know if you need more tests.");
    }

    @Test
    void anAnswerWithoutAVerdictIsNoneAndUnchanged() {
        assertThat(Verdict.parse(REPORT)).isEqualTo(new Parsed(Kind.NONE, REPORT));
        assertThat(Verdict.parse("")).isEqualTo(new Parsed(Kind.NONE, ""));
        assertThat(Verdict.parse(null)).isEqualTo(new Parsed(Kind.NONE, ""));
    }

    @Test
    void aVerdictAloneLeavesAnEmptyText() {
        assertThat(Verdict.parse("Verdict: FAIL")).isEqualTo(new Parsed(Kind.FAIL, ""));
    }

    @Test
    void finishesOnHundredKilobyteAdversarialAnswers() {
        List<String> answers = List.of("Verdict: " + " ".repeat(100_000) + "x", "verdict".repeat(15_000),
                "Verdict: PASS" + ".".repeat(100_000), "**".repeat(50_000) + "Verdict: PASS x",
                ">".repeat(100_000) + " Verdict: FAIL", "Verdict: PASS\n".repeat(7_000), "```\n".repeat(25_000) + "Verdict: PASS",
                "Verdict: " + ":x: ".repeat(25_000) + "PASS", "✅".repeat(50_000) + " Verdict: FAIL");

        List<Kind> kinds = answers.stream().map(a -> Verdict.parse(a).kind()).toList();

        assertThat(kinds).containsExactly(Kind.NONE, Kind.NONE, Kind.PASS, Kind.NONE, Kind.FAIL, Kind.PASS, Kind.PASS,
                Kind.PASS, Kind.FAIL);
    }
}
