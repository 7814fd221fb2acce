package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Ask;
import dev.qabridge.core.Env;
import dev.qabridge.core.Ledger;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Platform;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.RunStateJson;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.TransientApiError;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.qatech.QaTechClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.qabridge.core.MergeQueue.Mode.MIRROR;
import static dev.qabridge.core.MergeQueue.Mode.PASS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a merge queue or merge train hears about a PR: the decision from the PR's ledger and head (mirror
 * and pass), and the step that reports it on the queue's own commit.
 */
class MergeQueueReportTest {
    private static final String HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    private static final String OLDER = "aaaaaaa1b2c3d4e5f60718293a4b5c6d7e8f9012";
    private static final String GROUP = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
    private static final Origin PR = new Origin(Platform.GITHUB, "acme/shop", "", 42, "", 0);
    private static final Origin MR = new Origin(Platform.GITLAB, "acme/shop", "42", 7, "", 0);
    private static final MergeQueueReport.Head AT_HEAD = MergeQueueReport.Head.of(HEAD, "https://github.com/acme/shop/pull/42");
    private static final String AGAIN = "; comment /qa …, then queue it again";
    private final Settings settings = Settings.from(new Env(Map.of("QATECH_APPLICATION_ID", "app_shop")));

    // ---- the decision

    @Test
    void aPassOnTheHeadIsMirroredAsSuccessLinkingItsConversation() {
        MergeQueueReport.Decision d = mirror(AT_HEAD, run("github-c1", 1, HEAD, "replied", "COMPLETED", "PASS"));

        assertThat(d.state()).isEqualTo(StatusReport.State.SUCCESS);
        assertThat(d.description()).isEqualTo("QA passed on 6dcb09b of #42");
        assertThat(d.targetUrl()).isEqualTo("https://app.qa.tech/c/chat_github-c1");
    }

    @Test
    void aFailOnTheHeadIsAFailureSayingWhatTheLatestRunFound() {
        MergeQueueReport.Decision d = mirror(AT_HEAD, run("github-c1", 1, HEAD, "replied", "COMPLETED", "FAIL"));

        assertThat(d.state()).isEqualTo(StatusReport.State.FAILURE);
        assertThat(d.description()).isEqualTo("no passing QA run on 6dcb09b of #42 (latest: QA found a problem)" + AGAIN);
        assertThat(d.targetUrl()).isEqualTo("https://github.com/acme/shop/pull/42");
    }

    @Test
    void aPullRequestTheBridgeNeverRanOnIsAFailureSayingHowToGetARun() {
        MergeQueueReport.Decision d = mirror(AT_HEAD);

        assertThat(d.state()).isEqualTo(StatusReport.State.FAILURE);
        assertThat(d.description()).isEqualTo("no passing QA run on 6dcb09b of #42" + AGAIN);
    }

    @Test
    void aPassOnAnOlderCommitDoesNotCountOnceTheHeadHasMovedOn() {
        MergeQueueReport.Decision d = mirror(AT_HEAD, run("github-c1", 1, OLDER, "replied", "COMPLETED", "PASS"));

        assertThat(d.state()).isEqualTo(StatusReport.State.FAILURE);
        assertThat(d.description()).isEqualTo("no passing QA run on 6dcb09b of #42 (it passed on aaaaaaa; the head has moved since)" + AGAIN);
        assertThat(mirror(AT_HEAD, run("github-c1", 1, OLDER, "replied", "COMPLETED", "FAIL")).description())
                .isEqualTo("no passing QA run on 6dcb09b of #42 (no run tested this commit)" + AGAIN);
    }

