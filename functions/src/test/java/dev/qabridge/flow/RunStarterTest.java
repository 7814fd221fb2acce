package dev.qabridge.flow;

import dev.qabridge.core.Preview;
import dev.qabridge.core.PullRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunStarterTest {
    private static final Preview PREVIEW = new Preview("https://shop.vercel.app", Preview.Source.DEPLOYMENT);

    private static RunStarter.Request request(String description) {
        PullRequest pr = new PullRequest("acme/shop", 7, "Cart totals", "abc123", "feature/cart", "https://github.com/acme/shop/pull/7",
                description);
        return new RunStarter.Request("github", "d-1", pr, null, "", "the Preview deployment", "Test what this PR changes.", PREVIEW);
    }

    @Test
    void theMessageCarriesTheTitleAndACappedDescription() {
        String message = RunStarter.message(request("Recomputes totals.\n\nSteps: add two items."));
        assertThat(message).startsWith("Test what this PR changes.").contains("“Cart totals”", "Recomputes totals.", "Steps: add two items.");

        String huge = "x".repeat(RunStarter.DESCRIPTION_LIMIT + 500);
        String capped = RunStarter.message(request(huge));
        assertThat(capped).contains("x".repeat(RunStarter.DESCRIPTION_LIMIT)).doesNotContain("x".repeat(RunStarter.DESCRIPTION_LIMIT + 1))
                .endsWith("…(shortened)");
        assertThat(RunStarter.message(request(""))).doesNotContain("description");
    }

    @Test
    void autoRunIdsAreUniquePerDeploymentAndPullRequestAndFitAnExecutionName() {
        assertThat(RunStarter.autoRunId("github", "1001", 7)).isEqualTo("github-auto-1001-7");
        assertThat(RunStarter.autoRunId("github", "1001", 8)).isNotEqualTo(RunStarter.autoRunId("github", "1001", 7));
        String long_ = RunStarter.autoRunId("gitlab", "dep/with spaces#" + "9".repeat(100), 7);
        assertThat(long_).hasSizeLessThanOrEqualTo(80).matches("[A-Za-z0-9_-]+");
    }
}
