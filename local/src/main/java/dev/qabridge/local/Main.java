package dev.qabridge.local;

import dev.qabridge.local.demo.Demo;
import dev.qabridge.local.demo.Replay;
import dev.qabridge.local.stack.CannotStart;
import dev.qabridge.local.stack.DeliveryLog;
import dev.qabridge.local.stack.LocalSettings;
import dev.qabridge.local.stack.LocalStack;

import dev.qabridge.core.Env;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** {@code ./qa-bridge local}: the bridge on this machine, in the foreground until Ctrl-C or SIGTERM. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "local" : args[0];
        int code;
        try {
            code = switch (command) {
                case "local" -> local(java.util.Arrays.asList(args).subList(1, args.length));
                case "demo" -> Demo.run();
                case "replay" -> Replay.main(args);
                default -> {
                    System.err.println("unknown command '" + command + "'; try ./qa-bridge help");
                    yield 2;
                }
            };
        } catch (CannotStart e) {
            System.err.println(e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    /** Why {@code port} on 127.0.0.1 cannot be listened on; empty when it is free (a moment ago). */
    static Optional<String> taken(int port, String setting) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("port " + port + " is taken: set " + setting + " to a free port (in .env or the environment)"
                    + (e instanceof BindException ? "" : " (" + e.getMessage() + ")"));
        }
    }

    static int local(List<String> args) throws Exception {
        Optional<String> endpoint = Optional.empty();
        int lambdaPort = 0;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--aws-endpoint" -> endpoint = Optional.of(args.get(++i));
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
        // Checked before moto starts (seconds), so that a taken port is said at once.
        Optional<String> taken = taken(port, "QA_BRIDGE_PORT");
        if (taken.isEmpty() && lambdaPort != 0) {
            taken = taken(lambdaPort, "--lambda-port");
        }
        if (taken.isPresent()) {
            System.err.println("qa-bridge local: " + taken.get());
            return 2;
        }
        // Registered before anything starts: SIGTERM or Ctrl-C during start-up stops what has started so far
        // (moto itself, while it starts, is stopped by MotoServer's own hook).
        AtomicReference<LocalStack> started = new AtomicReference<>();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            LocalStack running = started.get();
            System.err.println("qa-bridge local: stopping" + (running == null ? " during start-up"
                    : running.motoPid().map(pid -> " (moto pid " + pid + ")").orElse("")));
            if (running != null) {
                running.close();
            }
            stopped.countDown();
        }, "stop-local-stack"));
        DeliveryLog.sendTo(System.out); // the bridge's log lines on stdout, and kept for ./qa-bridge replay
        LocalStack stack;
        try {
            stack = LocalStack.start(settings, port, root, endpoint, lambdaPort);
            started.set(stack);
        } catch (BindException e) {
            System.err.println("qa-bridge local: " + taken(port, "QA_BRIDGE_PORT").orElse("cannot listen: " + e.getMessage()));
            return 2;
        } catch (IllegalStateException | IOException e) {
            if (stopping.get()) {
                stopped.await();
                return 143;
            }
            System.err.println("qa-bridge local cannot start: " + e.getMessage());
            return 2;
        }
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
