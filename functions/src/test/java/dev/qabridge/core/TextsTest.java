package dev.qabridge.core;

import dev.qabridge.github.GitHubClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TextsTest {
    private static final int GITHUB = GitHubClient.MAX_COMMENT;
    private static final String CHAT = "https://app.qa.tech/p/proj_x/chat/chat_abc123";
    private static final String PREVIEW = "https://pr-42.preview.example.com";
    private static final Ask ASK = new Ask("octocat", "check the cart", "", "c1", "delivery-1", 1_700_000_000_000L, "", "");
    private static final Texts.Facts RUN = new Texts.Facts("run-1", ASK, Optional.of(CHAT), Optional.of(PREVIEW));
    private static final Origin ORIGIN = new Origin("github", "acme/shop", "", 42, "", 0);
    private static final Settings DEFAULTS = Settings.from(new Env(Map.of()));
    private static final PullRequest PR = new PullRequest("acme/shop", 42, "Cart", "0123456789abcdef", "feature/cart", "https://github.com/acme/shop/pull/42");

    /** 70,000+ UTF-16 units; every 4-unit piece holds an accented letter, a CJK letter and an emoji (a surrogate pair). */
    private static final String HUGE = "é中😀".repeat(17_600);

    private static boolean hasLoneSurrogate(String s) {
        return s.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE);
    }

    private static String reply(Optional<String> text, int limit) {
        return Texts.reply(Outcome.COMPLETED, RUN, text, Optional.empty(), limit);
    }

    // Consecutive limits put the cut on every position of the 4-unit piece, including between the halves of the emoji.
    @ParameterizedTest
    @ValueSource(ints = {GITHUB, GITHUB - 1, GITHUB - 2, GITHUB - 3, 3_000})
    void shortensAHugeAnswerButKeepsLinkPreviewAndRequester(int limit) {
        assertThat(HUGE.length()).isGreaterThan(70_000);

        String body = reply(Optional.of(HUGE), limit);

        assertThat(body.length()).isLessThanOrEqualTo(limit);
        assertThat(body).contains("🔗 Conversation: " + CHAT, "🌐 Preview: " + PREVIEW, "🙋 Asked by @octocat");
        assertThat(body).contains(Texts.runMarker("run-1", "reply"));
        assertThat(body).contains("shortened: the full answer is in the conversation: " + CHAT);
        assertThat(hasLoneSurrogate(body)).as("no character split in half").isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {300, 301, 302, 303})
    void fitNeverEndsTheKeptTextWithALoneHighSurrogate(int room) {
        String fitted = Texts.fit(HUGE, room, CHAT);
        String kept = fitted.substring(0, fitted.indexOf("\n\n… _(shortened"));

        assertThat(fitted.length()).isLessThanOrEqualTo(room);
        assertThat(kept).isNotEmpty();
        assertThat(HUGE).startsWith(kept);
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
    }

    @Test
    void keepsAnAnswerThatFitsWhole() {
        String answer = "All good: the cart total updates when an item is removed. ✅😀";

        String body = reply(Optional.of(answer), GITHUB);

        assertThat(body).startsWith(Texts.MARKER).contains(answer).doesNotContain("shortened");
        assertThat(body).contains(Outcome.COMPLETED.headline(), "> check the cart", CHAT, PREVIEW, "@octocat");
    }

    @Test
    void keepsAnAnswerThatFillsTheLimitExactly() {
        String empty = reply(Optional.of("x"), GITHUB);
        String exact = "y".repeat(GITHUB - empty.length() + 1);

        String body = reply(Optional.of(exact), GITHUB);

        assertThat(body).hasSize(GITHUB).contains(exact).doesNotContain("shortened");
    }

    @Test
    void explainsATimeout() {
        String body = Texts.reply(Outcome.TIMED_OUT, RUN, Optional.empty(), Optional.empty(), GITHUB);

        assertThat(body).contains(Outcome.TIMED_OUT.headline())
                .contains("had not finished within the bridge's timeout")
                .contains(CHAT);
    }

    @Test
    void explainsAnError() {
        String problem = "The bridge stopped following the conversation: QA.tech answered 500.";

        String body = Texts.reply(Outcome.ERROR, RUN, Optional.empty(), Optional.of(problem), GITHUB);

        assertThat(body).contains(Outcome.ERROR.headline(), problem, CHAT, PREVIEW, "@octocat")
                .doesNotContain("The agent sent no text");
    }

    @Test
    void saysSoWhenTheAgentSentNoText() {
        assertThat(Texts.reply(Outcome.FAILED, RUN, Optional.of("  "), Optional.empty(), GITHUB))
                .contains(Outcome.FAILED.headline(), "_The agent sent no text._");
    }

    @Test
    void quoteShortensLongInstructionsWithoutSplittingAnEmoji() {
        String quoted = Texts.quote("a".repeat(499) + "😀" + "b".repeat(100));

        assertThat(quoted).startsWith("> ").endsWith("…");
        assertThat(hasLoneSurrogate(quoted)).isFalse();
    }

    @Test
    void helpListsCommandUrlFlagTrustedAssociationsAndTimeout() {
        String help = Texts.help("run-1", DEFAULTS, "github");

        assertThat(help).contains("`/qa <what to test>`", "`/qa help`", "--url", "OWNER", "MEMBER", "COLLABORATOR",
                "gives up after 60 min", "every 3 s");
    }

    @Test
    void helpShowsTheConfiguredCommandTemplateAndTimeout() {
        Settings s = Settings.from(new Env(Map.of("QA_COMMAND", "/test", "QA_TIMEOUT_MINUTES", "1.5",
                "QA_ALLOWED_ASSOCIATIONS", "owner", "PREVIEW_URL_TEMPLATE", "https://pr-{number}.example.com")));

        String help = Texts.help("run-1", s, "github");

        assertThat(help).contains("`/test <what to test>`", "who may run it: OWNER\n", "gives up after 1.5 min",
                "`https://pr-{number}.example.com`").doesNotContain("/qa ", "MEMBER");
    }

    @Test
    void helpOnGitLabNamesTheAccessLevel() {
        assertThat(Texts.help("run-1", DEFAULTS, "gitlab")).contains("merge request", "access level ≥ 30");
    }

    static Stream<Arguments> everyText() {
        RunRecord run = new RunRecord("run-1", ORIGIN, ASK, new RunRecord.Conversation("chat_abc123", CHAT), "", PREVIEW, "0123456");
        return Stream.of(
                Arguments.of("help", Texts.help("run-1", DEFAULTS, "github")),
                Arguments.of("invalid", Texts.invalid("run-1", "the `--url` is not an http(s) URL", DEFAULTS)),
                Arguments.of("started", Texts.started(run, Preview.Source.DEPLOYMENT)),
                Arguments.of("no preview", Texts.reply(Outcome.NO_PREVIEW, RUN, Optional.empty(), Optional.of(Texts.noPreview(DEFAULTS, PR, "github")), GITHUB)),
                Arguments.of("not started", Texts.reply(Outcome.NOT_STARTED, RUN, Optional.empty(), Optional.of("QA.tech said no."), GITHUB)),
                Arguments.of("reply", reply(Optional.of("fine"), GITHUB)),
                Arguments.of("shortened reply", reply(Optional.of(HUGE), GITHUB)),
                Arguments.of("superseded", Texts.superseded("A newer /qa replaced this run.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyText")
    void everyTextStartsWithTheMarkerSoTheBridgeIgnoresItsOwnComments(String name, String text) {
        assertThat(text).startsWith(Texts.MARKER);
    }
}
