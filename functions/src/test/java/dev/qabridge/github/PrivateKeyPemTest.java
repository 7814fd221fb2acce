package dev.qabridge.github;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrivateKeyPemTest {
    private static final String PKCS1 = TestKeys.pkcs1Pem(TestKeys.APP);
    private static final String PKCS8 = TestKeys.pkcs8Pem(TestKeys.APP);

    @Test
    void readsThePkcs1KeyGitHubDownloads() {
        assertThat(PKCS1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(PrivateKeyPem.read(PKCS1)).isEqualTo(TestKeys.APP.getPrivate());
    }

    @Test
    void readsPkcs8() {
        assertThat(PrivateKeyPem.read(PKCS8)).isEqualTo(TestKeys.APP.getPrivate());
    }

    @Test
    void pkcs1WrappedByHandIsWhatTheJdkWritesAsPkcs8() {
        byte[] pkcs1 = Base64.getMimeDecoder().decode(PKCS1.replaceAll("-----[A-Z ]+-----", ""));
        assertThat(PrivateKeyPem.pkcs1ToPkcs8(pkcs1)).isEqualTo(TestKeys.APP.getPrivate().getEncoded());
    }

    static Stream<Arguments> pastedForms() {
        return Stream.of(
                Arguments.of("CRLF line ends", PKCS1.replace("\n", "\r\n")),
                Arguments.of("surrounding whitespace", "\n  \t" + PKCS1 + "  \n\n"),
                Arguments.of("literal \\n (pasted into JSON)", PKCS1.strip().replace("\n", "\\n")),
                Arguments.of("literal \\r\\n", PKCS1.strip().replace("\n", "\\r\\n")),
                Arguments.of("indented lines", PKCS1.replace("\n", "\n    ")),
                Arguments.of("PKCS#8 with literal \\n", PKCS8.strip().replace("\n", "\\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pastedForms")
    void readsTheKeyHoweverItWasPasted(String form, String pem) {
        assertThat(PrivateKeyPem.read(pem)).isEqualTo(TestKeys.APP.getPrivate());
    }

    static Stream<Arguments> badKeys() throws Exception {
        String body = PKCS1.lines().filter(l -> !l.startsWith("-----")).reduce("", (a, b) -> a + b + "\n");
        var ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        return Stream.of(
                Arguments.of("", "is empty"),
                Arguments.of("   \n", "is empty"),
                Arguments.of(body, "is not a PEM block"),
                Arguments.of("ghp_notakeyatall", "is not a PEM block"),
                Arguments.of(TestKeys.pem("PUBLIC KEY", TestKeys.APP.getPublic().getEncoded()), "holds a PUBLIC KEY, not an RSA private key"),
                Arguments.of(TestKeys.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}), "is encrypted"),
                Arguments.of(PKCS1.replace("\n-----END", "!!\n-----END"), "not base64"),
                Arguments.of(cut(PKCS1), "is not a readable PKCS#1 RSA private key"),
                Arguments.of(TestKeys.pem("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded()), "is not a readable PKCS#8 RSA private key"),
                Arguments.of(TestKeys.pkcs1Pem(TestKeys.generate(1024)), "is a 1024-bit RSA key"),
                Arguments.of("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----", "empty PEM block"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badKeys")
    void refusesABadKeyNamingTheSettingWithoutEchoingIt(String pem, String problem) {
        assertThatThrownBy(() -> PrivateKeyPem.read(pem))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("GITHUB_APP_PRIVATE_KEY ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secretLine()));
    }

    @Test
    void aKeyThatReadsIsAnRsaKeyOfTheRightSize() {
        RSAPrivateKey key = PrivateKeyPem.read(PKCS1);
        assertThat(key.getModulus().bitLength()).isEqualTo(2048);
    }

    /** A base64 line of the key's body: must never reach an error message. */
    private static String secretLine() {
        return PKCS1.lines().skip(3).findFirst().orElseThrow();
    }

    /** The key with its last body lines dropped, as when a paste is cut short; still valid base64. */
    private static String cut(String pem) {
        var lines = pem.lines().toList();
        return String.join("\n", lines.subList(0, 8)) + "\n" + lines.get(lines.size() - 1);
    }
}
