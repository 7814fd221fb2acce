package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TextsAutoRunTest {
    private static final RunRecord AUTO = new RunRecord("github-auto-1001-7", "github", "acme/shop", 7, "", "9001", "chat_old",
            "https://app.qa.tech/chat/chat_old", "https://shop.vercel.app", "the Preview deployment", "Test what this PR changes.", "d-1",
            0, false);

    @Test
    void anAutomaticRunIsAskedByItsDeploymentWithoutAMention() {
        assertThat(Texts.reply(Outcome.COMPLETED, AUTO, Optional.of("Fine."), Optional.empty(), 65_536))
                .contains("Asked by the Preview deployment").doesNotContain("@the");
        assertThat(Texts.started("x", new Preview("https://shop.vercel.app", Preview.Source.DEPLOYMENT), "https://c", "octocat"))
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