    @Test
    void theLatestFinalResultOnTheHeadDecidesWhateverCameBefore() {
        assertThat(mirror(AT_HEAD, run("github-c1", 1, HEAD, "replied", "COMPLETED", "FAIL"),
                run("github-c2", 2, HEAD, "replied", "COMPLETED", "PASS")).state()).isEqualTo(StatusReport.State.SUCCESS);
        assertThat(mirror(AT_HEAD, run("github-c1", 1, HEAD, "replied", "COMPLETED", "PASS"),
                run("github-c2", 2, HEAD, "replied", "TIMED_OUT", "NONE")).description())
                .isEqualTo("no passing QA run on 6dcb09b of #42 (latest: Timed out waiting for QA.tech)" + AGAIN);
        assertThat(mirror(AT_HEAD, run("github-c1", 1, HEAD, "replied", "COMPLETED", "PASS"),
                run("github-c2", 2, HEAD, "cancelled", "", "")).description())
                .isEqualTo("no passing QA run on 6dcb09b of #42 (latest: cancelled)" + AGAIN);
    }

    @Test
    void aRunStillGoingOrRefusedItsTurnIsNoResult() {
        assertThat(mirror(AT_HEAD, run("github-c1", 1, HEAD, "replied", "COMPLETED", "PASS"),
                run("github-c2", 2, HEAD, "waiting", "", ""), run("github-c3", 3, HEAD, "rejected", "BUSY", "")).state())
                .isEqualTo(StatusReport.State.SUCCESS);
        assertThat(mirror(AT_HEAD, run("github-c2", 2, HEAD, "waiting", "", "")).description())
                .isEqualTo("no passing QA run on 6dcb09b of #42 yet (a run is still going); queue it again once it has passed");
    }

    @Test
    void anAnswerWithoutAVerdictPassesOnlyWhenTheRunsOwnStatusDid() {
        Ledger.Entry none = run("github-c1", 1, HEAD, "replied", "COMPLETED", "NONE");
        Settings lenient = Settings.from(new Env(Map.of("QATECH_APPLICATION_ID", "app_shop", "QA_STATUS_ON_NO_VERDICT", "success")));

        assertThat(mirror(AT_HEAD, none).description()).isEqualTo("no passing QA run on 6dcb09b of #42 (latest: QA finished without a verdict)" + AGAIN);
        assertThat(MergeQueueReport.decide(MIRROR, PR, "", AT_HEAD, Optional.of(ledger(none)), lenient).state())
                .isEqualTo(StatusReport.State.SUCCESS);
    }

    @Test
    void passModeAlwaysPassesWithWhatItMeans() {
        MergeQueueReport.Decision github = MergeQueueReport.decide(PASS, PR, "", MergeQueueReport.Head.unknown(""), Optional.of(ledger()),
                settings);
        MergeQueueReport.Decision gitlab = MergeQueueReport.decide(PASS, MR, "", MergeQueueReport.Head.unknown(""), Optional.empty(), settings);

        assertThat(github).isEqualTo(new MergeQueueReport.Decision(StatusReport.State.SUCCESS, "QA ran on the PR before it was queued", ""));
        assertThat(gitlab.state()).isEqualTo(StatusReport.State.SUCCESS);
        assertThat(gitlab.description()).isEqualTo("QA ran on the MR before it joined the merge train");
    }

    @Test
    void whatCouldNotBeFoundIsSaidInTheFailure() {
        assertThat(MergeQueueReport.decide(MIRROR, new Origin(Platform.GITHUB, "acme/shop", "", 0, "", 0),
                "the merge group's ref refs/heads/gh-readonly-queue/main/batch-1 names no pull request", MergeQueueReport.Head.unknown(""),
                Optional.of(ledger()), settings))
                .isEqualTo(new MergeQueueReport.Decision(StatusReport.State.FAILURE, "the merge group's ref refs/heads/gh-readonly-queue/main/"
                        + "batch-1 names no pull request: qa-bridge has no QA result to mirror", ""));
        assertThat(MergeQueueReport.decide(MIRROR, PR, "", MergeQueueReport.Head.unknown("GitHub answered 404: Not Found"),
                Optional.of(ledger()), settings).description())
                .isEqualTo("no passing QA run found for #42: qa-bridge could not read its head commit (GitHub answered 404: Not Found)");
        assertThat(MergeQueueReport.decide(MIRROR, PR, "", AT_HEAD, Optional.empty(), settings).description())
                .isEqualTo("no passing QA run found for #42: qa-bridge could not read its runs; queue it again");
    }

