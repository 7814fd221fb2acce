package dev.qabridge.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.Env;
import dev.qabridge.core.Inbound;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Person;
import dev.qabridge.core.Platform;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.RunStateJson;
import dev.qabridge.core.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What the webhook decides, on in-memory platform and workflow: it reads, it starts executions, it writes nothing. */
class DeciderTest {
    private final Settings settings = Settings.from(new Env(Map.of("QATECH_APPLICATION_ID", "app_shop", "QA_TIMEOUT_MINUTES", "30")));
    private final Fakes.TestClock clock = new Fakes.TestClock();
    private final Fakes.Host host = new Fakes.Host();
    private final Fakes.Runs runs = new Fakes.Runs();
    private final Decider decider = new Decider(settings, new RepoConfig(settings, clock), runs, clock);
    private static final Origin PR = new Origin(Platform.GITHUB, "acme/shop", "", 7, "", 0);

    private Answer comment(String text, long id) {
        return decider.decide(new Inbound.Comment(PR, new Person("octocat", 1, "MEMBER"), text, String.valueOf(id), "d-" + id, "main"), host,
                "req-" + id);
    }

    @Test
    void aCommandStartsOneExecutionNamedAfterItsCommentCarryingIdsAndTheAskOnly() {
        Answer a = comment("/qa check the cart --url https://pr-7.example.dev", 1001);

        assertThat(a.status()).isEqualTo(202);
        assertThat(a.body().path("run").asText()).isEqualTo("github-c1001");
        ObjectNode input = runs.started.get("github-c1001");
        RunInput in = RunStateJson.input(input);
        assertThat(in.command()).isEqualTo("run");
        assertThat(in.ask().instructions()).isEqualTo("check the cart");
        assertThat(in.ask().url()).isEqualTo("https://pr-7.example.dev");
        assertThat(in.ask().commentId()).isEqualTo("1001");
        assertThat(in.deadlineEpochSeconds()).isEqualTo(clock.instant().plusSeconds(30 * 60).getEpochSecond());
        assertThat(host.writes).as("the webhook writes nothing itself").isEmpty();
    }

