package dev.qabridge.local;

import dev.qabridge.core.Env;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code ./qa-bridge local}: the bridge on this machine, in the foreground until Ctrl-C or SIGTERM. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "local" : args[0];
        int code = switch (command) {
            case "local" -> local(java.util.Arrays.asList(args).subList(1, args.length));
            case "demo" -> Demo.run();
            case "replay" -> Replay.main(args);
            default -> {
                System.err.println("unknown command '" + command + "'; try ./qa-bridge help");
                yield 2;
            }
        };
        System.exit(code);
    }

    static int local(List<String> args) throws Exception {
        java.util.Optional<String> endpoint = java.util.Optional.empty();
        int lambdaPort = 0;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--aws-endpoint" -> endpoint = java.util.Optional.of(args.get(++i));
                case "--lambda-port" -> lambdaPort = Integer.parseInt(args.get(++i));
                default -> {
                    System.err.println("unknown option " + args.get(i) + " (try --aws-endpoint <url> [--lambda-port <port>])");
                    return 2;
                }
            }
        }
        Path root = LocalStack.root();
        Map<String, String> settings = LocalSettings.load(root.resolve(".env"));
        List<String> missing = LocalSettings.missing(settings);
        if (!missing.isEmpty()) {
            System.err.println("qa-bridge local needs these settings (environment variables or a .env file; .env.example lists them all):");
            missing.forEach(m -> System.err.println("  - " + m));
            System.err.println("No accounts yet? ./qa-bridge demo runs the whole flow against simulations.");
            return 2;
        }
        int port = new Env(settings).integer("QA_BRIDGE_PORT", 3000);
        LocalStack stack;
        try {
            stack = LocalStack.start(settings, port, root, endpoint, lambdaPort);
        } catch (IllegalStateException e) {
            System.err.println("qa-bridge local cannot start: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("qa-bridge local: stopping" + stack.motoPid().map(pid -> " (moto pid " + pid + ")").orElse(""));
            stack.close();
            stopped.countDown();
        }));
        System.err.println("qa-bridge local is listening on " + stack.url());
        System.err.println("  POST " + stack.url() + "/webhooks/github   POST " + stack.url() + "/webhooks/gitlab   GET " + stack.url() + "/healthz");
        System.err.println("  state machine " + stack.stateMachineArn() + stack.motoPid().map(pid -> " on moto (pid " + pid + ")")
                .orElse(" on " + stack.environment().get("AWS_ENDPOINT_URL")) + "; Ctrl-C stops everything");
        if (endpoint.isPresent()) {
            System.err.println("  its Lambda tasks are served on 127.0.0.1:" + stack.lambdaPort() + ": start moto with MOTO_PORT="
                    + stack.lambdaPort() + "; on LocalStack, deploy the functions there (samlocal deploy) instead");
        }
        stopped.await();
        return 0;
    }
}