    @Test
    void aMergeTrainHearsTheSameInGitLabsWordsAndEveryDescriptionFitsGitHubs140Characters() {
        MergeQueueReport.Head head = MergeQueueReport.Head.of(HEAD, "https://gitlab.example.com/acme/shop/-/merge_requests/7");
        List<MergeQueueReport.Decision> all = new ArrayList<>();
        for (Origin where : List.of(new Origin(Platform.GITHUB, "acme/shop", "", 99_999, "", 0), new Origin(Platform.GITLAB, "acme/shop", "42", 99_999, "", 0))) {
            for (String outcome : List.of("FAILED", "CANCELLED", "TIMED_OUT", "NOT_STARTED", "NO_PREVIEW", "ERROR")) {
                all.add(MergeQueueReport.decide(MIRROR, where, "", head, Optional.of(ledger(run("r1", 1, HEAD, "replied", outcome, "NONE"))),
                        settings));
            }
            all.add(MergeQueueReport.decide(MIRROR, where, "", head, Optional.of(ledger(run("r1", 1, OLDER, "replied", "COMPLETED", "PASS"))),
                    settings));
        }

        assertThat(all).allSatisfy(d -> assertThat(d.description().length()).as(d.description()).isLessThanOrEqualTo(140));
        assertThat(MergeQueueReport.decide(MIRROR, MR, "", head, Optional.of(ledger()), settings).description())
                .isEqualTo("no passing QA run on 6dcb09b of !7; comment /qa …, then add it to the train again");
    }

    private MergeQueueReport.Decision mirror(MergeQueueReport.Head head, Ledger.Entry... runs) {
        return MergeQueueReport.decide(MIRROR, PR, "", head, Optional.of(ledger(runs)), settings);
    }

    private static Ledger.Entry run(String runId, long at, String sha, String state, String outcome, String verdict) {
        ObjectNode doc = JsonHttp.JSON.createObjectNode().put("runId", runId).put("kind", "run").put("at", at).put("sha", sha)
                .put("chatId", "chat_" + runId).put("chatUrl", "https://app.qa.tech/c/chat_" + runId);
        if (!outcome.isEmpty()) {
            doc.put("outcome", outcome).put("verdict", verdict);
        }
        return new Ledger.Entry(runId, state, doc);
    }

    /** The runs as the state machine hands the PR's item over: a DynamoDB GetItem result. */
    private static ObjectNode getItem(Ledger.Entry... runs) {
        ObjectNode result = JsonHttp.JSON.createObjectNode();
        ObjectNode item = result.putObject("Item");
        for (Ledger.Entry e : runs) {
            item.putObject("st_" + e.runId()).put("S", e.state());
            item.putObject("doc_" + e.runId()).put("S", e.doc().toString());
        }
        return result;
    }

    private static Ledger ledger(Ledger.Entry... runs) {
        return Ledger.fromGetItem(getItem(runs));
    }

    // ---- the step

    private static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:qa-bridge-runs";
    private final Fakes.Host host = new Fakes.Host();

    private JsonNode step(Settings with, ObjectNode state) {
        return new Steps(with, platform -> host, () -> new QaTechClient("http://127.0.0.1:9", () -> "k", Duration.ofSeconds(5)),
                new Fakes.Runs(), new Fakes.TestClock(), Optional::empty).run("report-merge-queue", state, 0, MACHINE);
    }

