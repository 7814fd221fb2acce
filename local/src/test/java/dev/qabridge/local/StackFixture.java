package dev.qabridge.local;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * One local stack (moto + handlers + front door) wired to fresh QA.tech, GitHub and GitLab fakes.
 * As a JUnit extension ({@link #perClass}) it starts once for a test class, resets the fakes before
 * each test, and stops after the last.
 */
final class StackFixture implements BridgeUnderTest, AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    Fakes fakes;
    LocalStack stack;
    SfnClient sfn;
    private final Map<String, String> overrides;
    private final LocalStack.SecretSource secrets;

    /** {@code @RegisterExtension static final StackFixture fx = StackFixture.perClass(Map.of(...));} */
    static StackFixture perClass(Map<String, String> overrides) {
        return perClass(overrides, LocalStack.SecretSource.ENVIRONMENT);
    }

    /** As {@link #perClass(Map)}, with the credentials where {@code secrets} says (moto's Secrets Manager, as in AWS). */
    static StackFixture perClass(Map<String, String> overrides, LocalStack.SecretSource secrets) {
        try {
            return new StackFixture(overrides, secrets, false);
        } catch (Exception cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    private StackFixture(Map<String, String> overrides, LocalStack.SecretSource secrets, boolean startNow) throws Exception {
        this.overrides = overrides;
        this.secrets = secrets;
        if (startNow) {
            start();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        fakes.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Started at once, for a test class that manages its own lifecycle. */
    StackFixture(Map<String, String> overrides) throws Exception {
        this(overrides, LocalStack.SecretSource.ENVIRONMENT, true);
    }

    private void start() throws Exception {
        this.fakes = new Fakes();
        Map<String, String> settings = defaults(fakes);
        settings.putAll(overrides);
        try {
            stack = LocalStack.start(settings, 0, LocalStack.root(), secrets);
        } catch (Exception e) {
            fakes.close();
            throw e;
        }
        sfn = stack.stepFunctions();
    }

    /** A fixture around a stack started elsewhere; closing it closes both. */
    StackFixture(Fakes fakes, LocalStack stack) {
        this.overrides = Map.of();
        this.secrets = LocalStack.SecretSource.ENVIRONMENT;
        this.fakes = fakes;
        this.stack = stack;
        this.sfn = stack.stepFunctions();
    }

    /** The settings every IT starts from: the fakes' URLs, test credentials, a 1 s poll, a 5 min timeout. */
    static Map<String, String> defaults(Fakes fakes) {
        Map<String, String> settings = new HashMap<>();
        settings.put("QATECH_API_URL", fakes.qatechUrl());
        settings.put("QATECH_API_KEY", "it-qatech-key");
        settings.put("QATECH_APPLICATION_ID", "app_shop");
        settings.put("QATECH_PROJECT_ID", "proj_demo");
        settings.put("GITHUB_API_URL", fakes.githubUrl());
        settings.put("GITHUB_TOKEN", "it-github-token");
        settings.put("GITHUB_WEBHOOK_SECRET", GitHubPayloads.SECRET);
        settings.put("GITLAB_API_URL", fakes.gitlabApiUrl());
        settings.put("GITLAB_TOKEN", GitLabPayloads.TOKEN);
        settings.put("GITLAB_WEBHOOK_SECRET", GitLabPayloads.SECRET);
        settings.put("GITLAB_WEBHOOK_SIGNING_TOKEN", GitLabPayloads.SIGNING_TOKEN);
        settings.put("QA_POLL_SECONDS", "1");
        settings.put("QA_POLL_WINDOW_SECONDS", "5");
        settings.put("QA_TIMEOUT_MINUTES", "5");
        return settings;
    }

    @Override
    public Fakes fakes() {
        return fakes;
    }

    @Override
    public Delivered deliverGitHub(String event, String delivery, com.fasterxml.jackson.databind.node.ObjectNode payload) throws Exception {
        var r = GitHubPayloads.deliver(url(), event, delivery, payload);
        return new Delivered(r.statusCode(), r.body());
    }

    String url() {
        return stack.url();
    }

    String executionArn(String runId) {
        return stack.stateMachineArn().replace(":stateMachine:", ":execution:") + ":" + runId;
    }

    /** Waits (polling, with a deadline) until the run's execution has ended, and returns how it ended. */
    @Override
    public DescribeExecutionResponse awaitEnd(String runId) {
        String arn = executionArn(runId);
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> sfn.describeExecution(r -> r.executionArn(arn)), d -> d.status() != ExecutionStatus.RUNNING);
    }

    @Override
    public void close() {
        sfn.close();
        stack.close();
        fakes.close();
    }
}
