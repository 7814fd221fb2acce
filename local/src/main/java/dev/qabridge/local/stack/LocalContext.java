package dev.qabridge.local.stack;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The Lambda {@link Context} a handler sees when the local stack invokes it in-process. */
public final class LocalContext implements Context {
    private final String function;
    private final String requestId = UUID.randomUUID().toString();

    public LocalContext(String function) {
        this.function = function;
    }

    @Override public String getAwsRequestId() { return requestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/" + function; }
    @Override public String getLogStreamName() { return "local"; }
    @Override public String getFunctionName() { return function; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return LocalStack.functionArn(function); }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 30_000; }
    @Override public int getMemoryLimitInMB() { return 1024; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.err.println(message); }
            @Override public void log(byte[] message) { System.err.println(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
