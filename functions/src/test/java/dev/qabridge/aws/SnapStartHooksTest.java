package dev.qabridge.aws;

import dev.qabridge.core.MutableClock;
import dev.qabridge.core.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SnapStartHooksTest {
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:qa-bridge-agent-AbCdEf";

    private final Map<String, String> store = new HashMap<>(Map.of(ARN, "{\"QATECH_API_KEY\": \"baked-into-the-snapshot\"}"));
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final SecretsLoader secrets = new SecretsLoader(new Env(Map.of("QA_BRIDGE_AGENT_SECRET_ARN", ARN)), store::get, clock,
            Duration.ofMinutes(5));

    @Test
    void afterRestoreTheSecretsAreReadAgainAtOnce() throws Exception {
        SnapStartHooks hooks = SnapStartHooks.register(secrets);
        store.put(ARN, "{\"QATECH_API_KEY\": \"rotated-since\"}");
        clock.advance(Duration.ofSeconds(1));   // well inside the TTL

        hooks.afterRestore(null);

        assertThat(secrets.get().qatechApiKey()).contains("rotated-since");
    }

    @Test
    void beforeCheckpointRunsThePrimingAndReadsNoSecret() throws Exception {
        AtomicInteger primed = new AtomicInteger();
        SnapStartHooks hooks = SnapStartHooks.register(secrets, primed::incrementAndGet);
        store.put(ARN, "{\"QATECH_API_KEY\": \"rotated-since\"}");

        hooks.beforeCheckpoint(null);

        assertThat(primed).hasValue(1);
        assertThat(secrets.get().qatechApiKey()).contains("baked-into-the-snapshot");
    }
}
