package dev.qabridge.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunRecord;
import dev.qabridge.core.RunStore;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.qatech.QaTechClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The reply's guards: it never writes over a superseded run, and never answers twice. */
class ReplierTest {
    private final List<String> writes = new ArrayList<>();
    private final Map<String, String> finalWord = new HashMap<>();
    private boolean replied;

    private final RunStore store = new RunStore() {
        @Override public void release(String key) {}
        @Override public boolean claim(String key) { return true; }
        @Override public Optional<String> swapPointer(String key, String value) { return Optional.empty(); }
        @Override public void saveRun(RunRecord run) {}
        @Override public Optional<RunRecord> findRun(String runId) {
            return Optional.of(new RunRecord(runId, "github", "acme/shop", 7, "", "9001", "chat_1", "https://app.qa.tech/c/chat_1",
                    "https://pr-7.example.dev", "the Preview deployment", "Test this PR", "d1", 0, replied));
        }
        @Override public boolean claimFinalWord(String runId, String owner) {
            return finalWord.putIfAbsent(runId, owner) == null || finalWord.get(runId).equals(owner);
        }
        @Override public boolean markReplied(String runId) { return !replied && (replied = true); }
    };

    private final ReviewThread thread = new ReviewThread() {
        @Override public String post(String markdown) { writes.add("post"); return "1"; }
        @Override public boolean edit(String commentId, String markdown) { writes.add("edit " + commentId); return true; }
        @Override public void react(String commentId, Reaction reaction) { writes.add("react"); }
        @Override public int maxCommentLength() { return 65_536; }
    };

    // Never called on these paths: nothing listens there.
    private final Replier replier = new Replier(new QaTechClient("http://127.0.0.1:9", "k", (a, r) -> { }), store, run -> thread);

    private ObjectNode timedOut() {
        return JsonHttp.JSON.createObjectNode().put("runId", "github-auto-1-7").put("timedOut", true).put("status", "RUNNING");
    }

    @Test
    void writesNothingOnARunThatANewerDeploymentSuperseded() {
        finalWord.put("github-auto-1-7", "superseded");

        ObjectNode out = replier.reply(timedOut());

        assertThat(out.path("replied").asBoolean()).isFalse();
        assertThat(out.path("reason").asText()).contains("superseded");
        assertThat(writes).isEmpty();
    }

    @Test
    void aRetriedReplyKeepsItsRightToWriteButAnAnsweredRunIsLeftAlone() {
        ObjectNode first = replier.reply(timedOut());
        ObjectNode again = replier.reply(timedOut());

        assertThat(first.path("outcome").asText()).isEqualTo("TIMED_OUT");
        assertThat(writes).containsExactly("edit 9001");   // an automatic run has no command to react on
        assertThat(again.path("reason").asText()).isEqualTo("already replied");
        assertThat(finalWord).containsEntry("github-auto-1-7", "reply");
    }
}
