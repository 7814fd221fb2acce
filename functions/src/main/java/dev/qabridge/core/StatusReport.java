package dev.qabridge.core;

/**
 * What the bridge reports on the tested commit, for branch protection and merge checks to gate on:
 * a commit status (GitHub token mode, GitLab) or a check run (GitHub App mode). {@code context} is
 * the status context / check name ({@code QA_STATUS_CONTEXT}); {@code description} a one-line summary
 * (cut to the platform's limit); {@code targetUrl} the conversation; {@code externalId} the run id;
 * {@code title}, {@code summary}, {@code text} the check run's output (ignored by commit statuses).
 */
public record StatusReport(State state, String context, String description, String targetUrl, String externalId, String title,
                           String summary, String text, boolean offersRerunFailed) {

    /** The identifier of a check run's "Re-run failed tests" button (GitHub: at most 20 characters). */
    public static final String RERUN_FAILED = "rerun-failed";

    /** A report without buttons of its own. */
    public StatusReport(State state, String context, String description, String targetUrl, String externalId, String title,
                        String summary, String text) {
        this(state, context, description, targetUrl, externalId, title, summary, text, false);
    }

    /**
     * The run's state as a gate sees it. A commit status has fewer words: NEUTRAL becomes error (or
     * success when {@code QA_STATUS_ON_NO_VERDICT=success}), TIMED_OUT and CANCELLED become error
     * (GitHub) or failed / canceled (GitLab). SKIPPED (an automatic run its skip rules left out) is a check run concluded
     * {@code skipped}, which a required check counts as passing, and a commit status {@code success}.
     */
    public enum State { RUNNING, SUCCESS, FAILURE, NEUTRAL, ERROR, TIMED_OUT, CANCELLED, SKIPPED }

    /** True for the first report of a run; every other state ends it. */
    public boolean running() {
        return state == State.RUNNING;
    }
}
