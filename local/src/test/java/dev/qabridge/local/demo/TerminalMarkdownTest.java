package dev.qabridge.local.demo;

import dev.qabridge.core.Texts;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalMarkdownTest {
    private final TerminalMarkdown plain = new TerminalMarkdown(false);
    private final TerminalMarkdown colour = new TerminalMarkdown(true);

    @Test
    void headingsEmphasisAndCodeLoseTheirSyntax() {
        assertThat(plain.render("### ✅ QA.tech finished\n\nThe total is **$12.00**, *not* _$24_; run `mvn verify`."))
                .isEqualTo("✅ QA.tech finished\n\nThe total is $12.00, not $24; run mvn verify.");
    }

    @Test
    void withColourBoldItalicCodeAndHeadingsUseAnsiCodesThatResetOnlyThemselves() {
        assertThat(colour.render("# Title\n**bold** *it* `code`"))
                .isEqualTo("\u001b[1mTitle\u001b[22m\n\u001b[1mbold\u001b[22m \u001b[3mit\u001b[23m \u001b[36mcode\u001b[39m");
    }

    @Test
    void linksReadAsTextAndUrl() {
        assertThat(plain.render("See [the conversation](https://app.qa.tech/c/1), <https://example.com> and [https://a.b](https://a.b)."))
                .isEqualTo("See the conversation (https://app.qa.tech/c/1), https://example.com and https://a.b.");
        assertThat(plain.render("![screenshot](https://img.example.com/1.png)")).isEqualTo("screenshot (https://img.example.com/1.png)");
    }

    @Test
    void listsGetBulletsAndKeepTheirNumbersAndNesting() {
        assertThat(plain.render("- one\n  * nested **bold**\n1. first\n2) second\n- [ ] todo\n- [x] done"))
                .isEqualTo("• one\n  • nested bold\n1. first\n2. second\n☐ todo\n☑ done");
    }

    @Test
    void blockQuotesGetABarAndTheirContentIsRendered() {
        assertThat(plain.render("> check the **cart**\n> second line\n>\n> - item")).isEqualTo("│ check the cart\n│ second line\n│\n│ • item");
    }

    @Test
    void htmlCommentsDisappearWithTheirLine() {
        assertThat(plain.render(Texts.MARKER + "\n### Hi\n\ntext <!-- hidden --> more")).isEqualTo("Hi\n\ntext  more");
    }

    @Test
    void detailsAreFoldedToTheirSummaryAndOpenDetailsShowTheirBody() {
        String folded = "<details>\n<summary>Steps the agent took</summary>\n\n1. opened the cart\n2. added a mug\n</details>\nafter";
        assertThat(plain.render(folded)).isEqualTo("▸ Steps the agent took (folded: 2 lines)\nafter");
        assertThat(plain.render("<details open><summary>Log</summary>\nline **one**\n</details>")).isEqualTo("▾ Log\n  line one");
    }

    @Test
    void tablesAreAlignedWithTheHeaderRuled() {
        assertThat(plain.render("| command | what it does |\n|---|---|\n| `/qa help` | shows this |\n| `/qa x --url u` | tests u |"))
                .isEqualTo("""
                        command        what it does
                        ───────────────────────────
                        /qa help       shows this
                        /qa x --url u  tests u""");
    }

    @Test
    void rulesFencedCodeEscapesAndSnakeCaseSurvive() {
        assertThat(plain.render("---\n```\nkeep **this** as it is\n```\nsnake_case_name \\*not italic\\* ~~gone~~"))
                .isEqualTo("─".repeat(40) + "\n    keep **this** as it is\nsnake_case_name *not italic* ~~gone~~");
    }

    @Test
    void theBridgesCommentsLeaveNoMarkdownSyntaxBehind() {
        String reply = Texts.MARKER + """

                ### ✅ QA.tech finished

                > check that the cart total updates

                1. Added "Blue mug" ($12.00): the cart total showed **$12.00** ✅

                _The agent sent no text._

                ---
                🔗 Conversation: https://app.qa.tech/p/proj_demo/chat/chat_1
                🙋 Asked by @octocat
                """;
        String shown = plain.render(reply);
        assertThat(shown).as(shown).doesNotContain("###", "**", "<!--", "`", "---", "> ", "_The");
        assertThat(plain.render(reply)).startsWith("✅ QA.tech finished\n\n│ check that the cart total updates\n\n1. Added");
    }

    @Test
    void colourIsOffWhenNoColorIsSetOrTheTerminalIsDumb() {
        assertThat(TerminalMarkdown.forStdout(Map.of("NO_COLOR", "1")).colour()).isFalse();
        assertThat(TerminalMarkdown.forStdout(Map.of("TERM", "dumb")).colour()).isFalse();
        // under Maven stdout is not a terminal, so no colour either way
        assertThat(TerminalMarkdown.forStdout(Map.of()).colour()).isEqualTo(TerminalMarkdown.isTerminal());
    }
}
