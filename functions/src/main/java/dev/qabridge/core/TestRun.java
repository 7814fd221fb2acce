package dev.qabridge.core;

import java.util.List;
import java.util.Optional;

/**
 * A QA.tech test-plan run as {@code GET /v1/run/{shortId}?testCases=all} gives it: its status ({@code INITIATED},
 * {@code RUNNING}, then one of the final {@code COMPLETED}, {@code ERROR}, {@code CANCELLED}), its result once complete
 * ({@code PASSED}, {@code FAILED}, {@code SKIPPED}) and its tests.
 */
public record TestRun(String shortId, String status, Optional<String> result, List<Case> tests) {

    /** The statuses after which a run changes no more. */
    public static final List<String> FINAL = List.of("COMPLETED", "ERROR", "CANCELLED");

    public boolean finished() {
        return FINAL.contains(status);
    }

    /** One test of the run: its short id, name, result and QA.tech's one-line title and reasoning for it. */
    public record Case(String shortId, String name, String status, String result, String resultTitle, String evaluationThought) {
        public boolean failed() {
            return result.equals("FAILED");
        }
    }

    /**
     * One test's execution in detail ({@code GET /v1/run-test-case/{shortId}}): why it failed ({@code TEST_FAILED} is the
     * product; {@code AGENT_…} and {@code PLATFORM_…} mean it could not be executed), how long it took, and its evidence.
     */
    public record CaseDetail(String shortId, Optional<String> errorCode, long durationMs, String url, String screenshotUrl,
                             String recordingUrl) {
        /** The agent or the platform could not execute the test: not a finding about the product. */
        public boolean agentMiss() {
            return errorCode.filter(c -> c.startsWith("AGENT_") || c.startsWith("PLATFORM_")).isPresent();
        }
    }

    /** A started run ({@code POST /v1/run}, and a re-run): its short id, dashboard link and how many tests it has. */
    public record Started(String shortId, String url, int testCount, String planName) {}

    /** Who and what started a run, for QA.tech's dashboard ({@code trigger: GITHUB} with these; {@code API} elsewhere). */
    public record Trigger(boolean github, String actor, String branch, String commitHash, String repository) {}
}
