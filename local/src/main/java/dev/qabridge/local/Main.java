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
            case "local" -> local();
            case "demo" -> Demo.run();
            case "replay" -> Replay.main(args);
            default -> {
                System.err.println("unknown command '" + command + "'; try ./qa-bridge help");
                yield 2;
            }
        };
        System.exit(code);
    }

    static int local() throws Exception {
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
            stack = LocalStack.start(settings, port, root);
        } catch (IllegalStateException e) {
            System.err.println("qa-bridge local cannot start: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("qa-bridge local: stopping (moto pid " + stack.motoPid() + ")");
            stack.close();
            stopped.countDown();
        }));
        System.err.println("qa-bridge local is listening on " + stack.url());
        System.err.println("  POST " + stack.url() + "/webhooks/github   POST " + stack.url() + "/webhooks/gitlab   GET " + stack.url() + "/healthz");
        System.err.println("  state machine " + stack.stateMachineArn() + " on moto (pid " + stack.motoPid() + "); Ctrl-C stops everything");
        stopped.await();
        return 0;
    }
}
