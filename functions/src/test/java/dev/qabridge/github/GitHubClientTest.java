package dev.qabridge.github;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class GitHubClientTest {

    @Test
    void keepsACheckRunFieldThatFitsGitHubsByteLimitAsItIs() {
        String exactly = "é".repeat(100);   // 200 bytes

        assertThat(GitHubClient.clipUtf8(exactly, 200)).isSameAs(exactly);
    }

    @Test
    void cutsACheckRunFieldByUtf8BytesNotCharactersAndSaysSo() {
        String answer = "Résumé 🚀 — ".repeat(6_000);   // 72,000 UTF-16 units, 108,000 UTF-8 bytes

        String clipped = GitHubClient.clipUtf8(answer, GitHubClient.CHECK_OUTPUT_BYTES);

        assertThat(clipped.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(GitHubClient.CHECK_OUTPUT_BYTES)
                .isGreaterThan(GitHubClient.CHECK_OUTPUT_BYTES - 8);
        assertThat(clipped).startsWith("Résumé 🚀 — Résumé").endsWith(GitHubClient.SHORTENED);
    }

    @Test
    void neverCutsAnEmojiInHalf() {
        String emoji = "🚀".repeat(50);   // 4 bytes each
        int budget = GitHubClient.SHORTENED.getBytes(StandardCharsets.UTF_8).length + 10;   // room for two and a half

        String clipped = GitHubClient.clipUtf8(emoji, budget);

        assertThat(clipped).isEqualTo("🚀🚀" + GitHubClient.SHORTENED);
    }
}
