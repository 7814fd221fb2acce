package dev.qabridge.github;

import dev.qabridge.core.IgnoredBecause;
import dev.qabridge.core.Inbound;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void readsAMergeGroupAsTheQueuedPullRequestAndTheGroupsCommit() {
        Inbound read = read("merge_group", mergeGroup("checks_requested", "refs/heads/gh-readonly-queue/main/pr-42-" + BASE));

        assertThat(read).isInstanceOfSatisfying(Inbound.MergeQueue.class, q -> {
            assertThat(q.where().repo()).isEqualTo("acme/shop");
            assertThat(q.where().number()).isEqualTo(42);
            assertThat(q.where().installationId()).isEqualTo(101);
            assertThat(q.sha()).isEqualTo(GROUP);
            assertThat(q.runKey()).isEqualTo("q42-" + GROUP);
            assertThat(q.problem()).isEmpty();
            assertThat(q.defaultBranch()).isEqualTo("main");
        });
    }

    @Test
    void aMergeGroupWhoseRefNamesNoPullRequestStillGetsAReportThatSaysSo() {
        Inbound read = read("merge_group", mergeGroup("checks_requested", "refs/heads/gh-readonly-queue/main/batch-17"));

        assertThat(read).isInstanceOfSatisfying(Inbound.MergeQueue.class, q -> {
            assertThat(q.where().number()).isZero();
            assertThat(q.sha()).isEqualTo(GROUP);
            assertThat(q.runKey()).isEqualTo("q0-" + GROUP);
            assertThat(q.problem()).contains("refs/heads/gh-readonly-queue/main/batch-17", "names no pull request");
        });
    }

    @Test
    void aDestroyedMergeGroupIsLeftAloneWithItsReason() {
        Inbound read = read("merge_group", mergeGroup("destroyed", "refs/heads/gh-readonly-queue/main/pr-42-" + BASE)
                .replace("\"action\": \"destroyed\",", "\"action\": \"destroyed\", \"reason\": \"merged\","));

        assertThat(read).isInstanceOfSatisfying(Inbound.Ignored.class, i -> {
            assertThat(i.reason()).isEqualTo("merge group destroyed (merged): only checks_requested asks qa-bridge for a status");
            assertThat(i.because()).isEqualTo(IgnoredBecause.EVENT);
        });
    }

    @Test
    void aMergeGroupWithoutItsCommitIsRefusedNamingTheField() {
        assertThatThrownBy(() -> read("merge_group", mergeGroup("checks_requested", "refs/heads/gh-readonly-queue/main/pr-42-" + BASE)
                .replace("\"head_sha\": \"" + GROUP + "\",", "")))
                .isInstanceOf(dev.qabridge.core.BadDelivery.class).hasMessageContaining("merge_group.head_sha");
        assertThatThrownBy(() -> read("merge_group", mergeGroup("checks_requested", "refs/heads/gh-readonly-queue/main/pr-42-" + BASE)
                .replace(GROUP, "HEAD")))
                .isInstanceOf(dev.qabridge.core.BadDelivery.class).hasMessageContaining("40-character commit SHA");
    }

    @Test
    void aDeploymentOfTheQueuesBranchStartsNoRun() {
        String deployment = """
                {"action": "created", "installation": {"id": 101},
                 "deployment_status": {"state": "success", "environment": "Preview", "environment_url": "https://queue.vercel.app"},
                 "deployment": {"id": 5, "sha": "%s", "ref": "gh-readonly-queue/main/pr-42-%s", "environment": "Preview"},
                 "repository": {"full_name": "acme/shop", "default_branch": "main"}, "sender": {"login": "vercel[bot]", "type": "Bot"}}
                """.formatted(GROUP, BASE);

        assertThat(read("deployment_status", deployment)).isInstanceOfSatisfying(Inbound.Ignored.class, i -> {
            assertThat(i.because()).isEqualTo(IgnoredBecause.MERGE_QUEUE);
            assertThat(i.reason()).contains("merge queue", "gh-readonly-queue/main/pr-42-");
        });
        assertThat(read("deployment_status", deployment.replace("gh-readonly-queue/main/pr-42-" + BASE, "feature/cart")))
                .isInstanceOf(Inbound.Deployment.class);
    }

    @Test
    void reRunOnAMergeQueueReportsCheckRunStartsNothing() {
        String checkRun = """
                {"action": "rerequested", "installation": {"id": 101},
                 "check_run": {"id": 4100000001, "external_id": "github-q42-%s", "pull_requests": [{"number": 42}]},
                 "repository": {"full_name": "acme/shop", "default_branch": "main"}, "sender": {"login": "octocat", "id": 1, "type": "User"}}
                """.formatted(GROUP);

        assertThat(read("check_run", checkRun)).isInstanceOfSatisfying(Inbound.Ignored.class,
                i -> assertThat(i.reason()).contains("merge queue", "queueing the pull request again"));
        assertThat(read("check_run", checkRun.replace("github-q42-" + GROUP, "github-c11"))).isInstanceOf(Inbound.Rerun.class);
    }

    private Inbound read(String body) {
        return read(events, body);
    }

    private Inbound read(String event, String body) {
        return read(events, event, body);
    }

    private static Inbound read(GitHubEvents events, String body) {
        return read(events, "issue_comment", body);
    }

    private static Inbound read(GitHubEvents events, String event, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return events.read(Map.of("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "x-github-event", event,
                "x-hub-signature-256", GitHubSignature.sign(SECRET, bytes)), bytes);
    }

    private static final String GROUP = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
    private static final String BASE = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

    /** A merge group as GitHub delivers it to an App (the fields the schema requires, and an installation). */
    private static String mergeGroup(String action, String headRef) {
        return """
                {"action": "%s", "installation": {"id": 101},
                 "merge_group": {"head_sha": "%s", "head_ref": "%s", "base_sha": "%s", "base_ref": "refs/heads/main",
                   "head_commit": {"id": "%s", "tree_id": "%s", "message": "Merge pull request #42", "timestamp": "2026-11-26T10:00:00Z"}},
                 "repository": {"full_name": "acme/shop", "default_branch": "main"}, "sender": {"login": "octocat", "id": 1, "type": "User"}}
                """.formatted(action, GROUP, headRef, BASE, GROUP, BASE);
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
