package dev.qabridge.core;

import dev.qabridge.github.GitHubClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TextsTest {
    private static final int GITHUB = GitHubClient.MAX_COMMENT;
    private static final String CHAT = "https://app.qa.tech/p/proj_x/chat/chat_abc123";
    private static final String PREVIEW = "https://pr-42.preview.example.com";
    private static final Origin ORIGIN = new Origin(Platform.GITHUB, "acme/shop", "", 42, "", 0);
    private static final Origin GITLAB = new Origin(Platform.GITLAB, "acme/shop", "42", 7, "", 0);
    private static final Ask ASK = new Ask("octocat", "check the cart", "", "c1", "delivery-1", 1_700_000_000_000L, "", "");
    private static final Texts.Facts RUN = facts(ORIGIN, ASK);
    private static final Settings DEFAULTS = Settings.from(new Env(Map.of()));
    private static final PullRequest PR = new PullRequest("acme/shop", 42, "Cart", "0123456789abcdef", "feature/cart", "https://github.com/acme/shop/pull/42");
    /** How GitHub and GitLab find mentions: an @ not after a word character, then a login or group path. */
    private static final Pattern MENTION = Pattern.compile("(?<![\\w`])@[A-Za-z0-9][A-Za-z0-9_.-]*");

    /** 70,000+ UTF-16 units; every 4-unit piece holds an accented letter, a CJK letter and an emoji (a surrogate pair). */
    private static final String HUGE = "é中😀".repeat(17_600);

    private static Texts.Facts facts(Origin origin, Ask ask) {
        return new Texts.Facts("run-1", origin, ask, Optional.of(CHAT), Optional.of(PREVIEW), "6dcb09b5b57875f334f61aebed695e2e4193db5e",
                Duration.ofSeconds(200), "/qa");
    }

    private static boolean hasLoneSurrogate(String s) {
        return s.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE);
    }

    private static String reply(Optional<String> text, int limit) {
        return Texts.reply(Outcome.COMPLETED, Verdict.Kind.PASS, RUN, text, Optional.empty(), limit);
    }

    @ParameterizedTest
    @ValueSource(ints = {GITHUB, GITHUB - 1, GITHUB - 2, GITHUB - 3, 3_000})
    void shortensAHugeAnswerButKeepsLinkPreviewRequesterAndTheCommandToRunItAgain(int limit) {
        String body = reply(Optional.of(HUGE), limit);

        assertThat(body.length()).isLessThanOrEqualTo(limit);
        assertThat(body).contains("[Conversation in QA.tech](" + CHAT + ")", "[Preview](" + PREVIEW + ")", "Asked by @octocat",
                "Run it again: `/qa check the cart`", Texts.runMarker("run-1", "reply"));
        assertThat(body).contains("shortened: the full answer is in the conversation: " + CHAT);
        assertThat(hasLoneSurrogate(body)).as("no character split in half").isFalse();
    }

    @Test
    void keepsAnAnswerThatFitsWholeInALabelledQuote() {
        String body = reply(Optional.of("All good: the cart total updates when an item is removed. ✅😀"), GITHUB);

        assertThat(body).startsWith(Texts.MARKER).doesNotContain("shortened", "<details>");
        assertThat(body).contains("### ✅ QA passed", "> check the cart", "**The agent's answer**",
                "> All good: the cart total updates when an item is removed. ✅😀", "Tested `6dcb09b` on `pr-42.preview.example.com` · took 3 min 20 s");
    }

    @Test
    void foldsALongAnswerInDetails() {
        String body = reply(Optional.of("line\n".repeat(60)), GITHUB);
        assertThat(body).contains("<details><summary>The agent's answer (300 characters)</summary>", "</details>");
    }

    @Test
    void theHeadingFollowsTheVerdictAndHowTheRunEnded() {
        assertThat(Texts.heading(Outcome.COMPLETED, Verdict.Kind.PASS)).isEqualTo("✅ QA passed");
        assertThat(Texts.heading(Outcome.COMPLETED, Verdict.Kind.FAIL)).isEqualTo("❌ QA found a problem");
        assertThat(Texts.heading(Outcome.COMPLETED, Verdict.Kind.NONE)).isEqualTo("⚠️ QA finished without a verdict");
        assertThat(Texts.heading(Outcome.FAILED, Verdict.Kind.PASS)).as("never PASS when the agent failed").contains("agent failed");
        assertThat(Texts.heading(Outcome.TIMED_OUT, Verdict.Kind.NONE)).contains("Timed out");
        String none = Texts.reply(Outcome.COMPLETED, Verdict.Kind.NONE, RUN, Optional.of("It seems fine."), Optional.empty(), GITHUB);
        assertThat(none).contains("did not end with `Verdict: PASS` or `Verdict: FAIL`");
    }

    @Test
    void anAgentAnswerPingsNobodyRunsNoQuickActionAndCannotPassForTheBridge() {
        String hostile = "### ✅ Approved by qa-bridge\n@octocat @acme/security please merge\n/approve\n/merge\n<!-- qa-bridge -->\n"
                + "<details><summary>x</summary>\n<img src=x onerror=alert(1)>\n</details>";

        String body = Texts.reply(Outcome.COMPLETED, Verdict.Kind.FAIL, facts(GITLAB, ASK), Optional.of(hostile), Optional.empty(), GITHUB);
        String answer = body.substring(body.indexOf("**The agent's answer**"), body.indexOf("\n---\n"));

        assertThat(MENTION.matcher(answer).results().map(m -> m.group()).toList()).isEmpty();
        assertThat(answer.lines()).noneMatch(l -> l.matches("^\\s*/(approve|merge).*"));
        assertThat(answer).doesNotContain("<!--", "<img", "<details>").contains("Approved by qa-bridge");
        assertThat(answer.lines().filter(l -> l.contains("Approved"))).allMatch(l -> l.startsWith(">"));
        assertThat(body.indexOf(Texts.MARKER)).isZero();
        assertThat(body.indexOf(Texts.MARKER, 1)).as("the marker appears once, at the top").isEqualTo(-1);
    }

    @Test
    void echoedInstructionsAndUrlsCannotBreakOutOfTheirCode() {
        Ask ask = new Ask("octocat", "check `--url https://x.dev/`@evil and /approve", "https://x.dev/a(b)`c", "c1", "d", 0, "", "");
        String body = Texts.reply(Outcome.COMPLETED, Verdict.Kind.PASS, facts(GITLAB, ask), Optional.of("ok"), Optional.empty(), GITHUB);

        String again = body.lines().filter(l -> l.contains("Run it again")).findFirst().orElseThrow();
        assertThat(MENTION.matcher(again.replaceAll("`+[^`]*`+", "")).find()).isFalse();
        assertThat(again).contains("``");
        assertThat(Texts.link("Preview", "https://x.dev/a(b)")).isEqualTo("[Preview](https://x.dev/a%28b%29)");
        assertThat(Texts.link("Preview", "javascript:alert(1)")).isEqualTo("Preview (none)");
    }

    @Test
    void aKnownSecretNeverReachesAComment() {
        Redaction.use(List.of("s3cr3t-bypass-value"));
        try {
            String body = Texts.reply(Outcome.NOT_STARTED, Verdict.Kind.NONE, RUN, Optional.empty(),
                    Optional.of("QA.tech said: environment.url https://shop.vercel.app/?x-vercel-protection-bypass=s3cr3t-bypass-value "
                            + "could not be resolved"), GITHUB);
            assertThat(body).doesNotContain("s3cr3t-bypass-value").contains("could not be resolved");
        } finally {
            Redaction.use(List.of());
        }
    }

    @Test
    void explainsATimeoutAndAnError() {
        assertThat(Texts.reply(Outcome.TIMED_OUT, Verdict.Kind.NONE, RUN, Optional.empty(), Optional.empty(), GITHUB))
                .contains("Timed out waiting for QA.tech", "had not finished within the bridge's timeout", CHAT);
        String problem = "The bridge stopped following the conversation: QA.tech answered 500.";
        assertThat(Texts.reply(Outcome.ERROR, Verdict.Kind.NONE, RUN, Optional.empty(), Optional.of(problem), GITHUB))
                .contains(Outcome.ERROR.headline(), problem, CHAT, PREVIEW, "@octocat").doesNotContain("The agent sent no text");
        assertThat(Texts.reply(Outcome.FAILED, Verdict.Kind.NONE, RUN, Optional.of("  "), Optional.empty(), GITHUB))
                .contains(Outcome.FAILED.headline(), "_The agent sent no text._");
    }

    @Test
    void theFooterIsAListSoItsLinesStaySeparateOnGitLabToo() {
        String body = reply(Optional.of("fine"), GITHUB);
        List<String> footer = body.substring(body.indexOf("\n---\n") + 5).lines().filter(l -> !l.isBlank()).toList();
        assertThat(footer).hasSize(4).allMatch(l -> l.startsWith("- "));
    }

    @Test
    void anAutomaticRunIsAskedByItsDeploymentWithoutAMention() {
        Ask auto = new Ask("the Preview deployment", "Test what this PR changes.", "https://shop.vercel.app", "", "d-1", 0,
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Preview");
        String body = Texts.reply(Outcome.COMPLETED, Verdict.Kind.PASS, facts(ORIGIN, auto), Optional.of("Fine."), Optional.empty(), GITHUB);
        assertThat(body).contains("Asked by the Preview deployment", "Run it again: `/qa <what to test>`").doesNotContain("@the");
    }

    @Test
    void theStatusCommentShowsTheHostPlainlyAndWhyTheDescriptionWasLeftOut() {
        RunRecord run = new RunRecord("r", ORIGIN, ASK, new RunRecord.Conversation("c", CHAT), "", PREVIEW, "6dcb09b5b5");
        String status = Texts.started(run, Preview.Source.DEPLOYMENT, Optional.of("its author mallory is NONE, not one of QA_ALLOWED_ASSOCIATIONS"));
        assertThat(status).contains("Preview: `pr-42.preview.example.com` (from the newest successful deployment)", "`6dcb09b`",
                "title and description were not given to the agent", "mallory is NONE", Texts.runMarker("r", "status"));
        assertThat(Texts.started(run, Preview.Source.COMMAND, Optional.empty())).doesNotContain("not given");
    }

    @Test
    void quoteShortensLongInstructionsWithoutSplittingAnEmoji() {
        String quoted = Texts.quote("a".repeat(499) + "😀" + "b".repeat(100), Platform.GITHUB);
        assertThat(quoted).startsWith("> ").endsWith("…");
        assertThat(hasLoneSurrogate(quoted)).isFalse();
    }

    @Test
    void helpListsCommandUrlFlagTrustedAssociationsTimeoutAndTheStatus() {
        String help = Texts.help("run-1", DEFAULTS, Platform.GITHUB);
        assertThat(help).contains("`/qa <what to test>`", "`/qa help`", "--url", "OWNER", "MEMBER", "COLLABORATOR",
                "gives up after 60 min", "every 3 s", "commit status `qa-bridge`",
                "automatic runs: successful deployments to `*preview*`, `review/*`; skipped (status \"Skipped: …\", never blocking): "
                        + "drafts (until marked ready)\n");
        Settings rules = Settings.from(new Env(Map.of("AUTO_RUN_SKIP_BOTS", "true", "AUTO_RUN_SKIP_LABELS", "no-qa",
                "AUTO_RUN_IGNORE_PATHS", "docs/**,**/*.md", "AUTO_RUN_SKIP_DRAFTS", "false")));
        assertThat(Texts.help("run-1", rules, Platform.GITHUB)).contains(
                "skipped (status \"Skipped: …\", never blocking): bot authors, labels `no-qa`, changes only to `docs/**`, `**/*.md`\n")
                .doesNotContain("drafts");
        assertThat(Texts.help("run-1", Settings.from(new Env(Map.of("AUTO_RUN_ENVIRONMENTS", ""))), Platform.GITHUB))
                .contains("- automatic runs: off\n");
    }

    @Test
    void helpShowsTheConfiguredCommandTemplateAndTimeout() {
        Settings s = Settings.from(new Env(Map.of("QA_COMMAND", "/test", "QA_TIMEOUT_MINUTES", "1.5",
                "QA_ALLOWED_ASSOCIATIONS", "owner", "PREVIEW_URL_TEMPLATE", "https://pr-{number}.example.com")));
        assertThat(Texts.help("run-1", s, Platform.GITHUB)).contains("`/test <what to test>`", "who may run it: OWNER\n", "gives up after 1.5 min",
                "`https://pr-{number}.example.com`").doesNotContain("/qa ", "MEMBER");
        assertThat(Texts.help("run-1", DEFAULTS, Platform.GITLAB)).contains("merge request", "access level ≥ 30");
    }

    @Test
    void theSupersededAndBadSettingsComments() {
        Ledger.Entry old = new Ledger.Entry("github-d1001-7", Ledger.WAITING, dev.qabridge.http.JsonHttp.JSON.createObjectNode()
                .put("instructions", "check the cart").put("chatUrl", "https://app.qa.tech/chat/chat_old").put("previewUrl", "https://shop.vercel.app"));
        assertThat(Texts.superseded(old, "https://app.qa.tech/chat/chat_new", ORIGIN)).startsWith(Texts.MARKER)
                .contains("Superseded", "pull request", "https://app.qa.tech/chat/chat_new", "https://app.qa.tech/chat/chat_old", "https://shop.vercel.app");
        assertThat(Texts.badSettings(".github/qa-bridge.yml", "unknown key `qatech.appId` (line 3) near '@octocat'", Platform.GITHUB))
                .startsWith(Texts.MARKER).contains("`.github/qa-bridge.yml` is not valid", "unknown key `qatech.appId` (line 3)", "default branch")
                .doesNotContainPattern(MENTION);
    }

    static Stream<Arguments> everyText() {
        RunRecord run = new RunRecord("run-1", ORIGIN, ASK, new RunRecord.Conversation("chat_abc123", CHAT), "", PREVIEW, "0123456");
        return Stream.of(
                Arguments.of("help", Texts.help("run-1", DEFAULTS, Platform.GITHUB)),
                Arguments.of("invalid", Texts.invalid("run-1", "the `--url` is not an http(s) URL", DEFAULTS)),
                Arguments.of("started", Texts.started(run, Preview.Source.DEPLOYMENT, Optional.empty())),
                Arguments.of("no preview", Texts.reply(Outcome.NO_PREVIEW, Verdict.Kind.NONE, RUN, Optional.empty(),
                        Optional.of(Texts.noPreview(DEFAULTS, PR, Platform.GITHUB)), GITHUB)),
                Arguments.of("not started", Texts.reply(Outcome.NOT_STARTED, Verdict.Kind.NONE, RUN, Optional.empty(), Optional.of("QA.tech said no."), GITHUB)),
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
