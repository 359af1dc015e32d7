package dev.osc.throttler.lag;

/**
 * Where a replica listens, as given with {@code --replica host:port} or found by
 * {@link ReplicaDiscovery}. Prints as {@code host:port}, with an IPv6 address in brackets.
 */
public record ReplicaAddress(String host, int port) {
    public static final int DEFAULT_PORT = 3306;

    public ReplicaAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("A replica address needs a host");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("Replica port " + port + " on " + host + " is not from 1 to 65535");
        }
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port}, or a bare host or {@code [ipv6]} for port 3306.
     *
     * @throws IllegalArgumentException with a message that shows the text and the expected form
     */
    public static ReplicaAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Empty replica address: expected host:port, e.g. db2:3306");
        }
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw bad(text, "the IPv6 address has no closing ']'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw bad(text, "expected ':port' after ']'");
            }
            port = rest.isEmpty() ? null : rest.substring(1);
            if (host.isEmpty()) {
                throw bad(text, "the brackets hold no address");
            }
        } else {
            int first = s.indexOf(':');
            if (first != s.lastIndexOf(':')) {
                throw bad(text, "an IPv6 address needs brackets, e.g. [::1]:3306");
            }
            host = first < 0 ? s : s.substring(0, first);
            port = first < 0 ? null : s.substring(first + 1);
            if (host.isEmpty()) {
                throw bad(text, "the host is missing");
            }
        }
        if (host.chars().anyMatch(Character::isWhitespace)) {
            throw bad(text, "the host contains a space");
        }
        return new ReplicaAddress(host, port == null ? DEFAULT_PORT : parsePort(text, port));
    }

    private static int parsePort(String text, String port) {
        if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9') || port.length() > 5) {
            throw bad(text, "the port '" + port + "' is not a number from 1 to 65535");
        }
        int n = Integer.parseInt(port);
        if (n < 1 || n > 65_535) {
            throw bad(text, "the port " + n + " is not from 1 to 65535");
        }
        return n;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("Bad replica address '" + text + "': " + why
                + " (expected host:port, e.g. db2:3306 or [2001:db8::5]:3306)");
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
