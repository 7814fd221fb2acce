package dev.qabridge.core;

/**
 * The comments of one pull request or merge request, as the bridge speaks to them. GitHub and GitLab
 * each implement it; nothing above it knows which one it talks to.
 */
public interface ReviewThread {

    enum Reaction { EYES, ROCKET, CONFUSED }

    /** Posts a new comment; returns its id. */
    String post(String markdown);

    /** Replaces a comment's text; false when it no longer exists or may not be edited. */
    boolean edit(String commentId, String markdown);

    /** Best effort: a reaction that cannot be added is logged, never fatal. */
    void react(String commentId, Reaction reaction);

    /** The longest comment the platform accepts, in characters. */
    int maxCommentLength();
}
