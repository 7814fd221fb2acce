package dev.qabridge.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qabridge.core.Env;
import dev.qabridge.core.Secrets;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the credentials come from: the Secrets Manager secret named by {@code QA_BRIDGE_SECRET_ARN}
 * (a JSON object whose keys are the setting names, e.g. {@code GITHUB_TOKEN}), or, when that is unset,
 * the environment itself ({@code ./qa-bridge local}, {@code sam local invoke}). Read once per container.
 */
public final class SecretsLoader {
    public static final String SECRET_ARN = "QA_BRIDGE_SECRET_ARN";

    private SecretsLoader() {}

    public static Secrets load(Env env, AwsClients aws) {
        var arn = env.find(SECRET_ARN);
        if (arn.isEmpty()) {
            return Secrets.from(env);
        }
        try (var client = aws.secrets()) {
            String json = client.getSecretValue(r -> r.secretId(arn.get())).secretString();
            JsonNode node = new ObjectMapper().readTree(json);
            Map<String, String> values = new HashMap<>();
            node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
            return Secrets.from(new Env(values));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("The secret " + SECRET_ARN + " is not a JSON object of setting names to values");
        }
    }
}
