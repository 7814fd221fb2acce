package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class VercelBypassTest {
    private static final Optional<String> SECRET = Optional.of("s3cr3t/+=value");

    @Test
    void addsTheBypassParametersForVercelPreviewsOnly() {
        assertThat(VercelBypass.forAgent("https://shop-git-x-acme.vercel.app", SECRET, false))
                .isEqualTo("https://shop-git-x-acme.vercel.app?x-vercel-protection-bypass=s3cr3t%2F%2B%3Dvalue&x-vercel-set-bypass-cookie=true");
        assertThat(VercelBypass.forAgent("https://shop.vercel.app/cart?item=1#top", SECRET, false))
                .isEqualTo("https://shop.vercel.app/cart?item=1&x-vercel-protection-bypass=s3cr3t%2F%2B%3Dvalue&x-vercel-set-bypass-cookie=true#top");
        assertThat(VercelBypass.forAgent("https://pr-7.netlify.app", SECRET, false)).isEqualTo("https://pr-7.netlify.app");
        assertThat(VercelBypass.forAgent("https://vercel.app.example.com", SECRET, false)).isEqualTo("https://vercel.app.example.com");
        assertThat(VercelBypass.forAgent("https://preview.shop.example.com", SECRET, true))
                .startsWith("https://preview.shop.example.com?x-vercel-protection-bypass=");
    }

    @Test
    void withoutASecretTheUrlStaysPlain() {
        assertThat(VercelBypass.forAgent("https://shop.vercel.app", Optional.empty(), true)).isEqualTo("https://shop.vercel.app");
    }

    @Test
    void theSecretNeverReachesThePlainPreview() {
        String plain = "https://shop.vercel.app/";
        String agent = VercelBypass.forAgent(plain, SECRET, false);
        assertThat(agent).contains("x-vercel-protection-bypass");
        assertThat(plain).doesNotContain("s3cr3t");
        RunRecord run = new RunRecord("r", new Origin(Platform.GITHUB, "acme/shop", "", 7, "", 0),
                new Ask("octocat", "check it", "", "1", "d", 0, "", ""), new RunRecord.Conversation("chat_x", "https://app.qa.tech/chat/x"),
                "", plain, "");
        assertThat(Texts.started(run, Preview.Source.DEPLOYMENT, java.util.Optional.empty())).doesNotContain("s3cr3t", "bypass");
    }
}
