package dev.qabridge.gitlab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.IgnoredBecause;
import dev.qabridge.core.Inbound;
import dev.qabridge.core.Texts;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The notes GitLab's parser leaves alone, each with the category the CommandsIgnored metric counts it under. */
class GitLabEventsTest {
    private static final String SECRET = "gitlab-events-test-secret";
    private final GitLabEvents events = new GitLabEvents(new GitLabWebhookAuth(Optional.of(SECRET), Optional.empty(), Clock.systemUTC()));

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"edited, EDITED", "own, OWN", "bot, BOT", "issue, EVENT", "system, EVENT"})
    void namesWhyANoteIsLeftAlone(String kind, IgnoredBecause because) {
        ObjectNode note = JsonHttp.JSON.createObjectNode().put("object_kind", "note");
        note.putObject("user").put("id", 583).put("username", kind.equals("bot") ? "project_42_bot_3f0c1a" : "alice");
        note.putObject("project").put("id", 42).put("path_with_namespace", "acme/shop");
        ObjectNode attributes = note.putObject("object_attributes").put("id", 1244).put("noteable_type", kind.equals("issue") ? "Issue" : "MergeRequest")
                .put("system", kind.equals("system")).put("action", kind.equals("edited") ? "update" : "create")
                .put("note", kind.equals("own") ? Texts.MARKER + "\n⏳ QA.tech is testing…" : "/qa check the cart");
        note.putObject("merge_request").put("iid", 7);
        attributes.put("discussion_id", "6a9c1750b37d513a43987b574953fceb50b03ce7");
        byte[] body = note.toString().getBytes(StandardCharsets.UTF_8);

        Inbound read = events.read(Map.of("x-gitlab-event", "Note Hook", "x-gitlab-token", SECRET,
                "idempotency-key", "f2b6e1a4-cc78-11e3-81ab-4c9367dc0958"), body);

        assertThat(read).isInstanceOfSatisfying(Inbound.Ignored.class, i -> assertThat(i.because()).isEqualTo(because));
    }
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"merge_request_event, refs/merge-requests/7/train, ''", "merge_request_event, refs/merge-requests/7/merge, merge_train"})
    void aMergeTrainsPipelineAsksForTheMergeRequestsResultOnItsCommit(String source, String ref, String eventType) {
        Inbound read = pipeline(source, ref, eventType, "pending");

        assertThat(read).isInstanceOfSatisfying(Inbound.MergeQueue.class, q -> {
            assertThat(q.where().platform().wireName()).isEqualTo("gitlab");
            assertThat(q.where().projectId()).isEqualTo("42");
            assertThat(q.where().repo()).isEqualTo("acme/shop");
            assertThat(q.where().number()).isEqualTo(7);
            assertThat(q.sha()).isEqualTo(TRAIN_SHA);
            assertThat(q.runKey()).isEqualTo("t3101");
            assertThat(q.problem()).isEmpty();
        });
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource({"push, main, '', running, only merge train pipelines",
            "merge_request_event, refs/merge-requests/7/head, detached, running, only merge train pipelines",
            "merge_request_event, refs/merge-requests/7/merge, merged_result, running, only merge train pipelines",
            "merge_request_event, refs/merge-requests/7/train, merge_train, success, merge train pipeline success",
            "merge_request_event, refs/merge-requests/7/train, merge_train, failed, merge train pipeline failed"})
    void everyOtherPipelineIsLeftAloneWithTheReason(String source, String ref, String eventType, String status, String reason) {
        assertThat(pipeline(source, ref, eventType, status)).isInstanceOfSatisfying(Inbound.Ignored.class, i -> {
            assertThat(i.reason()).contains(reason);
            assertThat(i.because()).isEqualTo(IgnoredBecause.EVENT);
        });
    }

    private static final String TRAIN_SHA = "9f2c5ab0e4d1c3b7a8e6f5d4c3b2a1908f7e6d5c";

    /** A Pipeline Hook as GitLab documents it ("Pipeline events"), for MR !7 of project 42. */
    private Inbound pipeline(String source, String ref, String eventType, String status) {
        ObjectNode hook = JsonHttp.JSON.createObjectNode().put("object_kind", "pipeline");
        ObjectNode attributes = hook.putObject("object_attributes").put("id", 3101).put("iid", 12).put("ref", ref).put("tag", false)
                .put("sha", TRAIN_SHA).put("source", source).put("status", status).put("detailed_status", status);
        if (!eventType.isEmpty()) {
            attributes.put("merge_request_event_type", eventType);
        }
        hook.putObject("merge_request").put("id", 99).put("iid", 7).put("state", "opened").put("source_branch", "feature/cart-totals");
        hook.putObject("project").put("id", 42).put("path_with_namespace", "acme/shop").put("default_branch", "main");
        hook.putObject("user").put("id", 583).put("username", "alice");
        byte[] body = hook.toString().getBytes(StandardCharsets.UTF_8);
        return events.read(Map.of("x-gitlab-event", "Pipeline Hook", "x-gitlab-token", SECRET,
                "idempotency-key", "a1b6e1a4-cc78-11e3-81ab-4c9367dc0958"), body);
    }

    @ParameterizedTest(name = "draft {0} → {1}, oldrev {2}: {3}")
    @CsvSource({"true, false, '', Ready", "true, false, 1111111111111111111111111111111111111111, Push", "false, true, '', Ignored",
            "'', '', '', Ignored"})
    void aDraftMarkedReadyWithoutNewCommitsIsReadyAndNewCommitsStayAPush(String previous, String current, String oldrev, String kind) {
        ObjectNode hook = JsonHttp.JSON.createObjectNode().put("object_kind", "merge_request");
        hook.putObject("project").put("id", 42).put("path_with_namespace", "acme/shop").put("default_branch", "main");
        ObjectNode mr = hook.putObject("object_attributes").put("iid", 7).put("action", "update");
        mr.putObject("last_commit").put("id", "2222222222222222222222222222222222222222");
        if (!oldrev.isEmpty()) {
            mr.put("oldrev", oldrev);
        }
        if (!previous.isEmpty()) {
            hook.putObject("changes").putObject("draft").put("previous", Boolean.parseBoolean(previous)).put("current", Boolean.parseBoolean(current));
        }
        Inbound read = events.read(Map.of("x-gitlab-event", "Merge Request Hook", "x-gitlab-token", SECRET,
                "idempotency-key", "f2b6e1a4-cc78-11e3-81ab-4c9367dc0959"), hook.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(read.getClass().getSimpleName()).isEqualTo(kind);
        if (read instanceof Inbound.Ready r) {
            assertThat(r.where().number()).isEqualTo(7);
            assertThat(r.where().projectId()).isEqualTo("42");
            assertThat(r.sha()).isEqualTo("2222222222222222222222222222222222222222");
            assertThat(r.defaultBranch()).isEqualTo("main");
        }
        if (read instanceof Inbound.Ignored i) {
            assertThat(i.reason()).contains("only new commits and a draft marked ready");
        }
    }
}
