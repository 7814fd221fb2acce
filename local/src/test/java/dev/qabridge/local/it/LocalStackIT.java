package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.awaitility.Awaitility.await;

/**
 * The shared happy-path scenario against LocalStack in Docker: the built function artifact deployed
 * into LocalStack's Lambda ({@code java21}), the table and the state machine from {@code statemachine/}
 * with the template's substitutions, QA.tech and GitHub fakes on the host. Skipped, with its reason,
 * where no Docker engine is reachable; {@link GitHubFlowIT} runs the same scenario on moto everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIT implements BridgeUnderTest {
    private static final String HOST = "host.docker.internal";

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4"))
            .withServices("lambda", "dynamodb", "stepfunctions", "iam", "sts", "logs")
            // Lambda runs in containers of its own: let them reach the fakes on this host
            .withEnv("LAMBDA_DOCKER_FLAGS", "--add-host=" + HOST + ":host-gateway");

    private static Fakes fakes;
    private static LambdaClient lambda;
    private static SfnClient sfn;
    private static String stateMachineArn;

    @BeforeAll
    static void deploy() throws Exception {
        fakes = new Fakes("0.0.0.0");
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        Region region = Region.of(LOCALSTACK.getRegion());
        var http = UrlConnectionHttpClient.builder().build();
        lambda = LambdaClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region).credentialsProvider(credentials).httpClient(http).build();
        sfn = SfnClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region).credentialsProvider(credentials).httpClient(http).build();
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials).httpClient(http).build()) {
            dynamo.createTable(r -> r.tableName(LocalStack.TABLE)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)).billingMode(BillingMode.PAY_PER_REQUEST));
        }
        SdkBytes code = SdkBytes.fromByteArray(artifact());
        Map<String, String> env = new HashMap<>();
        env.put("QATECH_API_URL", "http://" + HOST + ":" + fakes.qatech.port());
        env.put("QATECH_API_KEY", "it-qatech-key");
        env.put("QATECH_APPLICATION_ID", "app_shop");
        env.put("QATECH_PROJECT_ID", "proj_demo");
        env.put("GITHUB_API_URL", "http://" + HOST + ":" + fakes.github.port());
        env.put("GITHUB_TOKEN", "it-github-token");
        env.put("GITHUB_WEBHOOK_SECRET", GitHubPayloads.SECRET);
        env.put("QA_POLL_SECONDS", "1");
        env.put("QA_POLL_WINDOW_SECONDS", "5");
        env.put("TABLE_NAME", LocalStack.TABLE);
        String poller = function("PollerFunction", "dev.qabridge.poller.PollerHandler::handleRequest", code, env);
        // the actions function stops superseded runs by the state machine's ARN, known before it exists (as in the template)
        env.put("STATE_MACHINE_ARN", "arn:aws:states:" + LOCALSTACK.getRegion() + ":000000000000:stateMachine:qa-bridge");
        String actions = function("ActionsFunction", "dev.qabridge.actions.ActionsHandler::handleRequest", code, env);
        String definition = Files.readString(LocalStack.root().resolve("statemachine/qa-bridge.asl.json"))
                .replace("${PollerFunctionArn}", poller).replace("${ActionsFunctionArn}", actions);
        stateMachineArn = sfn.createStateMachine(r -> r.name("qa-bridge").definition(definition)
                .roleArn("arn:aws:iam::000000000000:role/qa-bridge")).stateMachineArn();
        env.put("STATE_MACHINE_ARN", stateMachineArn);
        function("WebhookFunction", "dev.qabridge.webhook.WebhookHandler::handleRequest", code, env);
    }

    @AfterAll
    static void stop() {
        if (fakes != null) {
            fakes.close();
        }
    }

    @Test
    void runsTheAgentOnThePreviewAndEditsTheStatusCommentWithItsAnswer() throws Exception {
        Scenarios.happyPath(this);
    }

    @Override
    public Fakes fakes() {
        return fakes;
    }

    @Override
    public Delivered deliverGitHub(String event, String delivery, ObjectNode payload) throws Exception {
        String body = payload.toString();
        ObjectNode apiEvent = JsonHttp.JSON.createObjectNode().put("version", "2.0").put("routeKey", "POST /webhooks/github")
                .put("rawPath", "/webhooks/github").put("body", body).put("isBase64Encoded", false);
        apiEvent.putObject("headers").put("content-type", "application/json").put("x-github-event", event)
                .put("x-github-delivery", delivery)
                .put("x-hub-signature-256", GitHubSignature.sign(GitHubPayloads.SECRET, body.getBytes(StandardCharsets.UTF_8)));
        apiEvent.putObject("requestContext").putObject("http").put("method", "POST").put("path", "/webhooks/github");
        var r = lambda.invoke(i -> i.functionName("WebhookFunction").payload(SdkBytes.fromUtf8String(apiEvent.toString())));
        JsonNode response = JsonHttp.JSON.readTree(r.payload().asUtf8String());
        return new Delivered(response.path("statusCode").asInt(), response.path("body").asText());
    }

    @Override
    public DescribeExecutionResponse awaitEnd(String runId) {
        String arn = stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + runId;
        return await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> sfn.describeExecution(r -> r.executionArn(arn)), d -> d.status() != ExecutionStatus.RUNNING);
    }

    private static String function(String name, String handler, SdkBytes code, Map<String, String> env) {
        String arn = lambda.createFunction(f -> f.functionName(name).runtime(Runtime.JAVA21).handler(handler)
                .role("arn:aws:iam::000000000000:role/qa-bridge").code(c -> c.zipFile(code)).timeout(150).memorySize(1024)
                .environment(e -> e.variables(env))).functionArn();
        lambda.waiter().waitUntilFunctionActiveV2(w -> w.functionName(name));
        return arn;
    }

    /** The deployment zip as `sam build` makes it: the functions jar and its runtime jars under lib/. */
    private static byte[] artifact() throws Exception {
        Path lib = LocalStack.root().resolve("local/target/lib");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> !p.getFileName().toString().startsWith("slf4j-nop")).toList()) {
                zip.putNextEntry(new ZipEntry("lib/" + jar.getFileName()));
                zip.write(Files.readAllBytes(jar));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

}
