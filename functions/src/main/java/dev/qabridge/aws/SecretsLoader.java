package dev.qabridge.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.Env;
import dev.qabridge.core.Log;
import dev.qabridge.core.Secrets;
import dev.qabridge.http.JsonHttp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Where the credentials come from, read again after a TTL ({@value #TTL_SETTING}, default five
 * minutes) so a rotated secret is picked up within minutes without a redeploy, and at once after a
 * SnapStart restore ({@link SnapStartHooks} calls {@link #refresh()}).
 *
 * <p>In AWS the credentials are split by concern into Secrets Manager secrets, each a JSON object of
 * setting names to values, and each function is given (by environment and IAM) only the ones it
 * needs: {@code QA_BRIDGE_WEBHOOK_SECRET_ARN} (webhook secrets: the webhook function),
 * {@code QA_BRIDGE_PLATFORM_SECRET_ARN} (GitHub/GitLab tokens or App key: webhook and actions),
 * {@code QA_BRIDGE_AGENT_SECRET_ARN} (QA.tech API key: poller and actions) and
 * {@code QA_BRIDGE_PREVIEW_SECRET_ARN} (Vercel bypass: actions). With none of them set (the local
 * stack, {@code sam local invoke}) the environment itself holds the values.
 */
public final class SecretsLoader implements Supplier<Secrets> {
    /** How long a read secret is used before it is read again, unless {@value #TTL_SETTING} says otherwise. */
    public static final Duration TTL = Duration.ofMinutes(5);
    public static final String TTL_SETTING = "QA_SECRETS_TTL_SECONDS";
    /** After a failed read, the values in hand are used this long (at most the TTL) before the next try. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);
    public static final String WEBHOOK_SECRET_ARN = "QA_BRIDGE_WEBHOOK_SECRET_ARN";
    public static final String PLATFORM_SECRET_ARN = "QA_BRIDGE_PLATFORM_SECRET_ARN";
    public static final String AGENT_SECRET_ARN = "QA_BRIDGE_AGENT_SECRET_ARN";
    public static final String PREVIEW_SECRET_ARN = "QA_BRIDGE_PREVIEW_SECRET_ARN";
    /** Read in this order; a key found in two secrets takes the later one's value. */
    public static final List<String> ARN_SETTINGS = List.of(WEBHOOK_SECRET_ARN, PLATFORM_SECRET_ARN, AGENT_SECRET_ARN, PREVIEW_SECRET_ARN);
    /** Which keys each secret holds (the template's parameter descriptions say the same). */
    public static final Map<String, List<String>> KEYS = Map.of(
            WEBHOOK_SECRET_ARN, List.of(Secrets.GITHUB_WEBHOOK_SECRET, Secrets.GITHUB_WEBHOOK_SECRET_PREVIOUS, Secrets.GITLAB_WEBHOOK_SECRET,
                    Secrets.GITLAB_WEBHOOK_SECRET_PREVIOUS, Secrets.GITLAB_WEBHOOK_SIGNING_TOKEN),
            PLATFORM_SECRET_ARN, List.of(Secrets.GITHUB_TOKEN, Secrets.GITHUB_APP_ID, Secrets.GITHUB_APP_PRIVATE_KEY, Secrets.GITLAB_TOKEN),
            AGENT_SECRET_ARN, List.of(Secrets.QATECH_API_KEY),
            PREVIEW_SECRET_ARN, List.of(Secrets.VERCEL_AUTOMATION_BYPASS_SECRET));

    private final Env env;
    private final UnaryOperator<String> secretString;
    private final Clock clock;
    private final Duration ttl;
    private volatile Secrets secrets;
    private volatile Instant readAt = Instant.MIN;

    public SecretsLoader(Env env, AwsClients aws, Clock clock, Duration ttl) {
        this(env, arn -> aws.secrets().getSecretValue(r -> r.secretId(arn)).secretString(), clock, ttl);
    }

    /** {@code secretString}: the current value of the secret with this ARN (Secrets Manager's GetSecretValue). */
    public SecretsLoader(Env env, UnaryOperator<String> secretString, Clock clock, Duration ttl) {
        this.env = env;
        this.secretString = secretString;
        this.clock = clock;
        this.ttl = ttl;
        this.secrets = read();
        this.readAt = clock.instant();
    }

    /** The TTL a function runs with: {@value #TTL_SETTING} seconds (at least 1), else {@link #TTL}. */
    public static Duration ttl(Env env) {
        int seconds = env.integer(TTL_SETTING, (int) TTL.toSeconds());
        if (seconds < 1) {
            throw new IllegalStateException(TTL_SETTING + " must be at least 1 (seconds), got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** True when the credentials come from Secrets Manager (and are read again after the TTL). */
    public boolean fromSecretsManager() {
        return ARN_SETTINGS.stream().anyMatch(a -> env.find(a).isPresent());
    }

    @Override
    public Secrets get() {
        if (fromSecretsManager() && readAt.plus(ttl).isBefore(clock.instant())) {
            synchronized (this) {
                if (readAt.plus(ttl).isBefore(clock.instant())) {
                    refresh();
                }
            }
        }
        return secrets;
    }

    /** Reads the secrets now; when that fails the values in hand stay in use (and the failure is logged). */
    public synchronized void refresh() {
        try {
            secrets = read();
            readAt = clock.instant();
        } catch (RuntimeException e) {
            Log.warn("secrets.refresh_failed", null, null, "error", e.getClass().getSimpleName());
            // try again soon, not on every call
            Duration retry = ttl.compareTo(RETRY_AFTER_FAILURE) < 0 ? ttl : RETRY_AFTER_FAILURE;
            readAt = clock.instant().minus(ttl).plus(retry);
        }
    }

    private Secrets read() {
        if (!fromSecretsManager()) {
            return Secrets.from(env);
        }
        Map<String, String> values = new HashMap<>();
        for (String setting : ARN_SETTINGS) {
            Optional<String> arn = env.find(setting);
            if (arn.isEmpty()) {
                continue;
            }
            String json = secretString.apply(arn.get());
            JsonNode node;
            try {
                node = JsonHttp.JSON.readTree(json);
            } catch (java.io.IOException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                throw new IllegalStateException("The secret named by " + setting + " is not a JSON object of setting names to values");
            }
            node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        }
        return Secrets.from(new Env(values));
    }
}
