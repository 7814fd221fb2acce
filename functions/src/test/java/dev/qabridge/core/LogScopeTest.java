package dev.qabridge.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A request's log scope: the delivery, run and conversation set once, carried by every line until it closes. */
class LogScopeTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void back() {
        Log.redirect(System.out);
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                lines.add(new ObjectMapper().readTree(l));
            }
        }
        return lines;
    }

    @Test
    void everyLineOfARequestCarriesItsDeliveryRunAndConversationUntilTheScopeCloses() throws Exception {
        Log.redirect(new PrintStream(out, true, StandardCharsets.UTF_8));
        try (var delivery = Log.scope("d-1", null, null)) {
            Log.info("webhook.received", null, null);
            try (var run = Log.scope(null, "github-c7", "chat_1")) {
                Log.info("github.call", null, null, "status", 502);
                Log.info("run.cancelled", null, null, "run", "github-c6");   // a line about another run names it itself
                Log.warn("poll.failed", "d-other", "chat_2");
            }
            Log.info("webhook.answered", null, null);
        }
        Log.info("outside", null, null);

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0).path("delivery").asText()).isEqualTo("d-1");
        assertThat(lines.get(0).has("run")).isFalse();
        assertThat(lines.get(1).path("delivery").asText()).isEqualTo("d-1");
        assertThat(lines.get(1).path("run").asText()).isEqualTo("github-c7");
        assertThat(lines.get(1).path("conversation").asText()).isEqualTo("chat_1");
        assertThat(lines.get(2).path("run").asText()).isEqualTo("github-c6");
        assertThat(lines.get(3).path("delivery").asText()).isEqualTo("d-other");
        assertThat(lines.get(3).path("conversation").asText()).isEqualTo("chat_2");
        assertThat(lines.get(4).has("run")).as("the run's scope closed").isFalse();
        assertThat(lines.get(4).path("delivery").asText()).isEqualTo("d-1");
        assertThat(lines.get(5).has("delivery")).isFalse();
    }
}
