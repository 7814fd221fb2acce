package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.local.it.CommitStatuses.Sent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.allRequests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 on GitLab: a merge train's pipeline ({@code refs/merge-requests/<iid>/train}) gets the MR's QA
 * result as the commit status {@code qa-bridge} on the pipeline's commit, so "Pipelines must succeed"
 * holds for the train. This stack's bridge says {@code QA_MERGE_QUEUE=pass}; project 42's settings file
 * says {@code mirror} (each test a merge request of its own, so its ledger holds only the test's runs),
 * project 44's says {@code off}: the environment and the repository's file both decide, as documented.
 */
class MergeQueueGitLabIT {
    private static final long MIRRORED = 42;
    private static final long PASSING = 43;
    private static final long SILENT = 44;
    private static final String HEAD = GitLabPayloads.SHA;
    private static final String NEWER = "ffeeddccbbaa99887766554433221100ffeeddcc";
    private static final List<String> FIELDS = List.of("state", "name", "description", "target_url");
    private static final String AGAIN = "; comment /qa …, then add it to the train again";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of("QA_MERGE_QUEUE", "pass"));

    @Test
    void aTrainWhoseMergeRequestPassedOnItsHeadGetsSuccessOnThePipelinesCommit() throws Exception {
        mergeRequest(MIRRORED, 71, HEAD);
        String chat = "chat_mqgl_passed1";
        qa(71, chat, Stubs.passed(chat, "The cart total updated."));

        List<Sent> sent = train(MIRRORED, 71, 3171, "0001");

        assertThat(sent).containsExactly(new Sent(trainSha("0001"), "success", "qa-bridge", "QA passed on 562e173 of !71",
                VerdictStatusIT.chatUrl(chat), FIELDS));
    }

    @Test
    void aTrainWhoseMergeRequestFailedGetsFailedSayingWhatTheLatestRunFound() throws Exception {
        mergeRequest(MIRRORED, 72, HEAD);
        String chat = "chat_mqgl_failed1";
        qa(72, chat, Stubs.failedVerdict(chat, "The total stayed at $20.00."));

        List<Sent> sent = train(MIRRORED, 72, 3172, "0002");

        assertThat(sent).containsExactly(new Sent(trainSha("0002"), "failed", "qa-bridge",
                "no passing QA run on 562e173 of !72 (latest: QA found a problem)" + AGAIN, mrUrl(72), FIELDS));
    }

    @Test
    void aTrainWhoseMergeRequestNeverHadARunGetsFailedAndNoAgentRuns() throws Exception {
        mergeRequest(MIRRORED, 73, HEAD);

        List<Sent> sent = train(MIRRORED, 73, 3173, "0003");

        assertThat(sent).containsExactly(new Sent(trainSha("0003"), "failed", "qa-bridge", "no passing QA run on 562e173 of !73" + AGAIN,
                mrUrl(73), FIELDS));
        assertThat(fx.fakes.qatech.findAll(allRequests())).isEmpty();
    }

    @Test
    void aTrainWhoseMergeRequestMovedOnSinceItsPassGetsFailed() throws Exception {
        mergeRequest(MIRRORED, 74, HEAD);
        String chat = "chat_mqgl_moved1";
        qa(74, chat, Stubs.passed(chat, "All good."));
        mergeRequest(MIRRORED, 74, NEWER);

        List<Sent> sent = train(MIRRORED, 74, 3174, "0004");

        assertThat(sent).containsExactly(new Sent(trainSha("0004"), "failed", "qa-bridge",
                "no passing QA run on ffeeddc of !74 (it passed on 562e173; the head has moved since)" + AGAIN, mrUrl(74), FIELDS));
    }

    @Test
    void theBridgesPassModeReportsSuccessWithoutReadingTheMergeRequest() throws Exception {
        mergeRequest(PASSING, 75, HEAD);

        List<Sent> sent = train(PASSING, 75, 3175, "0005");

        assertThat(sent).containsExactly(new Sent(trainSha("0005"), "success", "qa-bridge", "QA ran on the MR before it joined the merge train",
                null, List.of("state", "name", "description")));
        fx.fakes.gitlab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/projects/" + PASSING + "/merge_requests/75")));
    }

    @Test
    void aProjectWhoseSettingsFileSaysOffGetsNothing() throws Exception {
        mergeRequest(SILENT, 76, HEAD);

        HttpResponse<String> answer = deliver(SILENT, 76, 3176, "refs/merge-requests/76/train", "pending", "0006");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(answer.body()).path("ignored").asText()).isEqualTo("the merge train gets no status from qa-bridge "
                + "(QA_MERGE_QUEUE or mergeQueue.mode is off): do not require qa-bridge with a merge train");
        assertThat(CommitStatuses.gitlab(fx.fakes.gitlab)).isEmpty();
    }

    @Test
    void aPipelineReportsOnceAndOtherPipelinesStartNothing() throws Exception {
        mergeRequest(MIRRORED, 77, HEAD);
        train(MIRRORED, 77, 3177, "0007");

        HttpResponse<String> running = deliver(MIRRORED, 77, 3177, "refs/merge-requests/77/train", "running", "0007");
        HttpResponse<String> finished = deliver(MIRRORED, 77, 3177, "refs/merge-requests/77/train", "success", "0007");
        ObjectNode mrPipeline = MergeQueuePayloads.pipeline(MIRRORED, 77, 3178, "refs/merge-requests/77/head", "merge_request_event", "pending",
                HEAD);
        HttpResponse<String> other = MergeQueuePayloads.deliverPipeline(fx.url(), GitLabPayloads.newDelivery(), mrPipeline);

        assertThat(running.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(running.body()).path("ignored").asText()).contains("already handled", "gitlab-t3177");
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(finished.body()).path("ignored").asText()).startsWith("merge train pipeline success");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(other.body()).path("ignored").asText()).contains("only merge train pipelines");
        assertThat(CommitStatuses.gitlab(fx.fakes.gitlab)).hasSize(1);
    }

    // ---- helpers

    /** MR {@code iid} of {@code project} headed by {@code sha}, everything writable; project 42 mirrors, 44 is off, 43 keeps the bridge's pass. */
    private static void mergeRequest(long project, long iid, String sha) {
        GitLabStubs.writableProject(fx.fakes.gitlab, project);
        if (project == MIRRORED) {
            GitLabStubs.settingsFile(fx.fakes.gitlab, project, "mergeQueue:\n  mode: mirror\n");
        } else if (project == SILENT) {
            GitLabStubs.settingsFile(fx.fakes.gitlab, project, "mergeQueue:\n  mode: off\n");
        }
        ObjectNode mr = (ObjectNode) Scenarios.json(GitLabStubs.mergeRequest(project, sha, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER,
                project, "Cart: recompute totals", "Totals are recomputed."));
        mr.put("iid", iid).put("web_url", mrUrl(iid));
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + project + "/merge_requests/" + iid)).willReturn(okJson(mr.toString())));
    }

    private static String mrUrl(long iid) {
        return "https://gitlab.example.com/" + GitLabPayloads.PATH + "/-/merge_requests/" + iid;
    }

    private static String trainSha(String n) {
        return "9f2c5ab0e4d1c3b7a8e6f5d4c3b2a1908f7e" + n;
    }

    /** A `/qa --url` note on MR {@code iid} of project 42 by the Developer; returns once its run has ended. */
    private static void qa(long iid, String chat, Stubs.Answer answer) throws Exception {
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, answer);
        ObjectNode note = GitLabPayloads.command("/qa check the cart total --url https://mr-" + iid + ".review.example.dev");
        ((ObjectNode) note.path("merge_request")).put("iid", iid);
        HttpResponse<String> started = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), note);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(fx.awaitEnd(GitLabPayloads.runId(started)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    private static HttpResponse<String> deliver(long project, long iid, long pipeline, String ref, String status, String n) throws Exception {
        return MergeQueuePayloads.deliverPipeline(fx.url(), GitLabPayloads.newDelivery(),
                MergeQueuePayloads.pipeline(project, iid, pipeline, ref, "merge_request_event", status, trainSha(n)));
    }

    /** The train's pipeline starts (its first hook, pending); returns the statuses that landed on its commit. */
    private static List<Sent> train(long project, long iid, long pipeline, String n) throws Exception {
        HttpResponse<String> answer = deliver(project, iid, pipeline, "refs/merge-requests/" + iid + "/train", "pending", n);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(Scenarios.json(answer.body()).path("run").asText()).isEqualTo("gitlab-t" + pipeline);
        DescribeExecutionResponse end = fx.awaitEnd("gitlab-t" + pipeline);
        assertThat(end.status()).as(end.output()).isEqualTo(ExecutionStatus.SUCCEEDED);
        return CommitStatuses.gitlab(fx.fakes.gitlab).stream().filter(s -> s.sha().equals(trainSha(n))).toList();
    }
}
