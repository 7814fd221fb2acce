package dev.qabridge.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTCreationException;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Log;
import dev.qabridge.http.JsonHttp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * App mode: the bridge authenticates as a GitHub App. It signs the app's JWT (RS256), exchanges it with
 * {@code POST /app/installations/{id}/access_tokens} for each installation's token (cached until five
 * minutes before it expires), and knows its own login, {@code <slug>[bot]}, from {@code GET /app}.
 * Build it per container; it makes no request and signs nothing until asked.
 */
public final class GitHubAppAuth implements GitHubAuth {
    public static final String APP_ID = "GITHUB_APP_ID";
    public static final String PRIVATE_KEY = PrivateKeyPem.SETTING;
    /** GitHub's advice: backdate {@code iat} a minute against clock drift. */
    static final Duration BACKDATE = Duration.ofSeconds(60);
    /** {@code exp} ahead of now; GitHub refuses more than 10 minutes. */
    static final Duration LIFETIME = Duration.ofMinutes(9);

    private final String appId;
    private final Algorithm rs256;
    private final String apiUrl;
    private final Clock clock;
    private final JsonHttp http;
    private final InstallationTokens tokens;
    private volatile String botLogin;

    /** {@code privateKeyPem}: the key file as GitHub downloads it (PKCS#1), or PKCS#8; {@code apiUrl}: {@code GITHUB_API_URL}. */
    public GitHubAppAuth(String appId, String privateKeyPem, String apiUrl) {
        this(appId, privateKeyPem, apiUrl, Clock.systemUTC(), new JsonHttp("GitHub", Duration.ofSeconds(5)));
    }

    public GitHubAppAuth(long appId, String privateKeyPem, String apiUrl) {
        this(Long.toString(appId), privateKeyPem, apiUrl);
    }

    GitHubAppAuth(String appId, String privateKeyPem, String apiUrl, Clock clock, JsonHttp http) {
        if (appId == null || appId.isBlank() || !appId.strip().matches("\\S+")) {
            throw new IllegalStateException(APP_ID + " must be the app's id (App settings > General > App ID), got '" + appId + "'");
        }
        this.appId = appId.strip();
        this.rs256 = Algorithm.RSA256(null, PrivateKeyPem.read(privateKeyPem));
        this.apiUrl = apiUrl;
        this.clock = clock;
        this.http = http;
        this.tokens = new InstallationTokens(clock, this::createToken);
    }

    /** A JWT for the app itself: RS256, {@code iss} the app id, {@code iat} a minute ago, {@code exp} nine minutes ahead. */
    public String jwt() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        try {
            return JWT.create()
                    .withIssuer(appId)
                    .withIssuedAt(now.minus(BACKDATE))
                    .withExpiresAt(now.plus(LIFETIME))
                    .sign(rs256);
        } catch (JWTCreationException e) {
            throw new IllegalStateException("could not sign the GitHub App JWT: " + e.getMessage(), e);
        }
    }

    /** The installation's access token, from the cache or a new exchange. */
    public String installationToken(long installationId) {
        return tokens.get(installationId);
    }

    @Override
    public String token(long installationId) {
        return installationToken(installationId);
    }

    @Override
    public void refused(long installationId, String token) {
        tokens.forget(installationId, token);
    }

    /** {@code <slug>[bot]}, the login GitHub shows on the app's comments; asked once per container. */
    @Override
    public boolean app() {
        return true;
    }

    @Override
    public Optional<String> botLogin() {
        String login = botLogin;
        if (login == null) {
            String slug = appCall("GET", "/app", "reading the app (GET /app)").path("slug").asText("");
            if (slug.isBlank()) {
                throw new IllegalStateException("GitHub's GET /app answer has no slug");
            }
            botLogin = login = slug + "[bot]";
        }
        return Optional.of(login);
    }

    private InstallationTokens.Token createToken(long installationId) {
        JsonNode answer = appCall("POST", "/app/installations/" + installationId + "/access_tokens",
                "creating a token for installation " + installationId);
        String token = answer.path("token").asText("");
        String expiresAt = answer.path("expires_at").asText("");
        if (token.isEmpty() || expiresAt.isEmpty()) {
            throw new IllegalStateException("GitHub's access token answer for installation " + installationId + " has no token or expires_at");
        }
        try {
            Instant expires = OffsetDateTime.parse(expiresAt).toInstant();
            Log.info("github.installation_token", null, null, "installation", installationId, "expires_at", expires.toString());
            return new InstallationTokens.Token(token, expires);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("GitHub's access token answer for installation " + installationId
                    + " has an unreadable expires_at '" + expiresAt + "'");
        }
    }

    /** A request authenticated as the app (JWT), with what it was for in the error. */
    private JsonNode appCall(String method, String path, String purpose) {
        Map<String, String> headers = Map.of(
                "Authorization", "Bearer " + jwt(),
                "Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", "2022-11-28",
                "User-Agent", "qa-bridge");
        try {
            return http.call(method, apiUrl + path, headers, null);
        } catch (ApiException e) {
            throw new ApiException(e.service(), e.status(), purpose + (e.detail().isBlank() ? "" : ": " + e.detail()), e.retryAfter());
        }
    }

    @Override
    public String toString() {
        return "GitHubAppAuth[appId=" + appId + "]";
    }
}
