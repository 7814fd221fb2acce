package dev.qabridge.reply;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.Env;
import dev.qabridge.flow.Bridge;
import dev.qabridge.flow.Replier;
import dev.qabridge.http.JsonHttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Lambda entry for the state machine's {@code ReplyOnPullRequest} task. */
public final class ReplyHandler implements RequestStreamHandler {
    private final Replier replier;

    public ReplyHandler() {
        this(Env.system());
    }

    public ReplyHandler(Env env) {
        this(new Bridge(env));
    }

    public ReplyHandler(Bridge bridge) {
        this.replier = bridge.replier();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectNode state = (ObjectNode) JsonHttp.JSON.readTree(input);
        JsonHttp.JSON.writeValue(output, replier.reply(state));
    }
}
