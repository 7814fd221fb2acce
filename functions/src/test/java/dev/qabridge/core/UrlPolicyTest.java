package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class UrlPolicyTest {

    @Test
    void publicPreviewsPass() {
        for (String url : List.of("https://pr-7.preview.example.com", "https://shop-git-x-acme.vercel.app/cart?x=1", "http://93.184.216.34:8080/",
                "https://[2606:4700::6810:85e5]/", "https://deploy-preview-7--shop.netlify.app")) {
            assertThat(UrlPolicy.whyNotPublic(url)).as(url).isEmpty();
        }
    }

    @Test
    void namesAndAddressesThatOnlyMeanSomethingInsideANetworkAreRefused() {
        for (String url : List.of("http://localhost:3000", "http://LOCALHOST./", "http://app.localhost", "http://printer.local",
                "http://metadata.google.internal/computeMetadata/v1/", "http://127.0.0.1:8080", "http://127.1", "http://2130706433/",
                "http://0x7f000001/", "http://0177.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5",
                "http://172.16.3.4", "http://172.31.255.255", "http://192.168.1.1", "http://[::1]:8080/", "http://[fd00::1]/",
                "http://[fe80::1%25eth0]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://intranet/", "http://100.64.0.1/")) {
            assertThat(UrlPolicy.whyNotPublic(url)).as(url).isPresent();
        }
    }

    @Test
    void theReasonNamesTheHostAndWhatItIs() {
        assertThat(UrlPolicy.whyNotPublic("http://169.254.169.254/latest")).contains("`169.254.169.254` is a link-local address (cloud metadata lives there)");
        assertThat(UrlPolicy.whyNotPublic("http://10.1.2.3")).contains("`10.1.2.3` is a private address");
        assertThat(UrlPolicy.whyNotPublic("http://172.32.0.1")).isEmpty();
    }

    @Test
    void shorthandIpv4IsReadAsBrowsersReadIt() {
        assertThat(UrlPolicy.ipv4("127.1")).contains(0x7F000001L);
        assertThat(UrlPolicy.ipv4("2130706433")).contains(0x7F000001L);
        assertThat(UrlPolicy.ipv4("0x7f.0.0.1")).contains(0x7F000001L);
        assertThat(UrlPolicy.ipv4("1.2.3.4.5")).isEqualTo(Optional.empty());
        assertThat(UrlPolicy.ipv4("example")).isEmpty();
        assertThat(UrlPolicy.ipv4("256.1.1.1")).isEmpty();
    }

    @Test
    void aTypedUrlGetsTheVercelSecretOnlyOnAConfiguredHost() {
        Optional<String> secret = Optional.of("s3cret");
        List<String> hosts = List.of("*-acme.vercel.app");
        assertThat(VercelBypass.forAgent("https://evil.vercel.app", secret, Preview.Source.COMMAND, false, hosts))
                .isEqualTo("https://evil.vercel.app");
        assertThat(VercelBypass.forAgent("https://shop-git-x-acme.vercel.app", secret, Preview.Source.COMMAND, false, hosts))
                .contains("x-vercel-protection-bypass=s3cret");
        assertThat(VercelBypass.forAgent("https://shop-git-x-acme.vercel.app", secret, Preview.Source.COMMAND, true, List.of()))
                .as("preview.vercel: true covers the team's own previews, not any host typed in a comment")
                .isEqualTo("https://shop-git-x-acme.vercel.app");
        assertThat(VercelBypass.forAgent("https://shop-git-x-acme.vercel.app", secret, Preview.Source.DEPLOYMENT, false, List.of()))
                .contains("x-vercel-protection-bypass=s3cret");
        assertThat(VercelBypass.forAgent("https://preview.shop.example.com", secret, Preview.Source.TEMPLATE, true, List.of()))
                .contains("x-vercel-protection-bypass=s3cret");
    }

    @Test
    void aCommandWithAPrivateUrlIsAnsweredWithTheReason() {
        Optional<Command> c = new CommandParser("/qa").parse("/qa check the cart --url http://169.254.169.254/latest/meta-data/");
        assertThat(c).get().isInstanceOf(Command.Invalid.class);
        assertThat(((Command.Invalid) c.get()).problem()).contains("does not point at the public internet", "link-local");
    }

    @Test
    void emojiCountAsOneCharacterEach() {
        String emoji = "😀".repeat(7_000);
        Optional<Command> c = new CommandParser("/qa").parse("/qa " + emoji);
        assertThat(c).get().isInstanceOf(Command.Run.class);
        Optional<Command> tooLong = new CommandParser("/qa").parse("/qa " + "😀".repeat(8_001));
        assertThat(((Command.Invalid) tooLong.get()).problem()).contains("8,001 characters long");
    }
}
