package dev.qabridge.github;

import java.util.Optional;

/**
 * How the bridge authenticates to GitHub's REST API: with one fixed token ({@link GitHubTokenAuth}), or as
 * a GitHub App with a token per installation ({@link GitHubAppAuth}).
 */
public interface GitHubAuth {
    /** The token for requests made on behalf of {@code installationId} (the delivery's {@code installation.id}). */
    String token(long installationId);

    /** The login the bridge's own comments carry, so it can ignore them; empty when not known. */
    Optional<String> botLogin();

    /** GitHub answered 401 to {@code token}: an App drops it so the next call exchanges a new one. A fixed token cannot. */
    default void refused(long installationId, String token) {
    }

    /** True in App mode: only GitHub Apps may write check runs. */
    default boolean app() {
        return false;
    }
}
