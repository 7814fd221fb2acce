package dev.qabridge.core;

import dev.qabridge.github.GitHubClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PlanReportTest {
    private static final String RUN_URL = "https://app.qa.tech/p/proj_x/runs/run_abc";
    private static final Origin GITHUB = new Origin(Platform.GITHUB, "acme/shop", "", 42, "", 0);
    private static final Origin GITLAB = new Origin(Platform.GITLAB, "acme/shop", "42", 7, "", 0);
    private static final Ask ASK = new Ask("octocat", "Run the test plan pln_checkout", "", "c1", "d-1", 1_700_000_000_000L, "", "");
    /** How GitHub and GitLab find mentions: an @ not after a word character, then a login or group path. */
    private static final Pattern MENTION = Pattern.compile("(?<![\\w`])@[A-Za-z0-9][A-Za-z0-9_.-]*");

    private static Texts.Facts facts(Origin origin) {
        return new Texts.Facts("run-1", origin, ASK, Optional.empty(), Optional.of("https://pr-42.preview.example.com"),
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", Duration.ofSeconds(95), "/qa");
    }

    private static TestRun.Case test(String id, String name, String result) {
        return new TestRun.Case(id, name, "COMPLETED", result, result.equals("PASSED") ? "Works" : "Broken", "Because.");
    }

    private static TestRun.CaseDetail detail(String id, String errorCode) {
        return new TestRun.CaseDetail(id, Optional.ofNullable(errorCode), 12_000, RUN_URL + "/tests/" + id,
                "https://cdn.qa.tech/" + id + ".png", "https://cdn.qa.tech/" + id + ".webm");
    }

    @ParameterizedTest(name = "{0}/{1} with failures {2} → {3} {4}")
    @CsvSource({
            "COMPLETED, PASSED, '', COMPLETED, PASS, 3 tests passed",
            "COMPLETED, FAILED, TEST_FAILED, COMPLETED, FAIL, 1 of 3 tests failed",
            "COMPLETED, FAILED, TEST_FAILED AGENT_STUCK, COMPLETED, FAIL, 2 of 3 tests failed",
            "COMPLETED, FAILED, AGENT_STUCK PLATFORM_DOWN, ERROR, NONE, 2 of 3 tests failed: the agent could not execute the 2 failed tests",
            "COMPLETED, SKIPPED, '', COMPLETED, NONE, The test plan's tests were skipped",
            "ERROR, '', '', COMPLETED, NONE, The test plan run ended in an error",
            "CANCELLED, '', '', COMPLETED, NONE, The test plan run was cancelled in QA.tech"})
    void theVerdictIsQaTechsResultAndAgentMissesAreNotFindings(String status, String result, String codes, String outcome, String verdict,
                                                               String line) {
        List<String> failures = codes.isBlank() ? List.of() : List.of(codes.split(" "));
        List<TestRun.Case> tests = new ArrayList<>();
        Map<String, TestRun.CaseDetail> details = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            boolean failed = i < failures.size();
            tests.add(test("tc" + i, "Test " + i, failed ? "FAILED" : "PASSED"));
            if (failed) {
                details.put("tc" + i, detail("tc" + i, failures.get(i)));
            }
        }
        TestRun run = new TestRun("run_abc", status, Optional.of(result).filter(r -> !r.isEmpty()), tests);

        PlanReport.Reading reading = PlanReport.verdict(run, details, Settings.AgentMiss.ERROR);

        assertThat(reading.outcome().name()).isEqualTo(outcome);
        assertThat(reading.verdict().name()).isEqualTo(verdict);
        assertThat(reading.line()).isEqualTo(line);
    }

    @Test
    void onAgentMissFailureMakesAllAgentMissesAFailure() {
        TestRun run = new TestRun("run_abc", "COMPLETED", Optional.of("FAILED"), List.of(test("tc1", "Pay", "FAILED")));

        PlanReport.Reading reading = PlanReport.verdict(run, Map.of("tc1", detail("tc1", "AGENT_STUCK")), Settings.AgentMiss.FAILURE);

        assertThat(reading.verdict()).isEqualTo(Verdict.Kind.FAIL);
        assertThat(reading.agentMiss()).isTrue();
        assertThat(PlanReport.heading(reading)).isEqualTo("⚠️ The agent could not execute the failed tests");
    }

    @Test
    void theReplyListsFailuresFirstWithEvidenceFoldsThePassedOnesAndLinksTheRun() {
        TestRun run = new TestRun("run_abc", "COMPLETED", Optional.of("FAILED"), List.of(test("tc1", "Add to cart", "PASSED"),
                test("tc2", "Pay by card", "FAILED"), test("tc3", "Remove", "PASSED")));
        PlanReport.Reading reading = PlanReport.verdict(run, Map.of("tc2", detail("tc2", "TEST_FAILED")), Settings.AgentMiss.ERROR);

        String body = PlanReport.reply("run-1", reading, run, Map.of("tc2", detail("tc2", "TEST_FAILED")), RUN_URL, facts(GITHUB),
                GitHubClient.MAX_COMMENT);

        assertThat(body).startsWith(Texts.MARKER).contains(Texts.runMarker("run-1", "reply"), "### ❌ Test plan failed", "1 of 3 tests failed",
                "[screenshot](https://cdn.qa.tech/tc2.png)", "[recording](https://cdn.qa.tech/tc2.webm)", "Error code `TEST_FAILED`",
                "<details><summary>QA.tech's reasoning</summary>", "<details><summary>2 tests passed</summary>",
                "[Test plan run in QA.tech](" + RUN_URL + ")", "Re-run the failed tests: `/qa rerun-failed`", "Asked by @octocat");
        assertThat(body.indexOf("Pay by card")).isLessThan(body.indexOf("Add to cart"));
    }

    @Test
    void whatQaTechWroteNeitherPingsNorInjectsNorLeaksASecret() {
        Redaction.use(List.of("s3cr3t-bypass-token-value"));
        try {
            String hostile = "@acme/payments <img src=x onerror=alert(1)> | pipe";
            TestRun.Case bad = new TestRun.Case("tc1", hostile, "COMPLETED", "FAILED", "<script>x</script> @all",
                    "/merge\n/close\nThe token s3cr3t-bypass-token-value was in the URL. @octocat look");
            TestRun run = new TestRun("run_abc", "COMPLETED", Optional.of("FAILED"), List.of(bad));
            Map<String, TestRun.CaseDetail> details = Map.of("tc1", new TestRun.CaseDetail("tc1", Optional.of("TEST_FAILED\"><b>"), 1,
                    "javascript:alert(1)", "https://cdn.qa.tech/a.png)[x](https://evil.example", "ftp://x"));
            PlanReport.Reading reading = PlanReport.verdict(run, details, Settings.AgentMiss.ERROR);

            for (Origin origin : List.of(GITHUB, GITLAB)) {
                String body = PlanReport.reply("run-1", reading, run, details, RUN_URL, facts(origin), GitHubClient.MAX_COMMENT);
                String withoutOwn = body.replace("Asked by @octocat", "");
                assertThat(MENTION.matcher(withoutOwn).find()).as(origin.platform() + ": no live mention").isFalse();
                assertThat(body).doesNotContain("<img", "<script", "s3cr3t-bypass-token-value", "javascript:", "ftp://x", "<b>")
                        .contains("\\| pipe");
                assertThat(body.lines()).noneMatch(l -> l.matches("^\\s*/(merge|close).*"));
            }
            assertThat(PlanReport.checkSummary(reading, run, details, 65_535)).doesNotContain("<img", "s3cr3t-bypass-token-value");
        } finally {
            Redaction.use(List.of());
        }
    }

    @Test
    void tenThousandTestsFitTheCommentLimitWithANoteAndFailuresStillFirst() {
        List<TestRun.Case> tests = IntStream.range(0, 10_000)
                .mapToObj(i -> test("tc" + i, "A long and descriptive test name number " + i, i % 10 == 0 ? "FAILED" : "PASSED")).toList();
        TestRun run = new TestRun("run_abc", "COMPLETED", Optional.of("FAILED"), tests);
        Map<String, TestRun.CaseDetail> details = new HashMap<>();
        tests.stream().filter(TestRun.Case::failed).limit(PlanReport.DETAILED_FAILURES).forEach(t -> details.put(t.shortId(), detail(t.shortId(), "TEST_FAILED")));
        PlanReport.Reading reading = PlanReport.verdict(run, details, Settings.AgentMiss.ERROR);

        for (int limit : List.of(GitHubClient.MAX_COMMENT, 1_000_000)) {
            String body = PlanReport.reply("run-1", reading, run, details, RUN_URL, facts(GITHUB), limit);
            assertThat(body.length()).isLessThanOrEqualTo(limit);
            assertThat(body).contains("1,000 of 10,000 tests failed", "[Test plan run in QA.tech](" + RUN_URL + ")");
        }
        String small = PlanReport.reply("run-1", reading, run, details, RUN_URL, facts(GITHUB), GitHubClient.MAX_COMMENT);
        assertThat(small).contains("not shown (the comment limit)");
        assertThat(PlanReport.checkSummary(reading, run, details, 65_535).getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(65_535);
    }
}