    private static ObjectNode queued(String settingsFile, Ledger.Entry... runs) {
        Ask ask = new Ask("the merge queue", "", "", "", "d-1", 1_795_687_200_000L, GROUP, "");
        ObjectNode s = RunStateJson.write(new RunInput("github-q42-" + GROUP, RunInput.MERGE_QUEUE, PR, ask, "", settingsFile, 4_102_444_800L,
                3, "r", ""));
        s.set("pr", getItem(runs));
        return s;
    }

    @Test
    void theStepReportsOnTheGroupsCommitUnderTheStatusContextNamingItsRun() {
        JsonNode out = step(settings, queued("", run("github-c1", 1, HEAD, "replied", "COMPLETED", "PASS")));

        assertThat(host.reports).containsExactly("SUCCESS " + GROUP);
        StatusReport report = host.reported.get(0);
        assertThat(report.context()).isEqualTo("qa-bridge");
        assertThat(report.description()).isEqualTo("QA passed on 6dcb09b of #42");
        assertThat(report.externalId()).isEqualTo("github-q42-" + GROUP);
        assertThat(report.title()).isEqualTo("✅ QA passed on 6dcb09b of #42");
        assertThat(report.summary()).contains("QA passed on 6dcb09b of #42", "runs no agent", "QA_MERGE_QUEUE=mirror");
        assertThat(out.path("state").asText()).isEqualTo("SUCCESS");
        assertThat(out.path("headSha").asText()).isEqualTo(HEAD);
        assertThat(host.writes).as("no comment, no reaction: a status only").containsExactly("status success");
    }

    @Test
    void theStepMirrorsThePullRequestsHeadAsItIsNow() {
        host.headSha = OLDER;

        step(settings, queued("", run("github-c1", 1, HEAD, "replied", "COMPLETED", "PASS")));

        assertThat(host.reports).containsExactly("FAILURE " + GROUP);
        assertThat(host.reported.get(0).title()).isEqualTo("❌ No passing QA run for #42");
        assertThat(host.reported.get(0).description()).isEqualTo("no passing QA run on aaaaaaa of #42 (it passed on 6dcb09b; the head has moved since)"
                + AGAIN);
    }

    @Test
    void aPullRequestThePlatformCannotFindIsAFailureAndOneItCannotReachIsRetried() {
        host.failPullRequest = new ApiException("GitHub", 404, "Not Found");
        step(settings, queued(""));
        assertThat(host.reported.get(0).description())
                .isEqualTo("no passing QA run found for #42: qa-bridge could not read its head commit (GitHub answered 404: Not Found)");

        host.failPullRequest = new ApiException("GitHub", 503, "unavailable");
        assertThatThrownBy(() -> step(settings, queued(""))).isInstanceOf(TransientApiError.class);
        assertThat(host.reports).hasSize(1);
    }

    @Test
    void aLedgerTheStateMachineCouldNotReadIsSaidSo() {
        ObjectNode s = queued("");
        s.remove("pr");
        s.putObject("failed").putObject("ledger").put("Error", "DynamoDB.AmazonDynamoDBException");

        step(settings, s);

        assertThat(host.reported.get(0).description()).isEqualTo("no passing QA run found for #42: qa-bridge could not read its runs; queue it again");
    }

    @Test
    void theRepositorysModeDecidesPassReportsWithoutReadingAndOffReportsNothing() {
        step(settings, queued("mergeQueue:\n  mode: pass\n"));
        assertThat(host.reported).extracting(StatusReport::state, StatusReport::description)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StatusReport.State.SUCCESS, "QA ran on the PR before it was queued"));

        host.failPullRequest = new IllegalStateException("pass mode reads no pull request");
        step(settings, queued("mergeQueue:\n  mode: pass\n"));
        JsonNode off = step(Settings.from(new Env(Map.of("QATECH_APPLICATION_ID", "app_shop", "QA_MERGE_QUEUE", "off"))), queued(""));

        assertThat(host.reports).hasSize(2);
        assertThat(off.path("reported").asBoolean()).isFalse();
    }
}
