package dev.osc.cli;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import picocli.CommandLine.Option;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where to connect. The password never comes from the command line (it would show in the
 * process list): from OSC_PASSWORD, a file, or a prompt.
 */
public final class ConnectionOptions {
    static final String PASSWORD_ENV = "OSC_PASSWORD";

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "3306", description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--user", required = true, description = "User to connect as.")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from the first line of FILE. Otherwise the environment variable "
                    + PASSWORD_ENV + " is used, or none.")
    Path passwordFile;

    @Option(names = "--ask-password", description = "Prompt for the password on the terminal.")
    boolean askPassword;

    public ConnectionConfig toConfig() {
        return new ConnectionConfig(host, port, user, password());
    }

    private String password() {
        if (passwordFile != null && askPassword) {
            throw OscException.badInput("give either --password-file or --ask-password, not both");
        }
        if (passwordFile != null) {
            try {
                String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
                int nl = text.indexOf('\n');
                return (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
            } catch (IOException e) {
                throw OscException.badInput("cannot read --password-file " + passwordFile + ": " + e.getMessage());
            }
        }
        if (askPassword) {
            Console console = System.console();
            if (console == null) {
                throw OscException.badInput("--ask-password needs a terminal; use " + PASSWORD_ENV + " or --password-file");
            }
            char[] pw = console.readPassword("Password for %s@%s: ", user, host);
            return pw == null ? "" : new String(pw);
        }
        String env = System.getenv(PASSWORD_ENV);
        return env == null ? "" : env;
    }
}
