package dev.qabridge.github;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class GitHubSignatureTest {
    // GitHub's published test vector (docs: "Validating webhook deliveries").
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void signsGitHubsTestVector() {
        assertThat(GitHubSignature.sign(SECRET, BODY)).isEqualTo(SIGNATURE);
    }

    @Test
    void acceptsGitHubsTestVector() {
        assertThat(GitHubSignature.verify(SECRET, BODY, SIGNATURE)).isTrue();
    }

    @Test
    void acceptsUppercaseHexAndSurroundingWhitespace() {
        String upper = "sha256=" + SIGNATURE.substring("sha256=".length()).toUpperCase();
        assertThat(GitHubSignature.verify(SECRET, BODY, upper + " ")).isTrue();
    }

    @Test
    void rejectsSignatureMadeWithAnotherSecret() {
        assertThat(GitHubSignature.verify("It's a Secret to Nobody", BODY, SIGNATURE)).isFalse();
    }

    @Test
    void rejectsChangedBody() {
        byte[] changed = "Hello, World?".getBytes(StandardCharsets.UTF_8);
        assertThat(GitHubSignature.verify(SECRET, changed, SIGNATURE)).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void rejectsMissingHeader(String header) {
        assertThat(GitHubSignature.verify(SECRET, BODY, header)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",      // no prefix
            "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", // other algorithm
            "sha256=",                                                                // prefix only
    })
    void rejectsHeaderWithoutSha256Signature(String header) {
        assertThat(GitHubSignature.verify(SECRET, BODY, header)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 32, 63})
    void rejectsTruncatedHex(int dropped) {
        String truncated = SIGNATURE.substring(0, SIGNATURE.length() - dropped);
        assertThat(GitHubSignature.verify(SECRET, BODY, truncated)).isFalse();
    }

    @Test
    void rejectsSignatureWithExtraHex() {
        assertThat(GitHubSignature.verify(SECRET, BODY, SIGNATURE + "00")).isFalse();
    }
}
