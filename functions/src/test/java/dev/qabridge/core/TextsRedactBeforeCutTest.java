package dev.qabridge.core;

import dev.qabridge.github.GitHubClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every text the bridge shortens (the quoted request at 500 characters, the command to run it again
 * at 200, a long answer to the comment's room) is redacted before it is cut: a cut through a known
 * secret would leave its first characters behind, which no rule recognises afterwards.
 */
class TextsRedactBeforeCutTest {
    private static final String SECRET = "q7XbYp4ssS3cretF0rV3rcelPrev1ews";
    private static final Origin ORIGIN = new Origin(Platform.GITHUB, "acme/shop", "", 42, "", 0);
    private static final String CHAT = "https://app.qa.tech/p/proj_x/chat/chat_abc123";
    private static final String PREVIEW = "https://pr-42.preview.example.com";

    @BeforeEach
    void knowTheSecret() {
        Redaction.use(List.of(SECRET));
    }

    @AfterEach
    void forgetIt() {
        Redaction.use(List.of());
    }

    /** Instructions whose secret starts {@code before} characters ahead of {@code cut}, so a cut there splits it. */
    private static String instructionsSplitAt(int cut, int before) {
        String filler = "check that the cart total updates when items are added and removed; ".repeat(10);
        return filler.substring(0, cut - before - " token ".length()) + " token " + SECRET + " and report";
    }

    private static Ask ask(String instructions) {
        return new Ask("octocat", instructions, "", "c1", "delivery-1", 1_700_000_000_000L, "", "");
    }

    private static void assertNoPartOfTheSecret(String text) {
        for (int i = 0; i + 6 <= SECRET.length(); i++) {
            assertThat(text).doesNotContain(SECRET.substring(i, i + 6));
        }
    }

    @Test
    void theStatusCommentsQuoteOfALongRequestKeepsNoPieceOfASecretItCutThrough() {
        RunRecord run = new RunRecord("run-1", ORIGIN, ask(instructionsSplitAt(500, 12)), new RunRecord.Conversation("chat_abc123", CHAT),
                "", PREVIEW, "6dcb09b5b57875f334f61aebed695e2e4193db5e");

        String status = Texts.started(run, Preview.Source.DEPLOYMENT, Optional.empty());

        assertThat(status).contains("> check that the cart total updates", "token ***");
        assertNoPartOfTheSecret(status);
    }

    @Test
    void theReplysQuoteAndRunItAgainCommandKeepNoPieceOfASecretTheyCutThrough() {
        for (int cut : new int[] {500, 200 - "/qa ".length()}) {
            Texts.Facts facts = new Texts.Facts("run-1", ORIGIN, ask(instructionsSplitAt(cut, 12)), Optional.of(CHAT), Optional.of(PREVIEW),
                    "6dcb09b5b57875f334f61aebed695e2e4193db5e", Duration.ofSeconds(30), "/qa");

            String reply = Texts.reply(Outcome.COMPLETED, Verdict.Kind.PASS, facts, Optional.of("Fine."), Optional.empty(),
                    GitHubClient.MAX_COMMENT);

            assertThat(reply).contains("Run it again: `/qa check that the cart total updates");
            assertNoPartOfTheSecret(reply);
        }
    }

    @Test
    void aLongAnswerFullOfTheSecretIsShortenedWithNoPieceOfItLeft() {
        // wherever the answer is cut, it is inside or next to an occurrence of the secret
        String answer = ("I used " + SECRET + ". ").repeat(10_000);
        Texts.Facts facts = new Texts.Facts("run-1", ORIGIN, ask("check the cart"), Optional.of(CHAT), Optional.of(PREVIEW),
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", Duration.ofSeconds(30), "/qa");

        for (int limit : new int[] {GitHubClient.MAX_COMMENT, 20_000, 5_003, 3_001}) {
            String reply = Texts.reply(Outcome.COMPLETED, Verdict.Kind.PASS, facts, Optional.of(answer), Optional.empty(), limit);

            assertThat(reply.length()).isLessThanOrEqualTo(limit);
            assertThat(reply).contains("I used ***.", "shortened");
            assertNoPartOfTheSecret(reply);
        }
    }
}
