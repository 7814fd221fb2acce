package dev.qabridge.github;

import java.util.Objects;
import java.util.Optional;

/**
 * Token mode: one personal or installation token ({@code GITHUB_TOKEN}) for every request, whatever the
 * installation; the bot login comes from {@code GITHUB_BOT_LOGIN} when it is set.
 */
public final class GitHubTokenAuth implements GitHubAuth {
    private final String token;
    private final Optional<String> botLogin;

    public GitHubTokenAuth(String token, Optional<String> botLogin) {
        this.token = Objects.requireNonNull(token, "token");
        this.botLogin = Objects.requireNonNull(botLogin, "botLogin");
    }

    @Override
    public String token(long installationId) {
        return token;
    }

    @Override
    public Optional<String> botLogin() {
        return botLogin;
    }

    @Override
    public String toString() {
        return "GitHubTokenAuth[token=redacted, botLogin=" + botLogin.orElse("") + "]";
    }
}
