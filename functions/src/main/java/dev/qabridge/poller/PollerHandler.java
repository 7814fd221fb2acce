package dev.qabridge.poller;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.Env;
import dev.qabridge.flow.Bridge;
import dev.qabridge.flow.Poller;
import dev.qabridge.http.JsonHttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Lambda entry for the state machine's {@code PollConversation} task. */
public final class PollerHandler implements RequestStreamHandler {
    private final Poller poller;

    public PollerHandler() {
        this(Env.system());
    }

    public PollerHandler(Env env) {
        this(new Bridge(env));
    }

    public PollerHandler(Bridge bridge) {
        this.poller = bridge.poller();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectNode state = (ObjectNode) JsonHttp.JSON.readTree(input);
        JsonHttp.JSON.writeValue(output, poller.poll(state));
    }
}
