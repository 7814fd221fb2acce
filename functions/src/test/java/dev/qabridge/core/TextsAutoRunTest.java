package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TextsAutoRunTest {
    private static final Ask ASK = new Ask("the Preview deployment", "Test what this PR changes.", "https://shop.vercel.app", "", "d-1", 0,
            "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Preview");
    private static final RunRecord AUTO = new RunRecord("github-d1001-7", new Origin("github", "acme/shop", "", 7, "", 0), ASK,
            new RunRecord.Conversation("chat_old", "https://app.qa.tech/chat/chat_old"), "9001", "https://shop.vercel.app", ASK.sha());

    @Test
    void anAutomaticRunIsAskedByItsDeploymentWithoutAMention() {
        Texts.Facts facts = new Texts.Facts(AUTO.runId(), ASK, Optional.of(AUTO.conversation().url()), Optional.of(AUTO.previewUrl()));
        assertThat(Texts.reply(Outcome.COMPLETED, facts, Optional.of("Fine."), Optional.empty(), 65_536))
                .contains("Asked by the Preview deployment").doesNotContain("@the");
        Ask byPerson = new Ask("octocat", "x", "", "1", "d", 0, "", "");
        assertThat(Texts.started(new RunRecord("r", AUTO.origin(), byPerson, AUTO.conversation(), "", "https://shop.vercel.app", ""), Preview.Source.COMMAND))
                .contains("asked by @octocat");
    }

    @Test
    void theSupersededCommentLinksTheNewConversation() {
        String text = Texts.superseded(AUTO, "https://app.qa.tech/chat/chat_new");
        assertThat(text).startsWith(Texts.MARKER).contains("Superseded", "pull request", "https://app.qa.tech/chat/chat_new",
                "https://app.qa.tech/chat/chat_old", "https://shop.vercel.app");
    }

    @Test
    void theBadSettingsCommentNamesTheFileAndTheProblem() {
        assertThat(Texts.badSettings(".github/qa-bridge.yml", "unknown key `qatech.appId` (line 3)"))
                .startsWith(Texts.MARKER).contains("`.github/qa-bridge.yml` is not valid", "unknown key `qatech.appId` (line 3)", "default branch");
    }
}
