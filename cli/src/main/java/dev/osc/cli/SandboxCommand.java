package dev.osc.cli;

import dev.osc.engine.sandbox.PortInUseException;
import dev.osc.engine.sandbox.SandboxException;
import dev.osc.engine.sandbox.SandboxServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code osc sandbox}: a local MariaDB set up for osc, to try osc out without touching a real server. */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {
                "Runs a throwaway local MariaDB server set up for osc: row-based binlog with full row images"
                        + " and metadata, listening on 127.0.0.1 only, root without a password.",
                "All its files live in one directory; it keeps running after this command returns."},
        subcommands = {SandboxCommand.Start.class, SandboxCommand.Stop.class, SandboxCommand.Status.class})
public final class SandboxCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_PORT_IN_USE = 3;

    @Spec
    CommandSpec spec;

    /** Without a subcommand there is nothing to do but explain. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The sandbox directory option, the same on every subcommand. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "D", defaultValue = ".osc-sandbox",
                description = "Directory holding the sandbox's data and logs"
                        + " (default: ${DEFAULT-VALUE} in the current directory).")
        Path dir;

        Path absolute() {
            return dir.toAbsolutePath().normalize();
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the sandbox server (creating its data directory on first use) and prints how"
                    + " to connect. Exits 0 when it runs (also if it already did), 3 if the port is in use.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DirOption dir;

        @Option(names = "--port", paramLabel = "P", defaultValue = "3307",
                description = "TCP port to listen on at 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port).")
        int port;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<SandboxServer> running = SandboxServer.find(dir.absolute());
            if (running.isPresent()) {
                SandboxServer server = running.get();
                boolean portAsked = spec.commandLine().getParseResult().hasMatchedOption("--port");
                String other = portAsked && port != 0 && port != server.port()
                        ? " (not on the requested port " + port + ")" : "";
                out.println("A sandbox is already running in " + server.dir() + " on 127.0.0.1:" + server.port()
                        + other + ", pid " + server.pid() + ".");
                printConnectLines(out, server);
                return EXIT_OK;
            }
            try {
                SandboxServer server = SandboxServer.start(dir.absolute(), port);
                out.println("Sandbox MariaDB started in " + server.dir() + " on 127.0.0.1:" + server.port()
                        + ", pid " + server.pid() + ".");
                printConnectLines(out, server);
                return EXIT_OK;
            } catch (PortInUseException e) {
                err.println("Port " + e.port() + " on 127.0.0.1 is already in use: choose another with --port,"
                        + " or --port 0 for any free port.");
                return EXIT_PORT_IN_USE;
            } catch (SandboxException e) {
                err.println(e.getMessage());
                return EXIT_FAILED;
            }
        }

        private static void printConnectLines(PrintWriter out, SandboxServer server) {
            out.println("Connect with:");
            server.connectHint().lines().forEach(line -> out.println("  " + line));
            out.println("Stop it with:");
            out.println("  osc sandbox stop --dir " + server.dir());
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Shuts the sandbox server down and waits until its process has exited. The data"
                    + " directory stays for the next start. Exits 0 also when no sandbox was running.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DirOption dir;

        @Option(names = "--port", paramLabel = "P",
                description = "Only stop the sandbox if it listens on this port (default: whatever port it uses).")
        Integer port;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<SandboxServer> running = SandboxServer.find(dir.absolute());
            if (running.isEmpty()) {
                out.println("no sandbox running in " + dir.absolute());
                return EXIT_OK;
            }
            SandboxServer server = running.get();
            if (port != null && port != server.port()) {
                err.println("The sandbox in " + server.dir() + " listens on port " + server.port() + ", not " + port
                        + ": not stopped.");
                return EXIT_FAILED;
            }
            try {
                server.stop();
            } catch (SandboxException e) {
                err.println(e.getMessage());
                return EXIT_FAILED;
            }
            out.println("Sandbox in " + server.dir() + " stopped (port " + server.port() + ", pid " + server.pid() + ").");
            return EXIT_OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Tells whether the sandbox server runs, with its port and pid. Exits 0 if it runs, 1 if not.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DirOption dir;

        @Option(names = "--port", paramLabel = "P",
                description = "Only count the sandbox as running if it listens on this port"
                        + " (default: whatever port it uses).")
        Integer port;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<SandboxServer> running = SandboxServer.find(dir.absolute());
            if (running.isEmpty()) {
                out.println("not running: no sandbox in " + dir.absolute());
                return EXIT_FAILED;
            }
            SandboxServer server = running.get();
            if (port != null && port != server.port()) {
                out.println("not running on port " + port + ": the sandbox in " + server.dir()
                        + " listens on port " + server.port() + " (pid " + server.pid() + ")");
                return EXIT_FAILED;
            }
            out.println("running in " + server.dir() + " on 127.0.0.1:" + server.port() + ", pid " + server.pid());
            return EXIT_OK;
        }
    }
}
