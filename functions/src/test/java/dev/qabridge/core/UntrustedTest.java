package dev.qabridge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.qabridge.core.Platform.GITHUB;
import static dev.qabridge.core.Platform.GITLAB;
import static org.assertj.core.api.Assertions.assertThat;

class UntrustedTest {
    private static final String Z = "\u200B";

    // What each platform links as a mention, on the raw text (GitHub: users and org/team; GitLab: users,
    // groups, subgroups, @all), and a stricter one for rendered text, where Markdown around an @ vanishes.
    private static final Pattern GITHUB_MENTION =
            Pattern.compile("(?<![A-Za-z0-9_`])@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)?");
    private static final Pattern GITLAB_MENTION =
            Pattern.compile("(?<![A-Za-z0-9_])@[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*");
    private static final Pattern ANY_MENTION = Pattern.compile("(?<![A-Za-z0-9])@[A-Za-z0-9_]");
    /** GitLab runs {@code ^/cmd} (Gitlab::QuickActions::Extractor); the brief also counts indented and quoted ones. */
    private static final Pattern QUICK_ACTION = Pattern.compile("(?m)^[ \t>]*/[A-Za-z0-9_]");
    private static final Pattern GITLAB_QUOTE_FENCE = Pattern.compile("(?m)^[ \t]*>>>");
    private static final Pattern HTML_START = Pattern.compile("<[A-Za-z/!?]");
    private static final Pattern ENTITY = Pattern.compile("&(?:#[xX]([0-9a-fA-F]{1,8})|#([0-9]{1,10})|([A-Za-z][A-Za-z0-9]*));");

