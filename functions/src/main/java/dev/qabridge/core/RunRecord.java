package dev.qabridge.core;

/**
 * One accepted command, as stored in the run table. It holds ids and the short texts the reply
 * needs; the state machine itself only carries {@code runId} and {@code chatId}.
 *
 * <p>{@code projectId} is the platform's numeric project id where its API addresses projects that
 * way (GitLab; empty on GitHub, whose API takes {@code repo}). {@code discussionId} is the thread
 * the command was written in when the answer belongs there (a GitLab discussion; empty otherwise).
 */
public record RunRecord(
        String runId,
        String platform,
        String repo,
        long number,
        String commandCommentId,
        String statusCommentId,
        String chatId,
        String chatUrl,
        String previewUrl,
        String requester,
        String instructions,
        String deliveryId,
        long createdAtEpochSeconds,
        boolean replied,
        String projectId,
        String discussionId) {

    public RunRecord {
        projectId = projectId == null ? "" : projectId;
        discussionId = discussionId == null ? "" : discussionId;
    }

    /** A run whose platform needs neither a project id nor a discussion id (GitHub). */
    public RunRecord(String runId, String platform, String repo, long number, String commandCommentId, String statusCommentId,
                     String chatId, String chatUrl, String previewUrl, String requester, String instructions, String deliveryId,
                     long createdAtEpochSeconds, boolean replied) {
        this(runId, platform, repo, number, commandCommentId, statusCommentId, chatId, chatUrl, previewUrl, requester,
                instructions, deliveryId, createdAtEpochSeconds, replied, "", "");
    }
}
