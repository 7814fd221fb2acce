package dev.qabridge.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run costs at AWS list prices (us-east-1), with the functions' memory sizes and architecture read
 * from {@code template.yaml} as it is now (a function's own {@code MemorySize}, else the Globals'; the
 * Globals' {@code Architectures}), and the poll settings' defaults the deployed bridge runs with.
 * The prices are inputs, written once here with where they come from; every quantity they multiply is
 * measured or simulated by the benchmark.
 */
record Pricing(String architecture, Map<String, Integer> memoryMb, int pollSeconds, int pollWindowSeconds, int timeoutMinutes) {
    /** Step Functions Standard: $0.025 per 1,000 state transitions. */
    static final double PER_TRANSITION = 0.025 / 1000;
    /** Lambda requests: $0.20 per million. */
    static final double PER_LAMBDA_REQUEST = 0.20 / 1_000_000;
    /** Lambda duration per GB-second (billed per ms): arm64 (Graviton) and x86_64. */
    static final double PER_GB_SECOND_ARM64 = 0.0000133334;
    static final double PER_GB_SECOND_X86 = 0.0000166667;
    /** Step Functions Express: $1.00 per million executions, $0.00001667 per GB-second, billed per 100 ms and per 64 MB of memory. */
    static final double PER_EXPRESS_REQUEST = 1.00 / 1_000_000;
    static final double PER_EXPRESS_GB_SECOND = 0.00001667;
    static final int EXPRESS_BILLING_MS = 100;
    static final int EXPRESS_MEMORY_MB = 64;

    static final String WEBHOOK = "webhook";
    static final String POLLER = "poller";
    static final String ACTIONS = "actions";

    /** Reads {@code template.yaml} under {@code root}; CloudFormation's short tags ({@code !Ref X}) read as their argument. */
    static Pricing fromTemplate(Path root) throws IOException {
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("template.yaml").toFile());
        JsonNode globals = template.path("Globals").path("Function");
        JsonNode parameters = template.path("Parameters");
        Map<String, Integer> memory = new LinkedHashMap<>();
        template.path("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                JsonNode props = r.getValue().path("Properties");
                String handler = props.path("Handler").asText();
                String function = handler.contains(".webhook.") ? WEBHOOK : handler.contains(".poller.") ? POLLER
                        : handler.contains(".actions.") ? ACTIONS : r.getKey();
                JsonNode size = props.has("MemorySize") ? props.path("MemorySize") : globals.path("MemorySize");
                memory.put(function, resolve(size, parameters).asInt(128));
            }
        });
        for (String f : new String[] {WEBHOOK, POLLER, ACTIONS}) {
            if (!memory.containsKey(f)) {
                throw new IllegalStateException("template.yaml has no function whose Handler is in dev.qabridge." + f);
            }
        }
        JsonNode architectures = globals.path("Architectures");
        String architecture = architectures.isArray() && !architectures.isEmpty()
                ? resolve(architectures.get(0), parameters).asText("x86_64") : "x86_64";
        return new Pricing(architecture, Map.copyOf(memory), resolve(parameters.path("QaPollSeconds").path("Default"), parameters).asInt(),
                resolve(parameters.path("QaPollWindowSeconds").path("Default"), parameters).asInt(),
                resolve(parameters.path("QaTimeoutMinutes").path("Default"), parameters).asInt());
    }

    /** A value, or the default of the parameter it names (what {@code !Ref Parameter} gives at a default deployment). */
    private static JsonNode resolve(JsonNode value, JsonNode parameters) {
        if (value.isTextual() && parameters.has(value.asText())) {
            return parameters.path(value.asText()).path("Default");
        }
        return value;
    }

    double perGbSecond() {
        return architecture.equals("arm64") ? PER_GB_SECOND_ARM64 : PER_GB_SECOND_X86;
    }

    /** One Lambda invocation of {@code function} billed for {@code millis} (rounded up to the ms, as Lambda bills). */
    double lambda(String function, double millis) {
        double billed = Math.max(1, Math.ceil(millis));
        return PER_LAMBDA_REQUEST + billed / 1000 * memoryMb.get(function) / 1024.0 * perGbSecond();
    }

    /** One Express execution lasting {@code millis} with the least memory Express bills. */
    static double express(double millis) {
        double billed = Math.max(1, Math.ceil(millis / EXPRESS_BILLING_MS)) * EXPRESS_BILLING_MS;
        return PER_EXPRESS_REQUEST + billed / 1000 * EXPRESS_MEMORY_MB / 1024.0 * PER_EXPRESS_GB_SECOND;
    }

    static double transitions(long n) {
        return n * PER_TRANSITION;
    }

    /** "arm64, webhook 1024 MB, poller 256 MB, actions 1024 MB". */
    String describe() {
        return architecture + ", webhook " + memoryMb.get(WEBHOOK) + " MB, poller " + memoryMb.get(POLLER) + " MB, actions "
                + memoryMb.get(ACTIONS) + " MB";
    }
}
