package dev.qabridge.github;

import dev.qabridge.core.Env;
import dev.qabridge.core.Secrets;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The GitHub authentication the bridge's secrets describe, following them as they are rotated: App
 * mode when {@code GITHUB_APP_ID} is set (with {@code GITHUB_APP_PRIVATE_KEY}), token mode with
 * {@code GITHUB_TOKEN} otherwise. A rotated token or key is used from the next call on; App mode keeps
 * its cached installation tokens until the key itself changes.
 */
public final class SecretsGitHubAuth implements GitHubAuth {
    private final Supplier<Secrets> secrets;
    private final String apiUrl;
    private final Optional<String> configuredBotLogin;
    private GitHubAuth current;
    private String currentKey = "";

    public SecretsGitHubAuth(Supplier<Secrets> secrets, String apiUrl, Optional<String> configuredBotLogin) {
        this.secrets = secrets;
        this.apiUrl = apiUrl;
        this.configuredBotLogin = configuredBotLogin;
        current();   // a missing token or a bad key fails at start-up, naming the setting
    }

    /** True when the secrets name a GitHub App. */
    @Override
    public boolean app() {
        return current().app();
    }

    @Override
    public String token(long installationId) {
        return current().token(installationId);
    }

    @Override
    public void refused(long installationId, String token) {
        current().refused(installationId, token);
    }

    @Override
    public Optional<String> botLogin() {
        return current().botLogin();
    }

    private synchronized GitHubAuth current() {
        Secrets s = secrets.get();
        String key = s.githubAppId().map(id -> "app:" + id + ":" + s.githubAppPrivateKey().orElse(""))
                .orElseGet(() -> "token:" + s.githubToken().orElse(""));
        if (current == null || !key.equals(currentKey)) {
            current = s.githubAppId().isPresent()
                    ? new GitHubAppAuth(s.githubAppId().get(), s.require(s.githubAppPrivateKey(), Secrets.GITHUB_APP_PRIVATE_KEY), apiUrl)
                    : new GitHubTokenAuth(s.githubToken().orElseThrow(() -> new Env.MissingSettingException(
                            Secrets.GITHUB_TOKEN + " (or " + Secrets.GITHUB_APP_ID + " and " + Secrets.GITHUB_APP_PRIVATE_KEY + ")")),
                            configuredBotLogin);
            currentKey = key;
        }
        return current;
    }
}
