package dev.qabridge.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./qa-bridge demo} with no settings at all: every step, and the final PR comment, as a person sees them. */
class DemoIT {

    @Test
    void showsTheWholeFlowAgainstAnnouncedSimulationsAndEndsWithTheAnswerOnThePr() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(code).as(out).isZero();
        assertThat(out).contains("SIMULATED", "QA.tech (simulated) ← POST /v1/chat", "GitHub (simulated) ← status comment",
                "→ POST /webhooks/github answered 202", "looked 3×: COMPLETED", "reply: COMPLETED (verdict PASS), status comment edited in place",
                "QA passed", "The cart total updates correctly", "Conversation in QA.tech",
                "Execution SUCCEEDED");
        assertThat(out.indexOf("looked 3×")).isLessThan(out.indexOf("reply: COMPLETED"));
        assertThat(out).contains("commit status: success");
        assertThat(out).doesNotContain("Exception");
    }
}