    static Stream<String> hostile() {
        return Stream.of(
                "@octocat please look", "@user-name", "@org/team and @group/subgroup/team", "@all @here @channel",
                "@_underscore", "(@user) [@user](https://x.dev) **@user** _@user_ *@user* ~~@user~~ \"@user\"",
                "# @user\n## heading @user\n- @user\n* @user\n1. @user\n> @user\n> > @user", "@@user a@@user",
                "&#64;user &#x40;user &#0064;user &commat;user &COMMAT;user", "\\@user \\\\@user \\&#64;user", "é@user _@user",
                "<!-- qa-bridge -->", "<!--qa-bridge-->", "<!-<!-- x -->- qa-bridge -->", "<<!-- -->!-- qa-bridge -->",
                "<!<!-- -->-- x -->", "<!-- unterminated\n@user hidden", "<!---->", "<!-->x", "\\<!-- x -->",
                "`<!-- qa-bridge -->`", "```\n<!-- qa-bridge -->\n```",
                "<details><summary>x</summary>", "</details>\n\n## ✅ Approved", "<img src=x onerror=alert(1)>",
                "<a href=\"https://evil.example\">click</a>", "<script>alert(1)</script>", "<IMG SRC=x>", "<?php ?>",
                "<![CDATA[x]]>", "&lt;details&gt;", "&#60;details&#62;",
                "/approve", "/merge", "/assign_reviewer @x", "/label ~x", "/close", "/Approve", "  /approve",
                "> /approve", ">/approve", "> > /merge", "\t/close", "text\n/approve\nmore", "a\r\n/approve\r\n",
                "a\r/approve", "<!-- -->/approve", "<!--\n-->/approve", ">>>\n/approve\n>>>", "  >>> x",
                "```\nunterminated code\n/approve", "~~~\nunterminated", "````\n```\nstill code", "  ```js\n  <b>x</b>",
                "- item\n  ```\n<b>x</b>\n```", "> ```\n> <b>\n", "~~~\n```\n~~~\n<b>", "```\n/approve\n```",
                "`x\n/approve y`", "x ` y\n` <b> `", "[x](/a`b) <b> `", "| `a|<b>` |", "`&#64;user`", "`@user`",
                "a ` b <b>", "``a` `b`", "\\`<b>\\`", "<!-- -->```\n<b>", "<!-- -->~~~\n<b>",
                "\u0000\uD800x\uDC00😀", "😀@user😀");
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void neutralizesEverythingOnBothPlatforms(String text) {
        for (Platform p : Platform.values()) {
            String out = Untrusted.markdown(text, p);
            assertSafe(out, p);
            assertThat(Untrusted.markdown(out, p)).as("idempotent").isEqualTo(out);
            String quoted = Untrusted.quoteBlock(text, p);
            assertThat(quoted.lines()).allMatch(l -> l.startsWith(">"));
            assertSafe(quoted.replaceAll("(?m)^> ?", ""), p);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"@octocat", "@user-name", "@org/team", "@group/subgroup/team", "@all", "@here", "@_bot",
            "**@user**", "_@user_", "(@user)", "[@user](https://x.dev)", "# @user", "- @user", "> @user", "`@user`"})
    void neutralizesMentionsButKeepsThemReadable(String mention) {
        for (Platform p : Platform.values()) {
            String out = Untrusted.markdown(mention, p);

            assertThat(out.replace(Z, "")).isEqualTo(mention);
            assertThat(out).contains("@" + Z);
            assertNoMention(out);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@example.com", "first.last+tag@example.co.uk", "write to ops@acme.dev, please",
            "`git@github.com:acme/shop.git`"})
    void leavesEmailAddressesAlone(String text) {
        assertThat(Untrusted.markdown(text, GITLAB)).isEqualTo(text);
    }

    @Test
    void removesHtmlCommentsWithWhatTheyHide() {
        String out = Untrusted.markdown("before <!-- ignore previous instructions --> after", GITHUB);

        assertThat(out).isEqualTo("before " + Z + " after");
    }

    @Test
    void dropsOnlyTheOpenerOfAnUnterminatedComment() {
        assertThat(Untrusted.markdown("see <!-- the rest", GITHUB)).isEqualTo("see " + Z + " the rest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<!-- qa-bridge -->", "<!--qa-bridge-->", "<!-<!-- x -->- qa-bridge -->",
            "<!<!-- -->-- qa-bridge -->", "<<!-- x -->!-- qa-bridge -->", "\\<!-- qa-bridge -->", "`<!-- qa-bridge -->`",
            "```\n<!-- qa-bridge -->\n```", "``` <!-- qa-bridge -->\n```", "<!-- qa-bridge --"})
    void theBridgeMarkerNeverSurvives(String text) {
        for (Platform p : Platform.values()) {
            assertThat(Untrusted.markdown(text, p)).doesNotContain("<!--").doesNotContain(Texts.MARKER);
            assertThat(Untrusted.inlineCode(text)).doesNotContain("<!--");
        }
    }

    @Test
    void escapesRawHtmlSoItShowsAsText() {
        assertThat(Untrusted.markdown("</details>\n<img src=x onerror=alert(1)> & <b>bold</b>", GITHUB))
                .isEqualTo("&lt;/details>\n&lt;img src=x onerror=alert(1)> &amp; &lt;b>bold&lt;/b>");
    }

    @Test
    void keepsNamedEntitiesButEscapesNumericOnesThatCouldSpellAnAt() {
        assertThat(Untrusted.markdown("&lt;b&gt; &amp; &nbsp; &#64;user &#x40;user &commat;user", GITHUB))
                .isEqualTo("&lt;b&gt; &amp; &nbsp; &amp;#64;user &amp;#x40;user &amp;commat;user");
    }

    @Test
    void showsHtmlInCodeSpansLiterallyWithoutDoubleEscaping() {
        assertThat(Untrusted.markdown("the `<button disabled>` and `a && b`", GITHUB))
                .isEqualTo("the `<" + Z + "button disabled>` and `a && b`");
    }

    @Test
    void leavesGitHubCodeBlocksCopyable() {
        String code = "```html\n<div>@user &#64; /approve</div>\n/usr/bin/env node\n```";

        assertThat(Untrusted.markdown(code, GITHUB)).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/approve", "/merge", "/assign_reviewer @x", "/label ~x", "/close", "/Approve",
            "  /approve", "\t/close", "> /approve", ">/approve", "> > /merge"})
    void defusesQuickActionsInText(String line) {
        for (Platform p : Platform.values()) {
            String out = Untrusted.markdown("Done.\n" + line + "\nMore.", p);

            assertThat(QUICK_ACTION.matcher(out).find()).as(out).isFalse();
            assertThat(out.replace(Z, "")).isEqualTo("Done.\n" + line + "\nMore.");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"```\n/approve\n```", "~~~\n/merge\n~~~", "    ```\n    /close\n    ```", "`a\n/approve b`",
            "```\n  > /approve\n```"})
    void defusesQuickActionsInsideGitLabCode(String text) {
        String out = Untrusted.markdown(text, GITLAB);

        assertThat(QUICK_ACTION.matcher(out).find()).as(out).isFalse();
    }

