package dev.qabridge.gitlab;

import dev.qabridge.core.Secrets;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides whether a request to {@code /webhooks/gitlab} comes from our GitLab hook.
 *
 * <ul>
 *   <li>{@code X-Gitlab-Token} carries the hook's secret token in plain text: it must equal
 *       {@code GITLAB_WEBHOOK_SECRET} (compared in constant time).</li>
 *   <li>With {@code GITLAB_WEBHOOK_SIGNING_TOKEN} set, GitLab's signed deliveries (Standard Webhooks:
 *       {@code webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">})
 *       are verified too, and accepted without a secret token. A signature that is present is always
 *       checked: a good {@code X-Gitlab-Token} does not rescue a tampered body. Timestamps more than
 *       five minutes off are refused, so a captured delivery cannot be replayed later.</li>
 * </ul>
 * GitLab's signing token has the Standard Webhooks form {@code whsec_<base64 of a 32-byte key>}
 * (gitlab-org/gitlab!231325); the HMAC key is the decoded bytes. Headers arrive lower-cased.
 */
public final class GitLabWebhookAuth {
    static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final String KEY_PREFIX = "whsec_";

    private final Supplier<List<String>> secrets;
    private final Supplier<Optional<String>> signingToken;
    private final Clock clock;

    /** What became of a request: accepted (and how), or refused with advice a person can act on. */
    public sealed interface Verdict {
        record Accepted(String by) implements Verdict {}

        record Refused(String hint) implements Verdict {}
    }

    public GitLabWebhookAuth(Optional<String> secret, Optional<String> signingToken, Clock clock) {
        this(() -> secret.map(List::of).orElse(List.of()), () -> signingToken, clock);
    }

    /**
     * {@code secrets}: the secret token, then (while rotating) the previous one; {@code signingToken}:
     * GitLab's signing token. Both are read on every check, so rotated values apply at once.
     */
    public GitLabWebhookAuth(Supplier<List<String>> secrets, Supplier<Optional<String>> signingToken, Clock clock) {
        this.secrets = secrets;
        this.signingToken = signingToken;
        this.clock = clock;
        signingToken.get().ifPresent(GitLabWebhookAuth::key);   // a malformed signing token fails at start-up, naming the setting
    }

    public boolean configured() {
        return !secrets.get().isEmpty() || signingToken.get().isPresent();
    }

    public Verdict check(Map<String, String> headers, byte[] body) {
        if (!configured()) {
            return new Verdict.Refused("GitLab webhooks are not configured: set GITLAB_WEBHOOK_SECRET on the bridge");
        }
        List<String> tokens = secrets.get();
        Optional<byte[]> signingKey = signingToken.get().map(GitLabWebhookAuth::key);
        String token = headers.get("x-gitlab-token");
        String signature = headers.get("webhook-signature");
        if (signature != null && signingKey.isPresent()) {
            Optional<String> problem = signatureProblem(signingKey.get(), headers.get("webhook-id"), headers.get("webhook-timestamp"),
                    signature, body);
            if (problem.isPresent()) {
                return new Verdict.Refused(problem.get());
            }
            if (token != null && !tokens.isEmpty() && !tokenMatches(tokens, token)) {
                return new Verdict.Refused(wrongToken());
            }
            return new Verdict.Accepted("signature");
        }
        if (tokens.isEmpty()) {
            return new Verdict.Refused("missing webhook-signature: this bridge only accepts signed deliveries; set the hook's "
                    + "signing token in GitLab to the bridge's GITLAB_WEBHOOK_SIGNING_TOKEN");
        }
        if (token == null) {
            return new Verdict.Refused("missing X-Gitlab-Token: set the webhook's secret token in GitLab to the bridge's GITLAB_WEBHOOK_SECRET");
        }
        return tokenMatches(tokens, token) ? new Verdict.Accepted("token") : new Verdict.Refused(wrongToken());
    }

    /** Compared in constant time with each accepted token (the current one and, while rotating, the previous one). */
    private static boolean tokenMatches(List<String> accepted, String token) {
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (String a : accepted) {
            match |= MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), given);
        }
        return match;
    }

    private static String wrongToken() {
        return "X-Gitlab-Token does not match: check that the webhook's secret token in GitLab equals the bridge's GITLAB_WEBHOOK_SECRET";
    }

    private Optional<String> signatureProblem(byte[] signingKey, String id, String timestamp, String signatures, byte[] body) {
        if (id == null || timestamp == null) {
            return Optional.of("a signed delivery needs webhook-id and webhook-timestamp headers");
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Optional.of("webhook-timestamp is not a Unix time in seconds");
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - sentAt);
        if (skew > TOLERANCE.toSeconds()) {
            return Optional.of("webhook-timestamp is " + skew + " s away from the bridge's clock (at most "
                    + TOLERANCE.toSeconds() + " s allowed): a replayed or delayed delivery");
        }
        byte[] expected = hmac(signingKey, id, sentAt, body);
        // Standard Webhooks allows several space-separated signatures (key rotation); one match is enough.
        for (String candidate : signatures.trim().split("\\s+")) {
            if (candidate.startsWith("v1,")) {
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(candidate.substring(3));
                } catch (IllegalArgumentException notBase64) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of("webhook-signature does not match: check that the hook's signing token in GitLab equals the bridge's "
                + "GITLAB_WEBHOOK_SIGNING_TOKEN");
    }

    /** The {@code webhook-signature} value GitLab sends: for tests and for replaying a captured delivery. */
    public static String sign(String signingToken, String webhookId, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(key(signingToken), webhookId, timestamp, body));
    }

    private static byte[] hmac(byte[] key, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] key(String signingToken) {
        String encoded = signingToken.startsWith(KEY_PREFIX) ? signingToken.substring(KEY_PREFIX.length()) : signingToken;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(Secrets.GITLAB_WEBHOOK_SIGNING_TOKEN
                    + " must be the hook's signing token as GitLab shows it: whsec_ followed by base64");
        }
    }
}
