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
}
