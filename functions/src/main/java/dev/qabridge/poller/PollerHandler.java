package dev.qabridge.poller;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.qabridge.aws.SnapStartHooks;
import dev.qabridge.core.Env;
import dev.qabridge.flow.Bridge;
import dev.qabridge.flow.Poller;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.priming.Priming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Lambda entry for the state machine's {@code PollConversation} task: input the run's state, output its new {@code poll}. */
public final class PollerHandler implements RequestStreamHandler {
    private final Poller poller;
    /** Held so CRaC (which references hooks weakly) runs them around the SnapStart snapshot. */
    private final SnapStartHooks snapStart;

    public PollerHandler() {
        this(Env.system());
    }

    public PollerHandler(Env env) {
        this(new Bridge(env));
    }

    public PollerHandler(Bridge bridge) {
        this.poller = bridge.poller();
        this.snapStart = SnapStartHooks.register(bridge.secretsLoader(), Priming.poller());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try {
            JsonHttp.JSON.writeValue(output, poller.poll(JsonHttp.JSON.readTree(input)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting between looks", e);
        }
    }
}