    @Test
    void theSameCommentUnderAnyDeliveryIsACommandOnce() {
        comment("/qa check", 1002);
        Answer again = decider.decide(new Inbound.Comment(PR, new Person("octocat", 1, "MEMBER"), "/qa check", "1002", "other-delivery", "main"),
                host, "req-other");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("ignored").asText()).contains("already handled", "github-c1002");
        assertThat(runs.started).hasSize(1);
    }

    @Test
    void helpAndMistakesAreRunsTooSoTheirAnswerIsAStateOfTheirOwn() {
        assertThat(comment("/qa help", 1003).body().path("command").asText()).isEqualTo("help");
        assertThat(comment("/qa check --url ftp://x", 1004).body().path("command").asText()).isEqualTo("invalid");
        assertThat(RunStateJson.input(runs.started.get("github-c1004")).problem()).contains("not an http(s) URL");
        assertThat(comment("just a comment", 1005).body().path("ignored").asText()).contains("no /qa command");
        assertThat(runs.started).containsOnlyKeys("github-c1003", "github-c1004");
    }

    @Test
    void anUntrustedCommenterGetsARunThatOnlyReactsAndTheReasonInTheAnswer() {
        host.distrust = Optional.of("commenter mallory is NONE, not one of QA_ALLOWED_ASSOCIATIONS");

        Answer a = comment("/qa check", 1006);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("ignored").asText()).contains("mallory is NONE");
        assertThat(RunStateJson.input(runs.started.get("github-c1006")).command()).isEqualTo(RunInput.REFUSE);
    }

    @Test
    void theRepositorySettingsFileTravelsWithTheRunSoEveryStateAppliesTheSameOne() {
        host.settingsFile = () -> Optional.of("qatech:\n  applicationId: app_repo\n");

        comment("/qa check", 1007);

        assertThat(RunStateJson.input(runs.started.get("github-c1007")).settingsFile()).contains("app_repo");
    }

    @Test
    void aDeploymentStartsOneRunPerOpenPullRequestOncePerDeployment() {
        host.openPulls = List.of(Fakes.Host.pull(7, false), Fakes.Host.pull(8, false));
        Inbound.Deployment d = new Inbound.Deployment(new Origin(Platform.GITHUB, "acme/shop", "", 0, "", 0), "5001",
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Preview", "https://shop.vercel.app", "d-1", "main");

        Answer first = decider.decide(d, host, "r1");
        Answer again = decider.decide(d, host, "r2");

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.body().path("runs")).hasSize(2);
        assertThat(runs.started).containsOnlyKeys("github-d5001-7", "github-d5001-8");
        RunInput in = RunStateJson.input(runs.started.get("github-d5001-8"));
        assertThat(in.command()).isEqualTo("auto");
        assertThat(in.origin().number()).isEqualTo(8);
        assertThat(in.ask().requester()).isEqualTo("the Preview deployment");
        assertThat(in.ask().url()).isEqualTo("https://shop.vercel.app");
        assertThat(again.body().path("ignored").asText()).contains("deployment 5001 was already tested");
    }

    @Test
    void pullRequestsFromForksGetNoAutomaticRunUnlessTheRepositorySaysSo() {
        host.openPulls = List.of(Fakes.Host.pull(7, true), Fakes.Host.pull(8, false));
        Inbound.Deployment d = new Inbound.Deployment(new Origin(Platform.GITHUB, "acme/shop", "", 0, "", 0), "6001",
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Preview", "https://shop.vercel.app", "d-1", "main");

        decider.decide(d, host, "r1");
        assertThat(runs.started).containsOnlyKeys("github-d6001-8");

        host.openPulls = List.of(Fakes.Host.pull(7, true));
        Inbound.Deployment forkOnly = new Inbound.Deployment(new Origin(Platform.GITHUB, "acme/forky", "", 0, "", 0), "6002",
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Preview", "https://shop.vercel.app", "d-2", "main");
        assertThat(decider.decide(forkOnly, host, "r2").body().path("ignored").asText()).contains("fork", "autoRun.forks");

        host.settingsFile = () -> Optional.of("autoRun:\n  forks: true\n");
        Inbound.Deployment allowed = new Inbound.Deployment(new Origin(Platform.GITHUB, "acme/forks-ok", "", 0, "", 0), "6003",
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Preview", "https://shop.vercel.app", "d-3", "main");
        decider.decide(allowed, host, "r3");
        assertThat(runs.started).containsKey("github-d6003-7");
    }

    @Test
    void deploymentsToOtherEnvironmentsOrWithoutAnOpenPullRequestStartNothing() {
        Inbound.Deployment production = new Inbound.Deployment(new Origin(Platform.GITHUB, "acme/shop", "", 0, "", 0), "5002",
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Production", "https://shop.example.com", "d-2", "main");
        assertThat(decider.decide(production, host, "r").body().path("ignored").asText()).contains("'Production'");
        host.openPulls = List.of();
        Inbound.Deployment orphan = new Inbound.Deployment(new Origin(Platform.GITHUB, "acme/shop", "", 0, "", 0), "5003",
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Preview", "https://shop.vercel.app", "d-3", "main");
        assertThat(decider.decide(orphan, host, "r").body().path("ignored").asText()).contains("no open pull request");
        assertThat(runs.started).isEmpty();
    }

    /** Both lookups wait for each other at a barrier: done one after the other, the first would time out. */
    private Runnable barrier(java.util.concurrent.CyclicBarrier meet) {
        return () -> {
            try {
                meet.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the two lookups did not run at the same time", e);
            }
        };
    }

    @Test
    void aCommandReadsTheSettingsFileWhileItLooksUpTheCommentersMembership() {
        var meet = new java.util.concurrent.CyclicBarrier(2);
        host.lookingUp = barrier(meet);
        host.settingsFile = () -> {
            barrier(meet).run();
            return java.util.Optional.empty();
        };

        assertThat(comment("/qa check the cart", 7001).status()).isEqualTo(202);
    }

    @Test
    void aDeploymentReadsTheSettingsFileWhileItLooksUpTheCommitsOpenPullRequests() {
        var meet = new java.util.concurrent.CyclicBarrier(2);
        host.lookingUp = barrier(meet);
        host.settingsFile = () -> {
            barrier(meet).run();
            return java.util.Optional.empty();
        };
        Inbound.Deployment d = new Inbound.Deployment(new Origin(Platform.GITHUB, "acme/shop", "", 0, "", 0), "7001",
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "Preview", "https://pr-7.preview.example.com", "d-7001", "main");

        assertThat(decider.decide(d, host, "req-7001").status()).isEqualTo(202);
    }
    private static final String GROUP = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
    private static final Inbound.MergeQueue QUEUED = new Inbound.MergeQueue(new Origin(Platform.GITHUB, "acme/shop", "", 42, "", 101), GROUP,
            "q42-" + GROUP, "", "d-q1", "main");

    @Test
    void aMergeGroupStartsOneReportOnItsCommitForTheQueuedPullRequestAndNoAgentRun() {
        Answer first = decider.decide(QUEUED, host, "r1");
        Answer again = decider.decide(QUEUED, host, "r2");

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.body().path("run").asText()).isEqualTo("github-q42-" + GROUP);
        assertThat(first.body().path("command").asText()).isEqualTo("mergequeue");
        ObjectNode input = runs.started.get("github-q42-" + GROUP);
        RunInput in = RunStateJson.input(input);
        assertThat(in.command()).isEqualTo(RunInput.MERGE_QUEUE);
        assertThat(in.origin().number()).isEqualTo(42);
        assertThat(in.origin().installationId()).isEqualTo(101);
        assertThat(in.ask().sha()).isEqualTo(GROUP);
        assertThat(in.ask().requester()).isEqualTo("the merge queue");
        assertThat(in.ask().instructions()).isEmpty();
        assertThat(input.path("ledger").path("key").asText()).as("the ledger read is the queued PR's").isEqualTo("pr#github#acme/shop#42");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("ignored").asText()).contains("already handled");
        assertThat(runs.started).hasSize(1);
        assertThat(host.writes).as("the webhook writes nothing itself").isEmpty();
    }

    @Test
    void withTheModeOffAMergeQueueStartsNothingAndHearsNotToRequireTheCheck() {
        host.settingsFile = () -> Optional.of("mergeQueue:\n  mode: off\n");

        Answer a = decider.decide(QUEUED, host, "r1");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.because()).isEqualTo(dev.qabridge.core.IgnoredBecause.MERGE_QUEUE);
        assertThat(a.body().path("ignored").asText()).isEqualTo("the merge queue gets no status from qa-bridge (QA_MERGE_QUEUE or "
                + "mergeQueue.mode is off): do not require qa-bridge with a merge queue");
        assertThat(runs.started).isEmpty();
    }
}
