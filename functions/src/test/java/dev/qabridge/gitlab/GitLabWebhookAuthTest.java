package dev.qabridge.gitlab;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitLabWebhookAuthTest {
    private static final String SECRET = "s3cret-token";
    /** A signing token as GitLab generates it: whsec_ + base64 of 32 random bytes. */
    private static final String SIGNING = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final long NOW = 1_795_687_200L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final byte[] BODY = "{\"object_kind\":\"note\"}".getBytes(StandardCharsets.UTF_8);

    private final GitLabWebhookAuth both = new GitLabWebhookAuth(Optional.of(SECRET), Optional.of(SIGNING), CLOCK);
    private final GitLabWebhookAuth tokenOnly = new GitLabWebhookAuth(Optional.of(SECRET), Optional.empty(), CLOCK);

    @Test
    void acceptsTheSecretToken() {
        assertThat(tokenOnly.check(Map.of("x-gitlab-token", SECRET), BODY)).isEqualTo(new GitLabWebhookAuth.Verdict.Accepted("token"));
    }

    @Test
    void refusesAWrongOrMissingTokenNamingTheSetting() {
        assertThat(hint(tokenOnly.check(Map.of("x-gitlab-token", "guess"), BODY))).contains("GITLAB_WEBHOOK_SECRET");
        assertThat(hint(tokenOnly.check(Map.of("x-gitlab-token", SECRET + "x"), BODY))).contains("does not match");
        assertThat(hint(tokenOnly.check(Map.of(), BODY))).contains("missing X-Gitlab-Token");
    }

    @Test
    void acceptsASignedDeliveryWithoutASecretToken() {
        assertThat(both.check(signed("msg_1", NOW, BODY), BODY)).isEqualTo(new GitLabWebhookAuth.Verdict.Accepted("signature"));
    }

    @Test
    void refusesATamperedBodyEvenWithTheRightToken() {
        Map<String, String> headers = signed("msg_1", NOW, BODY);
        headers.put("x-gitlab-token", SECRET);
        byte[] tampered = "{\"object_kind\":\"note\",\"x\":1}".getBytes(StandardCharsets.UTF_8);

        assertThat(hint(both.check(headers, tampered))).contains("webhook-signature does not match", "GITLAB_WEBHOOK_SIGNING_TOKEN");
    }

    @Test
    void refusesASignatureOverAnotherWebhookId() {
        Map<String, String> headers = signed("msg_1", NOW, BODY);
        headers.put("webhook-id", "msg_2");

        assertThat(both.check(headers, BODY)).isInstanceOf(GitLabWebhookAuth.Verdict.Refused.class);
    }

    @Test
    void refusesTimestampsMoreThanFiveMinutesOffEitherWay() {
        assertThat(both.check(signed("m", NOW - 300, BODY), BODY)).isInstanceOf(GitLabWebhookAuth.Verdict.Accepted.class);
        assertThat(both.check(signed("m", NOW + 300, BODY), BODY)).isInstanceOf(GitLabWebhookAuth.Verdict.Accepted.class);
        assertThat(hint(both.check(signed("m", NOW - 301, BODY), BODY))).contains("301 s", "replayed");
        assertThat(hint(both.check(signed("m", NOW + 3600, BODY), BODY))).contains("3600 s");
    }

    @Test
    void acceptsOneMatchAmongSeveralSignatures() {
        Map<String, String> headers = signed("m", NOW, BODY);
        headers.put("webhook-signature", "v1,bm90LWl0 v1,%%% " + headers.get("webhook-signature"));

        assertThat(both.check(headers, BODY)).isInstanceOf(GitLabWebhookAuth.Verdict.Accepted.class);
    }

    @Test
    void refusesASignedDeliveryWhoseTokenIsWrong() {
        Map<String, String> headers = signed("m", NOW, BODY);
        headers.put("x-gitlab-token", "guess");

        assertThat(hint(both.check(headers, BODY))).contains("GITLAB_WEBHOOK_SECRET");
    }

    @Test
    void ignoresSignatureHeadersWhenNoSigningTokenIsSetAndFallsBackToTheToken() {
        Map<String, String> headers = signed("m", NOW, BODY);
        assertThat(tokenOnly.check(headers, BODY)).isInstanceOf(GitLabWebhookAuth.Verdict.Refused.class);
        headers.put("x-gitlab-token", SECRET);
        assertThat(tokenOnly.check(headers, BODY)).isEqualTo(new GitLabWebhookAuth.Verdict.Accepted("token"));
    }

    @Test
    void aSigningOnlyBridgeRefusesUnsignedDeliveries() {
        GitLabWebhookAuth signingOnly = new GitLabWebhookAuth(Optional.empty(), Optional.of(SIGNING), CLOCK);

        assertThat(hint(signingOnly.check(Map.of("x-gitlab-token", SECRET), BODY))).contains("missing webhook-signature");
        assertThat(signingOnly.check(signed("m", NOW, BODY), BODY)).isInstanceOf(GitLabWebhookAuth.Verdict.Accepted.class);
    }

    @Test
    void refusesEverythingWhenNothingIsConfigured() {
        GitLabWebhookAuth none = new GitLabWebhookAuth(Optional.empty(), Optional.empty(), CLOCK);

        assertThat(none.configured()).isFalse();
        assertThat(hint(none.check(Map.of("x-gitlab-token", SECRET), BODY))).contains("not configured");
    }

    @Test
    void failsAtStartWhenTheSigningTokenIsNotBase64WithoutEchoingIt() {
        assertThatThrownBy(() -> new GitLabWebhookAuth(Optional.empty(), Optional.of("whsec_not base64!"), CLOCK))
                .hasMessageContaining("GITLAB_WEBHOOK_SIGNING_TOKEN")
                .hasMessageNotContaining("not base64!");
    }

    @Test
    void signsTheWayTheStandardWebhooksSpecDoes() {
        // The Standard Webhooks specification's reference vector (also in Svix's and the spec libraries' tests).
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        byte[] payload = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

        assertThat(GitLabWebhookAuth.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, payload))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    private static Map<String, String> signed(String id, long timestamp, byte[] body) {
        Map<String, String> headers = new HashMap<>();
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", GitLabWebhookAuth.sign(SIGNING, id, timestamp, body));
        return headers;
    }

    private static String hint(GitLabWebhookAuth.Verdict verdict) {
        assertThat(verdict).isInstanceOf(GitLabWebhookAuth.Verdict.Refused.class);
        return ((GitLabWebhookAuth.Verdict.Refused) verdict).hint();
    }
}
