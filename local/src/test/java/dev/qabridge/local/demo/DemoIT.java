package dev.qabridge.local.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./qa-bridge demo} with no settings at all: every step, and the PR's comments, as a person sees them. */
class DemoIT {

    @Test
    void showsTheWholeFlowAgainstAnnouncedSimulationsAndEndsWithTheAnswerOnThePr(@TempDir Path logDir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), new TerminalMarkdown(false), logDir);
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(code).as(out).isZero();
        assertThat(out).contains("SIMULATED", "QA.tech (simulated) ← POST /v1/chat", "GitHub (simulated) ← status comment",
                "→ POST /webhooks/github answered 202", "looked 3×: COMPLETED", "reply: COMPLETED (verdict PASS), status comment edited in place",
                "QA passed", "The cart total updates correctly", "Conversation in QA.tech",
                "Execution SUCCEEDED");
        assertThat(out.indexOf("looked 3×")).isLessThan(out.indexOf("reply: COMPLETED"));
        assertThat(out).contains("commit status: success");
        assertThat(out).doesNotContain("Exception");
        // both comments rendered as the PR shows them: the status comment while the agent works, then the answer
        assertThat(out).contains("While the agent worked, the pull request showed (comment 9001)", "     ⏳ QA.tech is testing this preview",
                "     │ check that the cart total updates when a second item is added",
                "1. Added \"Blue mug\" ($12.00): the cart total showed $12.00 ✅");
        assertThat(out.indexOf("QA.tech is testing this preview")).isLessThan(out.indexOf("✅ QA passed"));
        assertThat(out.indexOf("✅ QA passed")).isGreaterThan(out.indexOf("reply: COMPLETED"));
        assertThat(out).contains("and on commit 6dcb09b, the commit statuses:", "qa-bridge pending", "qa-bridge success");
        assertThat(out).doesNotContain("###", "**", "<!--", "\u001b[");
        assertThat(logDir).as("the demo's log is removed when it succeeds").isEmptyDirectory();
    }
}
