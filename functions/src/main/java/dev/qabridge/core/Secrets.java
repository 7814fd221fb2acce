package dev.qabridge.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The credentials the bridge holds, each under its setting name. {@link #toString()} never prints
 * them, so a record that ends up in a log line stays harmless; {@link #values()} lists them for the
 * redactor that keeps them out of comments, answers and logs.
 */
public record Secrets(
        Optional<String> qatechApiKey,
        Optional<String> githubToken,
        Optional<String> githubWebhookSecret,
        Optional<String> githubWebhookSecretPrevious,
        Optional<String> githubAppId,
        Optional<String> githubAppPrivateKey,
        Optional<String> gitlabToken,
        Optional<String> gitlabWebhookSecret,
        Optional<String> gitlabWebhookSecretPrevious,
        Optional<String> gitlabSigningToken,
        Optional<String> vercelAutomationBypassSecret) {

    public static final String QATECH_API_KEY = "QATECH_API_KEY";
    public static final String GITHUB_TOKEN = "GITHUB_TOKEN";
    public static final String GITHUB_WEBHOOK_SECRET = "GITHUB_WEBHOOK_SECRET";
    /** During a rotation: the webhook secret GitHub may still sign with (accepted beside the new one). */
    public static final String GITHUB_WEBHOOK_SECRET_PREVIOUS = "GITHUB_WEBHOOK_SECRET_PREVIOUS";
    public static final String GITHUB_APP_ID = "GITHUB_APP_ID";
    public static final String GITHUB_APP_PRIVATE_KEY = "GITHUB_APP_PRIVATE_KEY";
    public static final String GITLAB_TOKEN = "GITLAB_TOKEN";
    public static final String GITLAB_WEBHOOK_SECRET = "GITLAB_WEBHOOK_SECRET";
    public static final String GITLAB_WEBHOOK_SECRET_PREVIOUS = "GITLAB_WEBHOOK_SECRET_PREVIOUS";
    public static final String GITLAB_WEBHOOK_SIGNING_TOKEN = "GITLAB_WEBHOOK_SIGNING_TOKEN";
    /** Vercel's "Protection Bypass for Automation" secret: lets the agent open protected previews. */
    public static final String VERCEL_AUTOMATION_BYPASS_SECRET = "VERCEL_AUTOMATION_BYPASS_SECRET";

    public static final Secrets NONE = from(new Env(java.util.Map.of()));

    /** Reads each secret by its setting name from a flat source (environment, or the Secrets Manager JSON). */
    public static Secrets from(Env source) {
        return new Secrets(
                source.find(QATECH_API_KEY),
                source.find(GITHUB_TOKEN),
                source.find(GITHUB_WEBHOOK_SECRET),
                source.find(GITHUB_WEBHOOK_SECRET_PREVIOUS),
                source.find(GITHUB_APP_ID),
                source.find(GITHUB_APP_PRIVATE_KEY),
                source.find(GITLAB_TOKEN),
                source.find(GITLAB_WEBHOOK_SECRET),
                source.find(GITLAB_WEBHOOK_SECRET_PREVIOUS),
                source.find(GITLAB_WEBHOOK_SIGNING_TOKEN),
                source.find(VERCEL_AUTOMATION_BYPASS_SECRET));
    }

    public String require(Optional<String> secret, String name) {
        return secret.orElseThrow(() -> new Env.MissingSettingException(name));
    }

    /** The webhook secrets GitHub deliveries may be signed with: the current one, then the previous one. */
    public List<String> githubWebhookSecrets() {
        List<String> all = new ArrayList<>();
        githubWebhookSecret.ifPresent(all::add);
        githubWebhookSecretPrevious.ifPresent(all::add);
        return all;
    }

    /** The secret tokens GitLab deliveries may carry: the current one, then the previous one. */
    public List<String> gitlabWebhookSecrets() {
        List<String> all = new ArrayList<>();
        gitlabWebhookSecret.ifPresent(all::add);
        gitlabWebhookSecretPrevious.ifPresent(all::add);
        return all;
    }

    /** Every secret value held, for the redactor. */
    public List<String> values() {
        List<String> all = new ArrayList<>();
        for (Optional<String> v : List.of(qatechApiKey, githubToken, githubWebhookSecret, githubWebhookSecretPrevious, githubAppPrivateKey,
                gitlabToken, gitlabWebhookSecret, gitlabWebhookSecretPrevious, gitlabSigningToken, vercelAutomationBypassSecret)) {
            v.ifPresent(all::add);
        }
        return all;
    }

    @Override
    public String toString() {
        return "Secrets[redacted]";
    }
}
