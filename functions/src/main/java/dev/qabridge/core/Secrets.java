package dev.qabridge.core;

import java.util.Optional;

/**
 * The credentials the bridge holds. Loaded once per container; {@link #toString()} never prints them,
 * so a record that ends up in a log line stays harmless.
 */
public record Secrets(
        Optional<String> qatechApiKey,
        Optional<String> githubToken,
        Optional<String> githubWebhookSecret,
        Optional<String> gitlabToken,
        Optional<String> gitlabWebhookSecret,
        Optional<String> gitlabSigningToken,
        Optional<String> vercelAutomationBypassSecret) {

    public static final String QATECH_API_KEY = "QATECH_API_KEY";
    public static final String GITHUB_TOKEN = "GITHUB_TOKEN";
    public static final String GITHUB_WEBHOOK_SECRET = "GITHUB_WEBHOOK_SECRET";
    public static final String GITLAB_TOKEN = "GITLAB_TOKEN";
    public static final String GITLAB_WEBHOOK_SECRET = "GITLAB_WEBHOOK_SECRET";
    public static final String GITLAB_WEBHOOK_SIGNING_TOKEN = "GITLAB_WEBHOOK_SIGNING_TOKEN";
    /** Vercel's "Protection Bypass for Automation" secret: lets the agent open protected previews. */
    public static final String VERCEL_AUTOMATION_BYPASS_SECRET = "VERCEL_AUTOMATION_BYPASS_SECRET";

    /** Reads each secret by its setting name from a flat source (environment, or the Secrets Manager JSON). */
    public static Secrets from(Env source) {
        return new Secrets(
                source.find(QATECH_API_KEY),
                source.find(GITHUB_TOKEN),
                source.find(GITHUB_WEBHOOK_SECRET),
                source.find(GITLAB_TOKEN),
                source.find(GITLAB_WEBHOOK_SECRET),
                source.find(GITLAB_WEBHOOK_SIGNING_TOKEN),
                source.find(VERCEL_AUTOMATION_BYPASS_SECRET));
    }

    public String require(Optional<String> secret, String name) {
        return secret.orElseThrow(() -> new Env.MissingSettingException(name));
    }

    @Override
    public String toString() {
        return "Secrets[redacted]";
    }
}
