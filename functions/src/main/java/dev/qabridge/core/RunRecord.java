package dev.qabridge.core;

/**
 * One accepted command, as stored in the run table. It holds ids and the short texts the reply
 * needs; the state machine itself only carries {@code runId} and {@code chatId}.
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
        boolean replied) {}
