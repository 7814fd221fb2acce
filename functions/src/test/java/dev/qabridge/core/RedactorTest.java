package dev.qabridge.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {
    private static final String BYPASS = "S3cr3tValue";
    private static final String GITHUB_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Redactor redactor = new Redactor(List.of(BYPASS, GITHUB_TOKEN));

    @Test
    void masksTheVercelBypassInAQaTechErrorMessage() {
        String error = "environment.url https://shop.vercel.app/?x-vercel-protection-bypass=S3cr3tValue"
                + "&x-vercel-set-bypass-cookie=true could not be resolved";

        assertThat(redactor.redact(error)).isEqualTo("environment.url https://shop.vercel.app/?x-vercel-protection-bypass=***"
                + "&x-vercel-set-bypass-cookie=true could not be resolved");
    }

    @Test
    void masksTheBypassParameterEvenWithoutKnowingTheSecret() {
        String url = "https://shop.vercel.app/cart?x-vercel-protection-bypass=unknownValue123&x-vercel-set-bypass-cookie=true#top";

        assertThat(Redactor.NONE.redact(url))
                .isEqualTo("https://shop.vercel.app/cart?x-vercel-protection-bypass=***&x-vercel-set-bypass-cookie=true#top");
    }

    @Test
    void masksEverySpellingOfAKnownSecret() {
        String secret = "p@ss w/rd+&=é%\"\\\n\u0001";
        Redactor r = new Redactor(List.of(secret));
        String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String upper = Redactor.percentEncoded(secret, false);

        assertThat(form).contains("+").isNotEqualTo(upper);
        assertThat(r.redact("plain " + secret + " end")).isEqualTo("plain *** end");
        assertThat(r.redact("form=" + form + " end")).isEqualTo("form=*** end");
        assertThat(r.redact("u " + upper + " end")).isEqualTo("u *** end");
        assertThat(r.redact("l " + Redactor.percentEncoded(secret, true) + " end")).isEqualTo("l *** end");
    }

    @Test
    void masksSecretsInJsonAsJacksonWritesThem() throws Exception {
        String secret = "tab\there \"quoted\" back\\slash\u001f/é";
        String json = JSON.writeValueAsString(Map.of("note", "value is " + secret + "!"));

        assertThat(new Redactor(List.of(secret)).redact(json)).isEqualTo("{\"note\":\"value is ***!\"}");
    }

    @Test
    void masksTokenFieldsInJsonWithOrWithoutKnowingThem() throws Exception {
        String answer = JSON.writeValueAsString(Map.of("token", GITHUB_TOKEN));
        String minted = "{\"token\": \"ghs_mintedAtRuntime0001\", \"expires_at\": \"2030-01-01T00:00:00Z\", \"client_secret\":\"x\\\"y\"}";

        assertThat(redactor.redact(answer)).isEqualTo("{\"token\":\"***\"}");
        assertThat(Redactor.NONE.redact(minted))
                .isEqualTo("{\"token\": \"***\", \"expires_at\": \"2030-01-01T00:00:00Z\", \"client_secret\":\"***\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Authorization: Bearer xyz.abc-123_def", "authorization: token ghp_unknown123",
            "curl -H 'Authorization: Basic dXNlcjpwYXNz' https://x.dev", "Proxy-Authorization: Bearer abc123xyz"})
    void masksAuthorizationHeaders(String header) {
        String out = Redactor.NONE.redact(header);

        assertThat(out).contains("***").doesNotContain("xyz.abc", "ghp_unknown", "dXNlcjpwYXNz", "abc123xyz");
        assertThat(out).containsIgnoringCase("authorization: ");
    }

    @Test
    void keepsTheSchemeOfAnAuthorizationHeader() {
        assertThat(Redactor.NONE.redact("Authorization: Bearer eyJhbGciOi.x.y, next"))
                .isEqualTo("Authorization: Bearer ***, next");
        assertThat(redactor.redact("Authorization: token " + GITHUB_TOKEN)).isEqualTo("Authorization: token ***");
    }

    @Test
    void masksTheLongestOfNestedSecretsWhole() {
        Redactor r = new Redactor(List.of("abcdef", "abcdefgh1234", "secret-one", "one-two-three"));

        assertThat(r.redact("x abcdefgh1234 y")).isEqualTo("x *** y");
        assertThat(r.redact("x abcdef y")).isEqualTo("x *** y");
        assertThat(r.redact("x secret-one-two-three y")).as("overlapping").isEqualTo("x *** y");
        assertThat(r.redact("abcdefabcdef")).isEqualTo("***");
    }

    @Test
    void treatsRegexMetacharactersInSecretsLiterally() {
        String secret = "a.b*c+d?(e)[f]{g}|h^$\\1";
        Redactor r = new Redactor(List.of(secret));

        assertThat(r.redact("k=" + secret + ";")).isEqualTo("k=***;");
        assertThat(r.redact("aXbbbc+d?(e)[f]{g}|h^$\\1")).isEqualTo("aXbbbc+d?(e)[f]{g}|h^$\\1");
    }

    @Test
    void ignoresMissingBlankAndShortSecrets() {
        Redactor r = new Redactor(Arrays.asList(null, "", "   ", "abc", "12345"));
        String text = "abc 12345 and some words";

        assertThat(r.redact(text)).isEqualTo(text);
        assertThat(new Redactor(null).redact(text)).isEqualTo(text);
    }

    @Test
    void masksASecretConfiguredWithStraySpaces() {
        assertThat(new Redactor(List.of("  s3cr3tValue\n")).redact("v=s3cr3tValue.")).isEqualTo("v=***.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:pass@host.example/path", "https://x-access-token:ghs_abc@github.com/o/r.git",
            "https://user:p@ss@host.example/path", "https://token@host.example/path"})
    void masksUserinfoInUrls(String url) {
        String out = Redactor.NONE.redact("clone " + url + " failed");

        assertThat(out).startsWith("clone https://***@").endsWith(" failed").doesNotContain("pass", "ghs_abc", "p@ss", "token@");
    }

    @Test
    void leavesEmailAddressesInUrlsAndTextAlone() {
        String text = "mail qa@acme.dev about https://host.example/u?email=a@b.dev and git@github.com:o/r.git";

        assertThat(Redactor.NONE.redact(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"token", "access_token", "id_token", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
            "sig", "api_key", "apikey", "key", "password", "passwd", "pwd", "client_secret", "code", "private_token",
            "auth", "oauth_verifier", "session_id", "x-vercel-protection-bypass", "jwt", "SECRET"})
    void masksQueryParametersWhoseNameLooksSecret(String name) {
        String url = "https://app.example/cb?page=2&" + name + "=v4lue%2Fx&q=shoes";

        assertThat(Redactor.NONE.redact(url)).isEqualTo("https://app.example/cb?page=2&" + name + "=***&q=shoes");
    }

    @Test
    void masksSecretsInFragmentsAndEscapedAmpersands() {
        assertThat(Redactor.NONE.redact("https://app.example/cb#access_token=abc123&state=s"))
                .isEqualTo("https://app.example/cb#access_token=***&state=s");
        assertThat(Redactor.NONE.redact("https://app.example/?a=1&amp;token=abc123"))
                .isEqualTo("https://app.example/?a=1&amp;token=***");
    }

    @Test
    void stopsAParameterValueAtMarkdownAndJsonDelimiters() {
        assertThat(Redactor.NONE.redact("[preview](https://x.dev/?token=abc123) and `https://x.dev/?sig=abc`"))
                .isEqualTo("[preview](https://x.dev/?token=***) and `https://x.dev/?sig=***`");
        assertThat(Redactor.NONE.redact("{\"url\":\"https://x.dev/?token=abc123\\u0026page=2\"}"))
                .isEqualTo("{\"url\":\"https://x.dev/?token=***\\u0026page=2\"}");
    }

    @Test
    void leavesOrdinaryParametersAndProseAlone() {
        String text = "See https://shop.example/search?q=red+shoes&page=2&sort=price. The token expired; "
                + "the password field is empty. Q&A=later.";

        assertThat(Redactor.NONE.redact(text)).isEqualTo(text);
    }

    @Test
    void isIdempotent() {
        String text = "https://u:p@h.dev/?token=abc&sig=x {\"secret\":\"s\"} Authorization: Bearer abcdef "
                + BYPASS + " " + GITHUB_TOKEN;
        String once = redactor.redact(text);

        assertThat(redactor.redact(once)).isEqualTo(once);
        assertThat(once).doesNotContain(BYPASS, GITHUB_TOKEN, "abc&", "u:p");
    }

    @Test
    void passesNullAndEmptyThrough() {
        assertThat(redactor.redact(null)).isNull();
        assertThat(redactor.redact("")).isEmpty();
    }

    @Test
    void finishesOnLargeAdversarialInputs() {
        Redactor r = new Redactor(List.of("aaaaaa", "aaaaab", GITHUB_TOKEN));
        List<String> inputs = List.of("a".repeat(65_536), "?token=".repeat(10_000), "&".repeat(65_536),
                "\"token\":".repeat(8_000), "\"token\":\"" + "\\\"".repeat(30_000), "https://".repeat(8_000) + "@",
                "authorization: ".repeat(4_000), "\"" + "x".repeat(65_536), ("?" + "k".repeat(70) + "=v").repeat(800),
                (GITHUB_TOKEN + " ").repeat(1_500));

        for (String input : inputs) {
            String out = r.redact(input);
            assertThat(out).doesNotContain(GITHUB_TOKEN, "aaaaaa");
        }
        assertThat(r.redact("a".repeat(65_536))).isEqualTo("***");
    }
}
