package dev.qabridge.github;

import dev.qabridge.core.IgnoredBecause;
import dev.qabridge.core.Inbound;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class GitHubEventsTest {
    private static final String SECRET = "events-test-secret";

    private final GitHubEvents events = new GitHubEvents(() -> List.of(SECRET), () -> new AsApp("qa-bridge-acme[bot]"));

    @Test
    void namesTheBridgeItselfWhenItsOwnAppCommentsThoughEveryAppLoginIsABots() {
        Inbound read = read(comment("qa-bridge-acme[bot]", "Bot"));

        assertThat(read).isInstanceOfSatisfying(Inbound.Ignored.class, i -> {
            assertThat(i.reason()).contains("the bridge's own account");
            assertThat(i.because()).isEqualTo(IgnoredBecause.OWN);
        });
    }

    @Test
    void recognisesItsOwnLoginWithoutTheSendersTypeAndInAnyCase() {
        Inbound read = read(comment("QA-Bridge-Acme[bot]", null));

        assertThat(read).isInstanceOfSatisfying(Inbound.Ignored.class, i -> assertThat(i.reason()).contains("the bridge's own account"));
    }

    @Test
    void ignoresAnotherAppsBotAsABot() {
        Inbound read = read(comment("renovate[bot]", null));

        assertThat(read).isInstanceOfSatisfying(Inbound.Ignored.class, i -> {
            assertThat(i.reason()).startsWith("comment by a bot");
            assertThat(i.because()).isEqualTo(IgnoredBecause.BOT);
        });
    }

    @Test
    void ignoresADeliveryWithoutAnInstallationAsAnAppNamingTheWebhookToDelete() {
        Inbound read = read(comment("octocat", "User").replace("\"installation\": {\"id\": 101},", ""));

        assertThat(read).isInstanceOfSatisfying(Inbound.Ignored.class,
                i -> assertThat(i.reason()).contains("without installation.id", "delete this webhook"));
    }

    @Test
    void readsACommandThroughTheAppWithItsInstallation() {
        Inbound read = read(comment("octocat", "User"));

        assertThat(read).isInstanceOfSatisfying(Inbound.Comment.class, c -> assertThat(c.where().installationId()).isEqualTo(101));
    }

    @Test
    void readsACommandWithoutAnInstallationWithAToken() {
        GitHubEvents tokenMode = new GitHubEvents(() -> List.of(SECRET), () -> new GitHubTokenAuth("t", Optional.empty()));

        Inbound read = read(tokenMode, comment("octocat", "User").replace("\"installation\": {\"id\": 101},", ""));

        assertThat(read).isInstanceOfSatisfying(Inbound.Comment.class, c -> assertThat(c.where().installationId()).isZero());
    }

    @Test
    void namesWhyAnEditedACommentFromTheBridgeAndAnIssueCommentAreLeftAlone() {
        assertThat(read(comment("octocat", "User").replace("\"created\"", "\"edited\"")))
                .isInstanceOfSatisfying(Inbound.Ignored.class, i -> assertThat(i.because()).isEqualTo(IgnoredBecause.EDITED));
        assertThat(read(comment("octocat", "User").replace("/qa check the cart", "<!-- qa-bridge -->")))
                .isInstanceOfSatisfying(Inbound.Ignored.class, i -> assertThat(i.because()).isEqualTo(IgnoredBecause.OWN));
        assertThat(read(comment("octocat", "User").replace(", \"pull_request\": {\"url\": \"https://api.github.com/repos/acme/shop/pulls/7\"}", "")))
                .isInstanceOfSatisfying(Inbound.Ignored.class, i -> assertThat(i.because()).isEqualTo(IgnoredBecause.EVENT));
    }

    private Inbound read(String body) {
        return read(events, body);
    }

    private static Inbound read(GitHubEvents events, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return events.read(Map.of("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "x-github-event", "issue_comment",
                "x-hub-signature-256", GitHubSignature.sign(SECRET, bytes)), bytes);
    }

    /** App mode as the webhook sees it: its own login, and no request made. */
    private record AsApp(String login) implements GitHubAuth {
        @Override
        public String token(long installationId) {
            throw new AssertionError("reading a delivery needs no token");
        }

        @Override
        public Optional<String> botLogin() {
            return Optional.of(login);
        }

        @Override
        public boolean app() {
            return true;
        }
    }

    private static String comment(String login, String type) {
        String sender = type == null ? "{\"login\": \"%s\", \"id\": 9}".formatted(login)
                : "{\"login\": \"%s\", \"id\": 9, \"type\": \"%s\"}".formatted(login, type);
        return """
                {"action": "created", "installation": {"id": 101},
                 "issue": {"number": 7, "pull_request": {"url": "https://api.github.com/repos/acme/shop/pulls/7"}},
                 "comment": {"id": 11, "body": "/qa check the cart", "author_association": "OWNER", "user": %s},
                 "repository": {"full_name": "acme/shop", "default_branch": "main"}, "sender": %s}
                """.formatted(sender, sender);
    }
}
