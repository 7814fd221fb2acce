package dev.qabridge.local.stack;

import dev.qabridge.aws.AwsClients;
import dev.qabridge.aws.SecretsLoader;
import dev.qabridge.core.Env;
import dev.qabridge.flow.Bridge;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.poller.PollerHandler;
import dev.qabridge.actions.ActionsHandler;
import dev.qabridge.webhook.WebhookHandler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The whole bridge on one machine: moto server (DynamoDB + Step Functions executing the real
 * {@code statemachine/} file), a Lambda Invoke router running the real handlers in-process, and an
 * HTTP front door standing in for API Gateway. Used by {@code ./qa-bridge local} and every *IT.
 */
public final class LocalStack implements AutoCloseable {
    public static final String TABLE = "qa-bridge-runs";
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";

    private final LambdaRouter router;
    private final Optional<MotoServer> moto;
    private final FrontDoor frontDoor;
    private final String stateMachineArn;
    private final AwsClients aws;
    private final DynamoDbClient dynamo;
    private final WebhookHandler webhook;
    private final Map<String, String> environment;

    private LocalStack(LambdaRouter router, Optional<MotoServer> moto, FrontDoor frontDoor, String stateMachineArn, AwsClients aws, DynamoDbClient dynamo,
                       WebhookHandler webhook, Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        this.router = router;
        this.moto = moto;
        this.frontDoor = frontDoor;
        this.stateMachineArn = stateMachineArn;
        this.aws = aws;
        this.dynamo = dynamo;
        this.webhook = webhook;
    }

