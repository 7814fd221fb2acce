package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.qabridge.github.GitHubAppAuth;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The GitHub App fake refuses what GitHub refuses: bad JWTs at the App endpoints, unknown or expired tokens elsewhere. */
class GitHubAppFakeIT {
    private static final long APP_ID = 12345;
    private static final String PULL = "/repos/acme/shop/pulls/7";
    private static final JsonHttp HTTP = new JsonHttp("test", Duration.ofSeconds(5));

    private final MutableClock clock = new MutableClock(Instant.now());
    private GitHubAppFake app;

    @BeforeEach
    void start() {
        app = GitHubAppFake.start(APP_ID, clock);
        app.server().stubFor(get(urlPathEqualTo(PULL)).willReturn(okJson("{\"number\": 7}")));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void exchangesAValidJwtForAFreshInstallationToken() {
        String jwt = new GitHubAppAuth(APP_ID, app.privateKeyPem(), app.url()).jwt();

        JsonHttp.Response first = exchange(42, jwt);
        JsonHttp.Response second = exchange(42, jwt);

        assertThat(first.status()).isEqualTo(201);
        JsonNode body = first.body();
        assertThat(body.path("token").asText()).isNotBlank().isNotEqualTo(second.body().path("token").asText());
        assertThat(Instant.parse(body.path("expires_at").asText())).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(body.path("permissions").path("checks").asText()).isEqualTo("write");
        assertThat(body.path("repository_selection").asText()).isEqualTo("all");
    }

    @Test
    void answersGetAppWithTheSlugTheBotLoginComesFrom() {
        GitHubAppAuth auth = new GitHubAppAuth(APP_ID, app.privateKeyPem(), app.url());

        assertThat(auth.botLogin()).contains("qa-bridge-test[bot]");
        app.server().verify(1, getRequestedFor(urlPathEqualTo("/app")));
    }

    /** A JWT to try, made once the test's app key exists. */
    @FunctionalInterface
    interface Jwt {
        String with(RSAPrivateKey appKey);
    }

    static Stream<Arguments> refusedJwts() {
        return Stream.of(
                Arguments.of("expired", rs256(c -> c.issueTime(minutes(-20)).expirationTime(minutes(-10)))),
                Arguments.of("issued in the future", rs256(c -> c.issueTime(minutes(5)).expirationTime(minutes(9)))),
                Arguments.of("living longer than 10 minutes", rs256(c -> c.issueTime(minutes(0)).expirationTime(minutes(11)))),
                Arguments.of("without exp", rs256(c -> c.expirationTime(null))),
                Arguments.of("issued by another app", rs256(c -> c.issuer("999"))),
                Arguments.of("signed with another key", (Jwt) appKey -> signed(JWSAlgorithm.RS256, new RSASSASigner(otherKey()), valid())),
                Arguments.of("HS256", (Jwt) appKey -> hs256(valid())),
                Arguments.of("unsigned (alg none)", (Jwt) appKey -> new PlainJWT(valid().build()).serialize()),
                Arguments.of("malformed", (Jwt) appKey -> "eyJhbGciOiJSUzI1NiJ9.not-a-jwt"),
                Arguments.of("an installation token", (Jwt) appKey -> "ghs_notajwt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedJwts")
    void refusesAJwtGitHubWouldRefuse(String why, Jwt jwt) {
        String token = jwt.with(app.privateKey());
        for (JsonHttp.Response r : new JsonHttp.Response[] {exchange(42, token), call("GET", "/app", token)}) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body().path("message").asText()).isNotBlank();
            assertThat(r.body().path("documentation_url").asText()).startsWith("https://docs.github.com/");
        }
    }

    @Test
    void acceptsAJwtSignedHereWithTheAppsKey() {
        assertThat(exchange(42, rs256(c -> c).with(app.privateKey())).status()).isEqualTo(201);
    }

    @Test
    void refusesAnExchangeWithoutAuthorization() {
        JsonHttp.Response r = HTTP.send("POST", app.url() + "/app/installations/42/access_tokens", Map.of(), null);

        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void letsAnIssuedTokenThroughToTheStubsTaggedWithItsInstallation() {
        GitHubAppAuth auth = new GitHubAppAuth(APP_ID, app.privateKeyPem(), app.url());

        JsonHttp.Response as42 = call("GET", PULL, auth.token(42));
        JsonHttp.Response as43 = call("GET", PULL, auth.token(43));

        assertThat(as42.status()).isEqualTo(200);
        assertThat(as42.body().path("number").asInt()).isEqualTo(7);
        assertThat(as43.status()).isEqualTo(200);
        assertThat(app.server().findAll(getRequestedFor(urlPathEqualTo(PULL))))
                .map(r -> GitHubAppFake.installationOf(r).orElseThrow()).containsExactly(42L, 43L);
    }

    @Test
    void refusesAnUnknownTokenBeforeAnyStub() {
        JsonHttp.Response r = call("GET", PULL, "ghs_" + "a".repeat(36));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body().path("message").asText()).isEqualTo("Bad credentials");
        assertThat(app.server().findAll(getRequestedFor(urlPathEqualTo(PULL)))).map(GitHubAppFake::installationOf).containsExactly(java.util.Optional.empty());
    }

    @Test
    void refusesTheAppJwtOnRestCalls() {
        String jwt = new GitHubAppAuth(APP_ID, app.privateKeyPem(), app.url()).jwt();

        assertThat(call("GET", PULL, jwt).status()).isEqualTo(401);
    }

    @Test
    void refusesATokenOnceItHasExpired() {
        app.tokenLifetime(Duration.ofMinutes(2));
        String token = exchange(42, new GitHubAppAuth(APP_ID, app.privateKeyPem(), app.url()).jwt()).body().path("token").asText();
        assertThat(call("GET", PULL, token).status()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(2));

        assertThat(call("GET", PULL, token).status()).isEqualTo(401);
    }

    @Test
    void theBridgeRefreshesAShortLivedTokenAndTheNewOneIsAccepted() {
        try (GitHubAppFake live = GitHubAppFake.start(APP_ID)) {
            // The bridge refreshes five minutes ahead of expires_at: this token is reused for about a second.
            live.tokenLifetime(Duration.ofMinutes(5).plusSeconds(1));
            live.server().stubFor(get(urlPathEqualTo(PULL)).willReturn(okJson("{}")));
            GitHubAppAuth auth = new GitHubAppAuth(APP_ID, live.privateKeyPem(), live.url());
            String first = auth.token(42);
            assertThat(auth.token(42)).isEqualTo(first);

            await().atMost(Duration.ofSeconds(5)).until(() -> !auth.token(42).equals(first));

            assertThat(call(live, "GET", PULL, auth.token(42)).status()).isEqualTo(200);
            live.server().verify(2, postRequestedFor(urlPathEqualTo("/app/installations/42/access_tokens")));
        }
    }

    @Test
    void grantsWhatTheDocumentedManifestAsksFor() throws Exception {
        JsonNode manifest = JsonHttp.JSON.readTree(LocalStack.root().resolve("docs/github-app-manifest.json").toFile());
        JsonNode app = call("GET", "/app", new GitHubAppAuth(APP_ID, this.app.privateKeyPem(), this.app.url()).jwt()).body();

        assertThat(manifest.path("default_permissions")).isEqualTo(JsonHttp.JSON.valueToTree(GitHubAppFake.PERMISSIONS));
        assertThat(manifest.path("default_events")).map(JsonNode::asText)
                .containsExactlyInAnyOrder("issue_comment", "deployment_status", "check_run", "pull_request", "merge_group");
        assertThat(app.path("permissions")).isEqualTo(manifest.path("default_permissions"));
        assertThat(app.path("events")).map(JsonNode::asText)
                .containsExactlyInAnyOrder("issue_comment", "deployment_status", "check_run", "pull_request", "merge_group");
    }

    private JsonHttp.Response exchange(long installation, String jwt) {
        return call("POST", "/app/installations/" + installation + "/access_tokens", jwt);
    }

    private JsonHttp.Response call(String method, String path, String bearer) {
        return call(app, method, path, bearer);
    }

    private static JsonHttp.Response call(GitHubAppFake fake, String method, String path, String bearer) {
        return HTTP.send(method, fake.url() + path, Map.of("Authorization", "Bearer " + bearer,
                "Accept", "application/vnd.github+json", "User-Agent", "qa-bridge-test"), null);
    }

    /** Claims GitHub accepts: the app as issuer, issued a minute ago, expiring in eight. */
    private static JWTClaimsSet.Builder valid() {
        return new JWTClaimsSet.Builder().issuer(Long.toString(APP_ID)).issueTime(minutes(-1)).expirationTime(minutes(8));
    }

    private static Date minutes(int fromNow) {
        return Date.from(Instant.now().plus(Duration.ofMinutes(fromNow)));
    }

    /** An RS256 JWT signed with the app's own key, its valid claims changed by {@code change}. */
    private static Jwt rs256(UnaryOperator<JWTClaimsSet.Builder> change) {
        return appKey -> signed(JWSAlgorithm.RS256, new RSASSASigner(appKey), change.apply(valid()));
    }

    private static String signed(JWSAlgorithm alg, com.nimbusds.jose.JWSSigner signer, JWTClaimsSet.Builder claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet.Builder claims) {
        try {
            return signed(JWSAlgorithm.HS256, new MACSigner(new byte[32]), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey otherKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair().getPrivate();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
