package dev.qabridge.aws;

import dev.qabridge.core.MutableClock;
import dev.qabridge.core.Env;
import dev.qabridge.core.Secrets;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretsLoaderTest {
    private static final String AGENT_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:qa-bridge-agent-AbCdEf";
    private static final String WEBHOOK_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:qa-bridge-webhook-AbCdEf";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    /** Secrets Manager, as far as the loader sees it: ARN to secret string. */
    private final Map<String, String> store = new HashMap<>(Map.of(
            AGENT_ARN, "{\"QATECH_API_KEY\": \"key-1\"}",
            WEBHOOK_ARN, "{\"GITHUB_WEBHOOK_SECRET\": \"hook-1\"}"));
    private final AtomicInteger reads = new AtomicInteger();
    private final UnaryOperator<String> secretsManager = arn -> {
        reads.incrementAndGet();
        String value = store.get(arn);
        if (value == null) {
            throw new IllegalStateException("ResourceNotFoundException for " + arn);
        }
        return value;
    };
    private final Env env = new Env(Map.of("QA_BRIDGE_AGENT_SECRET_ARN", AGENT_ARN, "QA_BRIDGE_WEBHOOK_SECRET_ARN", WEBHOOK_ARN));

    @Test
    void aRotatedSecretIsUsedOnceTheTtlHasPassed() {
        SecretsLoader loader = new SecretsLoader(env, secretsManager, clock, Duration.ofSeconds(300));
        store.put(AGENT_ARN, "{\"QATECH_API_KEY\": \"key-2\"}");

        clock.advance(Duration.ofSeconds(299));
        assertThat(loader.get().qatechApiKey()).contains("key-1");
        clock.advance(Duration.ofSeconds(2));
        assertThat(loader.get().qatechApiKey()).contains("key-2");
        assertThat(loader.get().githubWebhookSecrets()).containsExactly("hook-1");
    }

    @Test
    void withinTheTtlSecretsManagerIsNotAskedAgain() {
        SecretsLoader loader = new SecretsLoader(env, secretsManager, clock, Duration.ofSeconds(300));
        int atInit = reads.get();
        for (int i = 0; i < 100; i++) {
            loader.get();
        }
        assertThat(atInit).isEqualTo(2);
        assertThat(reads.get()).isEqualTo(atInit);
    }

    @Test
    void aFailedReadKeepsTheValuesInHandAndTriesAgainLater() {
        SecretsLoader loader = new SecretsLoader(env, secretsManager, clock, Duration.ofSeconds(300));
        store.remove(AGENT_ARN);
        clock.advance(Duration.ofSeconds(301));

        assertThat(loader.get().qatechApiKey()).contains("key-1");
        int afterFailure = reads.get();
        clock.advance(Duration.ofSeconds(10));
        assertThat(loader.get().qatechApiKey()).contains("key-1");
        assertThat(reads.get()).as("no new read before the retry delay").isEqualTo(afterFailure);

        store.put(AGENT_ARN, "{\"QATECH_API_KEY\": \"key-3\"}");
        clock.advance(SecretsLoader.RETRY_AFTER_FAILURE);
        assertThat(loader.get().qatechApiKey()).contains("key-3");
    }

    @Test
    void refreshReadsAtOnceWhateverTheTtl() {
        SecretsLoader loader = new SecretsLoader(env, secretsManager, clock, Duration.ofSeconds(300));
        store.put(WEBHOOK_ARN, "{\"GITHUB_WEBHOOK_SECRET\": \"hook-2\", \"GITHUB_WEBHOOK_SECRET_PREVIOUS\": \"hook-1\"}");

        loader.refresh();

        assertThat(loader.get().githubWebhookSecrets()).containsExactly("hook-2", "hook-1");
    }

    @Test
    void theTtlComesFromQaSecretsTtlSeconds() {
        assertThat(SecretsLoader.ttl(new Env(Map.of()))).isEqualTo(Duration.ofMinutes(5));
        assertThat(SecretsLoader.ttl(new Env(Map.of("QA_SECRETS_TTL_SECONDS", "3")))).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> SecretsLoader.ttl(new Env(Map.of("QA_SECRETS_TTL_SECONDS", "0"))))
                .hasMessageContaining("QA_SECRETS_TTL_SECONDS");
        assertThatThrownBy(() -> SecretsLoader.ttl(new Env(Map.of("QA_SECRETS_TTL_SECONDS", "five"))))
                .hasMessageContaining("QA_SECRETS_TTL_SECONDS");
    }

    @Test
    void aShortTtlRetriesAFailedReadAfterTheTtlNotLater() {
        SecretsLoader loader = new SecretsLoader(env, secretsManager, clock, Duration.ofSeconds(2));
        store.remove(AGENT_ARN);
        clock.advance(Duration.ofSeconds(3));
        loader.get();
        store.put(AGENT_ARN, "{\"QATECH_API_KEY\": \"key-4\"}");

        clock.advance(Duration.ofSeconds(3));

        assertThat(loader.get().qatechApiKey()).contains("key-4");
    }

    @Test
    void withoutSecretArnsTheEnvironmentHoldsTheValues() {
        SecretsLoader loader = new SecretsLoader(new Env(Map.of("QATECH_API_KEY", "from-env")), secretsManager, clock,
                Duration.ofSeconds(1));
        clock.advance(Duration.ofHours(1));

        assertThat(loader.fromSecretsManager()).isFalse();
        assertThat(loader.get().qatechApiKey()).contains("from-env");
        assertThat(reads.get()).isZero();
    }

    @Test
    void everyCredentialBelongsToExactlyOneOfTheFourSecrets() throws Exception {
        List<String> names = new ArrayList<>();
        for (Field f : Secrets.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                names.add((String) f.get(null));
            }
        }
        List<String> placed = SecretsLoader.KEYS.values().stream().flatMap(List::stream).toList();

        assertThat(placed).containsExactlyInAnyOrderElementsOf(names);
        assertThat(SecretsLoader.KEYS.keySet()).containsExactlyInAnyOrderElementsOf(SecretsLoader.ARN_SETTINGS);
    }
}