    public static String functionArn(String function) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + function;
    }

    /**
     * Starts everything. {@code settings} are the same variables the deployed functions read; the
     * AWS ones (endpoint, table, state machine) are filled in here. {@code port} 0 picks a free one.
     */
    public static LocalStack start(Map<String, String> settings, int port, Path root) throws IOException, InterruptedException {
        return start(settings, port, root, Optional.empty(), 0, SecretSource.ENVIRONMENT);
    }

    /** As {@link #start(Map, int, Path)}, with the credentials where {@code secrets} says. */
    public static LocalStack start(Map<String, String> settings, int port, Path root, SecretSource secrets)
            throws IOException, InterruptedException {
        return start(settings, port, root, Optional.empty(), 0, secrets);
    }

    /** Where the handlers read their credentials. */
    public enum SecretSource {
        /** From their environment, as {@code sam local invoke} passes them. */
        ENVIRONMENT,
        /**
         * From Secrets Manager, as in AWS: the credentials among the settings are put into one secret per
         * concern (webhook, platform, agent, preview; {@link SecretsLoader#KEYS}) on the local endpoint, and
         * the handlers get only the {@code QA_BRIDGE_*_SECRET_ARN} settings. Rotate them with
         * {@link LocalStack#putSecretValue}.
         */
        SECRETS_MANAGER
    }

    /**
     * As {@link #start(Map, int, Path)}, but with {@code awsEndpoint} uses an AWS-compatible endpoint that
     * is already running (a moto server started with {@code MOTO_PORT=<lambdaPort>}, LocalStack…) instead of
     * starting moto; {@code lambdaPort} fixes the port of the Lambda Invoke endpoint (0: any free port).
     */
    public static LocalStack start(Map<String, String> settings, int port, Path root, Optional<String> awsEndpoint, int lambdaPort)
            throws IOException, InterruptedException {
        return start(settings, port, root, awsEndpoint, lambdaPort, SecretSource.ENVIRONMENT);
    }

    /** The most general start: {@code awsEndpoint} and {@code lambdaPort} as above, credentials from {@code secrets}. */
    public static LocalStack start(Map<String, String> settings, int port, Path root, Optional<String> awsEndpoint, int lambdaPort,
                                   SecretSource secrets) throws IOException, InterruptedException {
        LambdaRouter router = new LambdaRouter(lambdaPort);
        MotoServer moto = null;
        try {
            String endpoint;
            if (awsEndpoint.isPresent()) {
                endpoint = awsEndpoint.get();
            } else {
                moto = MotoServer.start(freePort(), router.port(), Files.createTempFile("qa-bridge-moto-", ".log"));
                endpoint = moto.endpoint();
            }
            router.forwardTo(endpoint);

            Map<String, String> env = new HashMap<>(settings);
            SecretsLoader.ARN_SETTINGS.forEach(env::remove);
            env.put("AWS_ENDPOINT_URL", endpoint);
            env.put("AWS_REGION", REGION);
            AwsClients aws = new AwsClients(new Env(env));
            DynamoDbClient dynamo = dynamoClient(endpoint);
            createTable(dynamo);
            if (secrets == SecretSource.SECRETS_MANAGER) {
                moveSecretsToSecretsManager(aws, env);
            }
            String arn = createStateMachine(aws, root);
            env.put("STATE_MACHINE_ARN", arn);

            Bridge bridge = new Bridge(new Env(env));
            WebhookHandler webhook = new WebhookHandler(bridge);
            router.register("PollerFunction", new PollerHandler(bridge));
            router.register("ActionsFunction", new ActionsHandler(bridge));
            RunReports reports = new RunReports(aws.stepFunctions(), arn);
            FrontDoor door = new FrontDoor(port, webhook, reports::report);
            return new LocalStack(router, Optional.ofNullable(moto), door, arn, aws, dynamo, webhook, env);
        } catch (IOException | InterruptedException | RuntimeException e) {
            router.close();
            if (moto != null) {
                moto.close();
            }
            throw e;
        }
    }

    /** Where the project lives (for {@code statemachine/}): {@code -Dqabridge.root}, else the working directory. */
    public static Path root() {
        return Path.of(Optional.ofNullable(System.getProperty("qabridge.root")).orElse(".")).toAbsolutePath().normalize();
    }

    public int port() {
        return frontDoor.port();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The environment the handlers run with (settings plus the local AWS endpoint, table and state machine). */
    public Map<String, String> environment() {
        return environment;
    }

    public String stateMachineArn() {
        return stateMachineArn;
    }

    /** The moto server this stack started, if it started one. */
    public Optional<Long> motoPid() {
        return moto.map(MotoServer::pid);
    }

    /** Where moto's Task states must send Lambda invocations ({@code MOTO_PORT}). */
    public int lambdaPort() {
        return router.port();
    }

    /** The webhook handler behind the front door, for feeding it events directly (as {@code sam local invoke} does). */
    public WebhookHandler webhook() {
        return webhook;
    }

    /** A state machine task's handler by function name ({@code PollerFunction}, {@code ActionsFunction}). */
    public com.amazonaws.services.lambda.runtime.RequestStreamHandler function(String name) {
        return router.function(name);
    }

    public long invocations(String function) {
        return router.invocations(function);
    }

    public SfnClient stepFunctions() {
        return aws.stepFunctions();
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    /**
     * Puts a new version, holding {@code values}, of the secret named by {@code arnSetting}
     * ({@code QA_BRIDGE_AGENT_SECRET_ARN}…), as {@code aws secretsmanager put-secret-value} does; the handlers
     * see it within their TTL.
     */
    public void putSecretValue(String arnSetting, Map<String, String> values) {
        String arn = Optional.ofNullable(environment.get(arnSetting)).orElseThrow(() -> new IllegalStateException(
                arnSetting + " is not set: start the stack with SecretSource.SECRETS_MANAGER and a credential of that secret"));
        aws.secrets().putSecretValue(r -> r.secretId(arn).secretString(json(values)));
    }

    /** One secret per concern that has a value among the settings; the values leave the handlers' environment. */
    private static void moveSecretsToSecretsManager(AwsClients aws, Map<String, String> env) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        for (Map.Entry<String, List<String>> concern : SecretsLoader.KEYS.entrySet()) {
            Map<String, String> values = new TreeMap<>();
            for (String key : concern.getValue()) {
                String value = env.remove(key);
                if (value != null && !value.isBlank()) {
                    values.put(key, value);
                }
            }
            if (!values.isEmpty()) {
                String name = "qa-bridge-" + concern.getKey().replace("QA_BRIDGE_", "").replace("_SECRET_ARN", "").toLowerCase(Locale.ROOT)
                        + "-" + suffix;
                String arn = aws.secrets().createSecret(r -> r.name(name).secretString(json(values))).arn();
                env.put(concern.getKey(), arn);
            }
        }
    }

    private static String json(Map<String, String> values) {
        return JsonHttp.JSON.valueToTree(values).toString();
    }

    /** The run table's client: the local stack creates the table, and tests read it (the functions never call DynamoDB). */
    private static DynamoDbClient dynamoClient(String endpoint) {
        return DynamoDbClient.builder().endpointOverride(java.net.URI.create(endpoint))
                .region(software.amazon.awssdk.regions.Region.of(REGION))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("qa-bridge-local", "qa-bridge-local")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
    }

    private static void createTable(DynamoDbClient dynamo) {
        try {
            dynamo.createTable(r -> r.tableName(TABLE)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                    .billingMode(BillingMode.PAY_PER_REQUEST));
            dynamo.updateTimeToLive(r -> r.tableName(TABLE).timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
        } catch (ResourceInUseException alreadyThere) {
            // an endpoint that outlives us already has it
        }
    }

    /** Substitutes the template's {@code DefinitionSubstitutions} the way CloudFormation does, then creates it. */
    private static String createStateMachine(AwsClients aws, Path root) throws IOException {
        String definition = Files.readString(root.resolve("statemachine").resolve("qa-bridge.asl.json"))
                .replace("${PollerFunctionArn}", functionArn("PollerFunction"))
                .replace("${ActionsFunctionArn}", functionArn("ActionsFunction"))
                .replace("${RunTableName}", TABLE);
        return aws.stepFunctions().createStateMachine(r -> r.name("qa-bridge-" + UUID.randomUUID().toString().substring(0, 8))
                .definition(definition)
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/qa-bridge-local")
                .type(StateMachineType.STANDARD)).stateMachineArn();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The Lambda router, for the end-to-end tests' fault hooks. */
    public LambdaRouter router() {
        return router;
    }

    @Override
    public void close() {
        frontDoor.close();
        router.close();
        moto.ifPresent(MotoServer::close);
    }
}
