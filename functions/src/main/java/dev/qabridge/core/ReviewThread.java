package dev.qabridge.core;

import java.util.Optional;

/**
 * The comments of one pull request or merge request, as the bridge speaks to them. GitHub and GitLab
 * each implement it; nothing above it knows which one it talks to.
 */
public interface ReviewThread {

    enum Reaction { EYES, ROCKET, CONFUSED }

    /** Posts a new comment; returns its id. Not repeatable: see {@link #findMarked}. */
    String post(String markdown);

    /** Replaces a comment's text. Throws {@link ApiException} (or {@link TransientApiError}) when it cannot. */
    void edit(String commentId, String markdown);

    /** Best effort: a reaction that cannot be added is logged, never fatal. */
    void react(String commentId, Reaction reaction);

    /**
     * The id of a comment written since {@code since} whose text contains {@code marker}: how a retried
     * post finds out that an earlier attempt, whose answer was lost, did create the comment.
     */
    Optional<String> findMarked(String marker, java.time.Instant since);

    /**
     * A comment's current text; empty when it no longer exists. How a write whose answer was lost (a
     * 502, a timeout) is checked before it is made again another way.
     */
    Optional<String> read(String commentId);

    /** The longest comment the platform accepts, in characters. */
    int maxCommentLength();
}