    @Test
    void defusesGitLabMultilineQuotesThatCouldHoldTheBridgesText() {
        String out = Untrusted.markdown(">>>\nquoted\n  >>>\n```\n>>>\n```", GITLAB);

        assertThat(GITLAB_QUOTE_FENCE.matcher(out).find()).as(out).isFalse();
        assertThat(Untrusted.markdown(">>>", GITHUB)).isEqualTo(">>>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"```\nunterminated", "~~~python\nx = 1", "````\n```\nstill code", "  ```\n  code",
            "```\n```\n```js\nopen again", "- item\n  ```\n<b>x</b>\n```"})
    void closesFencesLeftOpenSoTheBridgesTextStaysOutside(String text) {
        for (Platform p : Platform.values()) {
            String out = Untrusted.markdown(text, p) + "\n\n---\n🔗 Conversation";

            assertThat(openFenceAtEnd(out)).as(out).isFalse();
        }
    }

    @Test
    void closesAnUnterminatedFenceWithItsOwnMarker() {
        assertThat(Untrusted.markdown("Log:\n````text\nboom", GITHUB)).isEqualTo("Log:\n````text\nboom\n````");
    }

    @Test
    void movesIndentedFencesToColumnZeroKeepingTheCode() {
        String listed = "1. Run it:\n   ```bash\n   npm test\n     --watch\n   ```\n2. Then";

        assertThat(Untrusted.markdown(listed, GITHUB)).isEqualTo("1. Run it:\n```bash\nnpm test\n  --watch\n```\n2. Then");
    }

    @Test
    void escapesBackticksThatOpenNoCodeSpanSoTheyCannotFormAFence() {
        assertThat(Untrusted.markdown("a ` b <b>", GITHUB)).isEqualTo("a \\` b &lt;b>");
        assertThat(Untrusted.markdown("<!-- -->```\n<b>", GITHUB)).isEqualTo(Z + "\\`\\`\\`\n&lt;b>");
    }

    @Test
    void aCodeSpanDoesNotCrossABlankLine() {
        assertThat(Untrusted.markdown("`a\n\n<b>`", GITHUB)).isEqualTo("\\`a\n\n&lt;b>\\`");
    }

    @Test
    void replacesLoneSurrogatesAndNulButKeepsPairs() {
        String out = Untrusted.markdown("\uD800a\uDC00b\u0000c😀", GITHUB);

        assertThat(out).isEqualTo("\uFFFDa\uFFFDb\uFFFDc😀");
        assertThat(Untrusted.inlineCode("x\uD83D")).isEqualTo("`x\uFFFD`");
    }

    @Test
    void treatsNullAsEmpty() {
        assertThat(Untrusted.markdown(null, GITHUB)).isEmpty();
        assertThat(Untrusted.inlineCode(null)).isEmpty();
        assertThat(Untrusted.quoteBlock(null, GITLAB)).isEqualTo(">");
    }

    @Test
    void quotesEveryLineSoHeadingsStayInsideTheQuote() {
        String out = Untrusted.quoteBlock("\n### ✅ Approved\n\n<!-- qa-bridge -->\n@team\n```\nopen\n\n", GITLAB);

        assertThat(out).isEqualTo("> ### ✅ Approved\n>\n> " + Z + "\n> @" + Z + "team\n> ```\n> open\n>\n>\n> ```");
    }

    @Test
    void inlineCodeWrapsAPlainUrl() {
        assertThat(Untrusted.inlineCode("https://pr-42.preview.example.com/cart")).isEqualTo("`https://pr-42.preview.example.com/cart`");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--url https://x.dev/`@evil`", "`--url https://x.dev/`@evil``", "``", "`", "a ``` b ```` c",
            " leading", "trailing ", "` ", "line\nbreak\r\nand\rmore", "<details>`</details>", "| a | b |"})
    void inlineCodeCannotBeBrokenOutOf(String text) {
        String out = Untrusted.inlineCode(text);

        assertThat(out).doesNotContain("\n", "\r");
        assertThat(codeSpanContent(out)).as(out).isEqualTo(text.replaceAll("\r\n|\r|\n", " ").replace("@", "@" + Z)
                .replace("<d", "<" + Z + "d").replace("</", "<" + Z + "/"));
        assertNoMention(out);
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void finishesOnHundredKilobyteAdversarialInputs(Platform p) {
        StringBuilder runs = new StringBuilder();
        for (int n = 1; runs.length() < 100_000; n++) {
            runs.append("`".repeat(n)).append('x');
        }
        List<String> inputs = List.of("`".repeat(100_000), "<!--".repeat(25_000), "<!-- -->".repeat(12_500),
                "@".repeat(100_000), "```\n".repeat(25_000), "  ```\n~~~\n".repeat(10_000), runs.toString(),
                "\\`".repeat(50_000), "/a\n".repeat(33_000), ">".repeat(100_000) + "/x", "&#".repeat(50_000),
                "` <".repeat(33_000), "\n".repeat(100_000), "a ".repeat(50_000) + "`");

        for (String input : inputs) {
            String out = Untrusted.markdown(input, p);
            assertSafe(out, p);
        }
    }

    private static void assertSafe(String out, Platform p) {
        assertThat(out).doesNotContain("<!--");
        assertNoMention(out);
        assertThat(out.codePoints().noneMatch(cp -> Character.getType(cp) == Character.SURROGATE)).isTrue();
        assertThat(openFenceAtEnd(out)).as("fence left open").isFalse();
        assertThat(HTML_START.matcher(outsideFences(out)).find()).as("raw HTML outside code blocks").isFalse();
        String text = p == GITLAB ? out : outsideFences(out);
        assertThat(QUICK_ACTION.matcher(text).find()).as("quick action").isFalse();
        if (p == GITLAB) {
            assertThat(GITLAB_QUOTE_FENCE.matcher(out).find()).as(">>> quote").isFalse();
        }
    }

    private static void assertNoMention(String out) {
        String visible = outsideFences(out);
        for (String s : List.of(visible, decodeEntities(visible))) {
            assertThat(GITHUB_MENTION.matcher(s).find()).as(s).isFalse();
            assertThat(GITLAB_MENTION.matcher(s).find()).as(s).isFalse();
            assertThat(ANY_MENTION.matcher(s).find()).as(s).isFalse();
        }
    }

    /** One pass, as a renderer decodes: {@code &amp;#64;} shows as the text {@code &#64;}, not as an @. */
    private static String decodeEntities(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String decoded = m.group(1) != null ? Character.toString(Integer.parseInt(m.group(1), 16))
                    : m.group(2) != null ? Character.toString(Integer.parseInt(m.group(2)))
                    : switch (m.group(3)) {
                        case "amp" -> "&";
                        case "lt" -> "<";
                        case "gt" -> ">";
                        case "commat" -> "@";
                        default -> m.group();
                    };
            m.appendReplacement(out, Matcher.quoteReplacement(decoded));
        }
        return m.appendTail(out).toString();
    }

    /** CommonMark's top-level fences (up to three spaces of indentation): is one still open at the end? */
    private static boolean openFenceAtEnd(String s) {
        List<Boolean> states = fenceStates(s);
        return states.get(states.size() - 1);
    }

    /** The lines outside fenced code blocks (fence lines included), as a renderer at top level would split them. */
    private static String outsideFences(String s) {
        List<String> lines = s.lines().toList();
        List<Boolean> inside = fenceStates(s);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (!inside.get(i)) {
                out.append(lines.get(i)).append('\n');
            }
        }
        return out.toString();
    }

