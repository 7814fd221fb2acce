package dev.qabridge.core;

/**
 * One run as the run table keeps it once its conversation has started: where it lives, who asked for
 * what, the conversation, the status comment and what was tested. Other runs read it (a newer
 * automatic run superseding this one); the run's own states carry the same facts in their state.
 */
public record RunRecord(String runId, Origin origin, Ask ask, Conversation conversation, String statusCommentId, String previewUrl,
                        String headSha) {

    /** A QA.tech conversation: its short id and the dashboard link people click. */
    public record Conversation(String id, String url) {}
}
