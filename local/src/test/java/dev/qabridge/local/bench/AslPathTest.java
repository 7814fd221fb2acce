package dev.qabridge.local.bench;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark's walk of a state machine definition: the states a run enters before, in and after its wait loop. */
class AslPathTest {
    static final String LOOP = """
            {"StartAt": "Start", "States": {
              "Start": {"Type": "Task", "Resource": "${ActionsFunctionArn}", "Next": "Which"},
              "Which": {"Type": "Choice", "Choices": [
                  {"And": [{"Variable": "$.command", "StringEquals": "help"}, {"Not": {"Variable": "$.urgent", "IsPresent": true}}], "Next": "Done"},
                  {"Variable": "$.tries[0]", "NumericGreaterThan": 2, "Next": "Done"}],
                "Default": "Claim"},
              "Claim": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "Next": "Wait"},
              "Wait": {"Type": "Wait", "SecondsPath": "$.poll.waitSeconds", "Next": "Poll"},
              "Poll": {"Type": "Task", "Resource": "${PollerFunctionArn}", "ResultPath": "$.poll", "Next": "IsDone"},
              "IsDone": {"Type": "Choice", "Choices": [{"Variable": "$.poll.done", "BooleanEquals": true, "Next": "Reply"}], "Default": "Wait"},
              "Reply": {"Type": "Task", "Resource": "${ActionsFunctionArn}", "Next": "Done"},
              "Done": {"Type": "Succeed"}}}""";

    @Test
    void findsTheStatesBeforeInAndAfterTheWaitLoop() throws Exception {
        AslPath path = AslPath.walk(json(LOOP), "PollerFunctionArn", json("{\"command\":\"run\",\"tries\":[1],\"poll\":{\"done\":false}}"),
                json("{\"command\":\"run\",\"tries\":[1],\"poll\":{\"done\":true}}"));

        assertThat(path.before()).containsExactly("Start", "Which", "Claim");
        assertThat(path.loop()).containsExactly("Wait", "Poll", "IsDone");
        assertThat(path.lastLoop()).containsExactly("Wait", "Poll", "IsDone");
        assertThat(path.after()).containsExactly("Reply", "Done");
        assertThat(path.pollTask()).isEqualTo("Poll");
        assertThat(path.replyTask()).isEqualTo("Reply");
        assertThat(path.serviceTasks()).containsExactly("Claim");
        assertThat(path.transitions(1)).isEqualTo(8);
        assertThat(path.transitions(4)).isEqualTo(17);
    }

    @Test
    void choicesDecideThePathAsStepFunctionsWould() throws Exception {
        JsonNode help = json("{\"command\":\"help\",\"poll\":{\"done\":false}}");
        JsonNode retried = json("{\"command\":\"run\",\"tries\":[3],\"poll\":{\"done\":false}}");

        assertThatThrownBy(() -> AslPath.walk(json(LOOP), "PollerFunctionArn", help, help)).hasMessageContaining("without a loop");
        assertThatThrownBy(() -> AslPath.walk(json(LOOP), "PollerFunctionArn", retried, retried)).hasMessageContaining("without a loop");
    }

    @Test
    void refusesARuleItCannotEvaluateByName() throws Exception {
        String jsonata = LOOP.replace("{\"Variable\": \"$.poll.done\", \"BooleanEquals\": true, \"Next\": \"Reply\"}",
                "{\"Condition\": \"{% $states.input.poll.done %}\", \"Next\": \"Reply\"}");

        assertThatThrownBy(() -> AslPath.walk(json(jsonata), "PollerFunctionArn", json("{\"poll\":{\"done\":false}}"),
                json("{\"poll\":{\"done\":true}}"))).hasMessageContaining("IsDone");
    }

    @Test
    void walksTheRealDefinitionWithAHappyRunsDocuments() throws Exception {
        JsonNode definition = JsonHttp.JSON.readTree(LocalStack.root().resolve("statemachine/qa-bridge.asl.json").toFile());
        String run = """
                {"command":"run","target":{"url":"https://pr-7.preview.example.com","sha":"6dcb09b"},"conversation":{"id":"chat_1"},
                 "status":{"commentId":"9001"},"pending":{"sha":"6dcb09b","checkRunId":""},"poll":{"done":%s,"waitSeconds":0}}""";

        AslPath path = AslPath.walk(definition, "PollerFunctionArn", json(run.formatted("false")), json(run.formatted("true")));

        assertThat(path.before().get(0)).isEqualTo(definition.path("StartAt").asText());
        assertThat(path.loop()).contains(path.pollTask());
        assertThat(definition.path("States").path(path.after().get(path.after().size() - 1)).path("Type").asText()).isEqualTo("Succeed");
        assertThat(path.transitions(5) - path.transitions(4)).isEqualTo(path.loop().size());
    }

    static JsonNode json(String text) throws Exception {
        return JsonHttp.JSON.readTree(text);
    }
}
