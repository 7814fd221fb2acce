package dev.qabridge.aws;

import dev.qabridge.core.Env;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the AWS SDK clients once per container, each on first use: region from {@code AWS_REGION}, the light
 * url-connection HTTP client, and {@code AWS_ENDPOINT_URL} (moto, LocalStack) when set.
 */
public final class AwsClients {
    /** At most this long per GetSecretValue; a read that fails keeps the values in hand (see SecretsLoader). */
    public static final Duration SECRETS_CALL_TIMEOUT = Duration.ofSeconds(2);

    private final Region region;
    private final Optional<URI> endpoint;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http = UrlConnectionHttpClient.builder().build();

    public AwsClients(Env env) {
        this.region = Region.of(env.get("AWS_REGION", "us-east-1"));
        this.endpoint = env.find("AWS_ENDPOINT_URL").map(URI::create);
        // Local endpoints accept any key; in Lambda the role's credentials come from the environment.
        this.credentials = endpoint.isPresent() && env.find("AWS_ACCESS_KEY_ID").isEmpty()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("qa-bridge-local", "qa-bridge-local"))
                : DefaultCredentialsProvider.builder().build();
    }

    private SfnClient sfn;
    private SecretsManagerClient secrets;

    public synchronized SfnClient stepFunctions() {
        if (sfn == null) {
            sfn = configure(SfnClient.builder()).httpClient(http).build();
        }
        return sfn;
    }

    /**
     * The Secrets Manager client, each call bounded by {@link #SECRETS_CALL_TIMEOUT} (retries included): after a
     * SnapStart restore the secrets are read inside the restore hook, and Lambda fails a restore whose hooks run
     * past 10 s. Up to three secrets per function, read one after the other, stay well inside that.
     */
    public synchronized SecretsManagerClient secrets() {
        if (secrets == null) {
            secrets = configure(SecretsManagerClient.builder()).httpClient(http)
                    .overrideConfiguration(o -> o.apiCallTimeout(SECRETS_CALL_TIMEOUT))
                    .build();
        }
        return secrets;
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        builder.region(region).credentialsProvider(credentials);
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }
}
