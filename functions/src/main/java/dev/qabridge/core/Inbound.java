package dev.qabridge.core;

/**
 * A webhook delivery, translated by its platform into what the bridge may act on. The platform
 * packages produce these; what happens next is decided once for both (see the flow's decider).
 */
public sealed interface Inbound {

    /** Nothing to do, with the reason (answered 200: GitLab disables hooks that fail). */
    record Ignored(IgnoredBecause because, String reason) implements Inbound {
        /** An event or action the bridge does not act on. */
        public Ignored(String reason) {
            this(IgnoredBecause.EVENT, reason);
        }
    }

    /** GitHub's hook-created ping. */
    record Ping() implements Inbound {}

    /**
     * A new comment by a person on a PR/MR that may hold a command. {@code defaultBranch} is the
     * repository's as the payload named it ("" when it did not).
     */
    record Comment(Origin where, Person author, String text, String commentId, String deliveryId, String defaultBranch)
            implements Inbound {}

    /** New commits on a PR/MR: its head is now {@code sha}. */
    record Push(Origin where, String sha, String deliveryId, String defaultBranch) implements Inbound {}

    /**
     * The Re-run button of one of the bridge's check runs ({@code check_run} {@code rerequested}):
     * run {@code recall}'s instructions again on the PR's current head, as {@code clicker}. With {@code failedOnly}
     * (its "Re-run failed tests" button, {@code requested_action} {@code rerun-failed}): re-run the failed tests of
     * {@code recall}'s test plan run.
     */
    record Rerun(Origin where, Person clicker, String recall, String checkRunId, String deliveryId, String defaultBranch,
                 boolean failedOnly)
            implements Inbound {}

    /**
     * A merge queue (GitHub {@code merge_group} {@code checks_requested}) or merge train (GitLab Pipeline
     * Hook) waits for the bridge's check on commit {@code sha}, for the PR/MR {@code where} names (number 0
     * when the queue's ref names none: {@code problem} then says so). {@code runKey} names the report's run:
     * the group's PR and commit, or the train's pipeline, so a redelivery reports once.
     */
    record MergeQueue(Origin where, String sha, String runKey, String problem, String deliveryId, String defaultBranch)
            implements Inbound {}

    /**
     * A draft PR/MR marked ready for review (GitHub {@code pull_request} {@code ready_for_review}; a GitLab MR update whose
     * {@code draft} changed to false), its head now {@code sha}: the automatic run its deployment skipped may start now.
     */
    record Ready(Origin where, String sha, String deliveryId, String defaultBranch) implements Inbound {}

    /** A successful deployment of {@code sha} to {@code environment}, reachable at {@code url}. */
    record Deployment(Origin repository, String deploymentId, String sha, String environment, String url, String deliveryId,
                      String defaultBranch) implements Inbound {}
}
