package dev.qabridge.actions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.aws.SnapStartHooks;
import dev.qabridge.core.Env;
import dev.qabridge.flow.Bridge;
import dev.qabridge.flow.Steps;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.priming.Priming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Lambda entry for the state machine's side-effect states (acknowledge, answer, resolve, start,
 * post-status, supersede, cancel, reply…). Input {@code {"action", "state", "retry", "stateMachine"}}:
 * the step, the run's state, the state's retry count and the state machine's ARN; output: that step's
 * result.
 */
public final class ActionsHandler implements RequestStreamHandler {
    private final Steps steps;
    /** Held so CRaC (which references hooks weakly) runs them around the SnapStart snapshot. */
    private final SnapStartHooks snapStart;

    public ActionsHandler() {
        this(Env.system());
    }

    public ActionsHandler(Env env) {
        this(new Bridge(env));
    }

    public ActionsHandler(Bridge bridge) {
        this.steps = bridge.steps();
        this.snapStart = SnapStartHooks.register(bridge.secretsLoader(), Priming.actions());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode request = JsonHttp.JSON.readTree(input);
        JsonNode result = steps.run(request.path("action").asText(), request.path("state"), request.path("retry").asInt(0),
                request.path("stateMachine").asText(""));
        JsonHttp.JSON.writeValue(output, result);
    }
}