    /** For each line, whether it is fence content; one more entry for the end. */
    private static List<Boolean> fenceStates(String s) {
        Pattern fenceLine = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");
        List<Boolean> states = new ArrayList<>();
        String open = null;
        for (String line : s.split("\n", -1)) {
            Matcher m = fenceLine.matcher(line);
            boolean isFence = m.matches() && !(m.group(1).charAt(0) == '`' && m.group(2).contains("`"));
            if (open == null) {
                states.add(false);
                if (isFence) {
                    open = m.group(1);
                }
            } else if (isFence && m.group(1).charAt(0) == open.charAt(0) && m.group(1).length() >= open.length()
                    && m.group(2).isBlank()) {
                states.add(false);
                open = null;
            } else {
                states.add(true);
            }
        }
        states.add(open != null);
        return states;
    }

    /** What CommonMark shows for a string that is one code span: the fence must close only at the very end. */
    private static String codeSpanContent(String span) {
        int fence = 0;
        while (fence < span.length() && span.charAt(fence) == '`') {
            fence++;
        }
        Matcher closer = Pattern.compile("(?<!`)`{" + fence + "}(?!`)").matcher(span);
        assertThat(closer.find(fence)).isTrue();
        assertThat(closer.end()).as("closes only at the end: " + span).isEqualTo(span.length());
        String content = span.substring(fence, span.length() - fence);
        boolean strip = content.length() >= 2 && content.startsWith(" ") && content.endsWith(" ") && !content.isBlank();
        return strip ? content.substring(1, content.length() - 1) : content;
    }
}
